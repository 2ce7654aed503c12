"""Golden tests: Gemini ``streamGenerateContent?alt=sse`` → OpenAI ``chat.completion.chunk`` SSE.

Each upstream event is a whole ``GenerateContentResponse``, parsed first by the official
``google-genai`` SDK. Every frame the translator emits is parsed like a strict client would
(no ``data: null``, every chunk a valid ``ChatCompletionChunk``) and the whole stream is folded
by the official ``openai`` SDK's own stream accumulator, so "the tool call arrives whole, with
its signature" is judged by the SDK.
"""

from __future__ import annotations

import base64
import copy
from typing import Any

import pytest
from google.genai import types
from openai.lib.streaming.chat import ChatCompletionStreamState
from openai.types.chat import ChatCompletionChunk

from omniroute_plugin_gemini.openai_client import OpenAIClientTranslator
from omniroute_plugin_gemini.openai_client.stream import TRUNCATED
from omniroute_plugin_testkit.sse import parse_sse

TRANSLATOR = OpenAIClientTranslator()
MODEL = "gemini-2.5-flash"
RESPONSE_ID = "ZUhPaNvOJ-7FnvgP0NmY-AY"
CHUNK_ID = f"chatcmpl-{RESPONSE_ID}"
SIG = base64.b64encode(b"\x12\x8d\x01signature of the first call").decode()
TEXT_SIG = base64.b64encode(b"\x12\x8d\x01signature of the answer").decode()
WEATHER_CALL = {"name": "get_weather", "args": {"city": "Paris"}}
_OPENAI_FINISH = {"stop", "length", "tool_calls", "content_filter", "function_call", None}


# -- upstream events ------------------------------------------------------------------------


def event(
    *parts: dict[str, Any], finish: str | None = None, usage: dict[str, int] | None = None
) -> dict[str, Any]:
    candidate: dict[str, Any] = {"content": {"role": "model", "parts": list(parts)}, "index": 0}
    if finish is not None:
        candidate["finishReason"] = finish
    out: dict[str, Any] = {
        "candidates": [candidate],
        "modelVersion": MODEL,
        "responseId": RESPONSE_ID,
    }
    if usage is not None:
        out["usageMetadata"] = usage
    types.GenerateContentResponse.model_validate(out)
    return out


def usage(prompt: int = 10, output: int = 5, thoughts: int = 0) -> dict[str, int]:
    out = {"promptTokenCount": prompt, "candidatesTokenCount": output}
    if thoughts:
        out["thoughtsTokenCount"] = thoughts
    out["totalTokenCount"] = prompt + output + thoughts
    return out


def text_stream(*pieces: str) -> list[dict[str, Any]]:
    *head, last = pieces
    return [
        *(event({"text": piece}, usage=usage(output=i + 1)) for i, piece in enumerate(head)),
        event({"text": last}, finish="STOP", usage=usage()),
    ]


# -- running the translator like the relay does ----------------------------------------------


def run(
    events: list[dict[str, Any]], include_usage: bool = False, finish: bool = True
) -> list[bytes]:
    stream = TRANSLATOR.stream(MODEL, include_usage)
    frames: list[bytes] = []
    for data in events:
        frames.extend(stream.feed(None, data))
    if finish:
        frames.extend(stream.finish())
    return frames


def payloads(frames: list[bytes]) -> list[Any]:
    """Each frame's data, parsed; ``[DONE]`` stays a string. Checks every frame is whole."""
    out: list[Any] = []
    for frame in frames:
        assert frame.startswith(b"data: ")
        assert frame.endswith(b"\n\n")
        (parsed,) = parse_sse(frame)
        assert parsed.data != "null", "data: null must never be emitted (#1052)"
        out.append("[DONE]" if parsed.done else parsed.json())
    return out


def chunks(frames: list[bytes]) -> list[dict[str, Any]]:
    """The chunks of a complete stream, each checked against the openai SDK's model."""
    data = payloads(frames)
    assert data[-1] == "[DONE]"
    assert "[DONE]" not in data[:-1]
    for chunk in data[:-1]:
        strict = copy.deepcopy(chunk)
        for choice in strict["choices"]:
            if choice["finish_reason"] not in _OPENAI_FINISH:
                choice["finish_reason"] = "stop"  # abort reasons pass through on purpose
        ChatCompletionChunk.model_validate(strict)
        assert chunk["id"] == CHUNK_ID
        assert chunk["object"] == "chat.completion.chunk"
        assert chunk["model"] == MODEL
        assert isinstance(chunk["created"], int)
    return data[:-1]  # type: ignore[no-any-return]


