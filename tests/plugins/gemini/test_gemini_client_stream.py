"""Golden tests: OpenAI chunk stream → Gemini ``alt=sse`` frames (``gemini -> openai``).

Each frame is checked the way the ``google-genai`` SDK reads it: ``data: <JSON object>``
and a blank line, no event name, never ``data: null`` (the original's #1052), and either an
``{"error": …}`` object or a ``GenerateContentResponse`` the SDK's own model accepts, whose
candidates all have content with parts (its chat helper drops a turn otherwise).
"""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from google.genai import types

from omniroute import SSEDecoder
from omniroute_plugin_gemini.gemini_client import GeminiClientTranslator
from omniroute_plugin_gemini.mapping import SKIP_THOUGHT_SIGNATURE

T = GeminiClientTranslator()
SIGNED = {"thoughtSignature": SKIP_THOUGHT_SIGNATURE}


def chunk(
    delta: dict[str, Any] | None = None, finish: str | None = None, **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": "chatcmpl-7",
        "object": "chat.completion.chunk",
        "choices": [{"index": 0, "delta": delta or {}, "finish_reason": finish}],
    }
    body.update(extra)
    return body


def usage_chunk(prompt: int = 10, completion: int = 5, reasoning: int = 0) -> dict[str, Any]:
    usage: dict[str, Any] = {"prompt_tokens": prompt, "completion_tokens": completion}
    if reasoning:
        usage["completion_tokens_details"] = {"reasoning_tokens": reasoning}
    return {"id": "chatcmpl-7", "object": "chat.completion.chunk", "choices": [], "usage": usage}


def tool(
    index: int | None, id: str | None = None, name: str | None = None, args: Any = None
) -> dict[str, Any]:
    call: dict[str, Any] = {"function": {}}
    if index is not None:
        call["index"] = index
    if id is not None:
        call["id"] = id
        call["type"] = "function"
    if name is not None:
        call["function"]["name"] = name
    if args is not None:
        call["function"]["arguments"] = args
    return call


