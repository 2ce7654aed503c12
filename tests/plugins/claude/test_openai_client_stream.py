"""Golden tests: Anthropic Messages SSE → OpenAI ``chat.completion.chunk`` SSE.

Upstream streams are built from the real event sequence (``message_start``, content block
start/delta/stop, ``message_delta``, ``message_stop``, ``ping``, ``error``). Every frame the
translator emits is parsed like a strict client would (no ``data: null``, every chunk a valid
``ChatCompletionChunk``) and the whole stream is folded by the official ``openai`` SDK's own
stream accumulator, so "the tool call's arguments arrive whole" is judged by the SDK.
"""

from __future__ import annotations

import json
from typing import Any

from openai.lib.streaming.chat import ChatCompletionStreamState
from openai.types.chat import ChatCompletionChunk

from omniroute_plugin_claude.openai_client import OpenAIClientTranslator
from omniroute_plugin_claude.openai_client.stream import TRUNCATED
from omniroute_plugin_testkit.sse import parse_sse

TRANSLATOR = OpenAIClientTranslator()
MSG_ID = "msg_01XFDUDYJgAACzvnptvVoYEL"
UPSTREAM_MODEL = "claude-sonnet-4-5-20250929"
SIG = "EqQBCkYIARgCIkCx+signature/kept+byte+for+byte=="


# -- upstream events ------------------------------------------------------------------------


def message_start(**usage: int) -> dict[str, Any]:
    return {
        "type": "message_start",
        "message": {
            "id": MSG_ID,
            "type": "message",
            "role": "assistant",
            "model": UPSTREAM_MODEL,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": usage or {"input_tokens": 25, "output_tokens": 1},
        },
    }


def start(index: int, block: dict[str, Any]) -> dict[str, Any]:
    return {"type": "content_block_start", "index": index, "content_block": block}


def delta(index: int, **fields: Any) -> dict[str, Any]:
    return {"type": "content_block_delta", "index": index, "delta": fields}


def stop(index: int) -> dict[str, Any]:
    return {"type": "content_block_stop", "index": index}


def message_delta(stop_reason: str = "end_turn", **usage: int) -> dict[str, Any]:
    return {
        "type": "message_delta",
        "delta": {"stop_reason": stop_reason, "stop_sequence": None},
        "usage": usage or {"output_tokens": 15},
    }


MESSAGE_STOP = {"type": "message_stop"}
PING = {"type": "ping"}


def text_stream(*pieces: str) -> list[dict[str, Any]]:
    return [
        message_start(),
        start(0, {"type": "text", "text": ""}),
        PING,
        *(delta(0, type="text_delta", text=piece) for piece in pieces),
        stop(0),
        message_delta(),
        MESSAGE_STOP,
    ]


# -- running the translator like the relay does ----------------------------------------------


def run(
    events: list[dict[str, Any]], include_usage: bool = False, finish: bool = True
) -> list[bytes]:
    stream = TRANSLATOR.stream("claude-sonnet-4-5", include_usage)
    frames: list[bytes] = []
    for event in events:
        frames.extend(stream.feed(event["type"], event))
    if finish:
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
        assert chunk["id"] == MSG_ID
        assert chunk["object"] == "chat.completion.chunk"
        assert chunk["model"] == UPSTREAM_MODEL
        assert isinstance(chunk["created"], int)
    return data[:-1]


def deltas(frames: list[bytes]) -> list[dict[str, Any]]:
    return [chunk["choices"][0]["delta"] for chunk in chunks(frames) if chunk["choices"]]


def folded(frames: list[bytes]) -> Any:
    """The final message as the openai SDK's stream accumulator builds it."""
    state = ChatCompletionStreamState()
    for chunk in chunks(frames):
        state.handle_chunk(ChatCompletionChunk.model_validate(chunk))
    return state.get_final_completion().choices[0]


# -- text -----------------------------------------------------------------------------------


def test_text_stream_golden() -> None:
    data = payloads(run(text_stream("Hello", ", world")))
    created = data[0]["created"]
    head = {"id": MSG_ID, "object": "chat.completion.chunk", "created": created}

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {
            **head,
            "model": UPSTREAM_MODEL,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }

    assert data == [
        chunk({"role": "assistant", "content": ""}),
        chunk({"content": "Hello"}),
        chunk({"content": ", world"}),
        chunk({}, "stop"),
        "[DONE]",
    ]


def test_usage_chunk_when_asked_for_with_cache_creation_kept_out_of_prompt_tokens() -> None:
    events = text_stream("Hi")
    events[0] = message_start(
        input_tokens=100,
        cache_read_input_tokens=50,
        cache_creation_input_tokens=30,
        output_tokens=1,
    )
    events[-2] = message_delta(output_tokens=20)
    data = chunks(run(events, include_usage=True))
    assert data[-2]["choices"][0]["finish_reason"] == "stop"
    assert data[-1]["choices"] == []
    assert data[-1]["usage"] == {
        "prompt_tokens": 150,
        "completion_tokens": 20,
        "total_tokens": 170,
        "prompt_tokens_details": {"cached_tokens": 50, "cache_creation_tokens": 30},
    }


