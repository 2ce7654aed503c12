"""``/api/combos``: combos are validated when saved and routable at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from omniroute.types import ComboConfig
from omniroute_plugin_testkit.gateway import GatewayApp
from omniroute_plugin_testkit.mock import MockUpstream


def config(mock: MockUpstream) -> dict[str, Any]:
    return {
        "connections": [
            {"provider": "openai", "name": "a", "api_key": "sk-a", "base_url": mock.base_url},
            {"provider": "groq", "name": "g", "api_key": "sk-g", "base_url": mock.base_url},
        ]
    }


async def test_create_use_replace_delete(
    gateway_app: Callable[..., GatewayApp], mock_upstream: MockUpstream
) -> None:
    async with gateway_app(config(mock_upstream)) as gw:
        client = gw.client
        created = await client.post(
            "/api/combos",
            json={"name": "coding", "models": ["groq/llama-3.1-8b-instant", "openai/gpt-4o"]},
        )
        assert created.status_code == 201, created.text
        assert (
            await client.post("/api/combos", json={"name": "coding", "models": ["x"]})
        ).status_code == 409

        mock_upstream.inject(status=503, when_key="sk-g", times=None)
        answer = await client.post(
            "/v1/chat/completions",
            json={"model": "coding", "messages": [{"role": "user", "content": "hi"}]},
        )
        assert answer.status_code == 200
        assert answer.headers["x-omniroute-provider"] == "openai"
        assert answer.headers["x-omniroute-fallback-attempts"] == "1"
        models = {m["id"]: m["owned_by"] for m in (await client.get("/v1/models")).json()["data"]}
        assert models["coding"] == "combo"

        replaced = await client.put("/api/combos/coding", json={"models": ["openai/gpt-4o"]})
        assert replaced.json()["models"] == [
            {"model": "openai/gpt-4o", "weight": 1, "connection_id": None}
        ]
        assert (await client.get("/api/combos/coding")).status_code == 200
        assert (await client.delete("/api/combos/coding")).status_code == 204
        assert (await client.get("/api/combos/coding")).status_code == 404
        gone = await client.post(
            "/v1/chat/completions",
            json={"model": "coding", "messages": [{"role": "user", "content": "hi"}]},
        )
        assert gone.status_code == 404


async def test_cycles_unknown_models_and_strategies_are_refused(
    gateway_app: Callable[..., GatewayApp], mock_upstream: MockUpstream
) -> None:
    async with gateway_app(config(mock_upstream)) as gw:
        client = gw.client
        await client.post("/api/combos", json={"name": "a", "models": ["openai/gpt-4o"]})
        await client.post("/api/combos", json={"name": "b", "models": ["a"]})
        loop = await client.put("/api/combos/a", json={"models": ["b"]})
        assert loop.status_code == 422
        assert loop.json()["detail"] == ["combo refers to itself: a -> b -> a"]
        unknown = await client.post(
            "/api/combos", json={"name": "c", "models": ["nope/x"], "strategy": "psychic"}
        )
        assert unknown.status_code == 422
        assert "unknown strategy 'psychic'" in unknown.json()["detail"][0]
        bad_model = await client.post("/api/combos", json={"name": "d", "models": ["nope/x"]})
        assert "step 'nope/x': unknown provider prefix 'nope'" in bad_model.json()["detail"][0]


async def test_an_exhausted_combo_says_what_it_tried(
    gateway_app: Callable[..., GatewayApp], mock_upstream: MockUpstream
) -> None:
    mock_upstream.inject(status=503, times=None)
    async with gateway_app(config(mock_upstream)) as gw:
        await gw.client.post(
            "/api/combos",
            json={
                "name": "all",
                "models": ["groq/llama-3.1-8b-instant", "mistral/x", "openai/gpt-4o"],
            },
        )
        answer = await gw.client.post(
            "/v1/chat/completions",
            json={"model": "all", "messages": [{"role": "user", "content": "hi"}]},
        )
    assert answer.status_code == 503
    message = answer.json()["error"]["message"]
    assert message.endswith(
        "[attempts: groq/llama-3.1-8b-instant via 'g': 503 transient; "
        "mistral/x: no connection; openai/gpt-4o via 'a': 503 transient]"
    )
    assert answer.headers["x-omniroute-fallback-attempts"] == "2"


async def test_global_fallback_only_after_an_exhausted_combo(
    gateway_app: Callable[..., GatewayApp], mock_upstream: MockUpstream
) -> None:
    mock_upstream.inject(status=503, when_key="sk-g", times=None)
    cfg = {**config(mock_upstream), "combos": [{"name": "free", "models": ["groq/llama-x"]}]}
    async with gateway_app(cfg, global_fallback_model="openai/gpt-4o-mini") as gw:
        rescued = await gw.client.post(
            "/v1/chat/completions",
            json={"model": "free", "messages": [{"role": "user", "content": "hi"}]},
        )
        direct = await gw.client.post(
            "/v1/chat/completions",
            json={"model": "groq/llama-x", "messages": [{"role": "user", "content": "hi"}]},
        )
    assert rescued.status_code == 200
    assert rescued.headers["x-omniroute-model"] == "gpt-4o-mini"
    assert direct.status_code == 503, "outside a combo the global fallback is not used"


async def test_changing_combos_takes_a_key_when_keys_are_required(
    gateway_app: Callable[..., GatewayApp], mock_upstream: MockUpstream
) -> None:
    cfg = {**config(mock_upstream), "keys": [{"name": "admin", "key": "sk-omni-admin"}]}
    async with gateway_app(cfg, require_api_key=True) as gw:
        body = {"name": "c", "models": ["openai/gpt-4o"]}
        assert (await gw.client.post("/api/combos", json=body)).status_code == 401
        allowed = await gw.client.post(
            "/api/combos", json=body, headers={"Authorization": "Bearer sk-omni-admin"}
        )
        assert allowed.status_code == 201


async def test_config_round_trips_by_its_api_names(
    gateway_app: Callable[..., GatewayApp], mock_upstream: MockUpstream
) -> None:
    async with gateway_app(config(mock_upstream)) as gw:
        client = gw.client
        created = await client.post(
            "/api/combos",
            json={
                "name": "c",
                "models": ["openai/gpt-4o"],
                "config": {"maxRetries": 2, "timeoutMs": 5000, "stickyRoundRobinLimit": 4},
            },
        )
        assert created.status_code == 201, created.text
        expected = {
            "maxRetries": 2,
            "retryDelayMs": 1000,
            "timeoutMs": 5000,
            "stickyRoundRobinLimit": 4,
        }
        assert created.json()["config"] == expected
        assert (await client.get("/api/combos/c")).json()["config"] == expected
        assert (await client.get("/api/combos")).json()[0]["config"] == expected
        assert gw.gateway.pipeline.snapshot.combos["c"].config == ComboConfig(
            max_retries=2, timeout_ms=5000, sticky_round_robin_limit=4
        )

        snake = await client.put(
            "/api/combos/c",
            json={"models": ["openai/gpt-4o"], "config": {"retry_delay_ms": 250}},
        )
        assert snake.json()["config"] == {"maxRetries": 0, "retryDelayMs": 250}
        replaced = await client.put("/api/combos/c", json={"models": ["openai/gpt-4o"]})
        assert replaced.json()["config"] == {"maxRetries": 0, "retryDelayMs": 1000}, (
            "a PUT without config restores the defaults"
        )


@pytest.mark.parametrize(
    ("config_in", "field"),
    [
        ({"maxRetries": -1}, "maxRetries"),
        ({"timeout_ms": -5}, "timeout_ms"),
        ({"stickyRoundRobinLimit": 0}, "stickyRoundRobinLimit"),
        ({"retries": 3}, "retries"),
    ],
)
async def test_invalid_config_is_refused(
    gateway_app: Callable[..., GatewayApp],
    mock_upstream: MockUpstream,
    config_in: dict[str, Any],
    field: str,
) -> None:
    async with gateway_app(config(mock_upstream)) as gw:
        body = {"name": "c", "models": ["openai/gpt-4o"], "config": config_in}
        refused = await gw.client.post("/api/combos", json=body)
        replaced = await gw.client.put("/api/combos/c", json=body)
        assert "c" not in gw.gateway.pipeline.snapshot.combos
    assert (refused.status_code, replaced.status_code) == (422, 422)
    [problem] = refused.json()["detail"]
    assert problem["loc"][-1] == field
