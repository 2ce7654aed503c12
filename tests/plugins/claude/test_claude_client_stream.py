"""Golden tests: OpenAI chunk stream → Anthropic SSE events (``claude -> openai``).

Each frame is checked the way a strict client reads it: complete, named, ``data`` a JSON
object whose ``type`` matches the event name (never ``data: null``, the original's #1052),
and every Anthropic event valid for the ``anthropic`` SDK's own event model.
"""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from anthropic.types import RawMessageStreamEvent
from pydantic import TypeAdapter

from omniroute import SSEDecoder
from omniroute_plugin_claude.claude_client import ClaudeClientTranslator

T = ClaudeClientTranslator()
EVENT = TypeAdapter(RawMessageStreamEvent)
ZERO = {
    "input_tokens": 0,
    "output_tokens": 0,
    "cache_read_input_tokens": 0,
    "cache_creation_input_tokens": 0,
}

Event = tuple[str, dict[str, Any]]


def chunk(
    delta: dict[str, Any] | None = None, finish: str | None = None, **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": "chatcmpl-7",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "gpt-4.1",
        "choices": [{"index": 0, "delta": delta or {}, "finish_reason": finish}],
        "usage": None,
    }
    body.update(extra)
    return body


def usage_chunk(prompt: int = 10, completion: int = 5, cached: int = 0) -> dict[str, Any]:
    usage = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": cached},
    }
    return {"id": "chatcmpl-7", "object": "chat.completion.chunk", "choices": [], "usage": usage}


def tool(
    index: int, id: str | None = None, name: str | None = None, args: Any = None
) -> dict[str, Any]:
    call: dict[str, Any] = {"index": index, "function": {}}
    if id is not None:
        call["id"] = id
        call["type"] = "function"
    if name is not None:
        call["function"]["name"] = name
    if args is not None:
        call["function"]["arguments"] = args
    return call


def parse(frames: list[bytes]) -> list[Event]:
    events: list[Event] = []
    decoder = SSEDecoder()
    for frame in frames:
        assert isinstance(frame, bytes)
        assert frame.endswith(b"\n\n")
        (event,) = decoder.feed(frame)
        assert event.event is not None
        data = orjson.loads(event.data)
        assert isinstance(data, dict)
        assert data["type"] == event.event
        if event.event not in ("ping", "error"):
            EVENT.validate_python(data)
        events.append((event.event, data))
    return events


def run(*chunks: dict[str, Any], done: bool = True) -> list[Event]:
    stream = T.stream("claude-x", include_usage=False)
    frames: list[bytes] = []
    for item in chunks:
        frames += stream.feed(None, item)
    if done:
        frames += stream.feed(None, None)
    frames += stream.finish()
    return parse(frames)


def names(events: list[Event]) -> list[str]:
    return [name for name, _ in events]


def blocks(events: list[Event]) -> list[tuple[str, int, Any]]:
    """(event, index, start block or delta) for the content block events only."""
    out = []
    for name, data in events:
        if name == "content_block_start":
            out.append(("start", data["index"], data["content_block"]))
        elif name == "content_block_delta":
            out.append(("delta", data["index"], data["delta"]))
        elif name == "content_block_stop":
            out.append(("stop", data["index"], None))
    return out


def final(events: list[Event]) -> dict[str, Any]:
    ((_, delta),) = [e for e in events if e[0] == "message_delta"]
    return delta


def test_text_stream_golden() -> None:
    events = run(
        chunk({"role": "assistant", "content": ""}),
        chunk({"content": "Hel"}),
        chunk({"content": "lo"}),
        chunk({}, "stop"),
        usage_chunk(1200, 2, cached=1000),
    )
    assert events == [
        (
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": "msg_chatcmpl-7",
                    "type": "message",
                    "role": "assistant",
                    "model": "claude-x",
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": ZERO,
                },
            },
        ),
        ("ping", {"type": "ping"}),
        (
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
        ),
        (
            "content_block_delta",
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "text_delta", "text": "Hel"},
            },
        ),
        (
            "content_block_delta",
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "text_delta", "text": "lo"},
            },
        ),
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {
                    "input_tokens": 200,
                    "output_tokens": 2,
                    "cache_read_input_tokens": 1000,
                    "cache_creation_input_tokens": 0,
                },
            },
        ),
        ("message_stop", {"type": "message_stop"}),
    ]


