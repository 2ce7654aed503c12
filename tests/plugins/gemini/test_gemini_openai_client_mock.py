"""``openai -> gemini`` translations posted to the testkit's strict Gemini mock.

The mock refuses what the Gemini API refuses: unknown fields anywhere (tool schemas
included, as Google's proto parser does), empty parts, broken function-call turns, thinking
settings a model does not take, and thought signatures it did not issue for that very part,
or missing on Gemini 3's current turn. So these tests prove the translated requests would be
accepted, and that a tool conversation started by an OpenAI client keeps its signatures valid
turn after turn, through JSON answers and through streams alike.
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
from omniroute_plugin_gemini.mapping import SKIP_THOUGHT_SIGNATURE
from omniroute_plugin_gemini.openai_client import OpenAIClientTranslator
from omniroute_plugin_testkit.mock import GeminiAPI, MockUpstream
from omniroute_plugin_testkit.sse import parse_sse

TRANSLATOR = OpenAIClientTranslator()
HEADERS = {"x-goog-api-key": "AIza-test"}
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9Q"
    "DwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
LOOKUP = {
    "type": "function",
    "function": {
        "name": "lookup",
        "description": "Find a record",
        "parameters": {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "$defs": {
                "Filter": {
                    "type": "object",
                    "properties": {"field": {"type": "string"}, "value": {"type": "string"}},
                    "additionalProperties": False,
                }
            },
            "type": "object",
            "properties": {
                "query": {"type": "string", "minLength": 1},
                "limit": {"type": ["integer", "null"], "default": 10},
                "filter": {"anyOf": [{"$ref": "#/$defs/Filter"}, {"type": "null"}]},
                "tags": {"type": "array"},
                "mode": {"const": "fast"},
            },
            "required": ["query"],
            "additionalProperties": False,
        },
    },
}


@pytest.fixture
def gemini(make_mock_upstream: Callable[..., MockUpstream]) -> MockUpstream:
    return make_mock_upstream([GeminiAPI()])


def post(
    mock: MockUpstream, openai_body: dict[str, Any], model: str, stream: bool = False
) -> httpx.Response:
    body = TRANSLATOR.request(openai_body, model)
    method = "streamGenerateContent?alt=sse" if stream else "generateContent"
    return httpx.post(f"{mock.base_url}/models/{model}:{method}", json=body, headers=HEADERS)


def answer(mock: MockUpstream, openai_body: dict[str, Any], model: str) -> dict[str, Any]:
    """The OpenAI assistant message for ``openai_body``, as a client keeps it."""
    response = post(mock, openai_body, model)
    assert response.status_code == 200, response.text
    completion = ChatCompletion.model_validate(TRANSLATOR.response(response.json(), model))
    return completion.choices[0].message.to_dict()


def streamed(mock: MockUpstream, openai_body: dict[str, Any], model: str) -> Any:
    """The completion a client folds from the translated stream."""
    response = post(mock, openai_body, model, stream=True)
    assert response.status_code == 200, response.text
    stream = TRANSLATOR.stream(model, include_usage=True)
    frames: list[bytes] = []
    decoder = SSEDecoder()
    for event in [*decoder.feed(response.content), *decoder.flush()]:
        frames.extend(stream.feed(event.event, orjson.loads(event.data)))
    frames.extend(stream.finish())
    state = ChatCompletionStreamState()
    events = parse_sse(b"".join(frames))
    assert events[-1].done
    for event in events[:-1]:
        state.handle_chunk(ChatCompletionChunk.model_validate(event.json()))
    return state.get_final_completion()


def user(text: Any) -> dict[str, Any]:
    return {"role": "user", "content": text}


def test_a_plain_question(gemini: MockUpstream) -> None:
    body = {"messages": [{"role": "system", "content": "Be brief."}, user("Hi there")]}
    assert answer(gemini, body, "gemini-2.5-flash")["content"] == "echo: Hi there"
    completion = streamed(gemini, body, "gemini-2.5-flash")
    assert completion.choices[0].message.content == "echo: Hi there"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None
    assert completion.usage.completion_tokens == 3


def test_images_files_and_generation_parameters_are_accepted(gemini: MockUpstream) -> None:
    body = {
        "messages": [
            user(
                [
                    {"type": "text", "text": "What is this?"},
                    {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
                    {"type": "image_url", "image_url": {"url": "https://example.com/a.jpg"}},
                    {"type": "file", "file": {"file_data": "JVBERi0xLjQK"}},
                ]
            )
        ],
        "temperature": 0.3,
        "top_p": 0.8,
        "max_completion_tokens": 50,
        "stop": ["###"],
        "seed": 1,
        "presence_penalty": 0.1,
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "x", "schema": LOOKUP["function"]["parameters"]},  # type: ignore[index]
        },
    }
    reply = answer(gemini, body, "gemini-2.5-flash")["content"]
    assert reply == "echo: What is this? [image/png] [image/jpeg] [application/pdf]"


def test_a_messy_mcp_tool_schema_is_accepted_and_called(gemini: MockUpstream) -> None:
    body = {"messages": [user("find alice")], "tools": [LOOKUP], "tool_choice": "auto"}
    message = answer(gemini, body, "gemini-2.5-flash")
    (call,) = message["tool_calls"]
    assert call["function"]["name"] == "lookup"
    assert orjson.loads(call["function"]["arguments"])["query"] == "find alice"


@pytest.mark.parametrize("model", ["gemini-2.5-flash", "gemini-3-pro-preview"])
@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
def test_a_tool_conversation_keeps_its_signatures_valid(
    gemini: MockUpstream, model: str, stream: bool
) -> None:
    # The original's #1467/#10211: Gemini 3 refused the second turn of a tool loop.
    def ask(messages: list[dict[str, Any]]) -> dict[str, Any]:
        body = {"messages": messages, "tools": [LOOKUP], "reasoning_effort": "low"}
        if stream:
            completion = streamed(gemini, body, model)
            message: dict[str, Any] = completion.choices[0].message.to_dict()
            assert completion.choices[0].finish_reason in ("tool_calls", "stop")
            return message
        return answer(gemini, body, model)

    messages = [user("find alice")]
    first = ask(messages)
    (call,) = first["tool_calls"]
    assert call["extra_content"]["google"]["thought_signature"]
    messages += [
        first,
        {"role": "tool", "tool_call_id": call["id"], "content": '{"name": "Alice"}'},
    ]
    second = ask(messages)
    assert second["content"] == "tool result: Alice"
    assert second["reasoning_content"]
    assert second["extra_content"]["google"]["thought_signature"]
    messages += [second, user("and bob?")]
    third = ask(messages)
    assert third["tool_calls"][0]["function"]["name"] == "lookup"


def test_gemini_3_takes_a_history_without_signatures(gemini: MockUpstream) -> None:
    model = "gemini-3-flash-preview"
    call = {"id": "c1", "type": "function", "function": {"name": "lookup", "arguments": "{}"}}
    messages = [
        user("find alice"),
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "c1", "content": "found"},
    ]
    request = TRANSLATOR.request({"messages": messages, "tools": [LOOKUP]}, model)
    assert request["contents"][1]["parts"][0]["thoughtSignature"] == SKIP_THOUGHT_SIGNATURE
    reply = answer(gemini, {"messages": messages, "tools": [LOOKUP]}, model)
    assert reply["content"] == "tool result: found"


@pytest.mark.parametrize(
    "model",
    ["gemini-2.5-flash", "gemini-2.5-flash-lite", "gemini-2.5-pro", "gemini-3-pro-preview"],
)
@pytest.mark.parametrize("effort", ["none", "minimal", "low", "medium", "high", "xhigh"])
def test_every_effort_is_accepted_by_every_thinking_model(
    gemini: MockUpstream, model: str, effort: str
) -> None:
    # Budget zero must really turn thinking off where it can, and never cause a 400 where it
    # cannot (2.5 Pro, Gemini 3).
    body = {"messages": [user("think")], "reasoning_effort": effort}
    message = answer(gemini, body, model)
    assert message["content"] == "echo: think"
    assert ("reasoning_content" in message) is (effort != "none")
