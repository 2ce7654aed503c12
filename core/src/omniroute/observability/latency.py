"""Recent attempt latencies per provider, and their percentiles for ``GET /api/health``.

Each provider keeps its last ``window`` attempt latencies in a fixed-size ring buffer
(``array('d')`` plus a write index), so recording is O(1), takes no lock and allocates
nothing once the provider's ring exists: it sits on the request path (DESIGN.md §9).
Percentiles are computed only when read, from a sorted copy, with the nearest-rank method,
so every reported value is a latency that was actually observed.

The samples stay in process: every gateway process reports its own. Health reads are rare
and a sample is cheap, while sharing samples through the state backend would put a network
round trip on every request to make an occasional read more complete. Breakers and
cooldowns are different: they change routing, so every process must agree on them.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import Final

WINDOW: Final = 1024
"""Samples kept per provider: enough for a meaningful p99 (about ten samples above it),
few enough that a read sorts them in well under a millisecond."""

PERCENTILES: Final = (50, 95, 99)


@dataclass(frozen=True, slots=True)
class LatencyStats:
    """What one provider's window says; latencies in milliseconds."""

    p50: float
    p95: float
    p99: float
    samples: int
    errors: int
    """Failed attempts among ``samples``; their latencies are in the percentiles too,
    because a provider that fails slowly is slow for the caller."""

    def as_dict(self) -> dict[str, float | int]:
        """The JSON shape of ``/api/health``: milliseconds rounded to 0.1."""
        return {
            "p50": round(self.p50, 1),
            "p95": round(self.p95, 1),
            "p99": round(self.p99, 1),
            "samples": self.samples,
            "errors": self.errors,
        }


def nearest_rank(ordered: list[float], percent: int) -> float:
    """The ``percent`` percentile of non-empty ascending ``ordered`` by nearest rank: the
    smallest value with at least ``percent`` % of the samples at or below it.

    Integer arithmetic for the rank, so p50 of 10 samples is exactly the 5th, not the 6th
    through a float rounding of 0.5 * 10.
    """
    rank = -(-percent * len(ordered) // 100)  # ceil(percent / 100 * n), exactly
    return ordered[max(rank, 1) - 1]


class _Ring:
    """One provider's window: latencies and failure flags overwritten oldest first."""

    __slots__ = ("count", "errors", "failed", "next", "values")

    def __init__(self, size: int) -> None:
        self.values = array("d", bytes(8 * size))
        self.failed = bytearray(size)
        self.next = 0
        self.count = 0
        self.errors = 0

    def add(self, ms: float, ok: bool) -> None:
        i = self.next
        self.values[i] = ms
        bad = 0 if ok else 1
        self.errors += bad - self.failed[i]
        self.failed[i] = bad
        i += 1
        size = len(self.failed)
        self.next = 0 if i == size else i
        if self.count < size:
            self.count += 1

    def stats(self) -> LatencyStats:
        # Unfilled slots are zeros, so only the first ``count`` are samples; order within
        # the window does not matter once sorted.
        ordered = sorted(self.values[: self.count])
        p50, p95, p99 = (nearest_rank(ordered, p) for p in PERCENTILES)
        return LatencyStats(p50, p95, p99, self.count, self.errors)


class Latencies:
    """Every provider's window. Not thread-safe, and needs not be: one event loop records
    and reads, and neither awaits in between."""

    def __init__(self, window: int = WINDOW) -> None:
        if window < 1:
            raise ValueError("the latency window needs at least one sample")
        self._window = window
        self._rings: dict[str, _Ring] = {}

    def record(self, provider: str, ms: float, ok: bool) -> None:
        """One attempt on ``provider`` took ``ms`` milliseconds and succeeded or not."""
        ring = self._rings.get(provider)
        if ring is None:
            ring = self._rings[provider] = _Ring(self._window)
        ring.add(ms, ok)

    def stats(self, provider: str) -> LatencyStats | None:
        """The provider's percentiles, or None before its first attempt."""
        ring = self._rings.get(provider)
        return ring.stats() if ring is not None else None

    def summary(self) -> dict[str, dict[str, float | int]]:
        """Every provider with samples, by id, in ``/api/health``'s shape."""
        return {pid: ring.stats().as_dict() for pid, ring in sorted(self._rings.items())}
