"""Strategies that remember: ``round-robin``, ``strict-random``, ``least-used``, ``p2c``.

Every test runs on ``MemoryState`` (also with every call yielding to the event loop, so the
concurrency tests really interleave) and, when ``OMNIROUTE_TEST_REDIS_URL`` is set, on
``RedisState`` under a private key prefix that is deleted afterwards (an unreachable server
is then an error, not a skip).
"""

from __future__ import annotations

import asyncio
import os
import random
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import redis.asyncio as aioredis

from omniroute.builtin.strategies import (
    HealthStats,
    LeastUsed,
    PowerOfTwoChoices,
    RoundRobin,
    StrictRandom,
)
from omniroute.state import StateBackend
from omniroute.state.memory import MemoryState
from omniroute.state.redis import RedisState

REDIS_ENV = "OMNIROUTE_TEST_REDIS_URL"


@dataclass(frozen=True)
class Item:
    route_id: str


A, B, C = Item("A"), Item("B"), Item("C")


class Interleaving(MemoryState):
    """``MemoryState`` that yields to the event loop before every operation, so concurrent
    orderings interleave between their state calls as they would over a network."""

    async def get(self, key: str) -> bytes | None:
        await asyncio.sleep(0)
        return await super().get(key)

    async def set(self, key: str, value: bytes, ttl: float | None = None) -> None:
        await asyncio.sleep(0)
        await super().set(key, value, ttl)

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        await asyncio.sleep(0)
        return await super().incr(key, amount, ttl)


