"""The ``round-robin`` routing strategy with a sticky limit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from omniroute.state import StateBackend

T = TypeVar("T")

DEFAULT_STICKY_LIMIT = 3


class RoundRobin:
    """Each item serves ``sticky_limit`` consecutive requests, then the next one takes over
    (limit 3 over A, B, C: A A A B B B C C C A …). Staying on one target for a few requests
    keeps its prompt cache warm; rotating spreads quota.

    The returned order is the rotation starting at the current item, so fallback continues
    in round order. One counter per ``key`` in the state backend, advanced with ``incr``,
    makes the sequence exact under concurrency and shared across processes. The position is
    taken modulo the number of items, so a group whose membership changes just rotates
    from wherever the counter points.

    The limit: ``sticky_limit`` at construction (the gateway default) unless the caller
    passes a per-group one to ``order`` (a combo's ``stickyRoundRobinLimit``).
    """

    name = "round-robin"

    def __init__(self, state: StateBackend, sticky_limit: int = DEFAULT_STICKY_LIMIT) -> None:
        self._state = state
        self.sticky_limit = _checked(sticky_limit)

    async def order(
        self, items: Sequence[T], key: str, *, sticky_limit: int | None = None
    ) -> list[T]:
        if len(items) < 2:
            return list(items)
        limit = self.sticky_limit if sticky_limit is None else _checked(sticky_limit)
        served = await self._state.incr(f"routing:round-robin:{key}") - 1
        start = (served // limit) % len(items)
        return [*items[start:], *items[:start]]


def _checked(limit: int) -> int:
    if limit < 1:
        raise ValueError(f"sticky limit must be at least 1, not {limit}")
    return limit
