"""Golden tests: Responses API SSE → OpenAI ``chat.completion.chunk`` SSE.

Upstream streams come from ``Script`` (checked against the ``openai`` SDK's event models).
Every frame the translator emits is parsed like a strict client would (no ``data: null``,
every chunk a valid ``ChatCompletionChunk``), and whole streams are folded by the SDK's own
stream accumulator, so "the tool call's arguments arrive whole" is judged by the SDK.
"""

from __future__ import annotations

from typing import Any

import pytest
from openai.lib.streaming.chat import ChatCompletionStreamState
from openai.types.chat import ChatCompletionChunk
from test_responses_upstream_script import (
    CREATED_AT,
    RESP_ID,
    UPSTREAM_MODEL,
    Script,
    error_event,
    failed,
    full_script,
)

from omniroute.builtin.responses.upstream import ResponsesUpstreamTranslator
from omniroute.builtin.responses.upstream.stream import TRUNCATED
from omniroute_plugin_testkit.sse import parse_sse

TRANSLATOR = ResponsesUpstreamTranslator()


def run(events: list[dict[str, Any]], include_usage: bool = False) -> list[bytes]:
    """The client frames for ``events``, fed like the relay feeds them, then ``finish``."""
    stream = TRANSLATOR.stream("gpt-5", include_usage)
    frames: list[bytes] = []
    for event in events:
        frames.extend(stream.feed(event["type"], event))
    frames.extend(stream.finish())
    return frames


def payloads(frames: list[bytes]) -> list[Any]:
    """Each frame's data, parsed; ``[DONE]`` stays a string. Checks every frame is whole."""
    out: list[Any] = []
    for frame in frames:
        assert frame.startswith(b"data: ")
        assert frame.endswith(b"\n\n")
        (event,) = parse_sse(frame)
        assert event.data != "null", "data: null must never be emitted (#1052)"
        out.append("[DONE]" if event.done else event.json())
    return out


def chunks(frames: list[bytes]) -> list[dict[str, Any]]:
    """The chunks of a complete stream, each checked against the openai SDK's model."""
    data = payloads(frames)
    assert data[-1] == "[DONE]"
    assert "[DONE]" not in data[:-1]
    for chunk in data[:-1]:
        ChatCompletionChunk.model_validate(chunk)
        assert chunk["id"] == RESP_ID
        assert chunk["object"] == "chat.completion.chunk"
        assert chunk["model"] == UPSTREAM_MODEL
        assert chunk["created"] == CREATED_AT
    return data[:-1]


def deltas(frames: list[bytes]) -> list[dict[str, Any]]:
    return [chunk["choices"][0]["delta"] for chunk in chunks(frames) if chunk["choices"]]


def folded(frames: list[bytes]) -> Any:
    """The final choice as the openai SDK's stream accumulator builds it."""
    state = ChatCompletionStreamState()
    for chunk in chunks(frames):
        state.handle_chunk(ChatCompletionChunk.model_validate(chunk))
    return state.get_final_completion().choices[0]


def finish_reason(frames: list[bytes]) -> str:
    """The one finish reason of a complete stream."""
    (reason,) = [c["choices"][0]["finish_reason"] for c in chunks(frames) if _finishes(c)]
    return str(reason)


def _finishes(chunk: dict[str, Any]) -> bool:
    return bool(chunk["choices"] and chunk["choices"][0]["finish_reason"])


# -- text -----------------------------------------------------------------------------------


def test_text_stream_golden() -> None:
    data = payloads(run(Script().message("Hello", ", world").events()))
    assert data == [
        {
            "id": RESP_ID,
            "object": "chat.completion.chunk",
            "created": CREATED_AT,
            "model": UPSTREAM_MODEL,
            "choices": [
                {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}
            ],
        },
        *(
            {
                "id": RESP_ID,
                "object": "chat.completion.chunk",
                "created": CREATED_AT,
                "model": UPSTREAM_MODEL,
                "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
            }
            for piece in ("Hello", ", world")
        ),
        {
            "id": RESP_ID,
            "object": "chat.completion.chunk",
            "created": CREATED_AT,
            "model": UPSTREAM_MODEL,
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        },
        "[DONE]",
    ]


def test_each_text_delta_is_sent_at_once() -> None:
    stream = TRANSLATOR.stream("gpt-5", include_usage=False)
    events = Script().message("Hel", "lo").events()
    out = [stream.feed(event["type"], event) for event in events]
    sent = [(event["type"], len(frames)) for event, frames in zip(events, out, strict=True)]
    assert sent == [
        ("response.created", 1),
        ("response.in_progress", 0),
        ("response.output_item.added", 0),
        ("response.content_part.added", 0),
        ("response.output_text.delta", 1),
        ("response.output_text.delta", 1),
        ("response.output_text.done", 0),
        ("response.content_part.done", 0),
        ("response.output_item.done", 0),
        ("response.completed", 2),
    ]


