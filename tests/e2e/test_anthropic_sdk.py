"""The official ``anthropic`` and ``openai`` SDKs through ``omniroute serve`` with Claude-format
upstreams (the testkit's strict Anthropic mock) and an OpenAI upstream.

Connections: ``anthropic`` (x-api-key), ``minimax`` (Bearer), ``claude`` (Claude Code OAuth
with an expired token and a token endpoint), ``openai``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import anthropic
import httpx
import openai
import pytest

from omniroute_plugin_testkit.gateway import GatewayProcess, write_config
from omniroute_plugin_testkit.mock import AnthropicMessages, MockUpstream
from omniroute_plugin_testkit.mock.oauth import OAuthTokens

WEATHER_CLAUDE = {
    "name": "get_weather",
    "description": "Weather for a city",
    "input_schema": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
}
WEATHER_OPENAI = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": WEATHER_CLAUDE["input_schema"],
    },
}
SONNET = "anthropic/claude-sonnet-4-5"


class Upstreams:
    def __init__(self) -> None:
        self.claude = MockUpstream([AnthropicMessages(auth="x-api-key")], api_keys=["sk-ant"])
        self.minimax = MockUpstream([AnthropicMessages(auth="bearer")], api_keys=["sk-mm"])
        self.subscription = MockUpstream([AnthropicMessages(auth="bearer")], api_keys=[])
        self.tokens = OAuthTokens(["rt-0"])
        self.token_host = MockUpstream([self.tokens])
        self.openai = MockUpstream()
        self.all = (self.claude, self.minimax, self.subscription, self.token_host, self.openai)


@pytest.fixture(scope="module")
def upstreams() -> Iterator[Upstreams]:
    ups = Upstreams()
    for mock in ups.all:
        mock.start()
    try:
        yield ups
    finally:
        for mock in ups.all:
            mock.stop()


@pytest.fixture(autouse=True)
def _fresh(upstreams: Upstreams) -> None:
    for mock in upstreams.all:
        mock.reset()


def gateway_config(upstreams: Upstreams) -> dict[str, Any]:
    expired = {
        "refresh_token": "rt-0",
        "expires_at": time.time() - 60,
        "token_url": f"{upstreams.token_host.url}/v1/oauth/token",
    }
    return {
        "connections": [
            {
                "provider": "anthropic",
                "name": "main",
                "api_key": "sk-ant",
                "base_url": upstreams.claude.base_url,
            },
            {
                "provider": "minimax",
                "name": "main",
                "api_key": "sk-mm",
                "base_url": upstreams.minimax.base_url,
            },
            {
                "provider": "claude",
                "name": "sub",
                "api_key": "at-expired",
                "base_url": upstreams.subscription.base_url,
                "extra": expired,
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
    root = tmp_path_factory.mktemp("e2e-claude")
    config = write_config(root / "omniroute.toml", gateway_config(upstreams))
    with GatewayProcess(root / "data", config) as gw:
        yield gw


# -- the anthropic SDK ---------------------------------------------------------------------


@pytest.mark.parametrize("model", [SONNET, "openai/gpt-4o"])
def test_messages_create(claude: anthropic.Anthropic, model: str) -> None:
    message = claude.messages.create(
        model=model, max_tokens=200, messages=[{"role": "user", "content": "hello claude"}]
    )
    assert message.content[0].type == "text"
    assert message.content[0].text == "echo: hello claude"
    assert message.stop_reason == "end_turn"
    assert message.usage.output_tokens == 3


def test_pass_through_body_reaches_the_upstream_untouched_but_for_the_model(
    claude: anthropic.Anthropic, upstreams: Upstreams
) -> None:
    request = {
        "max_tokens": 300,
        "system": [{"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}}],
        "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}],
        "metadata": {"user_id": "u-1"},
        "stop_sequences": ["\n\nHuman:"],
    }
    claude.messages.create(model=SONNET, **request)  # type: ignore[call-overload]
    sent = upstreams.claude.last_request
    assert sent.json == {**request, "model": "claude-sonnet-4-5"}
    assert sent.header("x-api-key") == "sk-ant"
    assert sent.header("anthropic-version")
    assert sent.header("authorization") is None


def test_pass_through_stream_is_byte_for_byte(
    gateway: GatewayProcess, upstreams: Upstreams
) -> None:
    body = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 50,
        "stream": True,
        "messages": [{"role": "user", "content": "bytes please"}],
    }
    headers = {"x-api-key": "sk-ant", "anthropic-version": "2023-06-01"}
    original = httpx.post(f"{upstreams.claude.url}/v1/messages", json=body, headers=headers)
    assert original.status_code == 200
    # Replay those exact bytes, with the quirks a proxy tends to normalise away.
    quirky = b": keep-alive\r\n\r\n" + original.content.replace(b"\n\n", b"\r\n\r\n", 2)
    upstreams.claude.inject(status=200, body=quirky, headers={"Content-Type": "text/event-stream"})
    with httpx.stream(
        "POST",
        f"{gateway.url}/v1/messages",
        json={**body, "model": SONNET},
        headers={"x-api-key": "local"},
    ) as response:
        received = b"".join(response.iter_raw())
    assert received == quirky


@pytest.mark.parametrize("model", [SONNET, "openai/gpt-4o"])
def test_stream_with_tools(claude: anthropic.Anthropic, model: str) -> None:
    with claude.messages.stream(
        model=model,
        max_tokens=300,
        tools=[WEATHER_CLAUDE],  # type: ignore[list-item]
        messages=[{"role": "user", "content": "weather in Oslo"}],
    ) as stream:
        final = stream.get_final_message()
    assert final.stop_reason == "tool_use"
    (call,) = [b for b in final.content if b.type == "tool_use"]
    assert call.name == "get_weather"
    assert call.input == {"city": "weather in Oslo"}


def test_stream_with_thinking_pass_through(claude: anthropic.Anthropic) -> None:
    with claude.messages.stream(
        model=SONNET,
        max_tokens=3000,
        thinking={"type": "enabled", "budget_tokens": 1024},
        messages=[{"role": "user", "content": "think first"}],
    ) as stream:
        final = stream.get_final_message()
    thinking = final.content[0]
    assert thinking.type == "thinking"
    assert thinking.signature
    assert final.content[1].type == "text"


def test_thinking_is_translated_for_an_openai_upstream(
    claude: anthropic.Anthropic, upstreams: Upstreams
) -> None:
    claude.messages.create(
        model="openai/o4-mini",
        max_tokens=3000,
        thinking={"type": "enabled", "budget_tokens": 2048},
        messages=[{"role": "user", "content": "think"}],
    )
    sent = upstreams.openai.last_request.json
    assert sent["reasoning_effort"] == "medium"
    assert "thinking" not in sent


def test_count_tokens_by_the_provider_or_estimated(
    claude: anthropic.Anthropic, upstreams: Upstreams
) -> None:
    messages: Any = [{"role": "user", "content": "count these four words"}]
    counted = claude.messages.count_tokens(model=SONNET, messages=messages)
    assert counted.input_tokens > 0
    assert counted.model_extra == {"source": "provider"}
    assert upstreams.claude.last_request.path == "/v1/messages/count_tokens"
    estimated = claude.messages.count_tokens(model="openai/gpt-4o", messages=messages)
    assert estimated.input_tokens > 0
    assert estimated.model_extra == {"source": "estimate"}


def test_errors_in_anthropics_shape(
    gateway_process: Callable[..., GatewayProcess], upstreams: Upstreams
) -> None:
    # Its own gateway: the 429 cools the only Anthropic account for the other tests' gateway.
    gw = gateway_process(gateway_config(upstreams))
    claude = anthropic.Anthropic(base_url=gw.url, api_key="local", max_retries=0)
    with pytest.raises(anthropic.NotFoundError) as missing:
        claude.messages.create(
            model="nope/x", max_tokens=10, messages=[{"role": "user", "content": "x"}]
        )
    assert missing.value.body["error"]["type"] == "not_found_error"  # type: ignore[index]
    upstreams.claude.inject(status=429, headers={"Retry-After": "9"})
    with pytest.raises(anthropic.RateLimitError) as limited:
        claude.messages.create(
            model=SONNET, max_tokens=10, messages=[{"role": "user", "content": "x"}]
        )
    assert limited.value.response.headers["retry-after"] == "9"


# -- the openai SDK on Claude-format upstreams -----------------------------------------------


def test_openai_streaming_text(oai: openai.OpenAI) -> None:
    with oai.chat.completions.stream(
        model=SONNET, messages=[{"role": "user", "content": "stream from claude"}]
    ) as stream:
        final = stream.get_final_completion()
    assert final.choices[0].message.content == "echo: stream from claude"
    assert final.choices[0].finish_reason == "stop"


def test_openai_streamed_tool_call_arguments_arrive_whole(oai: openai.OpenAI) -> None:
    with oai.chat.completions.stream(
        model=SONNET,
        tools=[WEATHER_OPENAI],  # type: ignore[list-item]
        messages=[{"role": "user", "content": "weather in Lima please"}],
    ) as stream:
        final = stream.get_final_completion()
    (call,) = final.choices[0].message.tool_calls or []
    assert json.loads(call.function.arguments) == {"city": "weather in Lima please"}
    assert final.choices[0].finish_reason == "tool_calls"


def test_openai_thinking_arrives_as_reasoning_content(oai: openai.OpenAI) -> None:
    reasoning = ""
    for chunk in oai.chat.completions.create(
        model=SONNET,
        reasoning_effort="low",
        stream=True,
        messages=[{"role": "user", "content": "reason please"}],
    ):
        if chunk.choices:
            reasoning += (chunk.choices[0].delta.model_extra or {}).get("reasoning_content") or ""
    assert reasoning.startswith("The user wrote")


def test_three_turn_tool_conversation_keeps_ids_and_signatures(
    oai: openai.OpenAI, upstreams: Upstreams
) -> None:
    messages: list[Any] = [{"role": "user", "content": "weather in Rome"}]
    for turn in range(3):
        reply = oai.chat.completions.create(
            model=SONNET,
            reasoning_effort="low",
            tools=[WEATHER_OPENAI],  # type: ignore[list-item]
            messages=messages,
        )
        message = reply.choices[0].message
        messages.append(message.model_dump(exclude_none=True))
        if message.tool_calls:
            call = message.tool_calls[0]
            messages.append({"role": "tool", "tool_call_id": call.id, "content": f"sunny {turn}"})
        else:
            assert message.content == f"tool result: sunny {turn - 1}"
            messages.append({"role": "user", "content": "and in Paris?"})
    sent = upstreams.claude.last_request.json
    assert sent["thinking"]["type"] == "enabled", "thinking stayed on: signatures were valid"
    replayed = [b for m in sent["messages"] for b in m["content"] if isinstance(b, dict)]
    assert any(b["type"] == "thinking" and b["signature"] for b in replayed)


def test_minimax_gets_bearer_and_no_x_api_key(oai: openai.OpenAI, upstreams: Upstreams) -> None:
    oai.chat.completions.create(
        model="minimax/MiniMax-M2", messages=[{"role": "user", "content": "hi"}]
    )
    sent = upstreams.minimax.last_request
    assert sent.header("authorization") == "Bearer sk-mm"
    assert sent.header("x-api-key") is None
    assert sent.header("anthropic-version") == "2023-06-01"


def test_claude_code_token_is_refreshed_before_use_and_after_a_401(
    oai: openai.OpenAI, upstreams: Upstreams
) -> None:
    upstreams.subscription.api_keys = frozenset({"at-1", "at-2"})
    oai.chat.completions.create(
        model="cc/claude-sonnet-4-5", messages=[{"role": "user", "content": "a"}]
    )
    assert upstreams.subscription.last_request.header("authorization") == "Bearer at-1"
    assert upstreams.token_host.last_request.json["refresh_token"] == "rt-0"

    upstreams.subscription.api_keys = frozenset({"at-2"})  # the provider revoked at-1
    reply = oai.chat.completions.create(
        model="cc/claude-sonnet-4-5", messages=[{"role": "user", "content": "b"}]
    )
    assert reply.choices[0].message.content == "echo: b"
    keys = [r.header("authorization") for r in upstreams.subscription.requests]
    assert keys[-2:] == ["Bearer at-1", "Bearer at-2"]
    assert upstreams.tokens.issued == ["at-1", "at-2"]
