"""``openai -> claude`` translations posted to the testkit's strict Anthropic mock.

The mock refuses what api.anthropic.com refuses (unknown fields, broken alternation, tool
results away from their calls, thinking rules, and thinking signatures it can verify), so
these tests prove the translated requests would be accepted, and that a tool conversation
started by an OpenAI client keeps tool ids and thinking signatures valid turn after turn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import orjson
import pytest
from openai.types.chat import ChatCompletion

from omniroute import SSEDecoder
from omniroute_plugin_claude.openai_client import OpenAIClientTranslator
from omniroute_plugin_testkit.mock import AnthropicMessages, MockUpstream, sign_thinking
from omniroute_plugin_testkit.sse import parse_sse

TRANSLATOR = OpenAIClientTranslator()
MODEL = "claude-sonnet-4-5"
HEADERS = {"x-api-key": "sk-ant-test", "anthropic-version": "2023-06-01"}
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9Q"
    "DwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
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


@pytest.fixture
def claude(make_mock_upstream: Callable[..., MockUpstream]) -> MockUpstream:
    return make_mock_upstream([AnthropicMessages()])


def post(mock: MockUpstream, openai_body: dict[str, Any]) -> httpx.Response:
    body = TRANSLATOR.request(openai_body, MODEL)
    return httpx.post(f"{mock.base_url}/messages", json=body, headers=HEADERS)


def answer(mock: MockUpstream, openai_body: dict[str, Any]) -> dict[str, Any]:
    """The OpenAI assistant message for ``openai_body``, through a non-streamed exchange."""
    response = post(mock, {**openai_body, "stream": False})
    assert response.status_code == 200, response.text
    completion = TRANSLATOR.response(response.json(), MODEL)
    ChatCompletion.model_validate(completion)
    message: dict[str, Any] = completion["choices"][0]["message"]
    return message


def streamed_answer(mock: MockUpstream, openai_body: dict[str, Any]) -> dict[str, Any]:
    """The OpenAI assistant message a client folds from the translated stream."""
    response = post(mock, {**openai_body, "stream": True})
    assert response.status_code == 200, response.text
    stream = TRANSLATOR.stream(MODEL, include_usage=True)
    frames: list[bytes] = []
    for event in SSEDecoder().feed(response.content):
        frames.extend(stream.feed(event.event, orjson.loads(event.data)))
    frames.extend(stream.finish())
    return fold(frames)


def fold(frames: list[bytes]) -> dict[str, Any]:
    """What an OpenAI client keeps of a streamed answer, thinking blocks included."""
    events = parse_sse(b"".join(frames))
    assert events[-1].done
    message: dict[str, Any] = {"role": "assistant", "content": ""}
    calls: dict[int, dict[str, Any]] = {}
    for event in events[:-1]:
        chunk = event.json()
        if not chunk["choices"]:
            assert chunk["usage"]["prompt_tokens"] > 0
            continue
        delta = chunk["choices"][0]["delta"]
        message["content"] += delta.get("content") or ""
        if "reasoning_content" in delta:
            message["reasoning_content"] = message.get("reasoning_content", "")
            message["reasoning_content"] += delta["reasoning_content"]
        message.setdefault("thinking_blocks", []).extend(delta.get("thinking_blocks", []))
        for piece in delta.get("tool_calls", []):
            call = calls.setdefault(
                piece["index"], {"type": "function", "function": {"arguments": ""}}
            )
            call.update({k: v for k, v in piece.items() if k in ("id", "type")})
            function = piece.get("function", {})
            call["function"].setdefault("name", function.get("name"))
            call["function"]["arguments"] += function.get("arguments", "")
    if calls:
        message["tool_calls"] = [calls[index] for index in sorted(calls)]
    return message


@pytest.mark.parametrize("fetch", [answer, streamed_answer], ids=["json", "stream"])
def test_three_turn_tool_conversation_with_thinking(
    claude: MockUpstream, fetch: Callable[[MockUpstream, dict[str, Any]], dict[str, Any]]
) -> None:
    """Tool ids and thinking signatures survive the OpenAI side on every turn."""
    body: dict[str, Any] = {
        "model": "gpt-4o",
        "messages": [
            {"role": "system", "content": "You are a weather bot."},
            {"role": "user", "content": "Weather in Paris?"},
        ],
        "tools": [WEATHER],
        "reasoning_effort": "low",
        "stream_options": {"include_usage": True},
    }
    first = fetch(claude, body)
    assert first["reasoning_content"] == "The user wrote: Weather in Paris?"
    (block,) = first["thinking_blocks"]
    assert block["signature"] == sign_thinking(block["thinking"])
    (call,) = first["tool_calls"]
    assert call["id"].startswith("toolu_")
    assert orjson.loads(call["function"]["arguments"]) == {"city": "Weather in Paris?"}

    body["messages"] += [first, {"role": "tool", "tool_call_id": call["id"], "content": "sunny"}]
    second = fetch(claude, body)
    assert second["content"] == "tool result: sunny"
    assert second["thinking_blocks"]

    body["messages"] += [second, {"role": "user", "content": "And tomorrow?"}]
    third = fetch(claude, body)
    assert third["tool_calls"][0]["function"]["name"] == "get_weather"
    sent = claude.requests[-1].json
    assert sent["thinking"] == {"type": "enabled", "budget_tokens": 1024}


def test_tampered_signature_is_refused_so_the_round_trip_above_is_real(
    claude: MockUpstream,
) -> None:
    thought = "The user wrote: hi"
    body = {
        "messages": [
            {"role": "user", "content": "hi"},
            {
                "role": "assistant",
                "content": "echo: hi",
                "thinking_blocks": [
                    {
                        "type": "thinking",
                        "thinking": thought + "!",
                        "signature": sign_thinking(thought),
                    }
                ],
            },
            {"role": "user", "content": "again"},
        ],
        "reasoning_effort": "low",
    }
    response = post(claude, body)
    assert response.status_code == 400
    assert "Invalid `signature`" in response.text


def test_client_that_dropped_thinking_blocks_still_gets_an_answer(claude: MockUpstream) -> None:
    body = {
        "messages": [
            {"role": "user", "content": "Weather in Paris?"},
            {
                "role": "assistant",
                "content": None,
                "reasoning_content": "kept only the text",
                "tool_calls": [
                    {
                        "id": "toolu_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "toolu_1", "content": "sunny"},
        ],
        "tools": [WEATHER],
        "reasoning_effort": "high",
    }
    assert answer(claude, body)["content"] == "tool result: sunny"


CASES: dict[str, dict[str, Any]] = {
    "system only": {"messages": [{"role": "system", "content": "Say hi."}]},
    "consecutive roles and a leading assistant": {
        "messages": [
            {"role": "assistant", "content": "Hello!"},
            {"role": "assistant", "content": "How can I help?"},
            {"role": "user", "content": "a"},
            {"role": "user", "content": [{"type": "text", "text": "b"}]},
        ]
    },
    "images": {
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is this?"},
                    {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
                    {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}},
                ],
            }
        ]
    },
    "prefill with trailing whitespace and thinking asked": {
        "messages": [
            {"role": "user", "content": "Pick A or B"},
            {"role": "assistant", "content": "The answer is "},
        ],
        "reasoning_effort": "medium",
    },
    "tool result the client put late, and an unanswered call": {
        "messages": [
            {"role": "user", "content": "q"},
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": "{}"},
                    },
                    {
                        "id": "call_2",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": "x"},
                    },
                ],
            },
            {"role": "user", "content": "also"},
            {"role": "tool", "tool_call_id": "call_1", "content": [{"type": "text", "text": "ok"}]},
        ],
        "tools": [WEATHER],
    },
    "tool_choice none with tool history": {
        "messages": [
            {"role": "user", "content": "q"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": "{}"},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": "ok"},
        ],
        "tools": [WEATHER],
        "tool_choice": "none",
    },
    "forced tool with reasoning and every OpenAI-only field": {
        "messages": [{"role": "user", "content": "q"}],
        "tools": [WEATHER],
        "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
        "parallel_tool_calls": False,
        "reasoning_effort": "high",
        "temperature": 0.2,
        "n": 1,
        "seed": 1,
        "logprobs": False,
        "presence_penalty": 0,
        "frequency_penalty": 0,
        "stream_options": {"include_usage": True},
        "user": "u-1",
        "stop": ["END"],
        "max_completion_tokens": 300,
        "response_format": {"type": "json_object"},
    },
}


@pytest.mark.parametrize("name", CASES)
def test_translated_requests_are_accepted(claude: MockUpstream, name: str) -> None:
    answer(claude, CASES[name])
    streamed_answer(claude, CASES[name])
