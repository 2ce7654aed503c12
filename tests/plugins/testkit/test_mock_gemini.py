"""The Gemini mocks speak Google's three Gemini APIs and refuse what the real ones refuse.

AI Studio is driven with the official ``google-genai`` SDK, whose parsers and error classes
are the arbiter of "compatible"; raw HTTP checks the exact bytes (SSE framing, JSON-array
streams) and the Code Assist and Vertex dialects. Then each strictness rule, the faults in
Gemini's error shape, and the contract suite's support for Gemini-format providers.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from google import genai
from google.genai import errors, types

from omniroute import ModelInfo, ProviderManifest
from omniroute_plugin_testkit.contract import Account, ContractUpstream, Subject
from omniroute_plugin_testkit.contract import upstreams as contract_upstreams
from omniroute_plugin_testkit.contract.bodies import answer_tokens
from omniroute_plugin_testkit.contract.suite import credential_fault, issues_call_ids
from omniroute_plugin_testkit.mock import (
    FORMATS,
    GeminiAPI,
    GeminiCodeAssist,
    GeminiVertex,
    MockUpstream,
    OpenAIChat,
    RejectsCredentials,
    ToolCallIds,
    thought_signature,
)
from omniroute_plugin_testkit.sse import parse_sse

KEY = "AIza-test-key"
TOKEN = "ya29.test-token"
FLASH = "gemini-2.5-flash"
PRO = "gemini-2.5-pro"
GEMINI3 = "gemini-3-pro-preview"
WEATHER = {
    "name": "get_weather",
    "description": "Weather for a city",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
        "required": ["city"],
    },
}
THINKING = {"thinkingConfig": {"thinkingBudget": 1024, "includeThoughts": True}}
VERTEX_PATH = "/v1/projects/p-1/locations/us-central1/publishers/google/models"


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "parts": [{"text": text}]}


def call_turn(name: str = "get_weather", args: Any = None, **part: Any) -> dict[str, Any]:
    call = {"name": name, "args": {"city": "Paris"} if args is None else args}
    return {"role": "model", "parts": [{"functionCall": call, **part}]}


def signed_call_turn(**call: Any) -> dict[str, Any]:
    """A model turn replaying the call the mock made, with the signature it issued."""
    turn = call_turn(**call)
    part = turn["parts"][0]
    part["thoughtSignature"] = thought_signature(part)
    return turn


def result_turn(name: str = "get_weather", result: Any = "sunny", **fields: Any) -> dict[str, Any]:
    response = {"name": name, "response": {"result": result}, **fields}
    return {"role": "user", "parts": [{"functionResponse": response}]}


def request(*contents: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"contents": list(contents) or [user("hello there")], **extra}


def post(
    mock: MockUpstream,
    payload: Any,
    model: str = FLASH,
    method: str = "generateContent",
    **kwargs: Any,
) -> httpx.Response:
    kwargs.setdefault("headers", {"x-goog-api-key": KEY})
    return httpx.post(f"{mock.url}/v1beta/models/{model}:{method}", json=payload, **kwargs)


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == status
    return error


def text_of(answer: dict[str, Any]) -> str:
    parts = answer["candidates"][0]["content"].get("parts", [])
    return "".join(part["text"] for part in parts if "text" in part and not part.get("thought"))


@pytest.fixture
def studio(make_mock_upstream: Callable[..., MockUpstream]) -> MockUpstream:
    return make_mock_upstream([GeminiAPI(credentials=[KEY])])


@pytest.fixture
def client(studio: MockUpstream) -> genai.Client:
    return genai.Client(api_key=KEY, http_options=types.HttpOptions(base_url=studio.url))


def weather_config(**extra: Any) -> types.GenerateContentConfig:
    tool = types.Tool(function_declarations=[types.FunctionDeclaration(**WEATHER)])
    no_afc = types.AutomaticFunctionCallingConfig(disable=True)
    return types.GenerateContentConfig(tools=[tool], automatic_function_calling=no_afc, **extra)


# -- AI Studio through the official SDK ------------------------------------------------------


def test_generate_content_echoes_with_usage(client: genai.Client, studio: MockUpstream) -> None:
    config = types.GenerateContentConfig(system_instruction="be brief")

    answer = client.models.generate_content(model=FLASH, contents="hello there", config=config)

    assert answer.text == "echo: hello there"
    assert answer.candidates is not None
    assert answer.candidates[0].finish_reason == types.FinishReason.STOP
    usage = answer.usage_metadata
    assert usage is not None
    assert (usage.prompt_token_count, usage.candidates_token_count) == (4, 3)
    assert usage.total_token_count == 7
    assert usage.thoughts_token_count is None
    assert answer.model_version == FLASH
    assert answer.response_id
    recorded = studio.last_request
    assert recorded.path == f"/v1/models/{FLASH}:generateContent"  # the SDK's default version
    assert (recorded.key, recorded.model) == (KEY, FLASH)
    assert recorded.header("x-goog-api-key") == KEY


def test_generate_content_stream(client: genai.Client, studio: MockUpstream) -> None:
    chunks = list(client.models.generate_content_stream(model=FLASH, contents="one two three"))

    assert "".join(chunk.text or "" for chunk in chunks) == "echo: one two three"
    assert len(chunks) == 4, "a word per chunk"
    finishes = [chunk.candidates[0].finish_reason for chunk in chunks if chunk.candidates]
    assert finishes == [None, None, None, types.FinishReason.STOP]
    running = [
        chunk.usage_metadata.candidates_token_count for chunk in chunks if chunk.usage_metadata
    ]
    assert running == [1, 2, 3, 4], "usage repeats on every chunk with running totals"
    assert studio.last_request.query == {"alt": "sse"}


def test_thoughts_come_first_and_count_as_output(client: genai.Client) -> None:
    config = types.GenerateContentConfig(
        thinking_config=types.ThinkingConfig(include_thoughts=True, thinking_budget=1024)
    )

    answer = client.models.generate_content(model=FLASH, contents="hello there", config=config)

    assert answer.candidates is not None
    assert answer.candidates[0].content is not None
    parts = answer.candidates[0].content.parts or []
    assert [(p.thought, p.text) for p in parts] == [
        (True, "The user wrote: hello there"),
        (None, "echo: hello there"),
    ]
    assert parts[1].thought_signature, "after thinking, the answer's last part is signed"
    usage = answer.usage_metadata
    assert usage is not None
    assert (usage.candidates_token_count, usage.thoughts_token_count) == (3, 5)
    assert usage.total_token_count == 2 + 3 + 5


def test_a_streamed_chat_replays_its_signed_pieces(
    client: genai.Client, studio: MockUpstream
) -> None:
    chat = client.chats.create(model=PRO)

    first = "".join(chunk.text or "" for chunk in chat.send_message_stream("hello there"))
    second = "".join(chunk.text or "" for chunk in chat.send_message_stream("and again"))

    assert (first, second) == ("echo: hello there", "echo: and again")
    history = studio.last_request.json["contents"]
    assert [content["role"] for content in history] == ["user", "model", "model", "model", "user"]
    assert "thoughtSignature" in history[3]["parts"][0], "the signed last piece comes back as is"


def test_function_calling_round_trip_with_thought_signatures(
    client: genai.Client, studio: MockUpstream
) -> None:
    config = weather_config()
    question = types.Content(role="user", parts=[types.Part(text="weather in Paris")])

    first = client.models.generate_content(model=GEMINI3, contents=[question], config=config)

    assert first.candidates is not None
    assert first.candidates[0].content is not None
    turn = first.candidates[0].content
    (part,) = turn.parts or []
    call = part.function_call
    assert call is not None
    assert (call.name, call.args) == ("get_weather", {"city": "weather in Paris", "days": 3})
    assert call.id, "Gemini 3 gives each call an id"
    expected = thought_signature({"functionCall": {"name": call.name, "args": call.args}})
    assert part.thought_signature == base64.b64decode(expected)
    assert first.candidates[0].finish_reason == types.FinishReason.STOP
    assert first.usage_metadata is not None
    assert first.usage_metadata.thoughts_token_count == 6

    answer = types.FunctionResponse(id=call.id, name=call.name, response={"result": "sunny"})
    reply = types.Content(role="user", parts=[types.Part(function_response=answer)])
    second = client.models.generate_content(
        model=GEMINI3, contents=[question, turn, reply], config=config
    )

    assert second.text == "tool result: sunny"
    replayed = studio.last_request.json["contents"][1]["parts"][0]
    assert replayed["functionCall"]["id"] == call.id
    assert replayed["thoughtSignature"]


def test_gemini_3_rejects_a_call_replayed_without_its_signature(client: genai.Client) -> None:
    config = weather_config()
    question = types.Content(role="user", parts=[types.Part(text="weather in Paris")])
    first = client.models.generate_content(model=GEMINI3, contents=[question], config=config)
    assert first.candidates is not None
    assert first.candidates[0].content is not None
    (part,) = first.candidates[0].content.parts or []
    assert part.function_call is not None
    stripped = types.Content(role="model", parts=[types.Part(function_call=part.function_call)])
    answer = types.FunctionResponse(
        id=part.function_call.id, name="get_weather", response={"result": "sunny"}
    )
    reply = types.Content(role="user", parts=[types.Part(function_response=answer)])

    with pytest.raises(errors.ClientError) as caught:
        client.models.generate_content(
            model=GEMINI3, contents=[question, stripped, reply], config=config
        )

    assert caught.value.code == 400
    assert caught.value.status == "INVALID_ARGUMENT"
    assert caught.value.message is not None
    assert caught.value.message.startswith(
        "Function call is missing a thought_signature in functionCall parts."
    )
    assert "`default_api:get_weather` , position 2." in caught.value.message


def test_count_tokens_and_model_catalogue(client: genai.Client) -> None:
    counted = client.models.count_tokens(model=FLASH, contents="one two three")
    listed = [model.name for model in client.models.list()]
    one = client.models.get(model="mock-model")

    assert counted.total_tokens == 3
    assert listed == ["models/gpt-4o-mini", "models/gpt-4o", "models/mock-model"]
    assert one.name == "models/mock-model"
    assert one.supported_actions == ["generateContent", "countTokens"]


def test_sdk_error_classes(studio: MockUpstream, client: genai.Client) -> None:
    stranger = genai.Client(
        api_key="AIza-wrong", http_options=types.HttpOptions(base_url=studio.url)
    )
    with pytest.raises(errors.ClientError) as wrong_key:
        stranger.models.generate_content(model=FLASH, contents="hi")
    studio.inject(status=429, message="Resource has been exhausted (e.g. check quota).")
    with pytest.raises(errors.ClientError) as limited:
        client.models.generate_content(model=FLASH, contents="hi")
    studio.inject(status=503, message="The model is overloaded. Please try again later.")
    with pytest.raises(errors.ServerError) as overloaded:
        client.models.generate_content(model=FLASH, contents="hi")

    assert (wrong_key.value.code, wrong_key.value.status) == (400, "INVALID_ARGUMENT")
    assert wrong_key.value.message == "API key not valid. Please pass a valid API key."
    reasons = [d.get("reason") for d in wrong_key.value.details["error"]["details"]]
    assert "API_KEY_INVALID" in reasons
    assert (limited.value.code, limited.value.status) == (429, "RESOURCE_EXHAUSTED")
    assert (overloaded.value.code, overloaded.value.status) == (503, "UNAVAILABLE")


# -- AI Studio on the wire -------------------------------------------------------------------


def test_sse_frames_as_google_sends_them(studio: MockUpstream) -> None:
    response = post(studio, request(), method="streamGenerateContent", params={"alt": "sse"})

    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.content.endswith(b"}\r\n\r\n")
    assert b"[DONE]" not in response.content
    frames = [event.json() for event in parse_sse(response.text)]
    assert [text_of(frame) for frame in frames] == ["echo: ", "hello ", "there"]
    assert ["finishReason" in frame["candidates"][0] for frame in frames] == [False, False, True]
    usages = [frame["usageMetadata"] for frame in frames]
    assert [u["candidatesTokenCount"] for u in usages] == [1, 2, 3]
    assert {u["promptTokenCount"] for u in usages} == {2}
    assert {frame["responseId"] for frame in frames} == {frames[0]["responseId"]}


def test_stream_without_alt_sse_is_one_json_array(studio: MockUpstream) -> None:
    response = post(studio, request(), method="streamGenerateContent")

    assert response.headers["content-type"] == "application/json"
    chunks = response.json()
    assert isinstance(chunks, list)
    assert "".join(text_of(chunk) for chunk in chunks) == "echo: hello there"
    assert chunks[-1]["candidates"][0]["finishReason"] == "STOP"


def test_streamed_function_call_arrives_whole_with_its_signature(studio: MockUpstream) -> None:
    payload = request(user("weather in Oslo"), tools=[{"functionDeclarations": [WEATHER]}])
    payload["generationConfig"] = THINKING

    response = post(studio, payload, method="streamGenerateContent", params={"alt": "sse"})

    frames = [event.json() for event in parse_sse(response.text)]
    parts = [part for frame in frames for part in frame["candidates"][0]["content"]["parts"]]
    thoughts = "".join(part["text"] for part in parts if part.get("thought"))
    assert thoughts == "The user wrote: weather in Oslo"
    (call,) = [part for part in parts if "functionCall" in part]
    assert call["functionCall"] == {
        "name": "get_weather",
        "args": {"city": "weather in Oslo", "days": 3},
    }
    assert call["thoughtSignature"] == thought_signature(call)
    last = frames[-1]["candidates"][0]
    assert last["finishReason"] == "STOP"
    assert last["finishMessage"] == "Model generated function call(s)."


def test_max_output_tokens_truncates(studio: MockUpstream) -> None:
    payload = request(generationConfig={"maxOutputTokens": 2})

    answer = post(studio, payload).json()

    assert text_of(answer) == "echo: hello"
    assert answer["candidates"][0]["finishReason"] == "MAX_TOKENS"
    assert answer["usageMetadata"]["candidatesTokenCount"] == 2


def test_thinking_uses_up_the_output_limit_first(studio: MockUpstream) -> None:
    config = {"maxOutputTokens": 5, "thinkingConfig": {"thinkingBudget": 1024}}

    answer = post(studio, request(generationConfig=config)).json()

    candidate = answer["candidates"][0]
    assert candidate["content"] == {"role": "model"}, "no room left for the answer"
    assert candidate["finishReason"] == "MAX_TOKENS"
    assert answer["usageMetadata"]["thoughtsTokenCount"] == 5
    assert "candidatesTokenCount" not in answer["usageMetadata"]


def test_stop_sequences_end_the_answer(studio: MockUpstream) -> None:
    answer = post(studio, request(generationConfig={"stopSequences": ["there"]})).json()

    assert text_of(answer) == "echo: hello "
    assert answer["candidates"][0]["finishReason"] == "STOP"


def test_pro_always_thinks_without_showing_thoughts(studio: MockUpstream) -> None:
    answer = post(studio, request(), model=PRO).json()

    (part,) = answer["candidates"][0]["content"]["parts"]
    assert part["text"] == "echo: hello there"
    assert part["thoughtSignature"] == thought_signature({"text": "echo: hello there"})
    assert answer["usageMetadata"]["thoughtsTokenCount"] == 5


@pytest.mark.parametrize(
    ("config", "model", "text"),
    [
        ({"mode": "NONE"}, FLASH, "echo: hello there"),
        ({"mode": "ANY", "allowedFunctionNames": ["lookup"]}, FLASH, None),
    ],
    ids=["none", "any-allowed"],
)
def test_function_calling_modes(
    studio: MockUpstream, config: dict[str, Any], model: str, text: str | None
) -> None:
    lookup = {"name": "lookup", "parameters": {"type": "object", "properties": {}}}
    tools = [{"functionDeclarations": [WEATHER, lookup]}]
    payload = request(tools=tools, toolConfig={"functionCallingConfig": config})

    answer = post(studio, payload, model=model).json()

    parts = answer["candidates"][0]["content"]["parts"]
    if text is not None:
        assert text_of(answer) == text
    else:
        assert parts[0]["functionCall"]["name"] == "lookup"


@pytest.mark.parametrize("auth", ["header", "query", "either"])
def test_where_the_key_must_be(make_mock_upstream: Callable[..., MockUpstream], auth: str) -> None:
    mock = make_mock_upstream([GeminiAPI(auth=auth, credentials=[KEY])])  # type: ignore[arg-type]

    in_header = post(mock, request())
    in_query = post(mock, request(), headers={}, params={"key": KEY})

    assert in_header.status_code == (403 if auth == "query" else 200)
    assert in_query.status_code == (403 if auth == "header" else 200)
    if auth == "either":
        assert mock.last_request.query == {"key": KEY}
        assert mock.last_request.key == KEY


def test_credential_errors(studio: MockUpstream) -> None:
    missing = error_of(post(studio, request(), headers={}), 403)
    wrong = error_of(post(studio, request(), headers={"x-goog-api-key": "nope"}), 400)

    assert missing["status"] == "PERMISSION_DENIED"
    assert missing["message"].startswith("Method doesn't allow unregistered callers")
    assert wrong["status"] == "INVALID_ARGUMENT"
    assert wrong["details"][0]["reason"] == "API_KEY_INVALID"
    assert wrong["details"][0]["metadata"] == {"service": "generativelanguage.googleapis.com"}


def test_unknown_models_are_refused_when_asked(
    make_mock_upstream: Callable[..., MockUpstream],
) -> None:
    mock = make_mock_upstream([GeminiAPI(known_models_only=True)], models=[FLASH])

    assert post(mock, request()).status_code == 200
    error = error_of(post(mock, request(), model="gemini-9"), 404)
    assert error["status"] == "NOT_FOUND"
    assert error["message"].startswith("models/gemini-9 is not found for API version v1beta")


# -- strictness ------------------------------------------------------------------------------


def unknown_field(field: str, where: str) -> str:
    return (
        f"Invalid JSON payload received. Unknown name \"{field}\" at '{where}': Cannot find field."
    )


def with_parameters(parameters: dict[str, Any]) -> dict[str, Any]:
    declaration = {"name": "get_weather", "parameters": parameters}
    return request(tools=[{"functionDeclarations": [declaration]}])


def with_property(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return with_parameters(
        {"type": "object", "properties": {"city": {"type": "string"}, name: schema}}
    )


PARAMETERS = "tools[0].function_declarations[0].parameters"
SCHEMA_CASES = {
    "$schema": (
        with_parameters(
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}
        ),
        unknown_field("$schema", PARAMETERS),
    ),
    "additionalProperties": (
        with_parameters({"type": "object", "additionalProperties": False}),
        unknown_field("additionalProperties", PARAMETERS),
    ),
    "nested additionalProperties": (
        with_property("filters", {"type": "object", "additionalProperties": {"type": "string"}}),
        unknown_field("additionalProperties", f"{PARAMETERS}.properties[1].value"),
    ),
    "$ref": (
        with_property("place", {"$ref": "#/$defs/Place"}),
        unknown_field("$ref", f"{PARAMETERS}.properties[1].value"),
    ),
    "$defs": (
        with_parameters({"type": "object", "$defs": {"Place": {"type": "string"}}}),
        unknown_field("$defs", PARAMETERS),
    ),
    "const": (
        with_property("unit", {"type": "string", "const": "C"}),
        unknown_field("const", f"{PARAMETERS}.properties[1].value"),
    ),
    "exclusiveMinimum": (
        with_property("days", {"type": "integer", "exclusiveMinimum": 0}),
        unknown_field("exclusiveMinimum", f"{PARAMETERS}.properties[1].value"),
    ),
    "type list": (
        with_property("note", {"type": ["string", "null"]}),
        "Invalid JSON payload received. Proto field is not repeating, cannot start list.",
    ),
    "unknown type": (
        with_property("note", {"type": "text"}),
        f"Invalid value at '{PARAMETERS}.properties[1].value.type' "
        '(type.googleapis.com/google.ai.generativelanguage.v1beta.Type), "text"',
    ),
    "array without items": (
        with_property("days", {"type": "array"}),
        f"* GenerateContentRequest.{PARAMETERS}.properties[days].items: missing field.\n",
    ),
    "required undeclared": (
        with_parameters({"type": "object", "properties": {}, "required": ["city"]}),
        f"* GenerateContentRequest.{PARAMETERS}.required[0]: property is not defined\n",
    ),
}


@pytest.mark.parametrize(("payload", "message"), SCHEMA_CASES.values(), ids=SCHEMA_CASES.keys())
def test_tool_schemas_with_fields_gemini_rejects(
    studio: MockUpstream, payload: dict[str, Any], message: str
) -> None:
    error = error_of(post(studio, payload), 400)

    assert error["status"] == "INVALID_ARGUMENT"
    assert error["message"] == message


def test_schema_errors_name_the_field(studio: MockUpstream) -> None:
    error = error_of(
        post(studio, with_parameters({"type": "object", "additionalProperties": False})), 400
    )

    (violation,) = error["details"][0]["fieldViolations"]
    assert violation["field"] == PARAMETERS


def test_json_schema_parameters_and_vertex_take_what_ai_studio_refuses(
    studio: MockUpstream, make_mock_upstream: Callable[..., MockUpstream]
) -> None:
    schema = {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "additionalProperties": False,
    }
    declaration = {"name": "get_weather", "parametersJsonSchema": schema}
    vertex = make_mock_upstream([GeminiVertex()])

    as_json_schema = post(studio, request(tools=[{"functionDeclarations": [declaration]}]))
    on_vertex = httpx.post(
        f"{vertex.url}{VERTEX_PATH}/{FLASH}:generateContent",
        json=with_parameters(schema),
        headers={"Authorization": f"Bearer {TOKEN}"},
    )

    assert as_json_schema.status_code == 200, as_json_schema.text
    assert as_json_schema.json()["candidates"][0]["content"]["parts"][0]["functionCall"]
    assert on_vertex.status_code == 200, on_vertex.text


STRUCTURE_CASES = {
    "no contents": (
        request(contents=[]),
        "* GenerateContentRequest.contents: contents is not specified\n",
    ),
    "empty parts": (
        request({"role": "user", "parts": []}),
        "* GenerateContentRequest.contents[0].parts: contents.parts must not be empty.\n",
    ),
    "system role": (
        request({"role": "system", "parts": [{"text": "hi"}]}),
        "Please use a valid role: user, model.",
    ),
    "assistant role": (
        request(user("hi"), {"role": "assistant", "parts": [{"text": "yo"}]}),
        "Please use a valid role: user, model.",
    ),
    "openai field": (
        request(max_tokens=5),
        'Invalid JSON payload received. Unknown name "max_tokens": Cannot find field.',
    ),
    "unknown generation field": (
        request(generationConfig={"max_tokens": 5}),
        unknown_field("max_tokens", "generation_config"),
    ),
    "empty text": (
        request(user("")),
        "* GenerateContentRequest.contents[0].parts[0].data: required oneof field 'data' must "
        "have one initialized field\n",
    ),
    "two data fields": (
        request(
            {
                "role": "user",
                "parts": [{"text": "hi", "inlineData": {"mimeType": "image/png", "data": "AAAA"}}],
            }
        ),
        "Invalid JSON payload received. Oneof field 'data' is already set. Cannot set 'inlineData'",
    ),
    "signature not base64": (
        request(user("hi"), call_turn(thoughtSignature="not base64!"), result_turn()),
        "Invalid value at 'contents[1].parts[0].thought_signature' (TYPE_BYTES), Base64 "
        'decoding failed for "not base64!"',
    ),
    "wrong value type": (
        request(generationConfig={"maxOutputTokens": "many"}),
        "Invalid value at 'generation_config.max_output_tokens' (TYPE_INT32), \"many\"",
    ),
    "arguments as a JSON string": (
        request(user("hi"), call_turn(args='{"city": "Paris"}'), result_turn()),
        "Invalid value at 'contents[1].parts[0].function_call.args' "
        "(type.googleapis.com/google.protobuf.Struct), ",
    ),
    "result not an object": (
        request(
            user("hi"),
            call_turn(),
            {
                "role": "user",
                "parts": [{"functionResponse": {"name": "get_weather", "response": "sunny"}}],
            },
        ),
        "Invalid value at 'contents[2].parts[0].function_response.response' "
        '(type.googleapis.com/google.protobuf.Struct), "sunny"',
    ),
    "bad function name": (
        request(tools=[{"functionDeclarations": [{**WEATHER, "name": "get weather"}]}]),
        "* GenerateContentRequest.tools[0].function_declarations[0].name: Invalid function name.",
    ),
    "allowed names without ANY": (
        request(
            tools=[{"functionDeclarations": [WEATHER]}],
            toolConfig={
                "functionCallingConfig": {"mode": "AUTO", "allowedFunctionNames": ["get_weather"]}
            },
        ),
        "* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names:",
    ),
}


@pytest.mark.parametrize(
    ("payload", "message"), STRUCTURE_CASES.values(), ids=STRUCTURE_CASES.keys()
)
def test_request_structure_rules(
    studio: MockUpstream, payload: dict[str, Any], message: str
) -> None:
    error = error_of(post(studio, payload), 400)

    assert error["message"].startswith(message)


FUNCTION_TURN_CASES = {
    "response without call": (
        [user("hi"), result_turn()],
        "Please ensure that function response turn comes immediately after a function call turn.",
    ),
    "call left unanswered": (
        [user("hi"), call_turn(), user("never mind")],
        "Please ensure that the number of function response parts is equal to the number of "
        "function call parts of the function call turn.",
    ),
    "call first": (
        [call_turn(), result_turn()],
        "Please ensure that function call turn comes immediately after a user turn or after a "
        "function response turn.",
    ),
    "response to another function": (
        [user("hi"), call_turn(), result_turn(name="lookup")],
        "Please ensure that the names of the function response parts match the names of the "
        "function call parts of the function call turn.",
    ),
    "response to another call id": (
        [user("hi"), call_turn(), result_turn(id="call_other")],
        "Please ensure that the ids of the function response parts match the ids of the "
        "function call parts of the function call turn.",
    ),
}


@pytest.mark.parametrize(
    ("contents", "message"), FUNCTION_TURN_CASES.values(), ids=FUNCTION_TURN_CASES.keys()
)
def test_function_turns_must_pair_up(
    studio: MockUpstream, contents: list[dict[str, Any]], message: str
) -> None:
    error = error_of(post(studio, request(*contents)), 400)

    assert error["message"] == message


def test_a_paired_tool_conversation_and_consecutive_user_turns_are_accepted(
    studio: MockUpstream,
) -> None:
    paired = post(studio, request(user("hi"), call_turn(), result_turn(result="rain")))
    doubled = post(studio, request(user("first"), user("second")))

    assert text_of(paired.json()) == "tool result: rain"
    assert text_of(doubled.json()) == "echo: second"


SIGNATURE_CASES = {
    "corrupted": (
        FLASH,
        [user("hi"), call_turn(thoughtSignature="AAAA"), result_turn()],
        400,
        "Corrupted thought signature.",
    ),
    "missing, gemini 3": (
        GEMINI3,
        [user("hi"), call_turn(), result_turn()],
        400,
        "Function call is missing a thought_signature",
    ),
    "missing, older model": (FLASH, [user("hi"), call_turn(), result_turn()], 200, None),
    "signed, gemini 3": (GEMINI3, [user("hi"), signed_call_turn(), result_turn()], 200, None),
    "missing before the current turn": (
        GEMINI3,
        [
            user("hi"),
            call_turn(),
            result_turn(),
            {"role": "model", "parts": [{"text": "done"}]},
            user("more"),
        ],
        200,
        None,
    ),
    "second step of the turn": (
        GEMINI3,
        [user("hi"), signed_call_turn(), result_turn(), call_turn(), result_turn()],
        400,
        "Additional data, function call `default_api:get_weather` , position 4.",
    ),
    "documented bypass": (
        GEMINI3,
        [user("hi"), call_turn(thoughtSignature="skip_thought_signature_validator"), result_turn()],
        200,
        None,
    ),
    "call signature moved to text": (
        FLASH,
        [
            user("hi"),
            {
                "role": "model",
                "parts": [
                    {
                        "text": "done",
                        "thoughtSignature": signed_call_turn()["parts"][0]["thoughtSignature"],
                    }
                ],
            },
            user("more"),
        ],
        400,
        "Corrupted thought signature.",
    ),
    "call arguments edited": (
        FLASH,
        [
            user("hi"),
            {
                **signed_call_turn(),
                "parts": [
                    {
                        **signed_call_turn()["parts"][0],
                        "functionCall": {"name": "get_weather", "args": {"city": "Rome"}},
                    }
                ],
            },
            result_turn(),
        ],
        400,
        "Corrupted thought signature.",
    ),
    "streamed text replayed in pieces": (
        PRO,
        [
            user("hi"),
            {
                "role": "model",
                "parts": [
                    {"text": "echo: "},
                    {"text": "hi", "thoughtSignature": thought_signature({"text": "echo: hi"})},
                ],
            },
            user("more"),
        ],
        200,
        None,
    ),
}


@pytest.mark.parametrize(
    ("model", "contents", "status", "message"), SIGNATURE_CASES.values(), ids=SIGNATURE_CASES.keys()
)
def test_thought_signatures(
    studio: MockUpstream,
    model: str,
    contents: list[dict[str, Any]],
    status: int,
    message: str | None,
) -> None:
    response = post(studio, request(*contents), model=model)

    assert response.status_code == status, response.text
    if message is not None:
        assert message in response.json()["error"]["message"]


def test_strict_signatures_can_be_forced_either_way(
    make_mock_upstream: Callable[..., MockUpstream],
) -> None:
    strict = make_mock_upstream([GeminiAPI(strict_signatures=True, call_ids=True)])
    lenient = make_mock_upstream([GeminiAPI(strict_signatures=False, call_ids=False)])
    unsigned = request(user("hi"), call_turn(), result_turn())
    asks = request(user("weather?"), tools=[{"functionDeclarations": [WEATHER]}])

    assert post(strict, unsigned).status_code == 400
    assert post(lenient, unsigned, model=GEMINI3).status_code == 200
    strict_call = post(strict, asks).json()["candidates"][0]["content"]["parts"][0]
    lenient_call = post(lenient, asks, model=GEMINI3).json()["candidates"][0]["content"]["parts"][0]
    assert "id" in strict_call["functionCall"]
    assert "thoughtSignature" in strict_call
    assert "id" not in lenient_call["functionCall"]


THINKING_CASES = {
    "budget zero on pro": (
        PRO,
        {"thinkingBudget": 0},
        "Budget 0 is invalid. This model only works in thinking mode.",
    ),
    "budget over the range": (
        FLASH,
        {"thinkingBudget": 40000},
        "The thinking budget (40000) is invalid.",
    ),
    "budget under flash-lite's range": (
        "gemini-2.5-flash-lite",
        {"thinkingBudget": 100},
        "The thinking budget (100) is invalid.",
    ),
    "level before gemini 3": (
        FLASH,
        {"thinkingLevel": "high"},
        "Thinking level is not supported for this model.",
    ),
    "level and budget": (
        GEMINI3,
        {"thinkingLevel": "LOW", "thinkingBudget": 1024},
        "You can only set one of thinking budget and thinking level",
    ),
}


@pytest.mark.parametrize(
    ("model", "config", "message"), THINKING_CASES.values(), ids=THINKING_CASES.keys()
)
def test_thinking_config_rules(
    studio: MockUpstream, model: str, config: dict[str, Any], message: str
) -> None:
    error = error_of(
        post(studio, request(generationConfig={"thinkingConfig": config}), model=model), 400
    )

    assert error["message"].startswith(message)


@pytest.mark.parametrize(
    ("model", "config", "thoughts"),
    [
        (FLASH, {"thinkingBudget": 0, "includeThoughts": True}, None),
        (FLASH, {"thinkingBudget": -1}, 5),
        ("gemini-2.5-flash-lite", {"thinkingBudget": 512}, 5),
        (GEMINI3, {"thinkingLevel": "low"}, 5),
    ],
    ids=["off", "dynamic", "flash-lite-minimum", "level"],
)
def test_thinking_configs_the_api_accepts(
    studio: MockUpstream, model: str, config: dict[str, Any], thoughts: int | None
) -> None:
    answer = post(studio, request(generationConfig={"thinkingConfig": config}), model=model).json()

    assert answer["usageMetadata"].get("thoughtsTokenCount") == thoughts


# -- Code Assist (Gemini CLI accounts) -------------------------------------------------------


@pytest.fixture
def code_assist(make_mock_upstream: Callable[..., MockUpstream]) -> MockUpstream:
    return make_mock_upstream([GeminiCodeAssist(projects=["p-1"], credentials=[TOKEN])])


def post_code_assist(
    mock: MockUpstream,
    payload: Any,
    method: str = "generateContent",
    token: str | None = TOKEN,
    **kw: Any,
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(f"{mock.url}/v1internal:{method}", json=payload, headers=headers, **kw)


def envelope(**fields: Any) -> dict[str, Any]:
    inner = request(user("hello there"))
    inner["session_id"] = "session-1"
    return {
        "model": PRO,
        "project": "p-1",
        "user_prompt_id": "prompt-1",
        "request": inner,
        **fields,
    }


def test_code_assist_wraps_answers(code_assist: MockUpstream) -> None:
    answer = post_code_assist(code_assist, envelope()).json()

    assert set(answer) == {"response", "traceId"}
    assert text_of(answer["response"]) == "echo: hello there"
    assert answer["response"]["modelVersion"] == PRO
    assert code_assist.base_url == code_assist.url
    assert (code_assist.last_request.key, code_assist.last_request.model) == (TOKEN, PRO)


def test_code_assist_streams_wrapped_frames(code_assist: MockUpstream) -> None:
    response = post_code_assist(
        code_assist, envelope(), method="streamGenerateContent", params={"alt": "sse"}
    )

    frames = [event.json() for event in parse_sse(response.text)]
    assert all(set(frame) == {"response", "traceId"} for frame in frames)
    assert "".join(text_of(frame["response"]) for frame in frames) == "echo: hello there"
    assert frames[-1]["response"]["candidates"][0]["finishReason"] == "STOP"


def test_code_assist_checks_token_project_and_envelope(code_assist: MockUpstream) -> None:
    no_token = error_of(post_code_assist(code_assist, envelope(), token=None), 401)
    bad_token = error_of(post_code_assist(code_assist, envelope(), token="expired"), 401)
    other_project = error_of(post_code_assist(code_assist, envelope(project="p-2")), 403)
    no_model = error_of(post_code_assist(code_assist, envelope(model="")), 400)
    bad_inner = envelope()
    bad_inner["request"]["tools"] = [
        {"functionDeclarations": [{**WEATHER, "parameters": {"type": "object", "$schema": "x"}}]}
    ]
    inner_error = error_of(post_code_assist(code_assist, bad_inner), 400)

    assert no_token["status"] == bad_token["status"] == "UNAUTHENTICATED"
    assert no_token["message"].startswith("Request is missing required authentication credential.")
    assert bad_token["message"].startswith("Request had invalid authentication credentials.")
    assert other_project["status"] == "PERMISSION_DENIED"
    assert "projects/p-2" in other_project["message"]
    assert "model" in no_model["message"]
    assert inner_error["message"] == unknown_field("$schema", f"request.{PARAMETERS}")


def test_code_assist_counts_tokens_and_reports_the_project(code_assist: MockUpstream) -> None:
    counted = post_code_assist(
        code_assist,
        {"request": {"model": f"models/{FLASH}", "contents": [user("one two three")]}},
        method="countTokens",
    ).json()
    loaded = post_code_assist(
        code_assist, {"metadata": {"ideType": "IDE_UNSPECIFIED"}}, method="loadCodeAssist"
    ).json()

    assert counted == {"totalTokens": 3}
    assert loaded["cloudaicompanionProject"] == "p-1"
    assert loaded["currentTier"]["id"] == "free-tier"


# -- Vertex AI -------------------------------------------------------------------------------


@pytest.fixture
def vertex(make_mock_upstream: Callable[..., MockUpstream]) -> MockUpstream:
    return make_mock_upstream([GeminiVertex(projects=["p-1"], credentials=[TOKEN])])


def post_vertex(
    mock: MockUpstream,
    payload: Any,
    method: str = "generateContent",
    path: str = VERTEX_PATH,
    **kw: Any,
) -> httpx.Response:
    kw.setdefault("headers", {"Authorization": f"Bearer {TOKEN}"})
    return httpx.post(f"{mock.url}{path}/{FLASH}:{method}", json=payload, **kw)


def test_vertex_generate_and_stream(vertex: MockUpstream) -> None:
    answer = post_vertex(vertex, request()).json()
    streamed = post_vertex(vertex, request(), method="streamGenerateContent", params={"alt": "sse"})
    beta = post_vertex(vertex, request(), path=VERTEX_PATH.replace("/v1/", "/v1beta1/"))

    assert text_of(answer) == "echo: hello there"
    assert answer["createTime"].endswith("Z")
    assert answer["usageMetadata"]["trafficType"] == "ON_DEMAND"
    frames = [event.json() for event in parse_sse(streamed.text)]
    assert "".join(text_of(frame) for frame in frames) == "echo: hello there"
    assert beta.status_code == 200
    assert vertex.last_request.model == FLASH


def test_vertex_checks_token_and_project(vertex: MockUpstream) -> None:
    no_token = error_of(post_vertex(vertex, request(), headers={}), 401)
    other_project = error_of(
        post_vertex(vertex, request(), path=VERTEX_PATH.replace("p-1", "p-2")), 403
    )
    corrupted = error_of(
        post_vertex(vertex, request(user("hi"), call_turn(thoughtSignature="AAAA"), result_turn())),
        400,
    )
    empty_text = error_of(post_vertex(vertex, request(user(""))), 400)

    assert no_token["status"] == "UNAUTHENTICATED"
    assert other_project["message"].startswith("Permission 'aiplatform.endpoints.predict' denied")
    assert corrupted["message"].startswith(
        "Unable to submit request because Thought signature is not valid"
    )
    assert empty_text["message"].startswith(
        "Unable to submit request because it has an empty text parameter"
    )


def test_vertex_counts_tokens(vertex: MockUpstream) -> None:
    counted = post_vertex(
        vertex,
        {
            "contents": [user("one two three")],
            "systemInstruction": {"parts": [{"text": "be brief"}]},
        },
        method="countTokens",
    ).json()

    assert counted["totalTokens"] == 5
    assert counted["totalBillableCharacters"] == len("onetwothree")


# -- faults ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "name"),
    [
        (400, "INVALID_ARGUMENT"),
        (404, "NOT_FOUND"),
        (429, "RESOURCE_EXHAUSTED"),
        (500, "INTERNAL"),
        (503, "UNAVAILABLE"),
        (504, "DEADLINE_EXCEEDED"),
    ],
)
def test_faults_have_google_error_bodies(studio: MockUpstream, status: int, name: str) -> None:
    studio.inject(status=status, headers={"Retry-After": "7"} if status == 429 else {})

    response = post(studio, request())

    error = error_of(response, status)
    assert error["status"] == name
    assert error["message"].startswith(f"mock upstream fault: {status}")
    if status == 429:
        assert response.headers["retry-after"] == "7"


def test_faults_target_the_model_in_the_path_or_envelope(
    studio: MockUpstream, code_assist: MockUpstream
) -> None:
    studio.inject(status=503, when_model=PRO)
    code_assist.inject(status=503, when_model=PRO)

    assert post(studio, request(), model=FLASH).status_code == 200
    assert post(studio, request(), model=PRO).status_code == 503
    assert post_code_assist(code_assist, envelope()).status_code == 503


def test_stream_faults(studio: MockUpstream) -> None:
    studio.inject(garbage=True)
    garbage = post(studio, request(), method="streamGenerateContent", params={"alt": "sse"})
    studio.inject(cut_after=2)
    received: list[bytes] = []
    with pytest.raises(httpx.RemoteProtocolError):  # noqa: PT012 - the bytes before the cut matter
        url = f"{studio.url}/v1beta/models/{FLASH}:streamGenerateContent"
        with httpx.stream(
            "POST",
            url,
            params={"alt": "sse"},
            json=request(user("one two three four")),
            headers={"x-goog-api-key": KEY},
        ) as response:
            received.extend(response.iter_bytes())

    assert garbage.content == b"data: {this is not json\r\n\r\n"
    assert len(parse_sse(b"".join(received))) == 2


# -- the format registry and the contract suite -----------------------------------------------


def test_gemini_format_and_capabilities() -> None:
    studio, assist, vertex = GeminiAPI(), GeminiCodeAssist(), GeminiVertex()

    assert FORMATS["gemini"] is GeminiAPI
    assert {studio.name, assist.name, vertex.name} == {"gemini"}
    assert (studio.base_path, assist.base_path, vertex.base_path) == ("/v1beta", "", "")
    assert GeminiAPI(version="v1").base_path == "/v1"
    for fmt in (studio, assist, vertex):
        assert isinstance(fmt, RejectsCredentials)
        assert isinstance(fmt, ToolCallIds)
        assert fmt.issues_call_ids(GEMINI3)
        assert not fmt.issues_call_ids(FLASH)
    assert studio.credential_error("nope")[0] == 400
    assert assist.credential_error("nope")[0] == vertex.credential_error("nope")[0] == 401
    with pytest.raises(ValueError, match="auth must be one of"):
        GeminiAPI(auth="bearer")  # type: ignore[arg-type]


def test_contract_rejects_credentials_the_way_each_api_does() -> None:
    gemini = credential_fault(GeminiAPI(), "contract fault")
    openai = credential_fault(OpenAIChat(), "contract fault")

    assert gemini.status == 400
    assert isinstance(gemini.body, str)
    body = json.loads(gemini.body)
    assert body["error"]["details"][0]["reason"] == "API_KEY_INVALID"
    assert body["error"]["message"] == "contract fault"
    assert gemini.headers == {"Content-Type": "application/json"}
    assert (openai.status, openai.body, openai.message) == (401, None, "contract fault")


def test_contract_expects_call_ids_only_where_the_upstream_issues_them(
    make_mock_upstream: Callable[..., MockUpstream],
) -> None:
    gemini, openai = make_mock_upstream([GeminiAPI()]), make_mock_upstream([OpenAIChat()])

    assert issues_call_ids(gemini, GEMINI3)
    assert not issues_call_ids(gemini, FLASH)
    assert issues_call_ids(openai, "gpt-4o")


def test_contract_counts_answer_tokens_net_of_reasoning() -> None:
    assert answer_tokens({"completion_tokens": 9}) == 9
    usage = {"completion_tokens": 9, "completion_tokens_details": {"reasoning_tokens": 5}}
    assert answer_tokens(usage) == 4


def manifest(provider: str, base_url: str, **fields: Any) -> ProviderManifest:
    return ProviderManifest(
        id=provider,
        executor="gemini",
        auth="x-goog-api-key",
        format="gemini",
        base_url=base_url,
        models=(ModelInfo(id=FLASH),),
        **fields,
    )


@pytest.mark.parametrize(
    ("base_url", "mock"),
    [
        ("https://generativelanguage.googleapis.com/v1beta", None),
        ("https://cloudcode-pa.googleapis.com", GeminiCodeAssist),
        ("https://aiplatform.googleapis.com", GeminiVertex),
        ("https://us-central1-aiplatform.googleapis.com", GeminiVertex),
        ("https://europe-west4.aiplatform.googleapis.com", GeminiVertex),
        ("https://notaiplatform.googleapis.com", None),
    ],
)
def test_contract_picks_the_dialect_the_base_url_names(base_url: str, mock: type | None) -> None:
    found = contract_upstreams.host_mock(manifest("p", base_url), contract_upstreams.HOST_MOCKS)

    assert found is mock


def test_accounts_reach_the_connection_and_the_config() -> None:
    account = Account(
        "service-account-json", {"project": "p-1", "expires_at": 4102444800}, sent="Bearer ya29"
    )
    subject = Subject(
        manifest("vertex", "https://aiplatform.googleapis.com", auth_kind="oauth"),
        "http://mock",
        account,
    )
    plain = Subject(manifest("gemini", ""), "http://mock")

    connection = subject.connection()
    (entry,) = subject.config()["connections"]
    assert (connection.secret, connection.extra) == (
        "service-account-json",
        {"project": "p-1", "expires_at": 4102444800},
    )
    assert (entry["api_key"], entry["extra"]) == (
        "service-account-json",
        {"project": "p-1", "expires_at": 4102444800},
    )
    assert subject.credential == "Bearer ya29"
    assert (plain.secret, plain.credential, plain.extra) == (
        "sk-contract-gemini",
        "sk-contract-gemini",
        {},
    )
    assert "extra" not in plain.config()["connections"][0]


class FakeEntryPoint:
    def __init__(self, name: str, loaded: Any) -> None:
        self.name, self.value, self._loaded = name, f"fake:{name}", loaded

    def load(self) -> Any:
        if isinstance(self._loaded, Exception):
            raise self._loaded
        return self._loaded


def test_installed_distributions_describe_their_providers(monkeypatch: pytest.MonkeyPatch) -> None:
    described = ContractUpstream(GeminiCodeAssist, lambda subject, make: Account("token"))
    found = {
        contract_upstreams.ENTRY_POINT_GROUP: [FakeEntryPoint("gemini", {"gemini-cli": described})]
    }
    monkeypatch.setattr(contract_upstreams, "entry_points", lambda group: found.get(group, []))
    contract_upstreams.installed_upstreams.cache_clear()
    try:
        assert contract_upstreams.installed_upstreams() == {"gemini-cli": described}
        found[contract_upstreams.ENTRY_POINT_GROUP] = [
            FakeEntryPoint("broken", {"x": "not an upstream"})
        ]
        contract_upstreams.installed_upstreams.cache_clear()
        with pytest.raises(pytest.UsageError, match="must name a mapping of provider id"):
            contract_upstreams.installed_upstreams()
        found[contract_upstreams.ENTRY_POINT_GROUP] = [FakeEntryPoint("crash", ImportError("gone"))]
        contract_upstreams.installed_upstreams.cache_clear()
        with pytest.raises(pytest.UsageError, match="failed to load: gone"):
            contract_upstreams.installed_upstreams()
    finally:
        contract_upstreams.installed_upstreams.cache_clear()
