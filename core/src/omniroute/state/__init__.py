"""Hot shared state: cursors, decks, counters, breaker states, cooldowns.

Everything a routing strategy or a breaker must remember between requests lives behind
``StateBackend``, so it holds across processes when several gateways share Redis. The
backend is chosen by name through stevedore's ``DriverManager`` over the entry point group
``omniroute.state``: ``memory`` (default, one process) and ``redis``
(``OMNIROUTE_REDIS_URL``).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

NAMESPACE = "omniroute.state"


@runtime_checkable
class StateBackend(Protocol):
    """Small atomic operations on keys; values are bytes, counters are integers.

    ``ttl`` is in seconds; a key without one lives until deleted. Every method is safe to call
    concurrently from many requests (and, with Redis, from many processes).
    """

    async def get(self, key: str) -> bytes | None:
        """The value of ``key``, or None when absent or expired."""

    async def set(self, key: str, value: bytes, ttl: float | None = None) -> None:
        """Store ``value`` under ``key``."""

    async def delete(self, key: str) -> None:
        """Forget ``key``."""

    async def incr(self, key: str, amount: int = 1, ttl: float | None = None) -> int:
        """Add ``amount`` to the counter at ``key`` (0 when absent) and return the new value;
        ``ttl`` is applied when the counter is created."""

    async def ttl(self, key: str) -> float | None:
        """Seconds until ``key`` expires; None when it is absent or never expires."""

    async def close(self) -> None:
        """Release connections."""