def test_message_delta_waits_for_the_usage_chunk() -> None:
    stream = T.stream("m", include_usage=False)
    stream.feed(None, chunk({"content": "x"}))
    at_finish = parse(stream.feed(None, chunk({}, "stop")))
    assert names(at_finish) == ["content_block_stop"]
    after_usage = parse(stream.feed(None, usage_chunk(7, 3)))
    assert names(after_usage) == ["message_delta", "message_stop"]
    assert final(after_usage)["usage"]["output_tokens"] == 3
    assert stream.feed(None, None) == []
    assert stream.finish() == []


def test_usage_in_the_finish_chunk_ends_at_once() -> None:
    stream = T.stream("m", include_usage=False)
    stream.feed(None, chunk({"content": "x"}))
    usage = {"prompt_tokens": 4, "completion_tokens": 1}
    out = parse(stream.feed(None, chunk({}, "stop", usage=usage)))
    assert names(out) == ["content_block_stop", "message_delta", "message_stop"]


def test_usage_on_every_chunk_does_not_end_before_the_final_usage() -> None:
    """vLLM's continuous usage: counts arrive on every chunk, the final ones after finish."""
    running = {"prompt_tokens": 4, "completion_tokens": 1}
    events = run(
        chunk({"content": "a"}, usage=running),
        chunk({}, "stop"),
        usage_chunk(4, 2),
    )
    assert names(events)[-2:] == ["message_delta", "message_stop"]
    assert final(events)["usage"]["output_tokens"] == 2


def test_done_without_usage_ends_with_zero_usage() -> None:
    events = run(chunk({"content": "x"}), chunk({}, "stop"))
    assert names(events)[-2:] == ["message_delta", "message_stop"]
    assert final(events)["usage"] == ZERO


def test_done_without_finish_reason_is_a_normal_end() -> None:
    events = run(chunk({"content": "x"}))
    assert final(events)["delta"] == {"stop_reason": "end_turn", "stop_sequence": None}


def test_done_alone_is_an_empty_message() -> None:
    events = run()
    assert names(events) == ["message_start", "ping", "message_delta", "message_stop"]
    assert events[0][1]["message"]["id"].startswith("msg_")


def test_thinking_then_text_then_tools_get_increasing_indexes() -> None:
    events = run(
        chunk({"role": "assistant", "reasoning_content": ""}),
        chunk({"reasoning_content": "plan"}),
        chunk({"reasoning_content": " more"}),
        chunk({"content": "Doing it."}),
        chunk({"tool_calls": [tool(0, "call_a", "read", '{"pa')]}),
        chunk({"tool_calls": [tool(0, args='th":"a"}')]}),
        chunk({"tool_calls": [tool(1, "call_b", "read", '{"path":"b"}')]}),
        chunk({}, "tool_calls"),
        usage_chunk(),
    )
    assert blocks(events) == [
        ("start", 0, {"type": "thinking", "thinking": "", "signature": ""}),
        ("delta", 0, {"type": "thinking_delta", "thinking": "plan"}),
        ("delta", 0, {"type": "thinking_delta", "thinking": " more"}),
        ("stop", 0, None),
        ("start", 1, {"type": "text", "text": ""}),
        ("delta", 1, {"type": "text_delta", "text": "Doing it."}),
        ("stop", 1, None),
        ("start", 2, {"type": "tool_use", "id": "call_a", "name": "read", "input": {}}),
        ("delta", 2, {"type": "input_json_delta", "partial_json": '{"pa'}),
        ("delta", 2, {"type": "input_json_delta", "partial_json": 'th":"a"}'}),
        ("stop", 2, None),
        ("start", 3, {"type": "tool_use", "id": "call_b", "name": "read", "input": {}}),
        ("delta", 3, {"type": "input_json_delta", "partial_json": '{"path":"b"}'}),
        ("stop", 3, None),
    ]
    assert final(events)["delta"]["stop_reason"] == "tool_use"


def test_openrouter_reasoning_field() -> None:
    events = run(chunk({"reasoning": "r"}), chunk({"content": "t"}))
    assert [b[2]["type"] for b in blocks(events) if b[0] == "start"] == ["thinking", "text"]


def test_thinking_after_text_opens_a_new_block() -> None:
    events = run(
        chunk({"content": "a"}), chunk({"reasoning_content": "b"}), chunk({"content": "c"})
    )
    starts = [(b[1], b[2]["type"]) for b in blocks(events) if b[0] == "start"]
    assert starts == [(0, "text"), (1, "thinking"), (2, "text")]


