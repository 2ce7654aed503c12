"""Per-item health statistics that ``p2c`` compares: recent failures and EWMA latency."""

from __future__ import annotations

from omniroute.state import StateBackend


class HealthStats:
    """Remembers how each item of a group has been doing, in the state backend.

    The engine reports every attempt with ``record``. Failures are counted in a fixed
    window (``failure_window`` seconds from the first failure), so an item recovers by
    itself; latency is an exponentially weighted moving average (``alpha`` for the newest
    sample) of successful attempts only, because a fast 401 says nothing about speed. The
    average is a read-modify-write: concurrent records may drop a sample, which a moving
    average tolerates. Stale averages expire after ``ttl`` seconds.
    """

    def __init__(
        self,
        state: StateBackend,
        *,
        alpha: float = 0.3,
        failure_window: float = 60.0,
        ttl: float = 3600.0,
    ) -> None:
        self._state = state
        self._alpha = alpha
        self._failure_window = failure_window
        self._ttl = ttl

    async def record(self, key: str, item_id: str, latency_ms: float, ok: bool) -> None:
        """Account for one attempt at ``item_id`` of group ``key``."""
        if not ok:
            await self._state.incr(self._key(key, item_id, "failures"), ttl=self._failure_window)
            return
        latency_key = self._key(key, item_id, "latency")
        previous = await self._state.get(latency_key)
        average = (
            latency_ms
            if previous is None
            else self._alpha * latency_ms + (1 - self._alpha) * float(previous)
        )
        await self._state.set(latency_key, repr(average).encode(), ttl=self._ttl)

    async def score(self, key: str, item_id: str) -> tuple[int, float]:
        """(recent failures, average latency in ms), lower is healthier. An item never
        measured scores 0 ms, so new items get tried rather than starved."""
        # ``get``, not ``incr(…, 0)``: creating the counter here would create it without
        # the failure window's ttl, and the failures would never be forgotten.
        failures = await self._state.get(self._key(key, item_id, "failures"))
        latency = await self._state.get(self._key(key, item_id, "latency"))
        return (
            0 if failures is None else int(failures),
            0.0 if latency is None else float(latency),
        )

    @staticmethod
    def _key(key: str, item_id: str, stat: str) -> str:
        return f"routing:health:{key}:{item_id}:{stat}"
