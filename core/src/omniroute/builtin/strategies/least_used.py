"""The ``least-used`` routing strategy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from omniroute.state import StateBackend

from ._items import route_id

T = TypeVar("T")


class LeastUsed:
    """Fewest times led first; ties keep the given order.

    The strategy counts for itself: ordering increments the counter of the item it puts
    first, since that is the one the request goes to (a fallback to a later item is not
    counted — that item was not chosen, it was the spare). Counters live per ``key`` and item
    ``route_id`` in the state backend, so all processes balance the same counts. Concurrent
    requests may read the same counts and pick the same item; the counts stay exact and the
    next requests even it out.
    """

    name = "least-used"

    def __init__(self, state: StateBackend) -> None:
        self._state = state

    async def order(self, items: Sequence[T], key: str) -> list[T]:
        if not items:
            return []
        counts = [await self._state.incr(self._counter(key, item), 0) for item in items]
        ranked = sorted(range(len(items)), key=lambda index: (counts[index], index))
        result = [items[index] for index in ranked]
        await self._state.incr(self._counter(key, result[0]))
        return result

    @staticmethod
    def _counter(key: str, item: object) -> str:
        return f"routing:least-used:{key}:{route_id(item)}"
