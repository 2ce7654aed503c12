"""The default state backend: a dict in this process.

Enough for one gateway process, which is how most people run OmniRoute. Expiry is lazy: a
key is checked when read, and a heap of deadlines lets each call drop the keys that have
expired since, so memory stays bounded without a background task. Time comes from a
monotonic clock (injectable, so tests can move it without sleeping).
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable

from omniroute.settings import Settings


class MemoryState:
    """``StateBackend`` over a dict; the event loop serialises every operation."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._values: dict[str, bytes | int] = {}
        self._deadlines: dict[str, float] = {}
        self._heap: list[tuple[float, str]] = []

    @classmethod
    def from_settings(cls, settings: Settings) -> MemoryState:
        """The loader's constructor; the memory backend needs no settings."""
        del settings
        return cls()

    async def get(self, key: str) -> bytes | None:
        self._purge()
        value = self._values.get(key)
        if value is None or self._expired(key):
            return None
        return str(value).encode() if isinstance(value, int) else value

    async def set(self, key: str, value: bytes, ttl: float | None = None) -> None:
        self._purge()
        self._values[key] = value
        self._expire_in(key, ttl)

    async def delete(self, key: str) -> None:
        self._forget(key)

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        self._purge()
        current = self._values.get(key)
        if current is None or self._expired(key):
            self._values[key] = amount
            self._expire_in(key, ttl)
            return amount
        new = int(current) + amount
        self._values[key] = new
        return new

    async def ttl(self, key: str) -> float | None:
        if key not in self._values or self._expired(key):
            return None
        deadline = self._deadlines.get(key)
        return None if deadline is None else deadline - self._clock()

    async def close(self) -> None:
        self._values.clear()
        self._deadlines.clear()
        self._heap.clear()

    def _expire_in(self, key: str, ttl: float | None) -> None:
        if ttl is None:
            self._deadlines.pop(key, None)
            return
        deadline = self._clock() + ttl
        self._deadlines[key] = deadline
        heapq.heappush(self._heap, (deadline, key))

    def _expired(self, key: str) -> bool:
        deadline = self._deadlines.get(key)
        if deadline is None or deadline > self._clock():
            return False
        self._forget(key)
        return True

    def _forget(self, key: str) -> None:
        self._values.pop(key, None)
        self._deadlines.pop(key, None)

    def _purge(self) -> None:
        """Drop keys whose deadline has passed; stale heap entries (a key re-set since) are
        skipped, so each entry is popped once and the cost stays amortised O(log n)."""
        now = self._clock()
        heap = self._heap
        while heap and heap[0][0] <= now:
            deadline, key = heapq.heappop(heap)
            if self._deadlines.get(key) == deadline:
                self._forget(key)
