"""The ``p2c`` (power of two choices) routing strategy."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

from ._items import route_id
from .health import HealthStats

T = TypeVar("T")


class PowerOfTwoChoices:
    """Sample two items at random and lead with the healthier: fewer recent failures, then
    lower average latency, then the given order. Comparing two random items instead of
    always taking the best keeps a herd of requests from piling onto one target whose
    statistics are stale, while still steering away from bad ones. After the leader come
    the others, healthiest first.

    Statistics come from ``HealthStats``; the engine feeds them through ``record`` after
    each attempt. ``rng`` is the seeding hook for tests.
    """

    name = "p2c"

    def __init__(self, stats: HealthStats, rng: random.Random | None = None) -> None:
        self._stats = stats
        self._rng = rng or random.Random()

    async def record(self, key: str, item_id: str, latency_ms: float, ok: bool) -> None:
        """Account for one attempt at ``item_id`` (its ``route_id``) of group ``key``."""
        await self._stats.record(key, item_id, latency_ms, ok)

    async def order(self, items: Sequence[T], key: str) -> list[T]:
        if len(items) < 2:
            return list(items)
        scores = [await self._stats.score(key, route_id(item)) for item in items]

        def rank(index: int) -> tuple[int, float, int]:
            return (*scores[index], index)

        leader = min(self._rng.sample(range(len(items)), 2), key=rank)
        rest = sorted((i for i in range(len(items)) if i != leader), key=rank)
        return [items[leader], *(items[i] for i in rest)]
