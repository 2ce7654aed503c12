"""Golden tests: a Responses ``response`` object → OpenAI ``chat.completion``.

Every translated answer is validated with the ``openai`` SDK's ``ChatCompletion`` model, and
the non-streamed answer is checked to be the message the streamed one folds into.
"""

from __future__ import annotations

from typing import Any

import pytest
from openai.lib.streaming.chat import ChatCompletionStreamState
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from test_responses_upstream_script import CREATED_AT, RESP_ID, UPSTREAM_MODEL, Script, full_script

from omniroute.builtin.responses.upstream import ResponsesUpstreamTranslator
from omniroute_plugin_testkit.sse import parse_sse

TRANSLATOR = ResponsesUpstreamTranslator()


def completion(body: dict[str, Any]) -> dict[str, Any]:
    out = TRANSLATOR.response(body, "gpt-5")
    ChatCompletion.model_validate(out)
    return out


def message(body: dict[str, Any]) -> dict[str, Any]:
    choice: dict[str, Any] = completion(body)["choices"][0]
    return choice["message"]  # type: ignore[no-any-return]


def test_text_answer_golden() -> None:
    assert completion(Script().message("Hello", ", world").response()) == {
        "id": RESP_ID,
        "object": "chat.completion",
        "created": CREATED_AT,
        "model": UPSTREAM_MODEL,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Hello, world"},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": 321,
            "completion_tokens": 148,
            "total_tokens": 469,
            "prompt_tokens_details": {"cached_tokens": 128},
            "completion_tokens_details": {"reasoning_tokens": 64},
        },
    }


def test_reasoning_text_and_call_golden() -> None:
    assert message(full_script().response()) == {
        "role": "assistant",
        "content": "Let me check.",
        "reasoning_content": "**Checking the weather**\n\nNeed a tool.",
        "tool_calls": [
            {
                "id": "call_WQ7Lz9",
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
            }
        ],
    }
    assert completion(full_script().response())["choices"][0]["finish_reason"] == "tool_calls"


def test_call_only_answer_has_null_content() -> None:
    body = Script().call("get_weather", "call_1", '{"city":"Rome"}').response()
    assert message(body)["content"] is None


def test_call_without_arguments_gets_an_empty_object() -> None:
    body = Script().call("now", "call_1").response()
    assert message(body)["tool_calls"][0]["function"]["arguments"] == "{}"


def test_refusal_goes_to_the_refusal_field() -> None:
    body = Script().response()
    refusal = {"type": "refusal", "refusal": "I can't help with that."}
    body["output"] = [{"id": "msg_1", "type": "message", "role": "assistant", "content": [refusal]}]
    body["output"][0] |= {"status": "completed"}
    assert message(body) == {
        "role": "assistant",
        "content": None,
        "refusal": "I can't help with that.",
    }


def test_raw_reasoning_text_is_reasoning_content() -> None:
    body = Script().message("4").response()
    raw = {"type": "reasoning_text", "text": "2+2 is 4"}
    body["output"].insert(0, {"id": "rs_1", "type": "reasoning", "summary": [], "content": [raw]})
    assert message(body)["reasoning_content"] == "2+2 is 4"


def test_items_chat_has_no_place_for_are_left_out() -> None:
    body = Script().message("Found it.").response()
    search = {"id": "ws_1", "type": "web_search_call", "status": "completed"}
    body["output"].insert(0, search | {"action": {"type": "search", "query": "q"}})
    encrypted = {"id": "rs_2", "type": "reasoning", "summary": [], "encrypted_content": "gAAA"}
    body["output"].insert(0, encrypted)
    assert message(body) == {"role": "assistant", "content": "Found it."}


@pytest.mark.parametrize(
    ("reason", "expected"),
    [("max_output_tokens", "length"), ("content_filter", "content_filter")],
)
def test_incomplete_finish_reason(reason: str, expected: str) -> None:
    body = Script().message("Once upon").response("incomplete", reason)
    assert completion(body)["choices"][0]["finish_reason"] == expected


def test_without_usage_there_is_no_usage() -> None:
    assert "usage" not in completion(Script().message("Hi").response(usage=None))


def test_missing_names_fall_back_to_the_request() -> None:
    out = completion({"output": [], "status": "completed"})
    assert out["model"] == "gpt-5"
    assert isinstance(out["created"], int)
    assert out["choices"][0]["message"] == {"role": "assistant", "content": ""}


@pytest.mark.parametrize(
    "script",
    [
        full_script(),
        Script().message("Looking.").message("Done."),
        Script().reasoning(("a", "b"), ("c",)).call("f", "call_1").call("g", "call_2", "{}"),
    ],
)
def test_streamed_and_non_streamed_answers_agree(script: Script) -> None:
    stream = TRANSLATOR.stream("gpt-5", include_usage=True)
    frames = [f for event in script.events() for f in stream.feed(event["type"], event)]
    state = ChatCompletionStreamState()
    for event in parse_sse(b"".join(frames)):
        if not event.done:
            state.handle_chunk(ChatCompletionChunk.model_validate(event.json()))
    streamed = state.get_final_completion()
    whole = ChatCompletion.model_validate(TRANSLATOR.response(script.response(), "gpt-5"))
    assert summary(streamed.choices[0]) == summary(whole.choices[0])
    assert streamed.usage == whole.usage


def summary(choice: Any) -> tuple[Any, ...]:
    """What a client reads of a choice (the stream's role chunk makes content ``""``)."""
    message = choice.message
    calls = [(c.id, c.function.name, c.function.arguments) for c in message.tool_calls or ()]
    reasoning = getattr(message, "reasoning_content", None)
    return message.content or None, message.refusal, reasoning, calls, choice.finish_reason
