"""Account cooldowns: a connection that failed is skipped for a while, longer each time.

The delay is ``base * 2**level`` capped at ``cap``; the level rises with each failure that
happens after the previous cooldown ended and returns to 0 on success, so a flapping account
backs off further while a healthy one is never penalised for an old failure. An upstream
``Retry-After`` wins when it asks for longer. Both the level and the cooldown live in the
state backend, so every gateway sharing Redis skips the same account.

Requests already in flight when an account starts cooling fail together; such a failure
reported while the account is cooling does not raise the level again (the original's
anti-thundering-herd guard), it can only lengthen the cooldown to a larger ``Retry-After``.
The check and the raise are two operations, so two failures racing at the very first moment
may both count: that costs one extra doubling, never a missed cooldown.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from omniroute.state import StateBackend

LEVEL_MEMORY = 3600.0
"""Seconds a failure streak is remembered without a success to clear it; then it restarts at
``base`` (keeps keys of deleted connections from living forever)."""


class Cooldowns:
    """Per-connection cooldowns over a ``StateBackend``."""

    def __init__(self, state: StateBackend, base: float, cap: float) -> None:
        self._state = state
        self.base = base
        self.cap = cap

    async def cool(self, connection_id: str, retry_after: float | None = None) -> float:
        """Start (or lengthen) the cooldown of ``connection_id``; return its length in seconds."""
        remaining = await self.remaining(connection_id)
        if remaining > 0:
            if retry_after is None or retry_after <= remaining:
                return remaining
            delay = retry_after
        else:
            level = await self._state.incr(_level_key(connection_id), ttl=LEVEL_MEMORY) - 1
            delay = min(self.cap, self.base * 2**level)
            if retry_after is not None:
                delay = max(delay, retry_after)
        if delay > 0:
            await self._state.set(_cool_key(connection_id), b"1", ttl=delay)
        return delay

    async def remaining(self, connection_id: str) -> float:
        """Seconds until ``connection_id`` may be used again; 0 when it is not cooling."""
        left = await self._state.ttl(_cool_key(connection_id))
        return max(0.0, left) if left is not None else 0.0

    async def clear(self, connection_id: str) -> None:
        """Forget the cooldown and the backoff level: the account just answered well.

        Called after every success, so the common case (no failure streak: no level key,
        hence no cooldown either) costs one read instead of two deletes."""
        if await self._state.get(_level_key(connection_id)) is None:
            return
        await asyncio.gather(
            self._state.delete(_cool_key(connection_id)),
            self._state.delete(_level_key(connection_id)),
        )

    async def cooling(self, connection_ids: Iterable[str]) -> dict[str, float]:
        """The connections among ``connection_ids`` that are cooling, with seconds left.

        Several are read concurrently (one Redis round trip's time, not one each); a single
        one, the common case, is awaited directly: ``gather`` would wrap it in a task."""
        ids = list(connection_ids)
        if len(ids) == 1:
            left = [await self.remaining(ids[0])]
        else:
            left = await asyncio.gather(*(self.remaining(cid) for cid in ids))
        return {cid: seconds for cid, seconds in zip(ids, left, strict=True) if seconds > 0}


def _cool_key(connection_id: str) -> str:
    return f"cooldown:{connection_id}"


def _level_key(connection_id: str) -> str:
    return f"cooldown-level:{connection_id}"
