"""``/api/fallbacks``: per-model chains are validated when saved and live at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from omniroute_plugin_testkit.gateway import GatewayApp
from omniroute_plugin_testkit.mock import MockUpstream


def config(mock: MockUpstream) -> dict[str, Any]:
    return {
        "connections": [
            {"provider": "openai", "name": "a", "api_key": "sk-a", "base_url": mock.base_url},
            {"provider": "groq", "name": "g", "api_key": "sk-g", "base_url": mock.base_url},
        ],
        "combos": [{"name": "cheap", "models": ["groq/llama-3.1-8b-instant"]}],
    }


async def test_create_read_replace_delete(
    gateway_app: Callable[..., GatewayApp], mock_upstream: MockUpstream
) -> None:
    async with gateway_app(config(mock_upstream)) as gw:
        client = gw.client
        assert (await client.get("/api/fallbacks")).json() == {}

        saved = await client.put(
            "/api/fallbacks/openai/gpt-4o",
            json={"models": ["groq/llama-3.3-70b-versatile", "cheap"]},
        )
        assert saved.status_code == 200, saved.text
        assert saved.json() == {
            "model": "openai/gpt-4o",
            "models": ["groq/llama-3.3-70b-versatile", "cheap"],
        }
        assert gw.gateway.pipeline.snapshot.fallbacks == {
            "openai/gpt-4o": ("groq/llama-3.3-70b-versatile", "cheap")
        }
        assert (await client.get("/api/fallbacks")).json() == {
            "openai/gpt-4o": ["groq/llama-3.3-70b-versatile", "cheap"]
        }
        assert (await client.get("/api/fallbacks/openai/gpt-4o")).json() == saved.json()

        replaced = await client.put("/api/fallbacks/openai/gpt-4o", json={"models": ["cheap"]})
        assert replaced.json()["models"] == ["cheap"]
        assert gw.gateway.pipeline.snapshot.fallbacks == {"openai/gpt-4o": ("cheap",)}

        assert (await client.delete("/api/fallbacks/openai/gpt-4o")).status_code == 204
        assert gw.gateway.pipeline.snapshot.fallbacks == {}
        assert (await client.get("/api/fallbacks/openai/gpt-4o")).status_code == 404
        assert (await client.delete("/api/fallbacks/openai/gpt-4o")).status_code == 404


async def test_chains_from_the_config_file_are_listed(
    gateway_app: Callable[..., GatewayApp], mock_upstream: MockUpstream
) -> None:
    cfg = {**config(mock_upstream), "fallbacks": {"cheap": ["openai/gpt-4o-mini"]}}
    async with gateway_app(cfg) as gw:
        listed = (await gw.client.get("/api/fallbacks")).json()
    assert listed == {"cheap": ["openai/gpt-4o-mini"]}


@pytest.mark.parametrize(
    ("models", "problems"),
    [
        (
            ["openai/gpt-4o-mini", "nope/x"],
            ["fallback 'nope/x': unknown provider prefix 'nope' in model 'nope/x'"],
        ),
        (["groq/llama-x", "groq/llama-x"], ["listed more than once: 'groq/llama-x'"]),
        (["openai/gpt-4o-mini", "openai/gpt-4o"], ["'openai/gpt-4o' cannot fall back to itself"]),
    ],
)
async def test_chains_that_cannot_route_are_refused(
    gateway_app: Callable[..., GatewayApp],
    mock_upstream: MockUpstream,
    models: list[str],
    problems: list[str],
) -> None:
    async with gateway_app(config(mock_upstream)) as gw:
        refused = await gw.client.put("/api/fallbacks/openai/gpt-4o", json={"models": models})
        stored = gw.gateway.store.list_fallback_chains()
    assert refused.status_code == 422
    detail = refused.json()["detail"]
    assert len(detail) == len(problems)
    for said, expected in zip(detail, problems, strict=True):
        assert said.startswith(expected), said
    assert stored == {}


@pytest.mark.parametrize("body", [{"models": []}, {"models": [""]}, {}, {"models": "openai/x"}])
async def test_malformed_bodies_are_refused(
    gateway_app: Callable[..., GatewayApp], mock_upstream: MockUpstream, body: dict[str, Any]
) -> None:
    async with gateway_app(config(mock_upstream)) as gw:
        refused = await gw.client.put("/api/fallbacks/openai/gpt-4o", json=body)
    assert refused.status_code == 422


async def test_changing_chains_takes_a_key_when_keys_are_required(
    gateway_app: Callable[..., GatewayApp], mock_upstream: MockUpstream
) -> None:
    cfg = {**config(mock_upstream), "keys": [{"name": "admin", "key": "sk-omni-admin"}]}
    async with gateway_app(cfg, require_api_key=True) as gw:
        body = {"models": ["cheap"]}
        denied = await gw.client.put("/api/fallbacks/openai/gpt-4o", json=body)
        allowed = await gw.client.put(
            "/api/fallbacks/openai/gpt-4o",
            json=body,
            headers={"Authorization": "Bearer sk-omni-admin"},
        )
    assert (denied.status_code, allowed.status_code) == (401, 200)