def test_last_argument_fragment_in_the_finish_chunk_is_kept() -> None:
    """The original dropped a fragment that arrived together with the finish reason."""
    events = run(
        chunk({"tool_calls": [tool(0, "call_1", "f", '{"a":')]}),
        chunk({"tool_calls": [tool(0, args="1}")]}, "tool_calls"),
        usage_chunk(),
    )
    assert blocks(events)[-2:] == [
        ("delta", 0, {"type": "input_json_delta", "partial_json": "1}"}),
        ("stop", 0, None),
    ]


def test_whole_tool_call_in_one_chunk_with_finish() -> None:
    events = run(chunk({"tool_calls": [tool(0, "call_1", "f", '{"x":1}')]}, "tool_calls"))
    assert blocks(events) == [
        ("start", 0, {"type": "tool_use", "id": "call_1", "name": "f", "input": {}}),
        ("delta", 0, {"type": "input_json_delta", "partial_json": '{"x":1}'}),
        ("stop", 0, None),
    ]


def test_empty_arguments_send_no_delta() -> None:
    events = run(chunk({"tool_calls": [tool(0, "c", "f", "")]}, "tool_calls"))
    assert [b[0] for b in blocks(events)] == ["start", "stop"]


def test_arguments_sent_as_an_object_are_serialised() -> None:
    events = run(chunk({"tool_calls": [tool(0, "c", "f", {"a": [1]})]}, "tool_calls"))
    assert blocks(events)[1][2] == {"type": "input_json_delta", "partial_json": '{"a":[1]}'}


def test_index_reused_for_a_new_call_opens_a_new_block() -> None:
    events = run(
        chunk({"tool_calls": [tool(0, "call_a", "f", "{}")]}),
        chunk({"tool_calls": [tool(0, "call_b", "g", "{}")]}),
        chunk({}, "tool_calls"),
    )
    starts = [(b[1], b[2]["id"]) for b in blocks(events) if b[0] == "start"]
    assert starts == [(0, "call_a"), (1, "call_b")]


def test_repeated_id_on_every_delta_stays_one_block() -> None:
    events = run(
        chunk({"tool_calls": [tool(0, "call_a", "f", '{"a"')]}),
        chunk({"tool_calls": [tool(0, "call_a", None, ":1}")]}),
    )
    assert [b[0] for b in blocks(events)] == ["start", "delta", "delta", "stop"]


def test_tool_deltas_without_index() -> None:
    first = {"id": "call_a", "type": "function", "function": {"name": "f", "arguments": "{"}}
    second = {"id": "call_b", "type": "function", "function": {"name": "g", "arguments": "{"}}
    events = run(
        chunk({"tool_calls": [first]}),
        chunk({"tool_calls": [{"function": {"arguments": "}"}}]}),
        chunk({"tool_calls": [second]}),
        chunk({"tool_calls": [{"function": {"arguments": "}"}}]}),
    )
    assert blocks(events) == [
        ("start", 0, {"type": "tool_use", "id": "call_a", "name": "f", "input": {}}),
        ("delta", 0, {"type": "input_json_delta", "partial_json": "{"}),
        ("delta", 0, {"type": "input_json_delta", "partial_json": "}"}),
        ("stop", 0, None),
        ("start", 1, {"type": "tool_use", "id": "call_b", "name": "g", "input": {}}),
        ("delta", 1, {"type": "input_json_delta", "partial_json": "{"}),
        ("delta", 1, {"type": "input_json_delta", "partial_json": "}"}),
        ("stop", 1, None),
    ]


def test_tool_call_without_id_gets_one() -> None:
    events = run(chunk({"tool_calls": [tool(0, None, "f", "{}")]}))
    assert blocks(events)[0][2]["id"].startswith("toolu_")


def test_stop_after_tool_calls_is_reported_as_tool_use() -> None:
    """#3980: a tool-call stream must not end with ``end_turn``."""
    events = run(chunk({"tool_calls": [tool(0, "c", "f", "{}")]}), chunk({}, "stop"), usage_chunk())
    assert final(events)["delta"]["stop_reason"] == "tool_use"


