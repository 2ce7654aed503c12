"""The official ``google-genai`` SDK through ``omniroute serve`` against a Gemini upstream
(the testkit's strict AI Studio mock) and an OpenAI upstream; and the ``openai`` and
``anthropic`` SDKs against the Gemini upstream."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import anthropic
import httpx
import openai
import pytest
from google import genai
from google.genai import types

from omniroute_plugin_testkit.gateway import GatewayProcess, write_config
from omniroute_plugin_testkit.mock import GeminiAPI, MockUpstream

FLASH = "gemini/gemini-2.5-flash"
GEMINI_3 = "gemini/gemini-3-pro-preview"
WEATHER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"city": {"type": "string"}},
    "required": ["city"],
    "additionalProperties": False,  # what Gemini rejects; the gateway must clean it
    "$schema": "http://json-schema.org/draft-07/schema#",
}


class Upstreams:
    def __init__(self) -> None:
        self.gemini = MockUpstream([GeminiAPI(auth="header")], api_keys=["AIza-test"])
        self.openai = MockUpstream()

    def all(self) -> tuple[MockUpstream, ...]:
        return (self.gemini, self.openai)


@pytest.fixture(scope="module")
def upstreams() -> Iterator[Upstreams]:
    ups = Upstreams()
    for mock in ups.all():
        mock.start()
    try:
        yield ups
    finally:
        for mock in ups.all():
            mock.stop()


@pytest.fixture(autouse=True)
def _fresh(upstreams: Upstreams) -> None:
    for mock in upstreams.all():
        mock.reset()


def gateway_config(upstreams: Upstreams) -> dict[str, Any]:
    return {
        "connections": [
            {
                "provider": "gemini",
                "name": "studio",
                "api_key": "AIza-test",
                "base_url": f"{upstreams.gemini.url}/v1beta",
            },
            {
                "provider": "openai",
                "name": "main",
                "api_key": "sk-oa",
                "base_url": upstreams.openai.base_url,
            },
        ]
    }


@pytest.fixture(scope="module")
def gateway(
    upstreams: Upstreams, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[GatewayProcess]:
    root = tmp_path_factory.mktemp("e2e-gemini")
    config = write_config(root / "omniroute.toml", gateway_config(upstreams))
    with GatewayProcess(root / "data", config) as gw:
        yield gw


@pytest.fixture
def gclient(gateway: GatewayProcess) -> genai.Client:
    return genai.Client(api_key="local", http_options=types.HttpOptions(base_url=gateway.url))


def weather_tool() -> types.Tool:
    return types.Tool(
        function_declarations=[
            types.FunctionDeclaration(
                name="get_weather",
                description="Weather for a city",
                parameters_json_schema={
                    "type": "object",
                    "properties": {"city": {"type": "string"}},
                },
            )
        ]
    )


# -- google-genai --------------------------------------------------------------------------


@pytest.mark.parametrize("model", [FLASH, "openai/gpt-4o"])
def test_generate_content(gclient: genai.Client, model: str) -> None:
    answer = gclient.models.generate_content(model=model, contents="hello gemini")
    assert answer.text == "echo: hello gemini"
    assert answer.usage_metadata is not None
    assert answer.usage_metadata.prompt_token_count


@pytest.mark.parametrize("model", [FLASH, "openai/gpt-4o"])
def test_generate_content_stream(gclient: genai.Client, model: str) -> None:
    chunks = list(gclient.models.generate_content_stream(model=model, contents="stream it now"))
    assert len(chunks) > 1
    assert "".join(c.text or "" for c in chunks) == "echo: stream it now"
    assert chunks[-1].candidates[0].finish_reason == types.FinishReason.STOP  # type: ignore[index]


def test_pass_through_sends_the_key_header_and_the_body_untouched(
    gclient: genai.Client, upstreams: Upstreams
) -> None:
    gclient.models.generate_content(model=FLASH, contents="check the wire")
    sent = upstreams.gemini.last_request
    assert sent.path == "/v1beta/models/gemini-2.5-flash:generateContent"
    assert sent.header("x-goog-api-key") == "AIza-test"
    assert sent.header("authorization") is None
    assert sent.json["contents"] == [{"parts": [{"text": "check the wire"}], "role": "user"}]


@pytest.mark.parametrize("model", [GEMINI_3, "openai/gpt-4o"])
def test_function_calling_round_trip(gclient: genai.Client, model: str) -> None:
    config = types.GenerateContentConfig(
        tools=[weather_tool()],
        automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
    )
    first = gclient.models.generate_content(model=model, contents="weather in Kyiv", config=config)
    (call,) = first.function_calls or []
    assert call.name == "get_weather"
    assert call.args == {"city": "weather in Kyiv"}
    history = [
        types.Content(role="user", parts=[types.Part(text="weather in Kyiv")]),
        first.candidates[0].content,  # type: ignore[index]  # carries the thought signature
        types.Content(
            role="user",
            parts=[
                types.Part(
                    function_response=types.FunctionResponse(
                        id=call.id, name="get_weather", response={"output": "snow"}
                    )
                )
            ],
        ),
    ]
    second = gclient.models.generate_content(model=model, contents=history, config=config)
    assert second.text == "tool result: snow"


def test_count_tokens(gclient: genai.Client) -> None:
    counted = gclient.models.count_tokens(model=FLASH, contents="count me please")
    assert counted.total_tokens


def test_errors_in_geminis_shape(
    gateway_process: Callable[..., GatewayProcess], upstreams: Upstreams
) -> None:
    # Its own gateway: the 429 cools the only Gemini account for the other tests' gateway.
    gw = gateway_process(gateway_config(upstreams))
    gclient = genai.Client(api_key="local", http_options=types.HttpOptions(base_url=gw.url))
    upstreams.gemini.inject(status=429)
    with pytest.raises(genai.errors.ClientError) as caught:
        gclient.models.generate_content(model=FLASH, contents="x")
    assert caught.value.code == 429
    assert caught.value.status == "RESOURCE_EXHAUSTED"


# -- openai and anthropic SDKs on the Gemini upstream ---------------------------------------


def test_openai_streaming_text(oai: openai.OpenAI) -> None:
    with oai.chat.completions.stream(
        model=FLASH, messages=[{"role": "user", "content": "to gemini"}]
    ) as stream:
        final = stream.get_final_completion()
    assert final.choices[0].message.content == "echo: to gemini"


def test_openai_tool_round_trip_with_signatures(oai: openai.OpenAI, upstreams: Upstreams) -> None:
    tool: Any = {
        "type": "function",
        "function": {"name": "get_weather", "parameters": WEATHER_SCHEMA},
    }
    messages: list[Any] = [{"role": "user", "content": "weather in Oslo"}]
    with oai.chat.completions.stream(model=GEMINI_3, messages=messages, tools=[tool]) as stream:
        final = stream.get_final_completion()
    message = final.choices[0].message
    (call,) = message.tool_calls or []
    assert json.loads(call.function.arguments) == {"city": "weather in Oslo"}
    sent_tools = upstreams.gemini.last_request.json["tools"][0]["functionDeclarations"][0]
    assert "additionalProperties" not in json.dumps(sent_tools)
    messages += [
        message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": call.id, "content": "rain"},
    ]
    answer = oai.chat.completions.create(model=GEMINI_3, messages=messages, tools=[tool])
    assert answer.choices[0].message.content == "tool result: rain"


def test_openai_thinking(oai: openai.OpenAI) -> None:
    answer = oai.chat.completions.create(
        model=FLASH, reasoning_effort="low", messages=[{"role": "user", "content": "ponder"}]
    )
    assert (answer.choices[0].message.model_extra or {}).get("reasoning_content")
    assert answer.choices[0].message.content == "echo: ponder"


def test_anthropic_stream_and_tool_round_trip(claude: anthropic.Anthropic) -> None:
    with claude.messages.stream(
        model=FLASH, max_tokens=200, messages=[{"role": "user", "content": "claude to gemini"}]
    ) as stream:
        assert stream.get_final_message().content[0].text == "echo: claude to gemini"  # type: ignore[union-attr]

    tools: Any = [{"name": "get_weather", "input_schema": WEATHER_SCHEMA}]
    first = claude.messages.create(
        model=GEMINI_3,
        max_tokens=500,
        tools=tools,
        messages=[{"role": "user", "content": "weather in Lima"}],
    )
    (call,) = [b for b in first.content if b.type == "tool_use"]
    second = claude.messages.create(
        model=GEMINI_3,
        max_tokens=500,
        tools=tools,
        messages=[
            {"role": "user", "content": "weather in Lima"},
            {"role": "assistant", "content": first.content},  # type: ignore[typeddict-item]
            {
                "role": "user",
                "content": [{"type": "tool_result", "tool_use_id": call.id, "content": "fog"}],
            },
        ],
    )
    assert second.content[-1].text == "tool result: fog"  # type: ignore[union-attr]


def test_anthropic_thinking(claude: anthropic.Anthropic) -> None:
    message = claude.messages.create(
        model=FLASH,
        max_tokens=3000,
        thinking={"type": "enabled", "budget_tokens": 1024},
        messages=[{"role": "user", "content": "think"}],
    )
    assert message.content[0].type == "thinking"
    assert message.content[-1].text == "echo: think"  # type: ignore[union-attr]


def test_stream_without_alt_sse_is_one_json_array(gateway: GatewayProcess) -> None:
    response = httpx.post(
        f"{gateway.url}/v1beta/models/{FLASH}:streamGenerateContent",
        json={"contents": [{"role": "user", "parts": [{"text": "array please"}]}]},
        headers={"x-goog-api-key": "local"},
    )
    assert response.headers["content-type"].startswith("application/json")
    chunks = response.json()
    assert isinstance(chunks, list)
    assert len(chunks) > 1
    text = "".join(
        p.get("text", "") for c in chunks for p in c["candidates"][0]["content"]["parts"]
    )
    assert text == "echo: array please"
