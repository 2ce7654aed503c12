"""Distribution of combo traffic through the whole pipeline, on both state backends.

The strategy unit tests check each strategy's arithmetic; these send real requests through
the gateway (resolver, combo ordering, attempt loop, mock upstream over HTTP) with the state
in memory and in Redis, and count what the upstream actually received.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import redis.asyncio as aioredis

from omniroute_plugin_testkit.gateway import GatewayApp
from omniroute_plugin_testkit.mock import MockUpstream

REDIS_ENV = "OMNIROUTE_TEST_REDIS_URL"
STEPS = {"a": "openai/gpt-4o", "b": "groq/llama-3.1-8b-instant", "c": "mistral/mistral-small"}


@pytest.fixture(params=["memory", "redis"])
async def backend(request: pytest.FixtureRequest) -> AsyncIterator[dict[str, Any]]:
    """Settings selecting the state backend; Redis keys get a prefix of their own and are
    removed afterwards."""
    if request.param == "memory":
        yield {"state_backend": "memory"}
        return
    url = os.environ.get(REDIS_ENV)
    if not url:
        pytest.skip(f"{REDIS_ENV} is not set")
    prefix = f"omniroute-test-{uuid.uuid4().hex[:12]}:"
    yield {"state_backend": "redis", "redis_url": url, "redis_prefix": prefix}
    client = aioredis.Redis.from_url(url)
    keys = [key async for key in client.scan_iter(f"{prefix}*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


def combo_config(
    mock: MockUpstream, strategy: str, steps: list[Any], **config: int
) -> dict[str, Any]:
    """One account per provider, all on ``mock``, keyed ``sk-<step letter>``."""
    return {
        "connections": [
            {
                "provider": model.split("/")[0],
                "name": letter,
                "api_key": f"sk-{letter}",
                "base_url": mock.base_url,
            }
            for letter, model in STEPS.items()
        ],
        "combos": [{"name": "mix", "strategy": strategy, "models": steps, "config": config}],
    }


async def served(gw: GatewayApp, mock: MockUpstream, n: int) -> str:
    """The step letter that served each of ``n`` sequential requests to the combo."""
    body = {"model": "mix", "messages": [{"role": "user", "content": "hi"}]}
    for _ in range(n):
        assert (await gw.client.post("/v1/chat/completions", json=body)).status_code == 200
    return "".join((r.header("authorization") or "")[-1] for r in mock.requests)


async def test_round_robin_sticky_3_over_3_steps_is_exact(
    gateway_app: Callable[..., GatewayApp], mock_upstream: MockUpstream, backend: dict[str, Any]
) -> None:
    config = combo_config(mock_upstream, "round-robin", list(STEPS.values()))
    async with gateway_app(config, load_plugins=["builtin"], **backend) as gw:
        assert await served(gw, mock_upstream, 10) == "aaabbbccca"


async def test_the_combo_sticky_limit_is_used(
    gateway_app: Callable[..., GatewayApp], mock_upstream: MockUpstream, backend: dict[str, Any]
) -> None:
    steps = list(STEPS.values())
    config = combo_config(mock_upstream, "round-robin", steps, stickyRoundRobinLimit=1)
    async with gateway_app(config, load_plugins=["builtin"], **backend) as gw:
        assert await served(gw, mock_upstream, 7) == "abcabca"


async def test_weighted_70_30_over_2000_requests_lands_within_4_percent(
    gateway_app: Callable[..., GatewayApp], mock_upstream: MockUpstream, backend: dict[str, Any]
) -> None:
    steps = [{"model": STEPS["a"], "weight": 70}, {"model": STEPS["b"], "weight": 30}]
    config = combo_config(mock_upstream, "weighted", steps)
    async with gateway_app(config, load_plugins=["builtin"], **backend) as gw:
        counts = Counter(await served(gw, mock_upstream, 2000))
    assert set(counts) == {"a", "b"}
    assert abs(counts["a"] / 2000 - 0.70) <= 0.04, counts
    assert abs(counts["b"] / 2000 - 0.30) <= 0.04, counts


async def test_strict_random_serves_each_step_once_per_deck(
    gateway_app: Callable[..., GatewayApp], mock_upstream: MockUpstream, backend: dict[str, Any]
) -> None:
    config = combo_config(mock_upstream, "strict-random", list(STEPS.values()))
    async with gateway_app(config, load_plugins=["builtin"], **backend) as gw:
        order = await served(gw, mock_upstream, 30)
    decks = [order[i : i + 3] for i in range(0, 30, 3)]
    assert all(sorted(deck) == ["a", "b", "c"] for deck in decks), decks
    assert len(set(decks)) > 1, f"ten decks in the same order are not shuffled: {decks}"
