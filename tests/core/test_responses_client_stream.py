"""Golden tests: Chat chunk stream → Responses stream events (``openai-responses -> openai``).

Each frame is checked the way a strict client reads it: complete, named, ``data`` a JSON
object whose ``type`` matches the event name (never ``data: null``), ``sequence_number``
counting from 0 without gaps, and every event valid for the ``openai`` SDK's own
``ResponseStreamEvent`` model.
"""

from __future__ import annotations

from typing import Any

import orjson
from openai.types.responses import ResponseStreamEvent
from pydantic import TypeAdapter

from omniroute import SSEDecoder
from omniroute.builtin.responses.client import ResponsesClientTranslator

T = ResponsesClientTranslator()
EVENT: TypeAdapter[Any] = TypeAdapter(ResponseStreamEvent)

Event = dict[str, Any]


def chunk(delta: dict[str, Any] | None = None, finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-7",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "gpt-4.1",
        "choices": [{"index": 0, "delta": delta or {}, "finish_reason": finish}],
    }


def usage_chunk(prompt: int = 10, completion: int = 5, cached: int = 0) -> dict[str, Any]:
    usage = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": cached},
    }
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


def parse(frames: list[bytes]) -> list[Event]:
    events: list[Event] = []
    decoder = SSEDecoder()
    for frame in frames:
        assert frame.endswith(b"\n\n")
        (event,) = decoder.feed(frame)
        data = orjson.loads(event.data)
        assert isinstance(data, dict)
        assert data["type"] == event.event
        assert data["sequence_number"] == len(events)
        EVENT.validate_python(data)
        events.append(data)
    return events


def run(*chunks: dict[str, Any] | None, finish: bool = True) -> list[Event]:
    stream = T.stream("gpt-4.1", include_usage=False)
    frames: list[bytes] = []
    for item in chunks:
        frames += stream.feed(None, item)
    if finish:
        frames += stream.finish()
    return parse(frames)


def types(events: list[Event]) -> list[str]:
    return [e["type"].removeprefix("response.") for e in events]


def last(events: list[Event]) -> dict[str, Any]:
    response: dict[str, Any] = events[-1]["response"]
    return response


def test_text_stream_golden() -> None:
    events = run(
        chunk({"role": "assistant", "content": ""}),
        chunk({"content": "Hel"}),
        chunk({"content": "lo"}),
        chunk({}, "stop"),
        usage_chunk(1200, 2, cached=1000),
        None,
    )
    created = events[0]["response"]
    assert (created["id"], created["status"], created["output"], created["usage"]) == (
        "resp_chatcmpl-7",
        "in_progress",
        [],
        None,
    )
    assert created["created_at"] == 1700000000
    item = {"id": "msg_chatcmpl-7_0", "type": "message", "role": "assistant"}
    ids = {"item_id": "msg_chatcmpl-7_0", "output_index": 0, "content_index": 0}
    empty = {"type": "output_text", "text": "", "annotations": []}
    full = {"type": "output_text", "text": "Hello", "annotations": []}
    assert [{k: v for k, v in e.items() if k != "sequence_number"} for e in events[2:-1]] == [
        {
            "type": "response.output_item.added",
            "output_index": 0,
            "item": {**item, "status": "in_progress", "content": []},
        },
        {"type": "response.content_part.added", **ids, "part": empty},
        {"type": "response.output_text.delta", **ids, "delta": "Hel", "logprobs": []},
        {"type": "response.output_text.delta", **ids, "delta": "lo", "logprobs": []},
        {"type": "response.output_text.done", **ids, "text": "Hello", "logprobs": []},
        {"type": "response.content_part.done", **ids, "part": full},
        {
            "type": "response.output_item.done",
            "output_index": 0,
            "item": {**item, "status": "completed", "content": [full]},
        },
    ]
    assert types(events)[:2] == ["created", "in_progress"]
    assert events[-1]["type"] == "response.completed"
    final = last(events)
    assert final["status"] == "completed"
    assert final["output"] == [events[-2]["item"]]
    assert final["usage"]["input_tokens"] == 1200
    assert final["usage"]["input_tokens_details"]["cached_tokens"] == 1000
    assert final["usage"]["output_tokens"] == 2