@pytest.mark.parametrize(
    ("finish", "stop"),
    [("length", "max_tokens"), ("content_filter", "refusal"), ("weird", "end_turn")],
)
def test_stop_reasons(finish: str, stop: str) -> None:
    events = run(chunk({"content": "x"}), chunk({}, finish), usage_chunk())
    assert final(events)["delta"]["stop_reason"] == stop


def test_think_tags_split_across_chunks() -> None:
    pieces = ["<th", "ink>", "step </thi", "nk>", "\n\n", "Answer", " <think>kept</think>"]
    events = run(*(chunk({"content": p}) for p in pieces))
    assert blocks(events) == [
        ("start", 0, {"type": "thinking", "thinking": "", "signature": ""}),
        ("delta", 0, {"type": "thinking_delta", "thinking": "step "}),
        ("stop", 0, None),
        ("start", 1, {"type": "text", "text": ""}),
        ("delta", 1, {"type": "text_delta", "text": "Answer"}),
        ("delta", 1, {"type": "text_delta", "text": " <think>kept</think>"}),
        ("stop", 1, None),
    ]


def test_held_tag_start_is_sent_before_a_tool_call() -> None:
    events = run(chunk({"content": "<"}), chunk({"tool_calls": [tool(0, "c", "f", "{}")]}))
    assert blocks(events)[:3] == [
        ("start", 0, {"type": "text", "text": ""}),
        ("delta", 0, {"type": "text_delta", "text": "<"}),
        ("stop", 0, None),
    ]


def test_other_choices_are_ignored() -> None:
    second = chunk({"content": "other"})
    second["choices"][0]["index"] = 1
    events = run(chunk({"content": "mine"}), second)
    assert [b[2] for b in blocks(events) if b[0] == "delta"] == [
        {"type": "text_delta", "text": "mine"}
    ]


def test_upstream_error_frame_becomes_a_claude_error_event() -> None:
    stream = T.stream("m", include_usage=False)
    stream.feed(None, chunk({"content": "partial"}))
    error = {
        "error": {
            "message": "Rate limit reached",
            "type": "requests",
            "code": "rate_limit_exceeded",
        }
    }
    events = parse(stream.feed(None, error))
    assert events == [
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        (
            "error",
            {
                "type": "error",
                "error": {"type": "rate_limit_error", "message": "Rate limit reached"},
            },
        ),
    ]
    assert stream.feed(None, chunk({"content": "late"})) == []
    assert stream.finish() == []


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        ({"message": "m", "type": "invalid_request_error"}, "invalid_request_error"),
        ({"message": "m", "type": "server_error"}, "api_error"),
        ({"message": "m", "code": "insufficient_quota"}, "rate_limit_error"),
        ({"message": "m", "type": "authentication_error"}, "authentication_error"),
        ("plain string", "api_error"),
    ],
)
def test_error_types(error: Any, kind: str) -> None:
    (event,) = parse(T.stream("m", include_usage=False).feed(None, {"error": error}))
    assert event[1]["error"]["type"] == kind


def test_stream_cut_before_finish_closes_blocks_and_reports_an_error() -> None:
    events = run(chunk({"tool_calls": [tool(0, "c", "f", '{"a"')]}), done=False)
    assert names(events) == [
        "message_start",
        "ping",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "error",
    ]
    assert events[-1][1]["error"]["type"] == "api_error"
    assert "before the answer was complete" in events[-1][1]["error"]["message"]


def test_stream_cut_after_finish_but_before_usage_completes_normally() -> None:
    events = run(chunk({"content": "x"}), chunk({}, "stop"), done=False)
    assert names(events)[-2:] == ["message_delta", "message_stop"]


def test_stream_cut_holding_think_tag_text_flushes_it() -> None:
    events = run(chunk({"content": "<think>abc</th"}), done=False)
    assert blocks(events) == [
        ("start", 0, {"type": "thinking", "thinking": "", "signature": ""}),
        ("delta", 0, {"type": "thinking_delta", "thinking": "abc"}),
        ("delta", 0, {"type": "thinking_delta", "thinking": "</th"}),
        ("stop", 0, None),
    ]
    assert names(events)[-1] == "error"


def test_streams_are_independent() -> None:
    first = T.stream("m", include_usage=True)
    second = T.stream("m", include_usage=True)
    first.feed(None, chunk({"content": "a"}))
    assert names(parse(second.feed(None, chunk({"content": "b"}))))[0] == "message_start"