@pytest.fixture(params=["memory", "interleaving", "redis"])
async def state(request: pytest.FixtureRequest) -> AsyncIterator[StateBackend]:
    if request.param == "memory":
        yield MemoryState()
        return
    if request.param == "interleaving":
        yield Interleaving()
        return
    url = os.environ.get(REDIS_ENV)
    if not url:
        pytest.skip(f"{REDIS_ENV} is not set")
    prefix = f"omniroute-test-{uuid.uuid4().hex[:12]}:"
    backend = RedisState(url, prefix=prefix)
    yield backend
    await backend.close()
    client = aioredis.Redis.from_url(url)
    keys = [key async for key in client.scan_iter(f"{prefix}*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


async def leaders(
    strategy: RoundRobin | StrictRandom | LeastUsed, items: list[Item], n: int
) -> str:
    """The ids of the items leading ``n`` consecutive orderings, as one string."""
    return "".join([(await strategy.order(items, "group"))[0].route_id for _ in range(n)])


# round-robin


async def test_round_robin_sticky_3_over_3_accounts_is_exact(state: StateBackend) -> None:
    assert await leaders(RoundRobin(state), [A, B, C], 12) == "AAABBBCCCAAA"


async def test_round_robin_rotates_so_fallback_continues_in_round_order(
    state: StateBackend,
) -> None:
    strategy = RoundRobin(state, sticky_limit=1)
    orders = [await strategy.order([A, B, C], "group") for _ in range(3)]
    assert orders == [[A, B, C], [B, C, A], [C, A, B]]


async def test_round_robin_per_group_limit_overrides_the_default(state: StateBackend) -> None:
    strategy = RoundRobin(state, sticky_limit=3)
    sequence = [
        (await strategy.order([A, B, C], "combo", sticky_limit=2))[0].route_id for _ in range(6)
    ]
    assert "".join(sequence) == "AABBCC"


async def test_round_robin_keeps_one_cursor_per_key(state: StateBackend) -> None:
    strategy = RoundRobin(state, sticky_limit=1)
    assert (await strategy.order([A, B], "one"))[0] == A
    assert (await strategy.order([A, B], "two"))[0] == A
    assert (await strategy.order([A, B], "one"))[0] == B


async def test_round_robin_cursor_is_shared_between_instances(state: StateBackend) -> None:
    """Two gateway processes on one backend are one rotation."""
    first, second = RoundRobin(state), RoundRobin(state)
    sequence = [
        (await (first if i % 2 else second).order([A, B, C], "group"))[0].route_id for i in range(9)
    ]
    assert "".join(sequence) == "AAABBBCCC"


async def test_round_robin_rejects_a_limit_below_1(state: StateBackend) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        RoundRobin(state, sticky_limit=0)
    with pytest.raises(ValueError, match="at least 1"):
        await RoundRobin(state).order([A, B], "group", sticky_limit=0)


async def test_round_robin_counts_stay_exact_under_concurrency(state: StateBackend) -> None:
    strategy = RoundRobin(state)
    orders = await asyncio.gather(*(strategy.order([A, B, C], "group") for _ in range(270)))
    assert Counter(order[0].route_id for order in orders) == {"A": 90, "B": 90, "C": 90}


# strict-random


async def test_strict_random_serves_each_step_once_per_deck(state: StateBackend) -> None:
    items = [Item(name) for name in "abcdef"]
    sequence = await leaders(StrictRandom(state, seed="s"), items, 6 * 20)
    decks = [sequence[i : i + 6] for i in range(0, len(sequence), 6)]
    assert all(sorted(deck) == list("abcdef") for deck in decks)
    assert len(set(decks)) > 1, "every deck is reshuffled"


async def test_strict_random_fallback_order_is_the_rest_of_the_deck(state: StateBackend) -> None:
    strategy = StrictRandom(state, seed="s")
    items = [Item(name) for name in "abcd"]
    deck = await strategy.order(items, "group")
    for position in range(1, 4):
        assert await strategy.order(items, "group") == [*deck[position:], *deck[:position]]


async def test_strict_random_deck_does_not_depend_on_the_given_order(
    state: StateBackend,
) -> None:
    """The engine may hand the group over in any order; the deck stays the same."""
    items = [Item(name) for name in "abcd"]
    strategy = StrictRandom(state, seed="s")
    deck = await strategy.order(items, "group")
    assert await strategy.order(list(reversed(items)), "group") == [*deck[1:], deck[0]]


async def test_strict_random_instances_share_the_stored_seed(state: StateBackend) -> None:
    """Unseeded instances (two processes) agree on the decks through the backend."""
    items = [Item(name) for name in "abcde"]
    instances = [StrictRandom(state), StrictRandom(state)]
    sequence = "".join(
        [(await instances[i % 2].order(items, "group"))[0].route_id for i in range(5 * 8)]
    )
    assert all(sorted(sequence[i : i + 5]) == list("abcde") for i in range(0, 40, 5))


async def test_strict_random_once_per_deck_under_concurrency(state: StateBackend) -> None:
    items = [Item(name) for name in "abcde"]
    strategies = [StrictRandom(state, seed="s"), StrictRandom(state, seed="s")]
    orders = await asyncio.gather(*(strategies[i % 2].order(items, "group") for i in range(5 * 40)))
    assert Counter(order[0].route_id for order in orders) == dict.fromkeys("abcde", 40)


# least-used


async def test_least_used_leads_with_the_fewest_ties_in_given_order(state: StateBackend) -> None:
    assert await leaders(LeastUsed(state), [A, B, C], 7) == "ABCABCA"


async def test_least_used_orders_everyone_by_count(state: StateBackend) -> None:
    strategy = LeastUsed(state)
    await strategy.order([A, B, C], "group")  # A: 1
    await strategy.order([B, C], "group")  # B: 1
    assert await strategy.order([A, B, C], "group") == [C, A, B]


async def test_least_used_counts_stay_exact_under_concurrency(state: StateBackend) -> None:
    strategy = LeastUsed(state)
    await asyncio.gather(*(strategy.order([A, B, C], "group") for _ in range(60)))
    counts = [int(await state.get(f"routing:least-used:group:{x}") or 0) for x in "ABC"]
    assert sum(counts) == 60


async def test_least_used_needs_a_route_id(state: StateBackend) -> None:
    with pytest.raises(TypeError, match="route_id"):
        await LeastUsed(state).order([object(), object()], "group")


# p2c


async def test_p2c_never_leads_with_the_failing_one_of_two(state: StateBackend) -> None:
    strategy = PowerOfTwoChoices(HealthStats(state), random.Random(1))
    await strategy.record("group", "A", 100.0, ok=False)
    for _ in range(20):
        assert await strategy.order([A, B], "group") == [B, A]


async def test_p2c_prefers_the_faster_and_never_leads_with_the_worst(state: StateBackend) -> None:
    strategy = PowerOfTwoChoices(HealthStats(state), random.Random(2))
    for item, latency in (("A", 900.0), ("B", 100.0), ("C", 300.0)):
        await strategy.record("group", item, latency, ok=True)
    orders = [await strategy.order([A, B, C], "group") for _ in range(300)]
    first = Counter(order[0].route_id for order in orders)
    assert first["A"] == 0
    assert first["B"] > first["C"] > 0
    assert all(order[1:] in ([B, A], [C, A], [B, C]) for order in orders)


async def test_p2c_tries_unmeasured_items(state: StateBackend) -> None:
    strategy = PowerOfTwoChoices(HealthStats(state), random.Random(3))
    await strategy.record("group", "A", 50.0, ok=True)
    assert await strategy.order([A, B], "group") == [B, A]


async def test_health_latency_is_an_ewma_of_successes(state: StateBackend) -> None:
    stats = HealthStats(state, alpha=0.5)
    await stats.record("group", "A", 100.0, ok=True)
    await stats.record("group", "A", 200.0, ok=True)
    await stats.record("group", "A", 5.0, ok=False)
    assert await stats.score("group", "A") == (1, 150.0)


async def test_health_failures_are_forgotten_after_the_window() -> None:
    now = [0.0]
    stats = HealthStats(MemoryState(clock=lambda: now[0]), failure_window=60.0)
    await stats.record("group", "A", 10.0, ok=False)
    await stats.record("group", "A", 10.0, ok=False)
    assert (await stats.score("group", "A"))[0] == 2
    now[0] = 61.0
    assert (await stats.score("group", "A"))[0] == 0