def test_reasoning_then_text_golden() -> None:
    events = run(
        chunk({"reasoning_content": "Let me "}),
        chunk({"reasoning_content": "think."}),
        chunk({"content": "Answer."}, "stop"),
        usage_chunk(),
    )
    assert types(events) == [
        "created",
        "in_progress",
        "output_item.added",
        "reasoning_summary_part.added",
        "reasoning_summary_text.delta",
        "reasoning_summary_text.delta",
        "reasoning_summary_text.done",
        "reasoning_summary_part.done",
        "output_item.done",
        "output_item.added",
        "content_part.added",
        "output_text.delta",
        "output_text.done",
        "content_part.done",
        "output_item.done",
        "completed",
    ]
    assert events[2]["item"] == {"id": "rs_chatcmpl-7_0", "type": "reasoning", "summary": []}
    assert events[3]["part"] == {"type": "summary_text", "text": ""}
    assert (events[4]["summary_index"], events[4]["delta"]) == (0, "Let me ")
    assert events[6]["text"] == "Let me think."
    assert events[8]["item"]["summary"] == [{"type": "summary_text", "text": "Let me think."}]
    assert [item["type"] for item in last(events)["output"]] == ["reasoning", "message"]


def test_parallel_tool_calls_golden() -> None:
    events = run(
        chunk({"role": "assistant", "content": None}),
        chunk({"tool_calls": [tool(0, "call_1", "read", "")]}),
        chunk({"tool_calls": [tool(0, args='{"p": ')]}),
        chunk({"tool_calls": [tool(1, "call_2", "read", '{"p": "b"}')]}),
        chunk({"tool_calls": [tool(0, args='"a"}')]}, "tool_calls"),
        usage_chunk(),
        None,
    )
    assert types(events) == [
        "created",
        "in_progress",
        "output_item.added",
        "function_call_arguments.delta",
        "output_item.added",
        "function_call_arguments.delta",
        "function_call_arguments.delta",
        "function_call_arguments.done",
        "output_item.done",
        "function_call_arguments.done",
        "output_item.done",
        "completed",
    ]
    assert events[2]["item"] == {
        "id": "fc_chatcmpl-7_0",
        "type": "function_call",
        "status": "in_progress",
        "call_id": "call_1",
        "name": "read",
        "arguments": "",
    }
    # The interleaved last piece of call 0 arrives after call 1 started and is not lost.
    assert (events[6]["output_index"], events[6]["delta"]) == (0, '"a"}')
    assert events[7] == {
        "type": "response.function_call_arguments.done",
        "item_id": "fc_chatcmpl-7_0",
        "output_index": 0,
        "arguments": '{"p": "a"}',
        "sequence_number": 7,
    }
    calls = last(events)["output"]
    assert [(c["call_id"], c["arguments"], c["status"]) for c in calls] == [
        ("call_1", '{"p": "a"}', "completed"),
        ("call_2", '{"p": "b"}', "completed"),
    ]


def test_text_then_call_closes_the_message_first() -> None:
    events = run(
        chunk({"content": "Reading."}),
        chunk({"tool_calls": [tool(0, "call_1", "read", "{}")]}, "tool_calls"),
        usage_chunk(),
    )
    assert types(events)[2:-1] == [
        "output_item.added",
        "content_part.added",
        "output_text.delta",
        "output_text.done",
        "content_part.done",
        "output_item.done",
        "output_item.added",
        "function_call_arguments.delta",
        "function_call_arguments.done",
        "output_item.done",
    ]


def test_argument_less_call_gets_braces() -> None:
    events = run(chunk({"tool_calls": [tool(0, "call_1", "now")]}, "tool_calls"), usage_chunk())
    deltas = [e["delta"] for e in events if e["type"].endswith("arguments.delta")]
    assert deltas == ["{}"]
    assert last(events)["output"][0]["arguments"] == "{}"


def test_object_arguments_and_missing_index() -> None:
    events = run(
        chunk({"tool_calls": [tool(None, "call_1", "f", {"x": 1})]}),
        chunk({"tool_calls": [tool(None, "call_2", "g", "")]}),
        chunk({"tool_calls": [tool(None, args="{}")]}, "tool_calls"),
        usage_chunk(),
    )
    calls = last(events)["output"]
    assert [(c["name"], c["arguments"]) for c in calls] == [("f", '{"x":1}'), ("g", "{}")]


