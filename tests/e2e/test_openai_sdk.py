"""The official ``openai`` SDK against ``omniroute serve`` running as a real process.

Two ``openai`` connections point at the testkit's mock upstream (keys ``sk-a`` first,
``sk-b`` second), so every test can also check what the upstream received.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from omniroute_plugin_testkit.gateway import GatewayProcess, write_config
from omniroute_plugin_testkit.mock import MockUpstream

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


def two_connections(mock: MockUpstream) -> dict[str, Any]:
    return {
        "connections": [
            {
                "provider": "openai",
                "name": "a",
                "api_key": "sk-a",
                "base_url": mock.base_url,
                "priority": 1,
            },
            {
                "provider": "openai",
                "name": "b",
                "api_key": "sk-b",
                "base_url": mock.base_url,
                "priority": 2,
            },
        ]
    }


@pytest.fixture(scope="module")
def upstream() -> Iterator[MockUpstream]:
    with MockUpstream() as mock:
        yield mock


@pytest.fixture(autouse=True)
def _fresh_upstream(upstream: MockUpstream) -> None:
    upstream.reset()


@pytest.fixture(scope="module")
def gateway(
    upstream: MockUpstream, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[GatewayProcess]:
    """One real gateway process for the module: starting one costs about a second."""
    root = tmp_path_factory.mktemp("e2e")
    config = write_config(root / "omniroute.toml", two_connections(upstream))
    with GatewayProcess(root / "data", config) as process:
        yield process


@pytest.fixture
def client(gateway: GatewayProcess) -> openai.OpenAI:
    return openai.OpenAI(base_url=gateway.base_url, api_key="local", max_retries=0)


def test_non_streaming_chat(client: openai.OpenAI, upstream: MockUpstream) -> None:
    raw = client.chat.completions.with_raw_response.create(
        model="openai/gpt-4o", messages=[{"role": "user", "content": "hello there"}]
    )
    completion = raw.parse()
    assert completion.choices[0].message.content == "echo: hello there"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None
    assert completion.usage.completion_tokens == 3
    assert raw.headers["x-omniroute-provider"] == "openai"
    assert raw.headers["x-omniroute-model"] == "gpt-4o"
    assert raw.headers["x-omniroute-request-id"]
    assert int(raw.headers["x-omniroute-latency-ms"]) >= 0
    assert "x-omniroute-fallback-attempts" not in raw.headers
    sent = upstream.last_request
    assert sent.path == "/v1/chat/completions"
    assert sent.header("authorization") == "Bearer sk-a"
    assert sent.json["model"] == "gpt-4o"  # the prefix is the gateway's, not the provider's


def test_streaming_chat_with_stream_helper(client: openai.OpenAI) -> None:
    with client.chat.completions.stream(
        model="openai/gpt-4o-mini",
        messages=[{"role": "user", "content": "stream me please"}],
        stream_options={"include_usage": True},
    ) as stream:
        deltas = [e.delta for e in stream if e.type == "content.delta"]
        final = stream.get_final_completion()
    assert len(deltas) > 1, "the answer must arrive in several chunks"
    assert "".join(deltas) == "echo: stream me please"
    assert final.choices[0].message.content == "echo: stream me please"
    assert final.usage is not None
    assert final.usage.total_tokens > 0


def test_stream_without_include_usage_hides_the_gateways_usage_chunk(
    client: openai.OpenAI, upstream: MockUpstream
) -> None:
    chunks = list(
        client.chat.completions.create(
            model="openai/gpt-4o", messages=[{"role": "user", "content": "hi"}], stream=True
        )
    )
    assert all(chunk.choices for chunk in chunks)
    assert all(chunk.usage is None for chunk in chunks)
    # …while the upstream was asked for usage, so the gateway could record it.
    assert upstream.last_request.json["stream_options"] == {"include_usage": True}


def test_tool_call_round_trip_streamed(client: openai.OpenAI) -> None:
    messages: list[Any] = [{"role": "user", "content": "weather in Paris"}]
    with client.chat.completions.stream(
        model="openai/gpt-4o", messages=messages, tools=[WEATHER]
    ) as stream:
        argument_deltas = [e for e in stream if e.type == "tool_calls.function.arguments.delta"]
        final = stream.get_final_completion()
    assert len(argument_deltas) > 1, "arguments must be streamed in pieces"
    choice = final.choices[0]
    assert choice.finish_reason == "tool_calls"
    (call,) = choice.message.tool_calls or []
    assert call.function.name == "get_weather"
    arguments = json.loads(call.function.arguments)
    assert arguments == {"city": "weather in Paris"}

    messages.append(choice.message.model_dump(exclude_none=True))
    messages.append({"role": "tool", "tool_call_id": call.id, "content": "sunny, 21 C"})
    answer = client.chat.completions.create(
        model="openai/gpt-4o", messages=messages, tools=[WEATHER]
    )
    assert answer.choices[0].message.content == "tool result: sunny, 21 C"


def test_models_list(client: openai.OpenAI) -> None:
    ids = {model.id for model in client.models.list()}
    assert {"openai/gpt-4o", "openai/gpt-4o-mini"} <= ids
    assert not any(i.startswith("groq/") for i in ids), "only configured providers are listed"


def test_errors_surface_as_the_right_sdk_exceptions(
    gateway_process: Callable[..., GatewayProcess], upstream: MockUpstream
) -> None:
    # Its own gateway: the 429s cool both accounts for the other tests' gateway.
    gw = gateway_process(two_connections(upstream))
    client = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0)
    with pytest.raises(openai.NotFoundError, match="unknown provider prefix 'nope'"):
        client.chat.completions.create(model="nope/x", messages=[{"role": "user", "content": "x"}])
    with pytest.raises(openai.BadRequestError, match="messages"):
        client.chat.completions.create(model="openai/gpt-4o", messages=[])

    upstream.inject(status=400, message="temperature: must be <= 2", times=None)
    with pytest.raises(openai.BadRequestError, match="temperature"):
        client.chat.completions.create(
            model="openai/gpt-4o", messages=[{"role": "user", "content": "x"}]
        )
    keys = [r.header("authorization") for r in upstream.requests[-1:]]
    assert keys == ["Bearer sk-a"], "a body error is not retried on the next account"
    upstream.clear_faults()

    upstream.inject(status=429, headers={"Retry-After": "7"}, times=None)
    with pytest.raises(openai.RateLimitError) as caught:
        client.chat.completions.create(
            model="openai/gpt-4o", messages=[{"role": "user", "content": "x"}]
        )
    assert caught.value.response.headers["retry-after"] == "7"
    assert caught.value.response.headers["x-omniroute-fallback-attempts"] == "2"

    # Both accounts now cool down for 7 s: the next call is refused without an upstream call.
    sent = len(upstream.requests)
    with pytest.raises(openai.RateLimitError, match="cooling down") as cooling:
        client.chat.completions.create(
            model="openai/gpt-4o", messages=[{"role": "user", "content": "x"}]
        )
    assert int(cooling.value.response.headers["retry-after"]) in range(5, 8)
    assert len(upstream.requests) == sent


def test_fallback_to_the_healthy_connection(client: openai.OpenAI, upstream: MockUpstream) -> None:
    upstream.inject(status=503, when_key="sk-a", times=None)
    raw = client.chat.completions.with_raw_response.create(
        model="openai/gpt-4o", messages=[{"role": "user", "content": "still there?"}]
    )
    assert raw.parse().choices[0].message.content == "echo: still there?"
    assert raw.headers["x-omniroute-fallback-attempts"] == "1"
    assert [r.header("authorization") for r in upstream.requests] == [
        "Bearer sk-a",
        "Bearer sk-b",
    ]


def test_stream_falls_back_when_the_first_connection_drops(
    client: openai.OpenAI, upstream: MockUpstream
) -> None:
    upstream.inject(drop=True, when_key="sk-a", times=None)
    with client.chat.completions.stream(
        model="openai/gpt-4o", messages=[{"role": "user", "content": "resilient"}]
    ) as stream:
        final = stream.get_final_completion()
    assert final.choices[0].message.content == "echo: resilient"


def test_usage_records_survive_a_restart(tmp_path: Path, upstream: MockUpstream) -> None:
    config = write_config(tmp_path / "omniroute.toml", two_connections(upstream))
    data_dir = tmp_path / "data"
    for round_ in range(2):
        with GatewayProcess(data_dir, config) as gateway:
            client = openai.OpenAI(base_url=gateway.base_url, api_key="x", max_retries=0)
            for i in range(5):
                client.chat.completions.create(
                    model="openai/gpt-4o", messages=[{"role": "user", "content": f"r{round_} {i}"}]
                )
            with pytest.raises(openai.NotFoundError):
                client.chat.completions.create(
                    model="no/such", messages=[{"role": "user", "content": "x"}]
                )
    with sqlite3.connect(data_dir / "omniroute.db") as db:
        rows = db.execute("SELECT status, provider, prompt_tokens FROM usage").fetchall()
    assert len(rows) == 12
    assert sorted(status for status, _, _ in rows) == [200] * 10 + [404] * 2
    assert all(
        provider == "openai" and tokens > 0 for status, provider, tokens in rows if status == 200
    )
