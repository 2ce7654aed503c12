"""The Responses mock speaks the real OpenAI Responses wire format and refuses what it refuses.

Checked with raw HTTP (exact event order and ``sequence_number``) and with the official
``openai`` SDK, whose ``Response`` model, stream accumulator and exception classes are the
arbiter of "compatible". The Codex dialect is checked against the rules the real
``chatgpt.com/backend-api/codex`` backend enforces, OAuth refresh included.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import openai
import pytest
from openai.types.responses import Response

from omniroute_plugin_testkit.mock import (
    FORMATS,
    CodexResponses,
    MockUpstream,
    OpenAIResponses,
    RequiresStream,
    seal_reasoning,
)
from omniroute_plugin_testkit.mock.oauth import OAuthTokens
from omniroute_plugin_testkit.sse import SSEEvent, parse_sse

KEY = "sk-responses"
WEATHER = {
    "type": "function",
    "name": "get_weather",
    "description": "Weather for a city",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
        "required": ["city"],
    },
}
LONG_PROMPT = " ".join(f"word{n}" for n in range(20))
"""Longer than the 16-token minimum of ``max_output_tokens``, so 16 truncates its echo."""


@pytest.fixture
def mock(make_mock_upstream: Callable[..., MockUpstream]) -> MockUpstream:
    return make_mock_upstream([OpenAIResponses()], api_keys=[KEY])


@pytest.fixture
def sdk(mock: MockUpstream) -> openai.OpenAI:
    return openai.OpenAI(api_key=KEY, base_url=mock.base_url, max_retries=0)


def post(mock: MockUpstream, body: Any, key: str | None = KEY, **headers: str) -> httpx.Response:
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    return httpx.post(mock.base_url + "/responses", json=body, headers=headers)


def request(content: Any = "hello there", **extra: Any) -> dict[str, Any]:
    return {"model": "gpt-5", "input": content, **extra}


def events_of(response: httpx.Response) -> list[SSEEvent]:
    assert response.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(response.text)
    for event in events:
        assert event.event == event.json()["type"], "each frame's event name is its data type"
    return events


def replay(first: dict[str, Any] | Response, user: str, result: str) -> list[Any]:
    """The next turn's input: the user's words, ``first``'s output items, the call's result."""
    output = first["output"] if isinstance(first, dict) else first.output
    items = [
        item if isinstance(item, dict) else item.model_dump(exclude_none=True) for item in output
    ]
    call = next(item for item in items if item["type"] == "function_call")
    return [
        {"role": "user", "content": user},
        *items,
        {"type": "function_call_output", "call_id": call["call_id"], "output": result},
    ]


# -- answers -----------------------------------------------------------------------------


def test_the_format_is_registered_under_its_wire_name() -> None:
    assert FORMATS["openai-responses"] is OpenAIResponses
    assert OpenAIResponses().base_path == "/v1"


def test_json_answer_echoes_the_input(mock: MockUpstream) -> None:
    body = request(instructions="be brief", metadata={"k": "v"})

    answer = post(mock, body).json()

    assert answer["id"].startswith("resp_")
    assert answer["object"] == "response"
    assert answer["status"] == "completed"
    assert answer["instructions"] == "be brief"
    assert answer["metadata"] == {"k": "v"}
    (message,) = answer["output"]
    assert message["id"].startswith("msg_")
    assert (message["type"], message["role"], message["status"]) == (
        "message",
        "assistant",
        "completed",
    )
    assert message["content"] == [
        {"type": "output_text", "text": "echo: hello there", "annotations": [], "logprobs": []}
    ]
    assert answer["usage"] == {
        "input_tokens": 4,
        "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
        "output_tokens": 3,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": 7,
    }
    assert mock.last_request.key == KEY
    assert mock.last_request.model == "gpt-5"


def test_input_items_of_every_role_and_part(mock: MockUpstream) -> None:
    body = request(
        [
            {"role": "developer", "content": "be brief"},
            {"type": "message", "role": "user", "content": "first question"},
            {
                "type": "message",
                "role": "assistant",
                "content": [{"type": "output_text", "text": "first answer"}],
            },
            {
                "role": "user",
                "content": [
                    {"type": "input_text", "text": "what is this"},
                    {"type": "input_image", "image_url": "https://example.com/a.png"},
                ],
            },
        ]
    )

    answer = post(mock, body).json()

    assert answer["output"][0]["content"][0]["text"] == "echo: what is this [input_image]"


def test_sdk_create_parses_the_response(sdk: openai.OpenAI) -> None:
    response = sdk.responses.create(model="gpt-5", input="hello sdk", instructions="be brief")

    assert isinstance(response, Response)
    assert response.output_text == "echo: hello sdk"
    assert response.status == "completed"
    assert response.usage is not None
    assert (response.usage.input_tokens, response.usage.output_tokens) == (4, 3)


def test_sdk_stream_gets_the_final_response(sdk: openai.OpenAI) -> None:
    with sdk.responses.stream(model="gpt-5", input="stream me please") as stream:
        deltas = [event.delta for event in stream if event.type == "response.output_text.delta"]
        final = stream.get_final_response()

    assert "".join(deltas) == "echo: stream me please"
    assert final.output_text == "echo: stream me please"
    assert final.usage is not None
    assert final.usage.output_tokens == 4


def test_stream_has_the_real_event_sequence(mock: MockUpstream) -> None:
    events = events_of(post(mock, request("one two", stream=True)))
    payloads = [event.json() for event in events]

    assert [p["sequence_number"] for p in payloads] == list(range(len(payloads)))
    assert [p["type"] for p in payloads] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
        "response.output_text.delta",
        "response.output_text.delta",
        "response.output_text.delta",
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    created, completed = payloads[0]["response"], payloads[-1]["response"]
    assert (created["status"], created["output"], created["usage"]) == ("in_progress", [], None)
    assert completed["status"] == "completed"
    assert completed["usage"]["output_tokens"] == 3
    added = payloads[2]["item"]
    assert (added["status"], added["content"]) == ("in_progress", [])
    assert payloads[-2]["item"] == completed["output"][0]
    assert payloads[7]["text"] == "echo: one two"
    for payload in payloads[3:9]:
        assert (payload["item_id"], payload["output_index"], payload["content_index"]) == (
            added["id"],
            0,
            0,
        )


def test_tools_make_a_deterministic_function_call(mock: MockUpstream) -> None:
    body = request("weather in Paris", tools=[WEATHER])

    answer = post(mock, body).json()

    (call,) = answer["output"]
    assert call["type"] == "function_call"
    assert call["call_id"].startswith("call_")
    assert call["id"].startswith("fc_")
    assert call["name"] == "get_weather"
    assert json.loads(call["arguments"]) == {"city": "weather in Paris", "days": 3}
    assert post(mock, body).json()["output"][0]["call_id"] == call["call_id"]


def test_streamed_function_call_arguments_arrive_in_pieces(mock: MockUpstream) -> None:
    events = events_of(post(mock, request("weather in Paris", tools=[WEATHER], stream=True)))
    payloads = [event.json() for event in events]

    kinds = [p["type"] for p in payloads]
    assert kinds[2] == "response.output_item.added"
    assert kinds[-3:] == [
        "response.function_call_arguments.done",
        "response.output_item.done",
        "response.completed",
    ]
    deltas = [p["delta"] for p in payloads if p["type"].endswith("arguments.delta")]
    assert len(deltas) > 1
    done = payloads[-3]
    assert "".join(deltas) == done["arguments"]
    assert json.loads(done["arguments"]) == {"city": "weather in Paris", "days": 3}
    assert payloads[2]["item"]["arguments"] == ""


def test_tool_choice_none_forced_and_allowed(mock: MockUpstream) -> None:
    noop = {"type": "function", "name": "noop", "parameters": {"type": "object"}}
    tools = [noop, WEATHER]
    forced_choice = {"type": "function", "name": "get_weather"}
    allowed = {"type": "allowed_tools", "mode": "auto", "tools": [forced_choice]}

    none = post(mock, request("hi", tools=tools, tool_choice="none")).json()
    forced = post(mock, request("Oslo", tools=tools, tool_choice=forced_choice)).json()
    narrowed = post(mock, request("Oslo", tools=tools, tool_choice=allowed)).json()
    hosted = post(mock, request("hi", tools=[{"type": "web_search"}])).json()

    assert none["output"][0]["type"] == "message"
    assert forced["output"][0]["name"] == "get_weather"
    assert narrowed["output"][0]["name"] == "get_weather"
    assert hosted["output"][0]["content"][0]["text"] == "echo: hi"


def test_sdk_function_call_round_trip(sdk: openai.OpenAI) -> None:
    tools: Any = [WEATHER]
    first = sdk.responses.create(model="gpt-5", input="weather in Rome", tools=tools)
    (call,) = first.output
    assert call.type == "function_call"

    second = sdk.responses.create(
        model="gpt-5", input=replay(first, "weather in Rome", "sunny"), tools=tools
    )

    assert second.output_text == "tool result: sunny"


def test_sdk_streamed_function_call_round_trip(sdk: openai.OpenAI) -> None:
    tools: Any = [WEATHER]
    with sdk.responses.stream(model="gpt-5", input="weather in Rome", tools=tools) as stream:
        first = stream.get_final_response()

    with sdk.responses.stream(
        model="gpt-5", input=replay(first, "weather in Rome", "rainy"), tools=tools
    ) as stream:
        second = stream.get_final_response()

    assert second.output_text == "tool result: rainy"


def test_max_output_tokens_makes_an_incomplete_response(mock: MockUpstream) -> None:
    answer = post(mock, request(LONG_PROMPT, max_output_tokens=16)).json()

    assert answer["status"] == "incomplete"
    assert answer["incomplete_details"] == {"reason": "max_output_tokens"}
    assert answer["completed_at"] is None
    assert answer["output"][0]["status"] == "incomplete"
    assert len(answer["output"][0]["content"][0]["text"].split()) == 16
    assert answer["usage"]["output_tokens"] == 16


def test_a_truncated_stream_ends_with_response_incomplete(mock: MockUpstream) -> None:
    body = request(LONG_PROMPT, max_output_tokens=16, stream=True)

    payloads = [event.json() for event in events_of(post(mock, body))]

    assert payloads[-1]["type"] == "response.incomplete"
    assert payloads[-1]["response"]["incomplete_details"] == {"reason": "max_output_tokens"}
    assert "response.completed" not in [p["type"] for p in payloads]


# -- reasoning ---------------------------------------------------------------------------


def test_reasoning_with_a_summary_comes_first(mock: MockUpstream) -> None:
    reasoning = {"effort": "high", "summary": "auto"}

    answer = post(mock, request("why is the sky blue", reasoning=reasoning)).json()

    thought, message = answer["output"]
    assert thought["id"].startswith("rs_")
    assert thought["type"] == "reasoning"
    assert thought["summary"] == [
        {"type": "summary_text", "text": "The user wrote: why is the sky blue"}
    ]
    assert "encrypted_content" not in thought
    assert message["content"][0]["text"] == "echo: why is the sky blue"
    assert answer["reasoning"] == {"effort": "high", "summary": "auto"}
    assert answer["usage"]["output_tokens_details"] == {"reasoning_tokens": 8}
    assert answer["usage"]["output_tokens"] == 6 + 8, "reasoning tokens count as output"


def test_reasoning_without_summary_or_with_effort_none(mock: MockUpstream) -> None:
    silent = post(mock, request("hi", reasoning={"effort": "low"})).json()
    off = post(mock, request("hi", reasoning={"effort": "none", "summary": "auto"})).json()

    assert silent["output"][0] == {
        "id": silent["output"][0]["id"],
        "type": "reasoning",
        "summary": [],
    }
    assert silent["usage"]["output_tokens_details"]["reasoning_tokens"] == 4
    assert [item["type"] for item in off["output"]] == ["message"]


def test_reasoning_summary_streams_its_own_events(mock: MockUpstream) -> None:
    body = request("why", reasoning={"effort": "medium", "summary": "detailed"}, stream=True)

    payloads = [event.json() for event in events_of(post(mock, body))]

    kinds = [p["type"] for p in payloads]
    assert kinds[:5] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.reasoning_summary_part.added",
        "response.reasoning_summary_text.delta",
    ]
    summary_done = kinds.index("response.reasoning_summary_text.done")
    assert kinds[summary_done + 1 : summary_done + 4] == [
        "response.reasoning_summary_part.done",
        "response.output_item.done",
        "response.output_item.added",
    ]
    text = "".join(p["delta"] for p in payloads if p["type"].endswith("summary_text.delta"))
    assert text == payloads[summary_done]["text"] == "The user wrote: why"
    assert payloads[summary_done + 3]["output_index"] == 1
    assert [p["sequence_number"] for p in payloads] == list(range(len(payloads)))


def test_sdk_stream_accumulates_reasoning_and_call(sdk: openai.OpenAI) -> None:
    tools: Any = [WEATHER]
    with sdk.responses.stream(
        model="gpt-5",
        input="weather in Rome",
        tools=tools,
        reasoning={"effort": "low", "summary": "auto"},
    ) as stream:
        final = stream.get_final_response()

    thought, call = final.output
    assert thought.type == "reasoning"
    assert thought.summary[0].text == "The user wrote: weather in Rome"
    assert call.type == "function_call"
    assert json.loads(call.arguments)["city"] == "weather in Rome"


def test_encrypted_reasoning_replays_and_tampering_fails(mock: MockUpstream) -> None:
    options = {
        "reasoning": {"effort": "medium"},
        "include": ["reasoning.encrypted_content"],
        "store": False,
        "tools": [WEATHER],
    }
    first = post(mock, request("weather in Rome", **options)).json()
    thought = first["output"][0]
    assert thought["encrypted_content"] == seal_reasoning(thought["id"])

    replayed = post(mock, request(replay(first, "weather in Rome", "sunny"), **options))
    tampered_input = replay(first, "weather in Rome", "sunny")
    tampered_input[1] = {**thought, "encrypted_content": seal_reasoning("rs_other")}
    tampered = post(mock, request(tampered_input, **options))
    bare_input = replay(first, "weather in Rome", "sunny")
    bare_input[1] = {key: value for key, value in thought.items() if key != "encrypted_content"}
    bare = post(mock, request(bare_input, **options))

    assert replayed.status_code == 200, replayed.text
    assert replayed.json()["output"][-1]["content"][0]["text"] == "tool result: sunny"
    assert tampered.status_code == 400
    assert "could not be verified" in tampered.json()["error"]["message"]
    assert bare.status_code == 404
    assert "Items are not persisted" in bare.json()["error"]["message"]


# -- strictness --------------------------------------------------------------------------

CALL = {"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": "{}"}
OUTPUT = {"type": "function_call_output", "call_id": "call_1", "output": "sunny"}
STRICTNESS: dict[str, tuple[dict[str, Any], str, str | None]] = {
    "input is required": ({"model": "gpt-5"}, "Missing required parameter: 'input'.", "input"),
    "model is required": ({"input": "hi"}, "Missing required parameter: 'model'.", "model"),
    "unknown top-level field": (
        request(client_metadata={"a": 1}),
        "Unknown parameter: 'client_metadata'.",
        "client_metadata",
    ),
    "chat messages": (
        {"model": "gpt-5", "messages": [{"role": "user", "content": "hi"}]},
        "Unknown parameter: 'messages'.",
        "messages",
    ),
    "input of the wrong type": (
        request({"role": "user"}),
        "Invalid type for 'input': expected a string or an array of input items, but got an "
        "object instead.",
        "input",
    ),
    "output without its call": (
        request([{"role": "user", "content": "hi"}, OUTPUT]),
        "No tool call found for function call output with call_id call_1.",
        "input",
    ),
    "output before its call": (
        request([{"role": "user", "content": "hi"}, OUTPUT, CALL]),
        "No tool call found for function call output with call_id call_1.",
        "input",
    ),
    "call without its output": (
        request([{"role": "user", "content": "hi"}, CALL]),
        "No tool output found for function call call_1.",
        "input",
    ),
    "chat tool message": (
        request([{"role": "tool", "tool_call_id": "call_1", "content": "sunny"}]),
        "Invalid value: 'tool'. Supported values are: 'assistant', 'developer', 'system', and "
        "'user'.",
        "input[0].role",
    ),
    "chat tool_call_id in an output": (
        request([CALL, {**OUTPUT, "tool_call_id": "call_1"}]),
        "Unknown parameter: 'input[1].tool_call_id'.",
        "input[1].tool_call_id",
    ),
    "call id used as item id": (
        request([{**CALL, "id": "call_1"}, OUTPUT]),
        "Invalid 'input[0].id': 'call_1'. Expected an ID that begins with 'fc'.",
        "input[0].id",
    ),
    "arguments as an object": (
        request([{**CALL, "arguments": {}}, OUTPUT]),
        "Invalid type for 'input[0].arguments': expected a string, but got an object instead.",
        "input[0].arguments",
    ),
    "input_text in an assistant message": (
        request([{"role": "assistant", "content": [{"type": "input_text", "text": "hi"}]}]),
        "Invalid value: 'input_text'. Supported values are: 'output_text' and 'refusal'.",
        "input[0].content[0].type",
    ),
    "output_text in a user message": (
        request([{"role": "user", "content": [{"type": "output_text", "text": "hi"}]}]),
        "Invalid value: 'output_text'. Supported values are: 'input_audio', 'input_file', "
        "'input_image', and 'input_text'.",
        "input[0].content[0].type",
    ),
    "chat content part": (
        request([{"role": "user", "content": [{"type": "text", "text": "hi"}]}]),
        "Invalid value: 'text'. Supported values are: 'input_audio', 'input_file', "
        "'input_image', and 'input_text'.",
        "input[0].content[0].type",
    ),
    "previous_response_id (stateless)": (
        request(previous_response_id="resp_abc"),
        "Previous response with id 'resp_abc' not found.",
        "previous_response_id",
    ),
    "chat-shaped function tool": (
        request(tools=[{"type": "function", "function": {"name": "get_weather"}}]),
        "Missing required parameter: 'tools[0].name'.",
        "tools[0].name",
    ),
    "chat-shaped tool choice": (
        request(tools=[WEATHER], tool_choice={"type": "function", "function": {"name": "x"}}),
        "Missing required parameter: 'tool_choice.name'.",
        "tool_choice.name",
    ),
    "tool choice naming no tool": (
        request(tools=[WEATHER], tool_choice={"type": "function", "name": "nope"}),
        "Tool choice 'nope' not found in 'tools' parameter.",
        "tool_choice",
    ),
    "max_output_tokens under 16": (
        request(max_output_tokens=8),
        "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, "
        "but got 8 instead.",
        "max_output_tokens",
    ),
    "unknown reasoning effort": (
        request(reasoning={"effort": "extreme"}),
        "Invalid value: 'extreme'. Supported values are: 'high', 'low', 'medium', 'minimal', "
        "'none', and 'xhigh'.",
        "reasoning.effort",
    ),
    "chat response_format moved into text": (
        request(text={"format": {"type": "json_schema", "json_schema": {"name": "x"}}}),
        "Missing required parameter: 'text.format.name'.",
        "text.format.name",
    ),
    "stream_options without stream": (
        request(stream_options={"include_obfuscation": False}),
        "Invalid 'stream_options': stream_options is only allowed when stream is true.",
        "stream_options",
    ),
}


@pytest.mark.parametrize("case", list(STRICTNESS))
def test_the_real_apis_rules_are_enforced(mock: MockUpstream, case: str) -> None:
    body, message, param = STRICTNESS[case]

    response = post(mock, body)

    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert (error["message"], error["param"], error["type"]) == (
        message,
        param,
        "invalid_request_error",
    )


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (request([{"type": "item_reference", "id": "msg_1"}]), 404, "Item with id 'msg_1'"),
        (request(conversation="conv_1"), 404, "Conversation with id 'conv_1' not found."),
    ],
    ids=["item_reference", "conversation"],
)
def test_stored_state_is_never_found(
    mock: MockUpstream, body: dict[str, Any], status: int, message: str
) -> None:
    response = post(mock, body)

    assert response.status_code == status
    assert response.json()["error"]["message"].startswith(message)


@pytest.mark.parametrize(
    ("body", "param"),
    [
        (request([{"type": {"x": 1}}]), "input[0].type"),
        (request([{"role": "user", "content": [{"type": ["x"]}]}]), "input[0].content[0].type"),
        (request(include=[{"x": 1}]), "include[0]"),
        (request(tools=[{"type": {"x": 1}}]), "tools[0].type"),
    ],
    ids=["item-type", "part-type", "include", "tool-type"],
)
def test_objects_where_names_belong_are_invalid_values(
    mock: MockUpstream, body: Any, param: str
) -> None:
    response = post(mock, body)

    assert response.status_code == 400
    assert response.json()["error"]["param"] == param


def test_invalid_json_is_a_400(mock: MockUpstream) -> None:
    response = httpx.post(
        mock.base_url + "/responses",
        content=b"{not json",
        headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert "could not parse the JSON body" in response.json()["error"]["message"]


def test_sdk_raises_the_matching_exceptions(mock: MockUpstream, sdk: openai.OpenAI) -> None:
    wrong = openai.OpenAI(api_key="sk-wrong", base_url=mock.base_url, max_retries=0)

    with pytest.raises(openai.AuthenticationError):
        wrong.responses.create(model="gpt-5", input="hi")
    with pytest.raises(openai.BadRequestError, match="Previous response with id") as raised:
        sdk.responses.create(model="gpt-5", input="hi", previous_response_id="resp_1")
    assert raised.value.code == "previous_response_not_found"
    assert post(mock, request(), key=None).status_code == 401


# -- faults ------------------------------------------------------------------------------


def test_faults_answer_in_openai_shape(mock: MockUpstream, sdk: openai.OpenAI) -> None:
    mock.inject(status=429, headers={"Retry-After": "3"}, when_model="gpt-5")

    with pytest.raises(openai.RateLimitError) as raised:
        sdk.responses.create(model="gpt-5", input="hi")

    assert raised.value.response.headers["retry-after"] == "3"
    assert sdk.responses.create(model="gpt-5", input="hi").output_text == "echo: hi"


def test_garbage_and_cut_streams(mock: MockUpstream) -> None:
    mock.inject(garbage=True)
    garbage = post(mock, request(stream=True))
    mock.inject(cut_after=3)
    cut: list[bytes] = []
    with (
        pytest.raises(httpx.RemoteProtocolError),
        httpx.stream(
            "POST",
            mock.base_url + "/responses",
            json=request(stream=True),
            headers={"Authorization": f"Bearer {KEY}"},
        ) as response,
    ):
        cut.extend(response.iter_bytes())

    assert garbage.text == OpenAIResponses.garbage_event.decode()
    events = parse_sse(b"".join(cut).decode())
    assert [event.event for event in events] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
    ]


# -- the Codex dialect -------------------------------------------------------------------

CODEX = {
    "model": "gpt-5.2-codex",
    "instructions": "You are Codex.",
    "input": [{"role": "user", "content": [{"type": "input_text", "text": "hello codex"}]}],
    "stream": True,
    "store": False,
    "include": ["reasoning.encrypted_content"],
    "reasoning": {"effort": "high", "summary": "auto"},
}
ACCOUNT = "acct-123"


def codex_post(
    mock: MockUpstream, body: Any, token: str | None = "at-1", account: str | None = ACCOUNT
) -> httpx.Response:
    headers = {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if account is not None:
        headers["chatgpt-account-id"] = account
    return httpx.post(mock.base_url + "/responses", json=body, headers=headers)


@pytest.fixture
def codex(make_mock_upstream: Callable[..., MockUpstream]) -> MockUpstream:
    return make_mock_upstream([CodexResponses(account_ids=[ACCOUNT], models=["gpt-5.2-codex"])])


def test_codex_serves_the_chatgpt_backend_path(codex: MockUpstream) -> None:
    response = codex_post(codex, CODEX)

    assert codex.base_url == codex.url + "/backend-api/codex"
    assert response.status_code == 200, response.text
    payloads = [event.json() for event in events_of(response)]
    assert payloads[-1]["type"] == "response.completed"
    final = payloads[-1]["response"]
    assert final["store"] is False
    thought, message = final["output"]
    assert thought["encrypted_content"] == seal_reasoning(thought["id"])
    assert message["content"][0]["text"] == "echo: hello codex"
    assert codex.last_request.path == "/backend-api/codex/responses"
    assert codex.last_request.header("chatgpt-account-id") == ACCOUNT
    assert isinstance(codex.formats[0], RequiresStream)


CODEX_RULES: dict[str, tuple[dict[str, Any], str]] = {
    "stream must be true": ({**CODEX, "stream": False}, "Stream must be set to true"),
    "stream is required": (
        {k: v for k, v in CODEX.items() if k != "stream"},
        "Stream must be set to true",
    ),
    "instructions are required": (
        {k: v for k, v in CODEX.items() if k != "instructions"},
        "Instructions are required",
    ),
    "store must be false": ({**CODEX, "store": True}, "Store must be set to false"),
    "store must be explicit": (
        {k: v for k, v in CODEX.items() if k != "store"},
        "Store must be set to false",
    ),
    "no max_output_tokens": (
        {**CODEX, "max_output_tokens": 4096},
        "Unsupported parameter: max_output_tokens",
    ),
    "no unknown fields": (
        {**CODEX, "client_metadata": {}},
        "Unsupported parameter: client_metadata",
    ),
    "effort suffix ids are not models": (
        {**CODEX, "model": "gpt-5.2-codex-high"},
        "The 'gpt-5.2-codex-high' model is not supported when using Codex with a ChatGPT account.",
    ),
}


@pytest.mark.parametrize("case", list(CODEX_RULES))
def test_codex_rules_answer_with_detail(codex: MockUpstream, case: str) -> None:
    body, detail = CODEX_RULES[case]

    response = codex_post(codex, body)

    assert response.status_code == 400
    assert response.json() == {"detail": detail}


def test_codex_keeps_the_public_apis_rules(codex: MockUpstream) -> None:
    body = {**CODEX, "input": [*CODEX["input"], OUTPUT]}

    response = codex_post(codex, body)

    assert response.status_code == 400
    assert response.json() == {
        "detail": "No tool call found for function call output with call_id call_1."
    }


@pytest.mark.parametrize(
    ("token", "account", "status"),
    [(None, ACCOUNT, 401), ("at-1", None, 401), ("at-1", "acct-other", 403)],
    ids=["no-token", "no-account", "other-account"],
)
def test_codex_credentials(
    codex: MockUpstream, token: str | None, account: str | None, status: int
) -> None:
    response = codex_post(codex, CODEX, token=token, account=account)

    assert response.status_code == status
    assert isinstance(response.json()["error"]["message"], str)


def test_codex_accepts_exactly_the_tokens_an_oauth_mock_issued(
    make_mock_upstream: Callable[..., MockUpstream],
) -> None:
    tokens = OAuthTokens(["rt-0"], path="/oauth/token")
    token_host = make_mock_upstream([tokens])
    codex = make_mock_upstream([CodexResponses()], api_keys=[])

    expired = codex_post(codex, CODEX, token="at-stale")
    grant = {"grant_type": "refresh_token", "refresh_token": "rt-0"}
    fresh = httpx.post(token_host.url + "/oauth/token", json=grant).json()["access_token"]
    codex.api_keys = frozenset(tokens.issued)
    accepted = codex_post(codex, CODEX, token=fresh)

    assert expired.status_code == 401
    assert expired.json()["error"]["code"] == "token_expired"
    assert accepted.status_code == 200


def test_codex_with_the_openai_sdk(make_mock_upstream: Callable[..., MockUpstream]) -> None:
    codex = make_mock_upstream([CodexResponses()], api_keys=["at-1"])
    sdk = openai.OpenAI(
        api_key="at-1",
        base_url=codex.base_url,
        default_headers={"chatgpt-account-id": ACCOUNT},
        max_retries=0,
    )
    tools: Any = [WEATHER]
    options: dict[str, Any] = {"model": "gpt-5", "instructions": "You are Codex.", "store": False}

    with sdk.responses.stream(input="weather in Rome", tools=tools, **options) as stream:
        first = stream.get_final_response()
    with sdk.responses.stream(
        input=replay(first, "weather in Rome", "sunny"), tools=tools, **options
    ) as stream:
        second = stream.get_final_response()
    with pytest.raises(openai.BadRequestError) as raised:
        sdk.responses.create(input="hi", **options)
    assert raised.value.body == {"detail": "Stream must be set to true"}

    assert first.output[0].type == "function_call"
    assert second.output_text == "tool result: sunny"


def test_codex_faults_keep_the_openai_shape_except_400(
    make_mock_upstream: Callable[..., MockUpstream],
) -> None:
    codex = make_mock_upstream([CodexResponses()])
    codex.inject(status=429, message="usage limit reached")
    codex.inject(status=400, message="bad")

    limited = codex_post(codex, CODEX)
    bad = codex_post(codex, CODEX)

    assert limited.status_code == 429
    assert limited.json()["error"]["message"] == "usage limit reached"
    assert bad.json() == {"detail": "bad"}