def parse(frames: list[bytes]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    decoder = SSEDecoder()
    for frame in frames:
        assert frame.startswith(b"data: ")
        assert frame.endswith(b"\n\n")
        (event,) = decoder.feed(frame)
        assert event.event is None
        data = orjson.loads(event.data)
        assert isinstance(data, dict)
        if "error" not in data:
            parsed = types.GenerateContentResponse.model_validate(data)
            assert parsed.candidates
            for candidate in parsed.candidates:
                assert candidate.content is not None
                assert candidate.content.parts
        out.append(data)
    return out


def run(*items: dict[str, Any] | None, end: bool = True) -> list[dict[str, Any]]:
    stream = T.stream("gpt-4.1", include_usage=False)
    frames: list[bytes] = []
    for item in items:
        frames += stream.feed(None, item)
    if end:
        frames += stream.finish()
    assert stream.finish() == []  # finishing twice adds nothing
    return parse(frames)


def parts_of(frame: dict[str, Any]) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = frame["candidates"][0]["content"]["parts"]
    return parts


def all_parts(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [part for frame in frames for part in parts_of(frame)]


def calls_of(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [part["functionCall"] for part in all_parts(frames) if "functionCall" in part]


def test_text_stream_golden() -> None:
    frames = run(
        chunk({"role": "assistant", "content": ""}),
        chunk({"content": "Hello"}),
        chunk({"content": ", world"}, "stop"),
        usage_chunk(12, 3),
        None,
    )
    meta = {"modelVersion": "gpt-4.1", "responseId": "chatcmpl-7"}
    assert frames == [
        {
            "candidates": [
                {"content": {"role": "model", "parts": [{"text": "Hello"}]}, "index": 0}
            ],
            **meta,
        },
        {
            "candidates": [
                {"content": {"role": "model", "parts": [{"text": ", world"}]}, "index": 0}
            ],
            **meta,
        },
        {
            "candidates": [
                {
                    "content": {"role": "model", "parts": [{"text": ""}]},
                    "finishReason": "STOP",
                    "index": 0,
                }
            ],
            "usageMetadata": {
                "promptTokenCount": 12,
                "candidatesTokenCount": 3,
                "totalTokenCount": 15,
            },
            **meta,
        },
    ]


def test_reasoning_deltas_are_thought_parts() -> None:
    frames = run(
        chunk({"reasoning_content": "Let me "}),
        chunk({"reasoning": "think."}),
        chunk({"content": "Answer."}, "stop"),
        usage_chunk(5, 20, reasoning=15),
    )
    assert all_parts(frames) == [
        {"text": "Let me ", "thought": True},
        {"text": "think.", "thought": True},
        {"text": "Answer."},
        {"text": ""},
    ]
    assert frames[-1]["usageMetadata"] == {
        "promptTokenCount": 5,
        "candidatesTokenCount": 5,
        "totalTokenCount": 25,
        "thoughtsTokenCount": 15,
    }


def test_tool_calls_are_buffered_and_sent_whole() -> None:
    """A call goes out once the upstream starts the next one; the last with the finish."""
    frames = run(
        chunk({"content": "Reading."}),
        chunk({"tool_calls": [tool(0, "call_1", "read", "")]}),
        chunk({"tool_calls": [tool(0, args='{"path": ')]}),
        chunk({"tool_calls": [tool(0, args='"a.py"}')]}),
        chunk({"tool_calls": [tool(1, "call_2", "read", '{"path"')]}),
        chunk({"tool_calls": [tool(1, args=': "b.py"}')]}, "tool_calls"),
        usage_chunk(),
        None,
    )
    assert [parts_of(frame) for frame in frames] == [
        [{"text": "Reading."}],
        [{"functionCall": {"id": "call_1", "name": "read", "args": {"path": "a.py"}}, **SIGNED}],
        [{"functionCall": {"id": "call_2", "name": "read", "args": {"path": "b.py"}}}],
        [{"text": ""}],
    ]
    assert frames[-1]["candidates"][0]["finishReason"] == "STOP"


def test_last_argument_fragment_in_the_finish_chunk_is_kept() -> None:
    frames = run(
        chunk({"tool_calls": [tool(0, "c", "f", '{"a": 1, ')]}),
        chunk({"tool_calls": [tool(0, args='"b": 2}')]}, "tool_calls"),
        usage_chunk(),
    )
    assert calls_of(frames) == [{"id": "c", "name": "f", "args": {"a": 1, "b": 2}}]


def test_interleaved_fragments_are_never_cut_short() -> None:
    """Call 0 is incomplete when call 1 starts, so it waits, and order is kept."""
    frames = run(
        chunk({"tool_calls": [tool(0, "c0", "f", '{"x": ')]}),
        chunk({"tool_calls": [tool(1, "c1", "g", '{"y": 2}')]}),
        chunk({"tool_calls": [tool(0, args="1}")]}),
        chunk({}, "tool_calls"),
        usage_chunk(),
    )
    assert calls_of(frames) == [
        {"id": "c0", "name": "f", "args": {"x": 1}},
        {"id": "c1", "name": "g", "args": {"y": 2}},
    ]
    assert all_parts(frames)[0]["thoughtSignature"] == SKIP_THOUGHT_SIGNATURE
    assert sum("thoughtSignature" in part for part in all_parts(frames)) == 1


def test_several_calls_in_one_chunk() -> None:
    """Some upstreams (Gemini's OpenAI endpoint, Ollama) send each call whole."""
    frames = run(
        chunk(
            {"tool_calls": [tool(0, "a", "f", '{"n": 1}'), tool(1, "b", "f", '{"n": 2}')]},
            "tool_calls",
        ),
        usage_chunk(),
    )
    assert len(frames) == 2
    assert [c["args"] for c in calls_of(frames)] == [{"n": 1}, {"n": 2}]


def test_index_reused_for_a_second_call() -> None:
    frames = run(
        chunk({"tool_calls": [tool(0, "a", "f", '{"broken": ')]}),
        chunk({"tool_calls": [tool(0, "b", "g", "{}")]}),
        chunk({}, "tool_calls"),
        usage_chunk(),
    )
    assert calls_of(frames) == [
        {"id": "a", "name": "f", "args": {}},  # superseded while incomplete: its args are lost
        {"id": "b", "name": "g", "args": {}},
    ]


def test_calls_without_index() -> None:
    frames = run(
        chunk({"tool_calls": [tool(None, "a", "f", '{"k": ')]}),
        chunk({"tool_calls": [tool(None, args='"v"}')]}),
        chunk({"tool_calls": [tool(None, "b", "g", "{}")]}),
        chunk({"tool_calls": [tool(None, "a", args="")]}),
        chunk({}, "stop"),
        usage_chunk(),
    )
    assert calls_of(frames) == [
        {"id": "a", "name": "f", "args": {"k": "v"}},
        {"id": "b", "name": "g", "args": {}},
    ]


def test_fragment_for_a_sent_call_is_ignored_and_object_arguments_work() -> None:
    frames = run(
        chunk({"tool_calls": [tool(0, "a", "f", {"k": 1})]}),
        chunk({"tool_calls": [tool(1, "b", "g", "{}")]}),
        chunk({"tool_calls": [tool(0, args=" ")]}),
        chunk({}, "tool_calls"),
        usage_chunk(),
    )
    assert calls_of(frames) == [
        {"id": "a", "name": "f", "args": {"k": 1}},
        {"id": "b", "name": "g", "args": {}},
    ]


def test_usage_on_the_finish_chunk_completes_at_once() -> None:
    stream = T.stream("m", include_usage=True)
    frames = stream.feed(
        None, chunk({"content": "hi"}, "stop", usage={"prompt_tokens": 1, "completion_tokens": 1})
    )
    assert len(parse(frames)) == 2
    assert stream.feed(None, usage_chunk()) == []
    assert stream.feed(None, None) == []
    assert stream.finish() == []


def test_done_without_finish_reason_completes_with_pending_calls() -> None:
    frames = run(chunk({"tool_calls": [tool(0, "a", "f", '{"k": 1}')]}), None)
    assert frames[-1]["candidates"][0]["finishReason"] == "STOP"
    assert parts_of(frames[-1]) == [
        {"functionCall": {"id": "a", "name": "f", "args": {"k": 1}}, **SIGNED}
    ]
    assert frames[-1]["usageMetadata"]["totalTokenCount"] == 0


def test_end_after_finish_without_usage_completes() -> None:
    frames = run(chunk({"content": "x"}, "length"))
    assert frames[-1]["candidates"][0]["finishReason"] == "MAX_TOKENS"


def test_broken_stream_ends_with_an_error_and_no_truncated_call() -> None:
    frames = run(
        chunk({"content": "partial"}), chunk({"tool_calls": [tool(0, "a", "rm", '{"path": "/')]})
    )
    assert frames[-1] == {
        "error": {
            "code": 502,
            "message": "the upstream stream ended before the answer was complete",
            "status": "INTERNAL",
        }
    }
    assert calls_of(frames[:-1]) == []


@pytest.mark.parametrize(
    ("error", "code", "status"),
    [
        ({"message": "slow down", "type": "rate_limit_error"}, 429, "RESOURCE_EXHAUSTED"),
        ({"message": "quota", "code": "insufficient_quota"}, 429, "RESOURCE_EXHAUSTED"),
        ({"message": "busy", "type": "overloaded_error"}, 503, "UNAVAILABLE"),
        ({"message": "bad", "type": "invalid_request_error"}, 400, "INVALID_ARGUMENT"),
        ({"message": "who", "type": "authentication_error"}, 401, "UNAUTHENTICATED"),
        ({"message": "nope", "code": 403}, 403, "PERMISSION_DENIED"),
        ({"message": "huh"}, 500, "INTERNAL"),
        ("plain text", 500, "INTERNAL"),
    ],
)
def test_error_chunk_ends_the_stream(error: Any, code: int, status: str) -> None:
    stream = T.stream("m", include_usage=False)
    first = stream.feed(None, chunk({"content": "a"}))
    frames = parse(first + stream.feed(None, {"error": error}))
    message = error["message"] if isinstance(error, dict) else error
    assert frames[-1] == {"error": {"code": code, "message": message, "status": status}}
    assert stream.feed(None, chunk({"content": "late"})) == []
    assert stream.finish() == []


def test_empty_stream_still_answers() -> None:
    frames = run(None)
    assert frames == [
        {
            "candidates": [
                {
                    "content": {"role": "model", "parts": [{"text": ""}]},
                    "finishReason": "STOP",
                    "index": 0,
                }
            ],
            "usageMetadata": {
                "promptTokenCount": 0,
                "candidatesTokenCount": 0,
                "totalTokenCount": 0,
            },
            "modelVersion": "gpt-4.1",
            "responseId": frames[0]["responseId"],
        }
    ]


def test_several_choices_stream_as_several_candidates() -> None:
    def two(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
        return {"id": "chatcmpl-7", "choices": [first, second]}

    frames = run(
        two(
            {"index": 0, "delta": {"content": "A"}, "finish_reason": None},
            {"index": 1, "delta": {"content": "B"}, "finish_reason": None},
        ),
        two(
            {"index": 0, "delta": {}, "finish_reason": "stop"},
            {"index": 1, "delta": {}, "finish_reason": "length"},
        ),
        usage_chunk(),
    )
    assert [[c["content"]["parts"][0]["text"] for c in f["candidates"]] for f in frames[:1]] == [
        ["A", "B"]
    ]
    assert [(c["index"], c["finishReason"]) for c in frames[-1]["candidates"]] == [
        (0, "STOP"),
        (1, "MAX_TOKENS"),
    ]


def test_waits_for_every_choice_before_completing() -> None:
    stream = T.stream("m", include_usage=False)
    stream.feed(None, {"id": "x", "choices": [{"index": 1, "delta": {"content": "B"}}]})
    assert stream.feed(None, chunk({}, "stop", usage={"prompt_tokens": 1})) == []
    frames = parse(stream.finish())
    assert frames[-1]["error"]["code"] == 502
