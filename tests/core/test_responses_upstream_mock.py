"""``openai -> openai-responses`` translations posted to the testkit's strict Responses mocks.

The mocks refuse what api.openai.com and Codex's ChatGPT backend refuse (unknown parameters,
chat-shaped tools, ``input_text`` in assistant messages, outputs answering no call, calls left
unanswered, stored-state references; Codex: no ``instructions``, ``store`` not false, not
streamed, ``max_output_tokens``), so these tests prove the translated requests would be
accepted, turn after turn of a tool conversation, and that the mocks' answers (JSON and the
real event sequence) come back as the Chat answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import orjson
import pytest
from openai.lib.streaming.chat import ChatCompletionStreamState
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from omniroute import SSEDecoder
from omniroute.builtin.responses.upstream import ResponsesUpstreamTranslator, accumulate_response
from omniroute_plugin_testkit.mock import CodexResponses, MockUpstream, OpenAIResponses
from omniroute_plugin_testkit.sse import parse_sse

TRANSLATOR = ResponsesUpstreamTranslator()
MODEL = "gpt-5.1"
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}
Fetch = Callable[[MockUpstream, dict[str, Any]], dict[str, Any]]


@pytest.fixture
def openai_api(make_mock_upstream: Callable[..., MockUpstream]) -> MockUpstream:
    return make_mock_upstream(formats=[OpenAIResponses()])


@pytest.fixture
def codex(make_mock_upstream: Callable[..., MockUpstream]) -> MockUpstream:
    return make_mock_upstream(formats=[CodexResponses()])


def post(mock: MockUpstream, chat: dict[str, Any]) -> httpx.Response:
    body = TRANSLATOR.request(chat, MODEL)
    headers = {"authorization": "Bearer sk-test", "chatgpt-account-id": "acct-1"}
    return httpx.post(f"{mock.base_url}/responses", json=body, headers=headers)


def answer(mock: MockUpstream, chat: dict[str, Any]) -> dict[str, Any]:
    """The Chat assistant message for ``chat``, through a non-streamed exchange."""
    response = post(mock, {**chat, "stream": False})
    assert response.status_code == 200, response.text
    completion = TRANSLATOR.response(response.json(), MODEL)
    ChatCompletion.model_validate(completion)
    message: dict[str, Any] = completion["choices"][0]["message"]
    return message


def events_of(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    return [orjson.loads(event.data) for event in SSEDecoder().feed(response.content)]


def streamed_answer(mock: MockUpstream, chat: dict[str, Any]) -> dict[str, Any]:
    """The Chat assistant message the openai SDK folds from the translated stream."""
    stream = TRANSLATOR.stream(MODEL, include_usage=True)
    frames: list[bytes] = []
    for data in events_of(post(mock, {**chat, "stream": True})):
        frames.extend(stream.feed(data["type"], data))
    frames.extend(stream.finish())
    state = ChatCompletionStreamState()
    chunks = parse_sse(b"".join(frames))
    assert chunks[-1].done
    for chunk in chunks[:-1]:
        state.handle_chunk(ChatCompletionChunk.model_validate(chunk.json()))
    message = state.get_final_completion().choices[0].message
    out: dict[str, Any] = message.model_dump(exclude_none=True, exclude={"parsed"})
    for call in out.get("tool_calls", ()):
        call.pop("index", None)
        call["function"].pop("parsed_arguments", None)
    return out


def accumulated_answer(mock: MockUpstream, chat: dict[str, Any]) -> dict[str, Any]:
    """Codex's way for a non-streaming client: stream upstream, answer from the whole."""
    response = accumulate_response(events_of(post(mock, {**chat, "stream": True})))
    message: dict[str, Any] = TRANSLATOR.response(response, MODEL)["choices"][0]["message"]
    return message