def test_no_usage_chunk_unless_asked() -> None:
    assert all("usage" not in chunk for chunk in chunks(run(text_stream("Hi"))))


def test_ping_and_empty_text_start_emit_nothing() -> None:
    stream = TRANSLATOR.stream("m", False)
    assert stream.feed("ping", PING) == []
    assert stream.feed("content_block_start", start(0, {"type": "text", "text": ""})) == []
    assert stream.feed("content_block_delta", delta(0, type="text_delta", text="")) == []
    assert stream.feed("content_block_stop", stop(0)) == []
    assert stream.feed("message_delta", message_delta()) == []
    assert stream.feed(None, None) == []  # an OpenAI-style [DONE] is not Claude's end


def test_event_name_alone_is_enough() -> None:
    """Claude-compatible upstreams that leave ``type`` out of the data still work."""
    stream = TRANSLATOR.stream("m", False)
    start_data = message_start()
    del start_data["type"]
    assert len(stream.feed("message_start", start_data)) == 1


def test_stop_reasons() -> None:
    for reason, finish in (
        ("max_tokens", "length"),
        ("stop_sequence", "stop"),
        ("refusal", "content_filter"),
    ):
        events = text_stream("x")
        events[-2] = message_delta(reason)
        assert chunks(run(events))[-1]["choices"][0]["finish_reason"] == finish


# -- thinking -------------------------------------------------------------------------------