def test_usage_chunk_only_when_asked_for() -> None:
    events = Script().message("Hi").events()
    assert not any(chunk.get("usage") for chunk in chunks(run(events)))
    last = chunks(run(events, include_usage=True))[-1]
    assert last["choices"] == []
    assert last["usage"] == {
        "prompt_tokens": 321,
        "completion_tokens": 148,
        "total_tokens": 469,
        "prompt_tokens_details": {"cached_tokens": 128},
        "completion_tokens_details": {"reasoning_tokens": 64},
    }


def test_no_usage_chunk_without_upstream_usage() -> None:
    frames = run(Script().message("Hi").events(usage=None), include_usage=True)
    assert all(chunk["choices"] for chunk in chunks(frames))


def test_two_messages_are_separated_by_a_blank_line() -> None:
    """A preamble message and the final answer (Codex's commentary phase) do not run into
    each other, exactly as in the non-streamed answer."""
    events = Script().message("Looking.").message("Done", ".").events()
    assert folded(run(events)).message.content == "Looking.\n\nDone."


def test_refusal_streams_to_the_refusal_field() -> None:
    script = Script()
    events = script.events()
    where = {"item_id": "msg_r", "output_index": 0, "content_index": 0}
    refusal = [
        {"type": "response.refusal.delta", **where, "delta": "I can't"},
        {"type": "response.refusal.delta", **where, "delta": " help."},
        {"type": "response.refusal.done", **where, "refusal": "I can't help."},
    ]
    choice = folded(run([*events[:2], *refusal, events[-1]]))
    assert choice.message.refusal == "I can't help."
    assert not choice.message.content


# -- reasoning ------------------------------------------------------------------------------


def test_reasoning_summary_streams_as_reasoning_content() -> None:
    events = Script().reasoning(("**Plan**", "\n\nAdd."), ("Then", " check.")).message("4").events()
    out = deltas(run(events))
    assert out[1:6] == [
        {"reasoning_content": "**Plan**"},
        {"reasoning_content": "\n\nAdd."},
        {"reasoning_content": "\n\nThen"},  # the second summary part starts on its own
        {"reasoning_content": " check."},
        {"content": "4"},
    ]


def test_raw_reasoning_text_streams_as_reasoning_content() -> None:
    """Models that expose their reasoning (gpt-oss behind Responses servers) send
    ``reasoning_text`` parts instead of a summary."""
    events = Script().events()
    where = {"item_id": "rs_1", "output_index": 0, "content_index": 0}
    raw = [
        {"type": "response.reasoning_text.delta", **where, "delta": "2+2"},
        {"type": "response.reasoning_text.delta", **where, "delta": " is 4"},
        {"type": "response.reasoning_text.done", **where, "text": "2+2 is 4"},
    ]
    out = deltas(run([*events[:2], *raw, events[-1]]))
    reasoning = [d["reasoning_content"] for d in out if "reasoning_content" in d]
    assert reasoning == ["2+2", " is 4"]


# -- tool calls -----------------------------------------------------------------------------


def test_function_call_stream_golden() -> None:
    events = Script().call("get_weather", "call_WQ7Lz9", '{"city"', ':"Paris"}').events()
    frames = run(events)
    assert deltas(frames)[1:] == [
        {
            "tool_calls": [
                {
                    "index": 0,
                    "id": "call_WQ7Lz9",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": ""},
                }
            ]
        },
        {"tool_calls": [{"index": 0, "function": {"arguments": '{"city"'}}]},
        {"tool_calls": [{"index": 0, "function": {"arguments": ':"Paris"}'}}]},
        {},
    ]
    assert finish_reason(frames) == "tool_calls"


def test_reasoning_text_and_calls_fold_into_one_message() -> None:
    frames = run(full_script().events(), include_usage=True)
    choice = folded(frames)
    assert choice.finish_reason == "tool_calls"
    assert choice.message.reasoning_content == "**Checking the weather**\n\nNeed a tool."
    assert choice.message.content == "Let me check."
    (call,) = choice.message.tool_calls
    assert call.id == "call_WQ7Lz9"
    assert call.function.name == "get_weather"
    assert call.function.arguments == '{"city":"Paris"}'


def test_parallel_calls_are_numbered_among_calls_only() -> None:
    script = Script().reasoning(("Two cities.",))
    script.call("get_weather", "call_A", '{"city":"Paris"}')
    script.call("get_weather", "call_B", '{"city":', '"Rome"}')
    calls = folded(run(script.events())).message.tool_calls
    assert [(c.id, c.function.arguments) for c in calls] == [
        ("call_A", '{"city":"Paris"}'),
        ("call_B", '{"city":"Rome"}'),
    ]
    indexes = [
        call["index"]
        for delta in deltas(run(script.events()))
        for call in delta.get("tool_calls", ())
    ]
    assert indexes == [0, 0, 1, 1, 1]


