"""The Anthropic mock speaks the real Messages wire format and refuses what the real API refuses.

Checked with raw HTTP (exact JSON shapes and SSE event order) and with the official
``anthropic`` SDK, whose parsers and exception classes are the arbiter of "compatible".
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import anthropic
import httpx
import httpx2
import pytest
from anthropic.types import Message

from omniroute_plugin_testkit.mock import (
    FORMATS,
    AnthropicMessages,
    MockUpstream,
    OpenAIChat,
    sign_thinking,
)
from omniroute_plugin_testkit.sse import SSEEvent, parse_sse

KEY = "sk-ant-test"
HEADERS = {"x-api-key": KEY, "anthropic-version": "2023-06-01"}
WEATHER = {
    "name": "get_weather",
    "description": "Weather for a city",
    "input_schema": {
        "type": "object",
        "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
        "required": ["city"],
    },
}
THINKING = {"type": "enabled", "budget_tokens": 1024}


def request(content: Any = "hello there", **extra: Any) -> dict[str, Any]:
    body = {
        "model": "claude-test",
        "max_tokens": 64,
        "messages": [{"role": "user", "content": content}],
    }
    return {**body, **extra}


@pytest.fixture
def claude(make_mock_upstream: Callable[..., MockUpstream]) -> MockUpstream:
    return make_mock_upstream([AnthropicMessages()])


def post(
    mock: MockUpstream,
    body: Any,
    headers: dict[str, str] | None = None,
    path: str = "/messages",
) -> httpx.Response:
    return httpx.post(
        mock.base_url + path, json=body, headers=HEADERS if headers is None else headers
    )


def events_of(response: httpx.Response) -> list[SSEEvent]:
    events = parse_sse(response.text)
    for event in events:
        assert event.event == event.json()["type"], "each frame's event name is its data type"
    return events


def tool_turn(first: dict[str, Any], result: str = "sunny") -> list[dict[str, Any]]:
    """The assistant turn ``first`` answered and the user turn carrying its tool result."""
    call = next(block for block in first["content"] if block["type"] == "tool_use")
    answer = {"type": "tool_result", "tool_use_id": call["id"], "content": result}
    return [
        {"role": "assistant", "content": first["content"]},
        {"role": "user", "content": [answer]},
    ]


# -- answers -----------------------------------------------------------------------------


def test_message_echoes_the_last_user_turn(claude: MockUpstream) -> None:
    body = request(system="be brief")
    body["messages"] = [
        {"role": "user", "content": "first question"},
        {"role": "assistant", "content": [{"type": "text", "text": "first answer"}]},
        {"role": "user", "content": [{"type": "text", "text": "hello there"}]},
    ]

    answer = post(claude, body).json()

    assert answer["id"].startswith("msg_")
    assert {k: v for k, v in answer.items() if k != "id"} == {
        "type": "message",
        "role": "assistant",
        "model": "claude-test",
        "content": [{"type": "text", "text": "echo: hello there"}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {
            "input_tokens": 8,
            "output_tokens": 3,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
        },
    }
    assert claude.last_request.key == KEY
    assert claude.last_request.model == "claude-test"


def test_images_and_documents_count_as_words(claude: MockUpstream) -> None:
    image = {
        "type": "image",
        "source": {"type": "base64", "media_type": "image/png", "data": "AAAA"},
    }
    body = request([{"type": "text", "text": "what is this"}, image])

    assert post(claude, body).json()["content"][0]["text"] == "echo: what is this [image]"


def test_max_tokens_truncates_with_max_tokens_stop(claude: MockUpstream) -> None:
    answer = post(claude, request("one two three four", max_tokens=2)).json()

    assert answer["content"] == [{"type": "text", "text": "echo: one"}]
    assert answer["stop_reason"] == "max_tokens"
    assert answer["usage"]["output_tokens"] == 2


def test_stop_sequences_cut_the_answer(claude: MockUpstream) -> None:
    answer = post(claude, request("alpha STOP beta", stop_sequences=["STOP", "alpha"])).json()

    assert answer["content"] == [{"type": "text", "text": "echo: "}]
    assert (answer["stop_reason"], answer["stop_sequence"]) == ("stop_sequence", "alpha")


def test_tools_make_a_deterministic_tool_use(claude: MockUpstream) -> None:
    answer = post(claude, request("weather in Paris", tools=[WEATHER])).json()

    assert answer["stop_reason"] == "tool_use"
    (call,) = answer["content"]
    assert call["type"] == "tool_use"
    assert call["id"].startswith("toolu_")
    assert (call["name"], call["input"]) == ("get_weather", {"city": "weather in Paris", "days": 3})
    again = post(claude, request("weather in Paris", tools=[WEATHER])).json()
    assert again["content"][0]["id"] == call["id"]


def test_tool_choice_none_and_forced(claude: MockUpstream) -> None:
    other = {"name": "noop", "input_schema": {"type": "object"}}
    tools = [other, WEATHER]

    none = post(claude, request("hi", tools=tools, tool_choice={"type": "none"})).json()
    forced_choice = {"type": "tool", "name": "get_weather"}
    forced = post(claude, request("Oslo", tools=tools, tool_choice=forced_choice)).json()
    server_tool_only = post(
        claude, request("hi", tools=[{"type": "web_search_20250305", "name": "web_search"}])
    ).json()

    assert none["content"] == [{"type": "text", "text": "echo: hi"}]
    assert forced["content"][0]["name"] == "get_weather"
    assert server_tool_only["content"] == [{"type": "text", "text": "echo: hi"}]


def test_tool_result_turns_into_a_text_answer(claude: MockUpstream) -> None:
    first = post(claude, request("weather in Paris", tools=[WEATHER])).json()
    body = request("weather in Paris", tools=[WEATHER])
    body["messages"] += tool_turn(first, "sunny")

    answer = post(claude, body).json()

    assert answer["content"] == [{"type": "text", "text": "tool result: sunny"}]
    assert answer["stop_reason"] == "end_turn"


def test_thinking_answers_start_with_a_signed_thinking_block(claude: MockUpstream) -> None:
    answer = post(claude, request("why is the sky blue", max_tokens=2048, thinking=THINKING)).json()

    thinking, text = answer["content"]
    assert thinking == {
        "type": "thinking",
        "thinking": "The user wrote: why is the sky blue",
        "signature": sign_thinking("The user wrote: why is the sky blue"),
    }
    assert text == {"type": "text", "text": "echo: why is the sky blue"}
    assert answer["usage"]["output_tokens"] == 8 + 6, "thinking words count as output"


def test_three_turn_tool_conversation_with_thinking(claude: MockUpstream) -> None:
    body = request("weather in Paris", max_tokens=4096, thinking=THINKING, tools=[WEATHER])
    first = post(claude, body).json()
    assert [block["type"] for block in first["content"]] == ["thinking", "tool_use"]
    body["messages"] += tool_turn(first)

    second = post(claude, body).json()
    body["messages"] += [
        {"role": "assistant", "content": second["content"]},
        {"role": "user", "content": "and tomorrow?"},
    ]
    third = post(claude, body)

    assert second["content"][-1] == {"type": "text", "text": "tool result: sunny"}
    assert third.status_code == 200, third.text
    assert third.json()["content"][0]["type"] == "thinking"


def test_count_tokens_matches_the_usage_of_the_same_prompt(claude: MockUpstream) -> None:
    body = request("count these four words", system="be brief", tools=[WEATHER])
    counted = post(
        claude, {k: v for k, v in body.items() if k != "max_tokens"}, path="/messages/count_tokens"
    )
    usage = post(claude, body).json()["usage"]

    assert counted.json() == {"input_tokens": 6}
    assert usage["input_tokens"] == 6


def test_prompt_caching_writes_then_reads(make_mock_upstream: Callable[..., MockUpstream]) -> None:
    mock = make_mock_upstream([AnthropicMessages(min_cache_tokens=3)])
    system = [
        {
            "type": "text",
            "text": "a long shared system prompt",
            "cache_control": {"type": "ephemeral"},
        }
    ]
    short = [{"type": "text", "text": "tiny", "cache_control": {"type": "ephemeral"}}]

    first = post(mock, request("question one", system=system)).json()["usage"]
    second = post(mock, request("question two", system=system)).json()["usage"]
    too_short = post(mock, request("question", system=short)).json()["usage"]

    assert first == {
        "input_tokens": 2,
        "output_tokens": 3,
        "cache_creation_input_tokens": 5,
        "cache_read_input_tokens": 0,
    }
    assert (second["input_tokens"], second["cache_creation_input_tokens"]) == (2, 0)
    assert second["cache_read_input_tokens"] == 5
    assert too_short["cache_creation_input_tokens"] == too_short["cache_read_input_tokens"] == 0


# -- streams -----------------------------------------------------------------------------


def test_stream_has_the_real_event_sequence(claude: MockUpstream) -> None:
    response = post(claude, request("stream me please", stream=True))

    assert response.headers["content-type"].startswith("text/event-stream")
    events = events_of(response)
    names = [event.event for event in events]
    deltas = names.count("content_block_delta")
    assert deltas > 1, "text arrives in several deltas"
    assert names == [
        "message_start",
        "ping",
        "content_block_start",
        *["content_block_delta"] * deltas,
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    start = events[0].json()["message"]
    assert (start["content"], start["stop_reason"]) == ([], None)
    assert start["usage"]["input_tokens"] == 3
    assert start["usage"]["output_tokens"] == 1
    assert events[2].json()["content_block"] == {"type": "text", "text": ""}
    text = "".join(event.json()["delta"]["text"] for event in events[3:-3])
    assert text == "echo: stream me please"
    assert events[-2].json() == {
        "type": "message_delta",
        "delta": {"stop_reason": "end_turn", "stop_sequence": None},
        "usage": {"output_tokens": 4},
    }


def test_stream_with_thinking_and_a_tool_use(claude: MockUpstream) -> None:
    body = request("weather in Paris", max_tokens=2048, thinking=THINKING, tools=[WEATHER])
    events = [event.json() for event in events_of(post(claude, {**body, "stream": True}))]

    starts = [e["content_block"] for e in events if e["type"] == "content_block_start"]
    assert starts[0] == {"type": "thinking", "thinking": "", "signature": ""}
    assert starts[1]["type"] == "tool_use"
    assert (starts[1]["name"], starts[1]["input"]) == ("get_weather", {})
    thinking = [
        e["delta"] for e in events if e["type"] == "content_block_delta" and e["index"] == 0
    ]
    assert [d["type"] for d in thinking[:-1]] == ["thinking_delta"] * (len(thinking) - 1)
    text = "".join(d["thinking"] for d in thinking[:-1])
    assert thinking[-1] == {"type": "signature_delta", "signature": sign_thinking(text)}
    pieces = [
        e["delta"]["partial_json"]
        for e in events
        if e["type"] == "content_block_delta" and e["index"] == 1
    ]
    assert pieces[0] == "", "the API opens tool input with an empty partial_json"
    assert len(pieces) > 3
    assert json.loads("".join(pieces)) == {"city": "weather in Paris", "days": 3}
    assert events[-2]["delta"]["stop_reason"] == "tool_use"


# -- credentials -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("auth", "headers", "accepted"),
    [
        ("x-api-key", {"x-api-key": KEY}, True),
        ("x-api-key", {"authorization": f"Bearer {KEY}"}, False),
        ("bearer", {"authorization": f"Bearer {KEY}"}, True),
        ("bearer", {"x-api-key": KEY}, False),
        ("either", {"x-api-key": KEY}, True),
        ("either", {"authorization": f"Bearer {KEY}"}, True),
        ("either", {}, False),
    ],
)
def test_the_credential_must_be_where_the_mock_expects_it(
    make_mock_upstream: Callable[..., MockUpstream],
    auth: Any,
    headers: dict[str, str],
    accepted: bool,
) -> None:
    mock = make_mock_upstream([AnthropicMessages(auth=auth)])

    response = post(mock, request(), {**headers, "anthropic-version": "2023-06-01"})

    assert response.status_code == (200 if accepted else 401), response.text
    if not accepted:
        assert response.json()["type"] == "error"
        assert response.json()["error"]["type"] == "authentication_error"
    assert mock.last_request.key == (KEY if accepted else None)


def test_expected_keys_are_enforced(claude: MockUpstream) -> None:
    claude.api_keys = frozenset({KEY})

    wrong = post(claude, request(), {**HEADERS, "x-api-key": "sk-wrong"})

    assert wrong.status_code == 401
    assert wrong.json()["error"]["type"] == "authentication_error"
    assert post(claude, request()).status_code == 200


def test_anthropic_version_is_required(claude: MockUpstream) -> None:
    response = post(claude, request(), {"x-api-key": KEY})

    assert response.status_code == 400
    assert response.json()["error"] == {
        "type": "invalid_request_error",
        "message": "anthropic-version: header is required",
    }


def test_unknown_auth_modes_are_refused() -> None:
    with pytest.raises(ValueError, match="auth must be one of"):
        AnthropicMessages(auth="cookie")  # type: ignore[arg-type]


# -- strictness --------------------------------------------------------------------------


def _with(**changes: Any) -> Callable[[dict[str, Any]], None]:
    return lambda body: body.update(changes)


def _without(field: str) -> Callable[[dict[str, Any]], None]:
    return lambda body: body.pop(field)


def _messages(*messages: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    return lambda body: body.update(messages=list(messages))


def _user(*content: Any) -> dict[str, Any]:
    return {"role": "user", "content": list(content)}


def _assistant(*content: Any) -> dict[str, Any]:
    return {"role": "assistant", "content": list(content)}


TEXT = {"type": "text", "text": "hi"}
CALL = {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Rome"}}
RESULT = {"type": "tool_result", "tool_use_id": "toolu_1", "content": "sunny"}
THOUGHT = {
    "type": "thinking",
    "thinking": "let me check",
    "signature": sign_thinking("let me check"),
}

STRICTNESS = {
    "max_tokens required": (_without("max_tokens"), "max_tokens: Field required"),
    "unknown field": (
        _with(stream_options={"include_usage": True}),
        "stream_options: Extra inputs are not permitted",
    ),
    "model required": (_without("model"), "model: Field required"),
    "messages required": (_messages(), "at least one message is required"),
    "first turn is the user's": (_messages(_assistant(TEXT)), "first message must use"),
    "roles alternate": (_messages(_user(TEXT), _user(TEXT)), "roles must alternate"),
    "no unknown blocks": (
        _messages(_user({"type": "image_url", "image_url": {"url": "http://x"}})),
        "messages.0.content.0.type: Input tag 'image_url'",
    ),
    "no empty text": (_messages(_user({"type": "text", "text": ""})), "must be non-empty"),
    "no empty content": (_messages(_user()), "must have non-empty content"),
    "image data is base64": (
        _messages(
            _user(
                {
                    "type": "image",
                    "source": {"type": "base64", "media_type": "image/png", "data": "data:x"},
                }
            )
        ),
        "not valid base64",
    ),
    "tool results answer the previous turn": (
        _messages(_user(TEXT), _assistant(TEXT), _user(RESULT)),
        "unexpected `tool_use_id` found in `tool_result` blocks: toolu_1",
    ),
    "tool uses are answered": (
        _messages(_user(TEXT), _assistant(CALL), _user(TEXT)),
        "messages.1: `tool_use` ids were found without `tool_result` blocks",
    ),
    "tool results come first": (
        _messages(_user(TEXT), _assistant(CALL), _user(TEXT, RESULT)),
        "`tool_result` blocks must come first",
    ),
    "tool input is an object": (
        _messages(_user(TEXT), _assistant({**CALL, "input": '{"city": "Rome"}'}), _user(RESULT)),
        "tool_use.input: Input should be a valid dictionary",
    ),
    "tool ids are plain": (
        _messages(
            _user(TEXT), _assistant({**CALL, "id": "functions.get_weather:0"}), _user(RESULT)
        ),
        "tool_use.id: String should match pattern",
    ),
    "tool schemas are objects": (
        _with(tools=[{"name": "f", "input_schema": {"properties": {}}}]),
        "tools.0.custom.input_schema.type: Input should be 'object'",
    ),
    "tool names are plain": (
        _with(tools=[{"name": "my.tool", "input_schema": {"type": "object"}}]),
        "tools.0.custom.name: String should match pattern",
    ),
    "metadata has user_id only": (
        _with(metadata={"user_id": "u", "trace": "t"}),
        "metadata.trace: Extra inputs are not permitted",
    ),
    "thinking budget of at least 1024": (
        _with(thinking={"type": "enabled", "budget_tokens": 512}, max_tokens=2048),
        "greater than or equal to 1024",
    ),
    "thinking budget under max_tokens": (
        _with(thinking=THINKING, max_tokens=1024),
        "`max_tokens` must be greater than `thinking.budget_tokens`",
    ),
    "temperature 1 with thinking": (
        _with(thinking=THINKING, max_tokens=2048, temperature=0.2),
        "`temperature` may only be set to 1 when thinking is enabled",
    ),
    "no forced tools with thinking": (
        _with(thinking=THINKING, max_tokens=2048, tools=[WEATHER], tool_choice={"type": "any"}),
        "Thinking may not be enabled when tool_choice forces tool use",
    ),
    "thinking replayed before tool use": (
        _with(
            thinking=THINKING,
            max_tokens=2048,
            tools=[WEATHER],
            messages=[_user(TEXT), _assistant(CALL), _user(RESULT)],
        ),
        "Expected `thinking` or `redacted_thinking`, but found `tool_use`",
    ),
    "thinking signatures are intact": (
        _messages(_user(TEXT), _assistant({**THOUGHT, "thinking": "edited"}, CALL), _user(RESULT)),
        "messages.1.content.0: Invalid `signature` in `thinking` block",
    ),
    "thinking signatures are present": (
        _messages(
            _user(TEXT), _assistant({"type": "thinking", "thinking": "x"}, CALL), _user(RESULT)
        ),
        "messages.1.content.0.thinking.signature: Field required",
    ),
    "no trailing whitespace in a prefill": (
        _messages(_user(TEXT), _assistant({"type": "text", "text": "Sure "})),
        "final assistant content cannot end with trailing whitespace",
    ),
}


@pytest.fixture
def sdk_mock(make_mock_upstream: Callable[..., MockUpstream]) -> MockUpstream:
    """The mock behind ``sdk``: this SDK sends its API key as a Bearer token, hence ``either``."""
    return make_mock_upstream([AnthropicMessages(auth="either")], api_keys=[KEY])


@pytest.fixture
def sdk(sdk_mock: MockUpstream) -> anthropic.Anthropic:
    return anthropic.Anthropic(api_key=KEY, base_url=sdk_mock.url, max_retries=0)


@pytest.mark.parametrize("case", list(STRICTNESS))
def test_the_real_apis_rules_are_enforced(sdk: anthropic.Anthropic, case: str) -> None:
    change, message = STRICTNESS[case]
    body = request(tools=[WEATHER])
    change(body)

    with pytest.raises(anthropic.BadRequestError) as caught:
        sdk.post("/v1/messages", cast_to=Message, body=body)

    assert caught.value.type == "invalid_request_error"
    assert caught.value.api_message is not None
    assert message in caught.value.api_message


def test_the_rules_pass_a_valid_thinking_tool_loop(sdk: anthropic.Anthropic) -> None:
    body = request(
        thinking=THINKING,
        max_tokens=2048,
        tools=[WEATHER],
        messages=[_user(TEXT), _assistant(THOUGHT, CALL), _user(RESULT)],
    )

    answer = sdk.post("/v1/messages", cast_to=Message, body=body)

    assert answer.content[-1].type == "text"
    assert answer.content[-1].text == "tool result: sunny"


def test_count_tokens_rejects_generation_settings(sdk: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.BadRequestError, match="max_tokens: Extra inputs"):
        sdk.post("/v1/messages/count_tokens", cast_to=Message, body=request())


# -- the official SDK --------------------------------------------------------------------


def test_sdk_create(sdk: anthropic.Anthropic) -> None:
    message = sdk.messages.create(
        model="claude-test", max_tokens=64, messages=[{"role": "user", "content": "hello sdk"}]
    )

    assert message.content[0].type == "text"
    assert message.content[0].text == "echo: hello sdk"
    assert (message.usage.input_tokens, message.usage.output_tokens) == (2, 3)


def test_sdk_stream_with_tools(sdk: anthropic.Anthropic) -> None:
    with sdk.messages.stream(
        model="claude-test",
        max_tokens=64,
        messages=[{"role": "user", "content": "weather in Rome"}],
        tools=[WEATHER],  # type: ignore[list-item]
    ) as stream:
        texts = list(stream.text_stream)
        final = stream.get_final_message()

    assert texts == []
    assert final.stop_reason == "tool_use"
    call = final.content[0]
    assert call.type == "tool_use"
    assert call.input == {"city": "weather in Rome", "days": 3}


def test_sdk_stream_with_thinking_across_a_tool_loop(sdk: anthropic.Anthropic) -> None:
    messages: list[Any] = [{"role": "user", "content": "weather in Rome"}]
    options: dict[str, Any] = {
        "model": "claude-test",
        "max_tokens": 4096,
        "thinking": THINKING,
        "tools": [WEATHER],
    }
    with sdk.messages.stream(messages=messages, **options) as stream:
        first = stream.get_final_message()
    thinking, call = first.content
    assert thinking.type == "thinking"
    assert thinking.thinking == "The user wrote: weather in Rome"
    assert call.type == "tool_use"

    messages += [
        {
            "role": "assistant",
            "content": [block.model_dump(exclude_none=True) for block in first.content],
        },
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": call.id, "content": "21 C"}],
        },
    ]
    with sdk.messages.stream(messages=messages, **options) as stream:
        second = stream.get_final_message()

    assert [block.type for block in second.content] == ["thinking", "text"]
    assert second.content[1].type == "text"
    assert second.content[1].text == "tool result: 21 C"


def test_sdk_count_tokens(sdk: anthropic.Anthropic) -> None:
    counted = sdk.messages.count_tokens(
        model="claude-test",
        system="be brief",
        messages=[{"role": "user", "content": "count me"}],
        tools=[WEATHER],  # type: ignore[list-item]
    )

    assert counted.input_tokens == 4


def test_sdk_rejects_a_wrong_key(make_mock_upstream: Callable[..., MockUpstream]) -> None:
    mock = make_mock_upstream([AnthropicMessages()])
    client = anthropic.Anthropic(api_key=KEY, base_url=mock.url, max_retries=0)

    with pytest.raises(anthropic.AuthenticationError) as caught:
        client.messages.create(model="m", max_tokens=8, messages=[{"role": "user", "content": "x"}])

    assert caught.value.api_message == "x-api-key header is required"


# -- faults ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error", "kind"),
    [
        (400, anthropic.BadRequestError, "invalid_request_error"),
        (401, anthropic.AuthenticationError, "authentication_error"),
        (403, anthropic.PermissionDeniedError, "permission_error"),
        (404, anthropic.NotFoundError, "not_found_error"),
        (429, anthropic.RateLimitError, "rate_limit_error"),
        (500, anthropic.InternalServerError, "api_error"),
        (529, anthropic.OverloadedError, "overloaded_error"),
    ],
)
def test_sdk_parses_injected_errors(
    sdk: anthropic.Anthropic,
    sdk_mock: MockUpstream,
    status: int,
    error: type[anthropic.APIStatusError],
    kind: str,
) -> None:
    sdk_mock.inject(status=status, headers={"Retry-After": "3"})

    with pytest.raises(error) as caught:
        sdk.messages.create(model="m", max_tokens=8, messages=[{"role": "user", "content": "x"}])

    assert caught.value.status_code == status
    assert caught.value.type == kind
    assert caught.value.api_message is not None
    assert caught.value.api_message.startswith(f"mock upstream fault: {status}")
    assert caught.value.response.headers["retry-after"] == "3"


def test_sdk_sees_a_cut_stream_as_an_error(
    sdk: anthropic.Anthropic, sdk_mock: MockUpstream
) -> None:
    sdk_mock.inject(cut_after=4)

    # This SDK lets the transport's error through mid-stream instead of wrapping it.
    with (
        pytest.raises(httpx2.RemoteProtocolError, match="incomplete chunked read"),
        sdk.messages.stream(
            model="m", max_tokens=8, messages=[{"role": "user", "content": "a b c d"}]
        ) as stream,
    ):
        stream.get_final_message()


def test_garbage_stream_events_are_not_json(claude: MockUpstream) -> None:
    claude.inject(garbage=True)

    (event,) = parse_sse(post(claude, request(stream=True)).text)

    assert event.event == "content_block_delta"
    with pytest.raises(json.JSONDecodeError):
        event.json()


def test_a_dropped_connection_is_a_connection_error(
    sdk: anthropic.Anthropic, sdk_mock: MockUpstream
) -> None:
    sdk_mock.inject(drop=True)

    with pytest.raises(anthropic.APIConnectionError):
        sdk.messages.create(model="m", max_tokens=8, messages=[{"role": "user", "content": "x"}])


# -- serving alongside other formats -----------------------------------------------------


def test_one_server_speaks_openai_and_anthropic(
    make_mock_upstream: Callable[..., MockUpstream],
) -> None:
    mock = make_mock_upstream([OpenAIChat(), AnthropicMessages()])
    chat = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}

    openai_answer = httpx.post(f"{mock.base_url}/chat/completions", json=chat).json()
    claude_answer = post(mock, request("hi")).json()

    assert openai_answer["choices"][0]["message"]["content"] == "echo: hi"
    assert claude_answer["content"][0]["text"] == "echo: hi"


def test_unknown_paths_get_anthropic_404s(claude: MockUpstream) -> None:
    response = httpx.post(f"{claude.url}/v1/complete", json={}, headers=HEADERS)

    assert response.status_code == 404
    assert response.json()["error"]["type"] == "not_found_error"


def test_formats_map_the_claude_wire_format() -> None:
    assert FORMATS["claude"] is AnthropicMessages
    assert AnthropicMessages().base_path == OpenAIChat().base_path == "/v1"
