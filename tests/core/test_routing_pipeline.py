"""Strategies, cooldowns and breakers as the attempt loop uses them (in process)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from omniroute_plugin_testkit.gateway import GatewayApp
from omniroute_plugin_testkit.mock import MockUpstream

HELLO = {"model": "openai/gpt-4o", "messages": [{"role": "user", "content": "hi"}]}


def accounts(mock: MockUpstream, *names: str) -> dict[str, Any]:
    return {
        "connections": [
            {
                "provider": "openai",
                "name": n,
                "api_key": f"sk-{n}",
                "base_url": mock.base_url,
                "priority": i,
            }
            for i, n in enumerate(names)
        ]
    }


def keys(mock: MockUpstream) -> list[str]:
    return [(r.header("authorization") or "")[len("Bearer sk-") :] for r in mock.requests]


async def test_round_robin_accounts_with_the_sticky_limit(
    gateway_app: Callable[..., GatewayApp], mock_upstream: MockUpstream
) -> None:
    async with gateway_app(
        accounts(mock_upstream, "a", "b", "c"), account_strategy="round-robin"
    ) as gw:
        for _ in range(10):
            assert (await gw.client.post("/v1/chat/completions", json=HELLO)).status_code == 200
    assert keys(mock_upstream) == list("aaabbbccca")


async def test_a_rate_limited_account_cools_down_and_is_skipped(
    gateway_app: Callable[..., GatewayApp], mock_upstream: MockUpstream
) -> None:
    mock_upstream.inject(status=429, headers={"Retry-After": "30"}, when_key="sk-a", times=1)
    async with gateway_app(accounts(mock_upstream, "a", "b")) as gw:
        first = await gw.client.post("/v1/chat/completions", json=HELLO)
        second = await gw.client.post("/v1/chat/completions", json=HELLO)
        health = (await gw.client.get("/api/health")).json()
    assert first.headers["x-omniroute-fallback-attempts"] == "1"
    assert "x-omniroute-fallback-attempts" not in second.headers, "a is skipped, not retried"
    assert keys(mock_upstream) == ["a", "b", "b"]
    assert 25 < health["cooling"]["openai"]["a"] <= 30


async def test_transient_failures_open_the_breaker_and_429s_never_do(
    gateway_app: Callable[..., GatewayApp], mock_upstream: MockUpstream
) -> None:
    cfg = {
        **accounts(mock_upstream, "a"),
        "connections": [
            *accounts(mock_upstream, "a")["connections"],
            {
                "provider": "groq",
                "name": "g",
                "api_key": "sk-g",
                "base_url": mock_upstream.base_url,
            },
        ],
        "combos": [{"name": "pair", "models": ["openai/gpt-4o", "groq/llama-3.1-8b-instant"]}],
    }
    mock_upstream.inject(status=503, when_key="sk-a", times=2)
    async with gateway_app(cfg, breaker_api_key_threshold=2, breaker_api_key_reset=60) as gw:
        pair = {**HELLO, "model": "pair"}
        for _ in range(2):
            assert (await gw.client.post("/v1/chat/completions", json=pair)).status_code == 200
        mock_upstream.reset()
        skipped = await gw.client.post("/v1/chat/completions", json=pair)
        health = (await gw.client.get("/api/health")).json()
    assert skipped.headers["x-omniroute-provider"] == "groq"
    assert keys(mock_upstream) == ["g"], "the open breaker keeps requests away from openai"
    assert health["breakers"]["openai"]["state"] == "open"


async def test_a_session_sticks_to_the_account_that_served_it(
    gateway_app: Callable[..., GatewayApp], mock_upstream: MockUpstream
) -> None:
    cfg = accounts(mock_upstream, "a", "b", "c")
    async with gateway_app(cfg, account_strategy="round-robin") as gw:
        post = gw.client.post
        for _ in range(3):  # round-robin would move on after 3; the session keeps "a"
            await post("/v1/chat/completions", json=HELLO, headers={"x-session-id": "s1"})
        await post("/v1/chat/completions", json=HELLO, headers={"x-session-id": "s1"})
        mock_upstream.inject(status=401, when_key="sk-a", times=None)  # "a" stops working
        moved = await post("/v1/chat/completions", json=HELLO, headers={"x-session-id": "s1"})
        mock_upstream.clear_faults()
        after = await post("/v1/chat/completions", json=HELLO, headers={"x-session-id": "s1"})
    assert moved.status_code == after.status_code == 200
    assert keys(mock_upstream)[:4] == ["a", "a", "a", "a"]
    # The failed pin falls back normally, and the session sticks to the new account.
    served_after_failure = keys(mock_upstream)[5]
    assert keys(mock_upstream)[6] == served_after_failure != "a"