@pytest.mark.parametrize("fetch", [answer, streamed_answer], ids=["json", "stream"])
def test_three_turn_tool_conversation_with_reasoning(
    openai_api: MockUpstream, fetch: Fetch
) -> None:
    chat: dict[str, Any] = {
        "model": "gpt-4o",
        "messages": [
            {"role": "system", "content": "You are a weather bot."},
            {"role": "user", "content": "Weather in Paris?"},
        ],
        "tools": [WEATHER],
        "reasoning_effort": "low",
        "stream_options": {"include_usage": True},
        "max_tokens": 200,
    }
    first = fetch(openai_api, chat)
    assert first["reasoning_content"]
    (call,) = first["tool_calls"]
    assert orjson.loads(call["function"]["arguments"]) == {"city": "Weather in Paris?"}

    chat["messages"] += [first, {"role": "tool", "tool_call_id": call["id"], "content": "sunny"}]
    second = fetch(openai_api, chat)
    assert second["content"] == "tool result: sunny"

    chat["messages"] += [second, {"role": "user", "content": "And tomorrow?"}]
    third = fetch(openai_api, chat)
    assert third["tool_calls"][0]["function"]["name"] == "get_weather"
    sent = openai_api.requests[-1].json
    assert sent["instructions"] == "You are a weather bot."
    assert sent["reasoning"] == {"effort": "low", "summary": "auto"}


@pytest.mark.parametrize("fetch", [streamed_answer, accumulated_answer], ids=["stream", "json"])
def test_codex_backend_accepts_the_conversation(codex: MockUpstream, fetch: Fetch) -> None:
    chat: dict[str, Any] = {
        "messages": [
            {"role": "system", "content": "You are Codex."},
            {"role": "user", "content": "Weather in Paris?"},
        ],
        "tools": [WEATHER],
        "reasoning_effort": "medium",
    }
    first = fetch(codex, chat)
    (call,) = first["tool_calls"]
    chat["messages"] += [first, {"role": "tool", "tool_call_id": call["id"], "content": "rain"}]
    assert fetch(codex, chat)["content"] == "tool result: rain"


def test_codex_refuses_a_request_without_instructions_so_the_test_above_is_real(
    codex: MockUpstream,
) -> None:
    response = post(codex, {"messages": [{"role": "user", "content": "hi"}], "stream": True})
    assert response.status_code == 400
    assert "Instructions are required" in response.text


def test_output_limit_ends_with_length(openai_api: MockUpstream) -> None:
    chat = {"messages": [{"role": "user", "content": " ".join(["word"] * 40)}], "max_tokens": 1}
    response = post(openai_api, chat)
    assert response.status_code == 200, response.text
    completion = TRANSLATOR.response(response.json(), MODEL)
    assert completion["choices"][0]["finish_reason"] == "length"
    assert openai_api.requests[-1].json["max_output_tokens"] == 16


CASES: dict[str, dict[str, Any]] = {
    "system only": {"messages": [{"role": "system", "content": "Say hi."}]},
    "a reminder mid-conversation": {
        "messages": [
            {"role": "user", "content": "a"},
            {"role": "assistant", "content": "echo: a"},
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": [{"type": "text", "text": "b"}]},
        ]
    },
    "an unanswered call and an orphan result": {
        "messages": [
            {"role": "tool", "tool_call_id": "call_compacted", "content": "old"},
            {"role": "user", "content": "Weather in Paris?"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
                    }
                ],
            },
            {"role": "user", "content": "never mind"},
        ]
    },
    "structured output": {
        "messages": [{"role": "user", "content": "Answer in JSON."}],
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "a", "schema": {"type": "object"}},
        },
    },
    "an image": {
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is this?"},
                    {"type": "image_url", "image_url": {"url": "https://x.test/a.png"}},
                ],
            }
        ]
    },
}


@pytest.mark.parametrize("chat", CASES.values(), ids=CASES.keys())
def test_odd_conversations_are_accepted(openai_api: MockUpstream, chat: dict[str, Any]) -> None:
    assert answer(openai_api, chat)["role"] == "assistant"