def test_the_last_argument_piece_is_never_lost() -> None:
    """An upstream whose final piece comes only in ``function_call_arguments.done``."""
    events = Script().call("get_weather", "call_1", '{"city"', ':"Paris"}').events()
    last_delta = max(
        i for i, e in enumerate(events) if e["type"] == "response.function_call_arguments.delta"
    )
    del events[last_delta]
    call = folded(run(events)).message.tool_calls[0]
    assert call.function.arguments == '{"city":"Paris"}'


def test_a_call_announced_only_when_done_is_sent_whole() -> None:
    events = [
        e
        for e in Script().call("lookup", "call_9", '{"q":', '"x"}').events()
        if e["type"] not in ("response.output_item.added", "response.function_call_arguments.delta")
    ]
    call = folded(run(events)).message.tool_calls[0]
    assert (call.id, call.function.name, call.function.arguments) == (
        "call_9",
        "lookup",
        '{"q":"x"}',
    )


def test_a_call_without_arguments_gets_an_empty_object() -> None:
    call = folded(run(Script().call("now", "call_0").events())).message.tool_calls[0]
    assert call.function.arguments == "{}"


# -- whole items only, and Codex's empty final output ---------------------------------------


def test_an_upstream_sending_only_whole_items_loses_nothing() -> None:
    kept = ("response.created", "response.output_item.done", "response.completed")
    events = [e for e in full_script().events(codex=True) if e["type"] in kept]
    choice = folded(run(events))
    assert choice.message.reasoning_content == "**Checking the weather**\n\nNeed a tool."
    assert choice.message.content == "Let me check."
    assert choice.message.tool_calls[0].function.arguments == '{"city":"Paris"}'


def test_a_final_response_alone_is_a_whole_answer() -> None:
    (completed,) = [e for e in full_script().events() if e["type"] == "response.completed"]
    choice = folded(run([completed]))
    assert choice.message.content == "Let me check."
    assert choice.message.tool_calls[0].id == "call_WQ7Lz9"


def test_nothing_is_sent_twice() -> None:
    """Deltas, ``.done`` events, ``output_item.done`` and the final output all describe the
    same text; each character reaches the client once."""
    choice = folded(run(full_script().events()))
    assert choice.message.content == "Let me check."
    assert choice.message.tool_calls[0].function.arguments == '{"city":"Paris"}'


def test_codex_empty_final_output_keeps_the_streamed_answer() -> None:
    choice = folded(run(full_script().events(codex=True)))
    assert choice.message.content == "Let me check."
    assert choice.finish_reason == "tool_calls"


# -- endings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "expected"),
    [("max_output_tokens", "length"), ("content_filter", "content_filter")],
)
def test_incomplete_response_finish_reason(reason: str, expected: str) -> None:
    frames = run(Script().message("Once upon").events("incomplete", reason))
    assert finish_reason(frames) == expected


def test_response_failed_ends_with_an_openai_error_frame() -> None:
    events = Script().message("Hel").head()[:5]
    data = payloads(run([*events, failed("The model crashed", "server_error")]))
    assert data[-1] == {
        "error": {
            "message": "The model crashed",
            "type": "upstream_error",
            "code": "server_error",
            "param": None,
        }
    }
    assert "[DONE]" not in data


def test_error_event_ends_with_an_openai_error_frame() -> None:
    data = payloads(run([Script().events()[0], error_event("Rate limit reached")]))
    assert data[-1]["error"]["message"] == "Rate limit reached"
    assert data[-1]["error"]["code"] == "rate_limit_exceeded"


def test_nothing_after_the_end() -> None:
    stream = TRANSLATOR.stream("gpt-5", include_usage=False)
    for event in Script().message("Hi").events():
        stream.feed(event["type"], event)
    assert stream.feed("response.output_text.delta", {"type": "response.output_text.delta"}) == []
    assert stream.feed(None, None) == []
    assert stream.finish() == []


def test_cut_off_stream_ends_with_an_error_not_a_finish() -> None:
    data = payloads(run(Script().message("Hel", "lo").head()))
    assert data[-1]["error"]["message"] == TRUNCATED
    assert not any(_finishes(d) for d in data if "choices" in d)


def test_done_sentinel_and_unknown_events_send_nothing() -> None:
    stream = TRANSLATOR.stream("gpt-5", include_usage=False)
    assert stream.feed(None, None) == []
    assert stream.feed("response.web_search_call.searching", {"type": "x", "item_id": "ws"}) == []


def test_content_before_response_created_still_starts_with_the_role() -> None:
    events = [e for e in Script().message("Hi").events() if e["type"] != "response.created"]
    first = payloads(run(events))[0]
    assert first["choices"][0]["delta"] == {"role": "assistant", "content": ""}