def test_thinking_stream_carries_reasoning_and_the_signed_block() -> None:
    events = [
        message_start(),
        start(0, {"type": "thinking", "thinking": "", "signature": ""}),
        delta(0, type="thinking_delta", thinking="Let me "),
        delta(0, type="thinking_delta", thinking="think."),
        delta(0, type="signature_delta", signature=SIG),
        stop(0),
        start(1, {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix"}),
        stop(1),
        start(2, {"type": "text", "text": ""}),
        delta(2, type="text_delta", text="42"),
        stop(2),
        message_delta(),
        MESSAGE_STOP,
    ]
    assert deltas(run(events)) == [
        {"role": "assistant", "content": ""},
        {"reasoning_content": ""},
        {"reasoning_content": "Let me "},
        {"reasoning_content": "think."},
        {"thinking_blocks": [{"type": "thinking", "thinking": "Let me think.", "signature": SIG}]},
        {"thinking_blocks": [{"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix"}]},
        {"content": "42"},
        {},
    ]


def test_omitted_thinking_still_carries_its_signature() -> None:
    """Claude 4.7 omits the thinking text by default; the signed block must still round trip."""
    events = [
        message_start(),
        start(0, {"type": "thinking", "thinking": ""}),
        delta(0, type="signature_delta", signature=SIG),
        stop(0),
        message_delta(),
        MESSAGE_STOP,
    ]
    assert {"thinking_blocks": [{"type": "thinking", "thinking": "", "signature": SIG}]} in deltas(
        run(events)
    )


# -- tool calls -----------------------------------------------------------------------------


def tool_stream() -> list[dict[str, Any]]:
    return [
        message_start(),
        start(0, {"type": "text", "text": ""}),
        delta(0, type="text_delta", text="Checking both."),
        stop(0),
        start(1, {"type": "tool_use", "id": "toolu_01", "name": "get_weather", "input": {}}),
        delta(1, type="input_json_delta", partial_json=""),
        delta(1, type="input_json_delta", partial_json='{"city": "Pa'),
        delta(1, type="input_json_delta", partial_json='ris"}'),
        stop(1),
        start(2, {"type": "tool_use", "id": "toolu_02", "name": "get_weather", "input": {}}),
        delta(2, type="input_json_delta", partial_json='{"city":'),
        delta(2, type="input_json_delta", partial_json=' "Rome", "days": [1, 2]}'),
        stop(2),
        message_delta("tool_use", output_tokens=60),
        MESSAGE_STOP,
    ]


def test_tool_call_stream_golden() -> None:
    assert deltas(run(tool_stream())) == [
        {"role": "assistant", "content": ""},
        {"content": "Checking both."},
        {
            "tool_calls": [
                {
                    "index": 0,
                    "id": "toolu_01",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": ""},
                }
            ]
        },
        {"tool_calls": [{"index": 0, "function": {"arguments": '{"city": "Pa'}}]},
        {"tool_calls": [{"index": 0, "function": {"arguments": 'ris"}'}}]},
        {
            "tool_calls": [
                {
                    "index": 1,
                    "id": "toolu_02",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": ""},
                }
            ]
        },
        {"tool_calls": [{"index": 1, "function": {"arguments": '{"city":'}}]},
        {"tool_calls": [{"index": 1, "function": {"arguments": ' "Rome", "days": [1, 2]}'}}]},
        {},
    ]


def test_tool_arguments_arrive_whole_including_the_last_partial() -> None:
    """The original lost the last partial argument when the stream flushed."""
    choice = folded(run(tool_stream()))
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content == "Checking both."
    calls = choice.message.tool_calls
    assert [(c.id, c.function.name) for c in calls] == [
        ("toolu_01", "get_weather"),
        ("toolu_02", "get_weather"),
    ]
    assert json.loads(calls[0].function.arguments) == {"city": "Paris"}
    assert json.loads(calls[1].function.arguments) == {"city": "Rome", "days": [1, 2]}


def test_tool_without_argument_pieces_gets_parseable_arguments() -> None:
    events = [
        message_start(),
        start(0, {"type": "tool_use", "id": "toolu_1", "name": "now", "input": {}}),
        delta(0, type="input_json_delta", partial_json=""),
        stop(0),
        start(1, {"type": "tool_use", "id": "toolu_2", "name": "f", "input": {"a": 1}}),
        stop(1),
        message_delta("tool_use"),
        MESSAGE_STOP,
    ]
    calls = folded(run(events)).message.tool_calls
    assert [c.function.arguments for c in calls] == ["{}", '{"a":1}']


def test_server_tool_blocks_are_skipped() -> None:
    events = [
        message_start(),
        start(
            0, {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {}}
        ),
        delta(0, type="input_json_delta", partial_json='{"query": "x"}'),
        stop(0),
        start(1, {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": []}),
        stop(1),
        start(2, {"type": "text", "text": ""}),
        delta(2, type="text_delta", text="Found it."),
        delta(2, type="citations_delta", citation={"type": "web_search_result_location"}),
        stop(2),
        message_delta(),
        MESSAGE_STOP,
    ]
    assert deltas(run(events)) == [
        {"role": "assistant", "content": ""},
        {"content": "Found it."},
        {},
    ]


# -- errors and truncation ------------------------------------------------------------------


def test_error_event_becomes_an_openai_error_frame_and_ends_the_stream() -> None:
    stream = TRANSLATOR.stream("m", True)
    stream.feed("message_start", message_start())
    error = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    frames = stream.feed("error", error)
    assert payloads(frames) == [
        {
            "error": {
                "message": "Overloaded",
                "type": "overloaded_error",
                "code": "overloaded_error",
                "param": None,
            }
        }
    ]
    assert stream.feed("message_stop", MESSAGE_STOP) == []
    assert stream.finish() == []


def test_stream_cut_before_message_stop_ends_with_an_error_not_a_finish() -> None:
    events = tool_stream()[:-2]  # no message_delta, no message_stop
    data = payloads(run(events))
    assert data[-1] == {
        "error": {
            "message": TRUNCATED,
            "type": "upstream_error",
            "code": "upstream_error",
            "param": None,
        }
    }
    assert "[DONE]" not in data
    assert all(chunk["choices"][0]["finish_reason"] is None for chunk in data[:-1])
    pieces = [
        call["function"].get("arguments", "")
        for chunk in data[:-1]
        for call in chunk["choices"][0]["delta"].get("tool_calls", [])
    ]
    assert "".join(pieces).endswith('"days": [1, 2]}')  # nothing held back


def test_finish_after_a_complete_stream_adds_nothing() -> None:
    stream = TRANSLATOR.stream("m", False)
    for event in text_stream("x"):
        stream.feed(event["type"], event)
    assert stream.finish() == []


def test_ids_and_models_are_json_escaped_in_every_chunk() -> None:
    stream = TRANSLATOR.stream("m", False)
    start_event = message_start()
    start_event["message"]["id"] = 'msg_"quoted"\\'
    (frame,) = stream.feed("message_start", start_event)
    (text,) = stream.feed("content_block_delta", delta(0, type="text_delta", text='say "hi"'))
    assert payloads([frame, text])[1]["id"] == 'msg_"quoted"\\'
    assert payloads([text])[0]["choices"][0]["delta"] == {"content": 'say "hi"'}


def test_streams_are_independent() -> None:
    first, second = TRANSLATOR.stream("m", False), TRANSLATOR.stream("m", False)
    first.feed("message_start", message_start())
    first.feed("content_block_start", start(0, {"type": "tool_use", "id": "t", "name": "f"}))
    second.feed("message_start", message_start())
    (frame,) = second.feed(
        "content_block_start", start(0, {"type": "tool_use", "id": "u", "name": "g"})
    )
    assert payloads([frame])[0]["choices"][0]["delta"]["tool_calls"][0]["index"] == 0
