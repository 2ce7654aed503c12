"""Account cooldowns: exponential backoff, Retry-After, clearing on success; both backends."""

from __future__ import annotations

import asyncio

import pytest
from state_backend_under_test import Backend

from omniroute.resilience.cooldowns import Cooldowns

BASE = 0.05
CAP = 0.3


def approx(value: float) -> object:
    """Redis counts expiry in milliseconds and real time passes between calls."""
    return pytest.approx(value, abs=0.02)


async def test_not_cooling_by_default(backend: Backend) -> None:
    cooldowns = Cooldowns(backend.state, BASE, CAP)
    assert await cooldowns.remaining("c1") == 0
    assert await cooldowns.cooling(["c1", "c2"]) == {}


async def test_backoff_doubles_per_consecutive_failure_up_to_the_cap(backend: Backend) -> None:
    cooldowns = Cooldowns(backend.state, BASE, CAP)
    delays = []
    for _ in range(5):
        delays.append(await cooldowns.cool("c1"))
        assert await cooldowns.remaining("c1") == approx(delays[-1])
        await backend.advance(delays[-1] + 0.01)
        assert await cooldowns.remaining("c1") == 0
    assert delays == [0.05, 0.1, 0.2, 0.3, 0.3]


async def test_failures_while_cooling_do_not_raise_the_level(backend: Backend) -> None:
    cooldowns = Cooldowns(backend.state, BASE, CAP)
    assert await cooldowns.cool("c1") == BASE
    repeated = await asyncio.gather(*(cooldowns.cool("c1") for _ in range(10)))
    assert all(0 < delay <= BASE + 1e-6 for delay in repeated)
    await backend.advance(BASE + 0.01)
    assert await cooldowns.cool("c1") == 2 * BASE  # the next level, not 2^11


async def test_retry_after_wins_when_larger(backend: Backend) -> None:
    cooldowns = Cooldowns(backend.state, BASE, CAP)
    assert await cooldowns.cool("c1", retry_after=0.25) == 0.25
    assert await cooldowns.remaining("c1") == approx(0.25)
    await backend.advance(0.26)
    # the level still rose: the next backoff is base * 2
    assert await cooldowns.cool("c1", retry_after=0.01) == 2 * BASE


async def test_retry_after_lengthens_a_running_cooldown(backend: Backend) -> None:
    cooldowns = Cooldowns(backend.state, BASE, CAP)
    await cooldowns.cool("c1")
    assert await cooldowns.cool("c1", retry_after=0.2) == 0.2
    assert await cooldowns.remaining("c1") == approx(0.2)


async def test_retry_after_may_exceed_the_cap(backend: Backend) -> None:
    cooldowns = Cooldowns(backend.state, BASE, CAP)
    assert await cooldowns.cool("c1", retry_after=0.5) == 0.5


async def test_clear_resets_cooldown_and_level(backend: Backend) -> None:
    cooldowns = Cooldowns(backend.state, BASE, CAP)
    await cooldowns.cool("c1")
    await backend.advance(BASE + 0.01)
    await cooldowns.cool("c1")
    await cooldowns.clear("c1")
    assert await cooldowns.remaining("c1") == 0
    assert await cooldowns.cool("c1") == BASE


async def test_cooling_lists_only_cooling_connections(backend: Backend) -> None:
    cooldowns = Cooldowns(backend.state, BASE, CAP)
    await cooldowns.cool("c1")
    await cooldowns.cool("c3", retry_after=0.2)
    cooling = await cooldowns.cooling(["c1", "c2", "c3"])
    assert set(cooling) == {"c1", "c3"}
    assert cooling["c1"] == approx(BASE)
    assert cooling["c3"] == approx(0.2)
