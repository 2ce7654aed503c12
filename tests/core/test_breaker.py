"""The provider circuit breaker on both state backends."""

from __future__ import annotations

import asyncio

import pytest
from state_backend_under_test import Backend

from omniroute.resilience.breaker import (
    Breaker,
    BreakerPolicy,
    BreakerState,
    trips_breaker,
)
from omniroute.resilience.classification import FailureKind, classify
from omniroute.settings import Settings

POLICY = BreakerPolicy(threshold=3, window=5.0, reset_after=0.2)


async def trip(breaker: Breaker, provider: str = "p") -> None:
    for _ in range(breaker.policy.threshold):
        await breaker.failure(provider)


async def test_closed_by_default(backend: Backend) -> None:
    breaker = Breaker(backend.state, POLICY)
    assert await breaker.allow("p")
    assert await breaker.status("p") == {
        "state": BreakerState.CLOSED,
        "failures": 0,
        "half_open_in": 0.0,
    }


async def test_threshold_failures_open_it(backend: Backend) -> None:
    breaker = Breaker(backend.state, POLICY)
    await breaker.failure("p")
    await breaker.failure("p")
    assert await breaker.allow("p")
    assert (await breaker.status("p"))["failures"] == 2
    await breaker.failure("p")
    assert not await breaker.allow("p")
    assert not await breaker.allow("p")
    status = await breaker.status("p")
    assert status["state"] is BreakerState.OPEN
    assert 0 < status["half_open_in"] <= 0.2 + 1e-6
    assert await breaker.allow("other")


async def test_failures_outside_the_window_do_not_add_up(backend: Backend) -> None:
    breaker = Breaker(backend.state, BreakerPolicy(threshold=3, window=0.2, reset_after=0.2))
    await breaker.failure("p")
    await breaker.failure("p")
    await backend.advance(0.25)
    await breaker.failure("p")
    assert await breaker.allow("p")
    assert (await breaker.status("p"))["failures"] == 1


async def test_failures_while_open_do_not_extend_it(backend: Backend) -> None:
    breaker = Breaker(backend.state, POLICY)
    await trip(breaker)
    await backend.advance(0.1)
    await breaker.failure("p")  # a request sent before it opened
    assert (await breaker.status("p"))["half_open_in"] <= 0.1 + 1e-6


async def test_half_open_lets_exactly_one_concurrent_probe_through(backend: Backend) -> None:
    breaker = Breaker(backend.state, POLICY)
    await trip(breaker)
    await backend.advance(0.25)
    assert (await breaker.status("p"))["state"] is BreakerState.HALF_OPEN
    allowed = await asyncio.gather(*(breaker.allow("p") for _ in range(50)))
    assert allowed.count(True) == 1


async def test_probe_success_closes_it(backend: Backend) -> None:
    breaker = Breaker(backend.state, POLICY)
    await trip(breaker)
    await backend.advance(0.25)
    assert await breaker.allow("p")
    await breaker.success("p")
    assert await breaker.status("p") == {
        "state": BreakerState.CLOSED,
        "failures": 0,
        "half_open_in": 0.0,
    }
    assert all(await asyncio.gather(*(breaker.allow("p") for _ in range(5))))


async def test_probe_failure_reopens_it(backend: Backend) -> None:
    breaker = Breaker(backend.state, POLICY)
    await trip(breaker)
    await backend.advance(0.25)
    assert await breaker.allow("p")
    await breaker.failure("p")
    assert not await breaker.allow("p")
    assert (await breaker.status("p"))["state"] is BreakerState.OPEN
    await backend.advance(0.25)
    assert await breaker.allow("p")  # a new probe after another reset period
    assert not await breaker.allow("p")


async def test_a_lost_probe_is_replaced_after_its_lease(backend: Backend) -> None:
    policy = BreakerPolicy(threshold=1, window=5.0, reset_after=0.1, probe_timeout=0.2)
    breaker = Breaker(backend.state, policy)
    await trip(breaker)
    await backend.advance(0.15)
    assert await breaker.allow("p")
    assert not await breaker.allow("p")
    await backend.advance(0.25)
    assert await breaker.allow("p")


@pytest.mark.parametrize(
    ("status", "text", "trips"),
    [
        (500, "boom", True),
        (503, "overloaded", True),
        (408, "", True),
        (429, "slow down", False),
        (429, "insufficient_quota", False),
        (401, "bad key", False),
        (403, "forbidden", False),
        (400, "context length exceeded", False),
        (400, "bad parameter", False),
        (404, "no such model", False),
    ],
)
def test_only_transient_failures_trip_it(status: int, text: str, trips: bool) -> None:
    assert trips_breaker(classify(status, {}, text).kind) is trips


def test_client_gone_does_not_trip_it() -> None:
    assert not trips_breaker(FailureKind.CLIENT_GONE)


async def test_rate_limits_never_open_it(backend: Backend) -> None:
    breaker = Breaker(backend.state, POLICY)
    for _ in range(10):
        failure = classify(429, {"retry-after": "1"}, "rate limited")
        if trips_breaker(failure.kind):
            await breaker.failure("p")
    assert await breaker.allow("p")
    assert (await breaker.status("p"))["failures"] == 0


def test_policies_per_provider_class_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMNIROUTE_BREAKER_OAUTH_THRESHOLD", "8")
    monkeypatch.setenv("OMNIROUTE_BREAKER_LOCAL_RESET", "2.5")
    settings = Settings()
    assert BreakerPolicy.for_auth_kind("api-key", settings) == BreakerPolicy(5, 60.0, 30.0)
    assert BreakerPolicy.for_auth_kind("oauth", settings) == BreakerPolicy(8, 60.0, 60.0)
    assert BreakerPolicy.for_auth_kind("none", settings) == BreakerPolicy(3, 30.0, 2.5)
