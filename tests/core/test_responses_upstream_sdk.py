"""The official ``openai`` SDK's Chat client, answered through the translator by a scripted
Responses upstream.

An ``httpx2.MockTransport`` (httpx2 is the SDK's HTTP library) plays gateway and upstream in
one: it translates the SDK's Chat request (checked against the SDK's ``ResponseCreateParams``),
lets a ``Script`` answer it the way ``/v1/responses`` would, and translates the answer back
(streamed or not). So the SDK's own parsing, stream events and accumulation judge the
result, through a whole tool round trip with reasoning summaries.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx2
import openai
import pytest
from openai import OpenAI
from pydantic import BaseModel
from test_responses_upstream_script import Script, failed, full_script, sdk_checked

from omniroute.builtin.responses.upstream import ResponsesUpstreamTranslator

TRANSLATOR = ResponsesUpstreamTranslator()
MODEL = "gpt-5.1-codex"
WEATHER: Any = {
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
QUESTION: list[Any] = [
    {"role": "system", "content": "You are a weather bot."},
    {"role": "user", "content": "What's the weather in Paris?"},
]


Answer = Script | list[dict[str, Any]]
"""What the upstream answers: a script, or the exact events of a stream."""


class Upstream:
    """The Responses upstream: answers each translated request from ``answer``."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.answer: Callable[[dict[str, Any]], Answer] = self.weather

    def weather(self, body: dict[str, Any]) -> Script:
        """A call first; after the tool's output, the answer."""
        if any(item.get("type") == "function_call_output" for item in body["input"]):
            return Script().reasoning(("Have it.",)).message("It's 18°C", " and sunny.")
        return full_script()

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        assert request.url.path == "/v1/chat/completions"
        chat = json.loads(request.content)
        body = sdk_checked(TRANSLATOR.request(chat, MODEL))
        self.received.append(body)
        answer = self.answer(body)
        if not chat.get("stream"):
            assert isinstance(answer, Script)
            return httpx2.Response(200, json=TRANSLATOR.response(answer.response(), MODEL))
        include_usage = bool((chat.get("stream_options") or {}).get("include_usage"))
        events = answer if isinstance(answer, list) else answer.events()
        frames = _translated(events, include_usage)
        return httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=frames)


def _translated(events: list[dict[str, Any]], include_usage: bool) -> bytes:
    stream = TRANSLATOR.stream(MODEL, include_usage)
    frames = [frame for event in events for frame in stream.feed(event["type"], event)]
    return b"".join([*frames, *stream.finish()])


@pytest.fixture
def upstream() -> Upstream:
    return Upstream()


@pytest.fixture
def client(upstream: Upstream) -> Iterator[OpenAI]:
    transport = httpx2.MockTransport(upstream.handle)
    with OpenAI(
        api_key="sk-test",
        base_url="http://gateway.test/v1",
        http_client=httpx2.Client(transport=transport),
        max_retries=0,
    ) as sdk:
        yield sdk


def tool_turn(message: Any) -> list[Any]:
    """The assistant turn and the tool's answer, as a client sends them back."""
    return [
        message.model_dump(include={"role", "content", "tool_calls"}, exclude_none=True),
        {"role": "tool", "tool_call_id": message.tool_calls[0].id, "content": "18°C, sunny"},
    ]


def test_streamed_tool_round_trip(client: OpenAI, upstream: Upstream) -> None:
    with client.chat.completions.stream(
        model="cx/gpt-5.1-codex",
        messages=QUESTION,
        tools=[WEATHER],
        reasoning_effort="medium",
        stream_options={"include_usage": True},
    ) as stream:
        kinds = [event.type for event in stream]
        first = stream.get_final_completion()
    assert "tool_calls.function.arguments.done" in kinds
    choice = first.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content == "Let me check."
    call = choice.message.tool_calls[0]  # type: ignore[index]
    assert (call.id, call.function.name) == ("call_WQ7Lz9", "get_weather")
    assert json.loads(call.function.arguments) == {"city": "Paris"}
    assert first.usage is not None
    assert first.usage.total_tokens == 469

    with client.chat.completions.stream(
        model="cx/gpt-5.1-codex",
        messages=[*QUESTION, *tool_turn(choice.message)],
        tools=[WEATHER],
    ) as stream:
        second = stream.get_final_completion()
    assert second.choices[0].message.content == "It's 18°C and sunny."
    assert second.choices[0].finish_reason == "stop"
    assert second.usage is None  # not asked for

    request = upstream.received[-1]
    assert request["instructions"] == "You are a weather bot."
    assert request["store"] is False
    assert request["stream"] is True
    assert [item["type"] for item in request["input"]] == [
        "message",
        "message",
        "function_call",
        "function_call_output",
    ]
    assert request["input"][2]["call_id"] == request["input"][3]["call_id"] == "call_WQ7Lz9"
    assert upstream.received[0]["reasoning"] == {"effort": "medium", "summary": "auto"}


