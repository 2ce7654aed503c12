"""Latency percentiles per provider: the ring buffer's math, and ``/api/health`` reporting it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from omniroute.observability.latency import Latencies, nearest_rank
from omniroute_plugin_testkit.gateway import GatewayApp
from omniroute_plugin_testkit.mock import MockUpstream

HELLO = {"model": "openai/gpt-4o", "messages": [{"role": "user", "content": "hi"}]}


def test_nearest_rank_picks_observed_values() -> None:
    ordered = [float(v) for v in range(1, 101)]  # 1..100
    assert [nearest_rank(ordered, p) for p in (50, 95, 99, 100)] == [50.0, 95.0, 99.0, 100.0]
    ten = [float(v) for v in range(10, 101, 10)]  # 10..100
    assert nearest_rank(ten, 50) == 50.0, "rank ceil(0.5 * 10) = 5, with no float rounding"
    assert nearest_rank(ten, 95) == 100.0
    assert nearest_rank(ten, 1) == 10.0
    assert nearest_rank([7.0], 99) == 7.0
    assert nearest_rank([7.0], 0) == 7.0, "rank 0 is clamped to the first sample"


def test_stats_on_known_data_in_any_order() -> None:
    latencies = Latencies(window=200)
    for v in reversed(range(1, 201)):  # 200..1, so sorting matters
        latencies.record("openai", float(v), ok=v % 4 != 0)
    stats = latencies.stats("openai")
    assert stats is not None
    assert (stats.p50, stats.p95, stats.p99) == (100.0, 190.0, 198.0)
    assert (stats.samples, stats.errors) == (200, 50)


def test_the_ring_wraps_and_forgets_the_oldest() -> None:
    latencies = Latencies(window=4)
    for v in (1000.0, 1000.0, 1000.0, 1000.0):
        latencies.record("groq", v, ok=False)
    for v in (1.0, 2.0, 3.0):
        latencies.record("groq", v, ok=True)
    stats = latencies.stats("groq")
    assert stats is not None
    assert (stats.samples, stats.errors) == (4, 1), "three slow failures were overwritten"
    assert (stats.p50, stats.p99) == (2.0, 1000.0)
    latencies.record("groq", 4.0, ok=True)  # the last old sample goes too
    stats = latencies.stats("groq")
    assert stats is not None
    assert (stats.p50, stats.p95, stats.p99, stats.samples, stats.errors) == (
        2.0,
        4.0,
        4.0,
        4,
        0,
    )
    for v in range(5, 9):  # a second full lap
        latencies.record("groq", float(v), ok=True)
    stats = latencies.stats("groq")
    assert stats is not None
    assert (stats.p50, stats.p99) == (6.0, 8.0)


def test_partly_filled_window_ignores_the_empty_slots() -> None:
    latencies = Latencies(window=1024)
    for v in (30.0, 10.0, 20.0):
        latencies.record("openai", v, ok=True)
    stats = latencies.stats("openai")
    assert stats is not None
    assert (stats.p50, stats.p95, stats.p99, stats.samples) == (20.0, 30.0, 30.0, 3)


def test_providers_without_attempts_are_absent() -> None:
    latencies = Latencies()
    assert latencies.stats("openai") is None
    assert latencies.summary() == {}
    latencies.record("openai", 12.345, ok=True)
    assert latencies.summary() == {
        "openai": {"p50": 12.3, "p95": 12.3, "p99": 12.3, "samples": 1, "errors": 0}
    }


def test_a_window_needs_room() -> None:
    with pytest.raises(ValueError, match="at least one sample"):
        Latencies(window=0)


async def test_health_reports_percentiles_per_provider(
    gateway_app: Callable[..., GatewayApp], mock_upstream: MockUpstream
) -> None:
    config = {
        "connections": [
            {
                "provider": "openai",
                "name": "a",
                "api_key": "sk-a",
                "base_url": mock_upstream.base_url,
            }
        ]
    }
    async with gateway_app(config) as gw:
        before = (await gw.client.get("/api/health")).json()
        mock_upstream.inject(delay=0.2, times=3)
        for _ in range(3):
            assert (await gw.client.post("/v1/chat/completions", json=HELLO)).status_code == 200
        health = (await gw.client.get("/api/health")).json()
    assert before["latency"] == {}, "no attempts yet, no entry"
    openai = health["latency"]["openai"]
    assert openai["samples"] == 3
    assert openai["errors"] == 0
    assert openai["p99"] >= 200
    assert openai["p50"] <= openai["p95"] <= openai["p99"]
    assert set(health["latency"]) == {"openai"}
    assert {"status", "breakers", "cooling"} <= set(health), "existing keys stay"


async def test_failed_attempts_count_as_samples_and_errors(
    gateway_app: Callable[..., GatewayApp], mock_upstream: MockUpstream
) -> None:
    config = {
        "connections": [
            {
                "provider": "openai",
                "name": n,
                "api_key": f"sk-{n}",
                "base_url": mock_upstream.base_url,
                "priority": i,
            }
            for i, n in enumerate("ab")
        ]
    }
    mock_upstream.inject(status=503, delay=0.1, when_key="sk-a", times=1)
    async with gateway_app(config) as gw:
        assert (await gw.client.post("/v1/chat/completions", json=HELLO)).status_code == 200
        openai = (await gw.client.get("/api/health")).json()["latency"]["openai"]
    assert (openai["samples"], openai["errors"]) == (2, 1), "the 503 on a, then b's success"
    assert openai["p99"] >= 100, "the slow failure is in the percentiles"