def test_index_reused_for_a_second_call() -> None:
    events = run(
        chunk({"tool_calls": [tool(0, "call_1", "f", "{}")]}),
        chunk({"tool_calls": [tool(0, "call_2", "g", "{}")]}, "tool_calls"),
        usage_chunk(),
    )
    calls = last(events)["output"]
    assert [(c["call_id"], c["status"]) for c in calls] == [
        ("call_1", "completed"),
        ("call_2", "completed"),
    ]
    assert types(events).count("output_item.done") == 2


def test_name_arriving_after_the_id() -> None:
    events = run(
        chunk({"tool_calls": [tool(0, "call_1", "", "")]}),
        chunk({"tool_calls": [tool(0, name="late", args="{}")]}, "tool_calls"),
        usage_chunk(),
    )
    assert last(events)["output"][0]["name"] == "late"


def test_usage_waits_for_the_usage_chunk() -> None:
    stream = T.stream("gpt-4.1", include_usage=False)
    early = parse(stream.feed(None, chunk({"content": "x"}, "stop")))
    assert early[-1]["type"] == "response.output_item.done"
    frames = stream.feed(None, usage_chunk(3, 4))
    (completed,) = [orjson.loads(f.split(b"data: ", 1)[1]) for f in frames]
    assert completed["type"] == "response.completed"
    assert completed["response"]["usage"]["total_tokens"] == 7
    assert stream.feed(None, None) == []
    assert stream.finish() == []


def test_usage_in_the_finish_chunk() -> None:
    finish = chunk({"content": "x"}, "stop")
    finish["usage"] = usage_chunk(1, 1)["usage"]
    events = run(finish, finish=False)
    assert events[-1]["type"] == "response.completed"


def test_finish_without_usage_completes_with_null_usage() -> None:
    events = run(chunk({"content": "x"}, "stop"))
    assert events[-1]["type"] == "response.completed"
    assert last(events)["usage"] is None


def test_length_ends_with_response_incomplete() -> None:
    events = run(chunk({"content": "cut"}, "length"), usage_chunk())
    assert events[-1]["type"] == "response.incomplete"
    response = last(events)
    assert response["status"] == "incomplete"
    assert response["incomplete_details"] == {"reason": "max_output_tokens"}
    assert response["output"][0]["status"] == "incomplete"
    done = [e for e in events if e["type"] == "response.output_item.done"]
    assert done[0]["item"]["status"] == "incomplete"


def test_done_without_finish_reason_completes() -> None:
    events = run(chunk({"content": "x"}), None, finish=False)
    assert types(events)[-2:] == ["output_item.done", "completed"]


def test_upstream_error_chunk_fails_the_response() -> None:
    events = run(
        chunk({"content": "partial"}),
        {"error": {"message": "rate limited", "type": "rate_limit_error"}},
    )
    assert events[-1]["type"] == "response.failed"
    response = last(events)
    assert response["status"] == "failed"
    assert response["error"] == {"code": "rate_limit_exceeded", "message": "rate limited"}
    assert response["output"][0]["status"] == "incomplete"
    assert response["output"][0]["content"][0]["text"] == "partial"


def test_error_as_first_chunk_still_starts_the_response() -> None:
    events = run({"error": {"message": "boom"}})
    assert types(events) == ["created", "in_progress", "failed"]
    assert last(events)["error"] == {"code": "server_error", "message": "boom"}


def test_broken_stream_fails_and_keeps_the_partial_arguments() -> None:
    events = run(chunk({"tool_calls": [tool(0, "call_1", "read", '{"p": "a')]}))
    assert types(events)[-1] == "failed"
    response = last(events)
    assert (
        response["error"]["message"] == "the upstream stream ended before the answer was complete"
    )
    assert response["output"][0]["arguments"] == '{"p": "a'


def test_empty_stream_fails_cleanly() -> None:
    assert types(run()) == ["created", "in_progress", "failed"]


def test_deltas_after_finish_and_other_choices_are_ignored() -> None:
    second = chunk({"content": "other"})
    second["choices"][0]["index"] = 1
    events = run(
        chunk({"content": "a"}),
        second,
        chunk({}, "stop"),
        chunk({"content": "late"}),
        usage_chunk(),
    )
    assert last(events)["output"][0]["content"][0]["text"] == "a"


def test_nothing_after_the_end() -> None:
    stream = T.stream("gpt-4.1", include_usage=True)
    stream.feed(None, chunk({"content": "x"}, "stop"))
    stream.feed(None, usage_chunk())
    assert stream.feed(None, chunk({"content": "y"})) == []