def test_reasoning_reaches_the_client(client: OpenAI) -> None:
    with client.chat.completions.stream(
        model="cx/gpt-5.1-codex",
        messages=QUESTION,
        tools=[WEATHER],
    ) as stream:
        message = stream.get_final_completion().choices[0].message
    assert message.reasoning_content == "**Checking the weather**\n\nNeed a tool."  # type: ignore[attr-defined]


def test_non_streamed_tool_round_trip(client: OpenAI, upstream: Upstream) -> None:
    first = client.chat.completions.create(
        model="cx/gpt-5.1-codex",
        messages=QUESTION,
        tools=[WEATHER],
        tool_choice={"type": "function", "function": {"name": "get_weather"}},
        max_tokens=500,
    )
    message = first.choices[0].message
    assert first.choices[0].finish_reason == "tool_calls"
    assert message.tool_calls[0].id == "call_WQ7Lz9"  # type: ignore[index]
    assert upstream.received[0]["tool_choice"] == {"type": "function", "name": "get_weather"}
    assert upstream.received[0]["max_output_tokens"] == 500
    assert "stream" not in upstream.received[0]

    second = client.chat.completions.create(
        model="cx/gpt-5.1-codex",
        messages=[*QUESTION, *tool_turn(message)],
        tools=[WEATHER],
    )
    assert second.choices[0].message.content == "It's 18°C and sunny."
    assert second.usage is not None
    assert second.usage.prompt_tokens_details is not None
    assert second.usage.prompt_tokens_details.cached_tokens == 128


class Weather(BaseModel):
    city: str
    celsius: int


def test_structured_output_parses(client: OpenAI, upstream: Upstream) -> None:
    upstream.answer = lambda body: Script().message('{"city":"Paris",', '"celsius":18}')
    completion = client.chat.completions.parse(
        model="cx/gpt-5.1-codex",
        messages=QUESTION,
        response_format=Weather,
    )
    assert completion.choices[0].message.parsed == Weather(city="Paris", celsius=18)
    text_format = upstream.received[0]["text"]["format"]
    assert (text_format["type"], text_format["name"], text_format["strict"]) == (
        "json_schema",
        "Weather",
        True,
    )


def test_strict_function_tools_parse_their_arguments(client: OpenAI, upstream: Upstream) -> None:
    upstream.answer = lambda body: Script().call(
        "Weather", "call_1", '{"city":"Rome",', '"celsius":21}'
    )
    with client.chat.completions.stream(
        model="cx/gpt-5.1-codex",
        messages=QUESTION,
        tools=[openai.pydantic_function_tool(Weather)],
    ) as stream:
        completion = stream.get_final_completion()
    calls = completion.choices[0].message.tool_calls
    assert calls is not None
    (call,) = calls
    assert call.function.parsed_arguments == Weather(city="Rome", celsius=21)
    assert upstream.received[0]["tools"][0]["strict"] is True


def test_upstream_failure_mid_stream_raises_in_the_sdk(client: OpenAI, upstream: Upstream) -> None:
    upstream.answer = lambda body: [*Script().message("Hel").head()[:5], failed("boom")]
    with (
        pytest.raises(openai.APIError, match="boom"),
        client.chat.completions.stream(
            model="cx/gpt-5.1-codex",
            messages=QUESTION,
        ) as stream,
    ):
        for _event in stream:
            pass
