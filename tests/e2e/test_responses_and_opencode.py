"""The Responses API and the mixed-protocol providers, end to end over real HTTP.

* ``client.responses.create`` / ``responses.stream`` (official ``openai`` SDK) served by an
  OpenAI Chat upstream, an Anthropic upstream and the Codex backend;
* the Chat surface served by a Responses-format model (OpenAI's ``gpt-5-pro``);
* OpenCode: one provider, three protocols, each with the credential header its endpoint
  expects (asserted on what the mock received), for the ``openai`` and ``anthropic`` SDKs.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import anthropic
import openai
import pytest

from omniroute_plugin_testkit.gateway import GatewayProcess, write_config
from omniroute_plugin_testkit.mock import (
    AnthropicMessages,
    CodexResponses,
    MockUpstream,
    OpenAIChat,
    OpenAIResponses,
    OpenCode,
)
from omniroute_plugin_testkit.mock.oauth import OAuthTokens

WEATHER_RESPONSES: Any = {
    "type": "function",
    "name": "get_weather",
    "description": "Weather for a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
}
WEATHER_CHAT: Any = {
    "type": "function",
    "function": {"name": "get_weather", "parameters": WEATHER_RESPONSES["parameters"]},
}


class Upstreams:
    def __init__(self) -> None:
        self.openai = MockUpstream([OpenAIChat(), OpenAIResponses()])
        self.claude = MockUpstream([AnthropicMessages()])
        self.codex = MockUpstream([CodexResponses(account_ids=["acct-1"])], api_keys=[])
        self.tokens = OAuthTokens(["rt-0"])
        self.token_host = MockUpstream([self.tokens])
        self.opencode = MockUpstream([OpenCode()], api_keys=["sk-oc"])

    def all(self) -> tuple[MockUpstream, ...]:
        return (self.openai, self.claude, self.codex, self.token_host, self.opencode)


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


@pytest.fixture(scope="module")
def gateway(
    upstreams: Upstreams, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[GatewayProcess]:
    codex_extra = {
        "account_id": "acct-1",
        "refresh_token": "rt-0",
        "expires_at": time.time() - 1,
        "token_url": f"{upstreams.token_host.url}/v1/oauth/token",
    }
    config = {
        "connections": [
            {
                "provider": "openai",
                "name": "main",
                "api_key": "sk-oa",
                "base_url": upstreams.openai.base_url,
            },
            {
                "provider": "anthropic",
                "name": "main",
                "api_key": "sk-ant",
                "base_url": upstreams.claude.base_url,
            },
            {
                "provider": "codex",
                "name": "chatgpt",
                "api_key": "at-old",
                "base_url": f"{upstreams.codex.url}/backend-api/codex",
                "extra": codex_extra,
            },
            {
                "provider": "opencode-zen",
                "name": "zen",
                "api_key": "sk-oc",
                "base_url": f"{upstreams.opencode.url}/zen/v1",
            },
        ]
    }
    root = tmp_path_factory.mktemp("e2e-responses")
    with GatewayProcess(root / "data", write_config(root / "omniroute.toml", config)) as gw:
        upstreams.codex.api_keys = frozenset({"at-1"})  # the refreshed token only
        yield gw


RESPONSE_MODELS = ["openai/gpt-4o", "anthropic/claude-sonnet-4-5", "cx/gpt-5.2-codex"]


@pytest.mark.parametrize("model", RESPONSE_MODELS)
def test_responses_create(oai: openai.OpenAI, model: str) -> None:
    response = oai.responses.create(model=model, input="hello responses")
    assert response.output_text == "echo: hello responses"
    assert response.status == "completed"
    assert response.usage is not None
    assert response.usage.output_tokens > 0


@pytest.mark.parametrize("model", RESPONSE_MODELS)
def test_responses_stream_with_a_function_call_round_trip(oai: openai.OpenAI, model: str) -> None:
    with oai.responses.stream(
        model=model, input="weather in Bern", tools=[WEATHER_RESPONSES]
    ) as stream:
        first = stream.get_final_response()
    (call,) = [item for item in first.output if item.type == "function_call"]
    assert json.loads(call.arguments) == {"city": "weather in Bern"}
    follow_up: Any = [
        {"role": "user", "content": "weather in Bern"},
        {
            "type": "function_call",
            "call_id": call.call_id,
            "name": call.name,
            "arguments": call.arguments,
        },
        {"type": "function_call_output", "call_id": call.call_id, "output": "clear"},
    ]
    second = oai.responses.create(model=model, input=follow_up, tools=[WEATHER_RESPONSES])
    assert second.output_text == "tool result: clear"


def test_codex_gets_its_account_a_refreshed_token_and_always_streams(
    oai: openai.OpenAI, upstreams: Upstreams
) -> None:
    oai.responses.create(model="cx/gpt-5.2-codex-high", input="effort")
    sent = upstreams.codex.last_request
    assert sent.header("authorization") == "Bearer at-1"
    assert sent.header("chatgpt-account-id") == "acct-1"
    assert sent.json["stream"] is True
    assert sent.json["store"] is False
    assert sent.json["instructions"]
    assert (sent.json["model"], sent.json["reasoning"]["effort"]) == ("gpt-5.2-codex", "high")


def test_chat_surface_on_a_responses_upstream(oai: openai.OpenAI, upstreams: Upstreams) -> None:
    answer = oai.chat.completions.create(
        model="openai/gpt-5-pro", messages=[{"role": "user", "content": "via responses"}]
    )
    assert answer.choices[0].message.content == "echo: via responses"
    assert upstreams.openai.last_request.path == "/v1/responses"
    with oai.chat.completions.stream(
        model="openai/gpt-5-pro",
        messages=[{"role": "user", "content": "weather in Rome"}],
        tools=[WEATHER_CHAT],
    ) as stream:
        final = stream.get_final_completion()
    (call,) = final.choices[0].message.tool_calls or []
    assert json.loads(call.function.arguments) == {"city": "weather in Rome"}


# -- OpenCode: the credential header follows the model's protocol --------------------------


@pytest.mark.parametrize("stream", [False, True])
def test_opencode_claude_model_uses_messages_with_x_api_key(
    oai: openai.OpenAI, upstreams: Upstreams, stream: bool
) -> None:
    messages: Any = [{"role": "user", "content": "minimax here"}]
    if stream:
        with oai.chat.completions.stream(model="oc/minimax-m2.7", messages=messages) as s:
            text = s.get_final_completion().choices[0].message.content
    else:
        text = oai.chat.completions.create(model="oc/minimax-m2.7", messages=messages)
        text = text.choices[0].message.content
    assert text == "echo: minimax here"
    sent = upstreams.opencode.last_request
    assert sent.path == "/zen/v1/messages"
    assert sent.header("x-api-key") == "sk-oc"
    assert sent.header("anthropic-version") == "2023-06-01"
    assert sent.header("authorization") is None


@pytest.mark.parametrize("stream", [False, True])
def test_opencode_openai_model_uses_chat_with_bearer(
    oai: openai.OpenAI, upstreams: Upstreams, stream: bool
) -> None:
    messages: Any = [{"role": "user", "content": "glm here"}]
    if stream:
        with oai.chat.completions.stream(model="oc/glm-5", messages=messages) as s:
            text = s.get_final_completion().choices[0].message.content
    else:
        text = oai.chat.completions.create(model="oc/glm-5", messages=messages)
        text = text.choices[0].message.content
    assert text == "echo: glm here"
    sent = upstreams.opencode.last_request
    assert sent.path == "/zen/v1/chat/completions"
    assert sent.header("authorization") == "Bearer sk-oc"
    assert sent.header("x-api-key") is None


@pytest.mark.parametrize("model", ["oc/minimax-m2.7", "oc/glm-5"])
def test_opencode_with_the_anthropic_sdk(
    gateway: GatewayProcess, upstreams: Upstreams, model: str
) -> None:
    client = anthropic.Anthropic(base_url=gateway.url, api_key="local", max_retries=0)
    with client.messages.stream(
        model=model,
        max_tokens=100,
        messages=[{"role": "user", "content": "from claude code"}],
        extra_headers={"x-session-id": "sess-42"},
    ) as stream:
        message = stream.get_final_message()
    assert message.content[0].text == "echo: from claude code"  # type: ignore[union-attr]
    sent = upstreams.opencode.last_request
    assert sent.header("x-opencode-session") == "sess-42"
    assert "client_metadata" not in sent.json