def deltas(frames: list[bytes]) -> list[tuple[dict[str, Any], str | None]]:
    return [
        (choice["delta"], choice["finish_reason"])
        for chunk in chunks(frames)
        for choice in chunk["choices"]
    ]


def fold(frames: list[bytes]) -> Any:
    """The completion the openai SDK's accumulator builds from the stream."""
    state = ChatCompletionStreamState()
    for chunk in chunks(frames):
        state.handle_chunk(ChatCompletionChunk.model_validate(chunk))
    return state.get_final_completion()


# -- text and reasoning ---------------------------------------------------------------------


def test_text_stream() -> None:
    assert deltas(run(text_stream("Hel", "lo", "!"))) == [
        ({"role": "assistant", "content": ""}, None),
        ({"content": "Hel"}, None),
        ({"content": "lo"}, None),
        ({"content": "!"}, None),
        ({}, "stop"),
    ]


def test_usage_chunk_only_when_asked_and_from_the_last_usage() -> None:
    events = [*text_stream("a", "b"), {"usageMetadata": usage(output=9), "responseId": RESPONSE_ID}]
    with_usage = chunks(run(events, include_usage=True))
    assert with_usage[-1]["choices"] == []
    assert with_usage[-1]["usage"] == {
        "prompt_tokens": 10,
        "completion_tokens": 9,
        "total_tokens": 19,
        "prompt_tokens_details": {"cached_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 0},
    }
    assert all("usage" not in chunk for chunk in chunks(run(events)))


def test_thoughts_stream_as_reasoning_and_the_signature_arrives_once() -> None:
    frames = run(
        [
            event({"text": "Thinking about ", "thought": True}),
            event({"text": "France.", "thought": True}),
            event({"text": "Paris"}),
            event({"text": "", "thoughtSignature": TEXT_SIG}, {"text": "."}),
            event({"text": "", "thoughtSignature": SIG}, finish="STOP", usage=usage(thoughts=7)),
        ],
        include_usage=True,
    )
    assert deltas(frames)[:6] == [
        ({"role": "assistant", "content": ""}, None),
        ({"reasoning_content": "Thinking about "}, None),
        ({"reasoning_content": "France."}, None),
        ({"content": "Paris"}, None),
        (
            {"content": ".", "extra_content": {"google": {"thought_signature": TEXT_SIG}}},
            None,
        ),
        ({}, "stop"),
    ]
    completion = fold(frames)
    message = completion.choices[0].message
    assert message.content == "Paris."
    assert message.reasoning_content == "Thinking about France."  # type: ignore[attr-defined]
    assert message.extra_content == {"google": {"thought_signature": TEXT_SIG}}  # type: ignore[attr-defined]
    assert completion.usage.completion_tokens_details.reasoning_tokens == 7


# -- tool calls -----------------------------------------------------------------------------


def test_function_calls_arrive_whole_with_their_signatures() -> None:
    frames = run(
        [
            event({"text": "Let me check.", "thought": True}),
            event(
                {"functionCall": WEATHER_CALL, "thoughtSignature": SIG},
                {"functionCall": {"name": "get_time", "args": {}}},
            ),
            event({"functionCall": {"name": "get_news"}}, finish="STOP", usage=usage()),
        ]
    )
    assert deltas(frames)[2:] == [
        (
            {
                "tool_calls": [
                    {
                        "index": 0,
                        "id": f"call_{RESPONSE_ID}_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
                        "extra_content": {"google": {"thought_signature": SIG}},
                    },
                    {
                        "index": 1,
                        "id": f"call_{RESPONSE_ID}_2",
                        "type": "function",
                        "function": {"name": "get_time", "arguments": "{}"},
                    },
                ]
            },
            None,
        ),
        (
            {
                "tool_calls": [
                    {
                        "index": 2,
                        "id": f"call_{RESPONSE_ID}_3",
                        "type": "function",
                        "function": {"name": "get_news", "arguments": "{}"},
                    }
                ]
            },
            None,
        ),
        ({}, "tool_calls"),
    ]
    completion = fold(frames)
    assert completion.choices[0].finish_reason == "tool_calls"
    calls = [call.to_dict() for call in completion.choices[0].message.tool_calls or ()]
    assert [(c["function"]["name"], c["function"]["arguments"]) for c in calls] == [
        ("get_weather", '{"city":"Paris"}'),
        ("get_time", "{}"),
        ("get_news", "{}"),
    ]
    assert calls[0]["extra_content"] == {"google": {"thought_signature": SIG}}
    assert "extra_content" not in calls[1]


@pytest.mark.parametrize(
    ("reason", "finish"),
    [
        ("MAX_TOKENS", "length"),
        ("SAFETY", "content_filter"),
        ("MALFORMED_FUNCTION_CALL", "malformed_function_call"),
    ],
)
def test_finish_reasons(reason: str, finish: str) -> None:
    assert deltas(run([event({"text": "x"}, finish=reason)]))[-1] == ({}, finish)


# -- several candidates, blocked prompts, failures -------------------------------------------


def test_every_candidate_is_a_choice() -> None:
    def part(index: int, part: dict[str, Any], **finish: str) -> dict[str, Any]:
        return {"content": {"role": "model", "parts": [part]}, "index": index, **finish}

    two = {
        "candidates": [part(0, {"text": "A"}), part(1, {"text": "B"})],
        "responseId": RESPONSE_ID,
    }
    done = {
        "candidates": [
            part(0, {"text": "!"}, finishReason="STOP"),
            part(1, {"functionCall": {"name": "f"}}, finishReason="STOP"),
        ],
        "responseId": RESPONSE_ID,
    }
    types.GenerateContentResponse.model_validate(two)
    types.GenerateContentResponse.model_validate(done)
    completion = fold(run([two, done]))
    assert [(c.index, c.message.content, c.finish_reason) for c in completion.choices] == [
        (0, "A!", "stop"),
        (1, "B", "tool_calls"),
    ]


def test_a_blocked_prompt_is_a_refusal() -> None:
    blocked = {
        "promptFeedback": {"blockReason": "SAFETY"},
        "usageMetadata": usage(output=0),
        "responseId": RESPONSE_ID,
    }
    types.GenerateContentResponse.model_validate(blocked)
    frames = run([blocked])
    assert deltas(frames) == [
        ({"role": "assistant", "content": ""}, None),
        ({"refusal": "Gemini blocked the prompt (SAFETY)."}, None),
        ({}, "content_filter"),
    ]


def test_an_upstream_error_event_ends_the_stream() -> None:
    stream = TRANSLATOR.stream(MODEL, include_usage=True)
    first = stream.feed(None, event({"text": "Hi"}))
    error = {"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}}
    frames = stream.feed(None, error)
    assert payloads(frames) == [
        {
            "error": {
                "message": "The model is overloaded.",
                "type": "UNAVAILABLE",
                "code": "UNAVAILABLE",
                "param": None,
            }
        }
    ]
    assert len(first) == 2
    assert stream.feed(None, event({"text": "more"}, finish="STOP")) == []
    assert stream.finish() == []


def test_a_stream_cut_off_before_its_finish_reason_ends_with_an_error() -> None:
    frames = run([event({"text": "Hel"}), event({"text": "lo"})])
    *_, last = payloads(frames)
    assert last == {
        "error": {
            "message": TRUNCATED,
            "type": "upstream_error",
            "code": "upstream_error",
            "param": None,
        }
    }
    assert "[DONE]" not in payloads(frames)
    assert payloads(run([])) == [last]


def test_done_sentinels_and_finish_twice_add_nothing() -> None:
    stream = TRANSLATOR.stream(MODEL, include_usage=False)
    assert stream.feed(None, None) == []
    stream.feed(None, event({"text": "x"}, finish="STOP"))
    assert stream.finish() == [b"data: [DONE]\n\n"]
    assert stream.finish() == []


def test_chunk_id_without_a_response_id() -> None:
    no_id = {
        "candidates": [
            {"content": {"role": "model", "parts": [{"text": "x"}]}, "finishReason": "STOP"}
        ]
    }
    frames = run([no_id])
    ids = {chunk["id"] for chunk in payloads(frames)[:-1]}
    assert len(ids) == 1
    assert ids.pop().startswith("chatcmpl-")
