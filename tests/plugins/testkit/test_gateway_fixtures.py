"""The gateway fixtures start the real app three ways and clean up after themselves."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from omniroute import ProviderManifest, Settings, hookimpl
from omniroute_plugin_testkit.gateway import GatewayApp, GatewayProcess, GatewayServer
from omniroute_plugin_testkit.mock import MockUpstream

KEY = "sk-omni-test"


def config_for(mock: MockUpstream, **connection: Any) -> dict[str, Any]:
    entry = {"provider": "openai", "name": "a", "api_key": "sk-a", "base_url": mock.base_url}
    return {"connections": [{**entry, **connection}], "keys": [{"name": "ci", "key": KEY}]}


def ask(text: str, **extra: Any) -> dict[str, Any]:
    return {"model": "openai/gpt-4o", "messages": [{"role": "user", "content": text}], **extra}


class ExtraProvider:
    """An in-process plugin: one more OpenAI-compatible provider."""

    @hookimpl
    def register_providers(self, register: Callable[[ProviderManifest], None]) -> None:
        register(
            ProviderManifest(
                id="inproc",
                executor="openai-chat",
                auth="bearer",
                format="openai",
                base_url="http://127.0.0.1:9/v1",
            )
        )


def test_gateway_settings_are_isolated_and_strict(
    gateway_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    first, second = gateway_settings(), gateway_settings(config={"keys": []}, port=1234)

    assert first.plugins_strict
    assert first.data_dir.parent == second.data_dir.parent == tmp_path
    assert first.data_dir != second.data_dir
    assert second.port == 1234
    assert second.config_file is not None
    assert second.config_file.read_text() == "keys = []\n"


async def test_gateway_app_serves_through_asgi(
    gateway_app: Callable[..., GatewayApp], mock_upstream: MockUpstream
) -> None:
    async with gateway_app(config_for(mock_upstream)) as gw:
        response = await gw.client.post("/v1/chat/completions", json=ask("in process"))
        registry = gw.gateway.registry

    assert response.status_code == 200
    assert response.json()["choices"][0]["message"]["content"] == "echo: in process"
    assert mock_upstream.last_request.key == "sk-a"
    assert "openai" in registry.providers


async def test_gateway_app_takes_extra_plugins_and_an_allowlist(
    gateway_app: Callable[..., GatewayApp],
) -> None:
    app = gateway_app(extra_plugins=[("inproc", ExtraProvider())], load_plugins=["builtin"])
    async with app as gw:
        plugins = {info.name for info in gw.gateway.plugins if info.error is None}
        providers = gw.gateway.registry.providers

    assert "inproc" in providers
    assert plugins == {"builtin", "inproc"}


async def test_gateway_app_client_needs_the_context(
    gateway_app: Callable[..., GatewayApp],
) -> None:
    with pytest.raises(RuntimeError, match="not started"):
        _ = gateway_app().client


def test_gateway_server_speaks_real_http_to_an_sdk(
    gateway_server: Callable[..., GatewayServer], mock_upstream: MockUpstream
) -> None:
    server = gateway_server(config_for(mock_upstream))
    client = openai.OpenAI(api_key=KEY, base_url=server.base_url, max_retries=0)

    stream = client.chat.completions.create(
        model="openai/gpt-4o-mini",
        messages=[{"role": "user", "content": "over a socket"}],
        stream=True,
    )
    text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)

    assert text == "echo: over a socket"
    assert mock_upstream.last_request.model == "gpt-4o-mini"


def test_gateway_server_stops_with_the_test(
    gateway_server: Callable[..., GatewayServer],
) -> None:
    server = gateway_server()
    assert httpx.get(f"{server.url}/api/health").status_code == 200

    server.stop()

    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{server.url}/api/health")


def test_gateway_process_runs_the_real_cli(
    gateway_process: Callable[..., GatewayProcess], mock_upstream: MockUpstream
) -> None:
    process = gateway_process(config_for(mock_upstream), env={"OMNIROUTE_LOAD_PLUGINS": "builtin"})
    client = openai.OpenAI(api_key=KEY, base_url=process.base_url, max_retries=0)

    completion = client.chat.completions.create(
        model="openai/gpt-4o", messages=[{"role": "user", "content": "from a process"}]
    )

    assert completion.choices[0].message.content == "echo: from a process"
    assert f"http://127.0.0.1:{process.port}" in process.output()
    process.stop()
    assert process.returncode is None  # forgotten once stopped
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{process.url}/api/health")


def test_gateway_process_start_failure_shows_the_output(
    gateway_process: Callable[..., GatewayProcess],
) -> None:
    bad = {"connections": [{"provider": "openai", "name": "x", "priority": "first"}]}

    with pytest.raises(RuntimeError, match="exited with") as caught:
        gateway_process(bad)

    assert "priority" in str(caught.value)
