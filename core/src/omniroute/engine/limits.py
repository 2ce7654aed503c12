"""Per-account admission: requests per minute, a minimum interval and a concurrency cap.

An upstream account that is sent more than it allows answers 429 and gets cooled down, so the
gateway holds requests back itself: a request that would break a limit waits in the
account's queue (first come, first served) at most the queue timeout, and then the attempt
loop moves on to the next account without cooling this one.

The gates live in the process. Limits protect an upstream from one gateway's bursts; the
counts would need a round trip to the state backend on every request to be shared, and a
deployment with several gateway processes divides an account's limits between them.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass

from ..types import AccountLimits, Connection

_MINUTE = 60.0


class Gate:
    """One account's limits and what it is doing now."""

    def __init__(self, limits: AccountLimits) -> None:
        self.limits = limits
        self._queue = asyncio.Lock()  # waiters line up here, in arrival order
        self._freed = asyncio.Event()
        self._starts: deque[float] = deque()  # start times within the last minute
        self._last_start: float | None = None
        self.in_flight = 0

    async def enter(self) -> bool:
        """Take a slot, waiting at most the queue timeout; False when none came in time."""
        limits = self.limits
        timeout = (limits.queue_timeout_ms or 0) / 1000
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout if timeout > 0 else None), self._queue:
                while True:
                    now = loop.time()
                    if limits.max_concurrent and self.in_flight >= limits.max_concurrent:
                        if timeout <= 0:
                            return False
                        self._freed.clear()
                        await self._freed.wait()
                        continue
                    wait = self._time_to_wait(now)
                    if wait <= 0:
                        self._start(now)
                        return True
                    if timeout <= 0:
                        return False
                    await asyncio.sleep(wait)
        except TimeoutError:
            return False

    def leave(self) -> None:
        """Give the slot back (the answer is complete, or the attempt failed)."""
        self.in_flight -= 1
        self._freed.set()

    def _time_to_wait(self, now: float) -> float:
        limits, starts = self.limits, self._starts
        while starts and now - starts[0] >= _MINUTE:
            starts.popleft()
        wait = 0.0
        if limits.rpm and len(starts) >= limits.rpm:
            wait = starts[0] + _MINUTE - now
        if limits.min_interval_ms and self._last_start is not None:
            wait = max(wait, self._last_start + limits.min_interval_ms / 1000 - now)
        return wait

    def _start(self, now: float) -> None:
        self.in_flight += 1
        self._last_start = now
        if self.limits.rpm:
            self._starts.append(now)


@dataclass(frozen=True, slots=True)
class Busy:
    """Why an account was passed over: it stayed at a limit for the whole queue timeout."""

    connection: Connection
    limits: AccountLimits


class Limits:
    """The gates of every limited account, created on first use."""

    def __init__(self, defaults: AccountLimits) -> None:
        self._defaults = defaults
        self._gates: dict[str, Gate] = {}

    async def enter(self, connection: Connection) -> Gate | Busy | None:
        """A slot on ``connection``'s gate, ``Busy`` when none came in time, or None when
        the account has no limits (the common case costs one comparison)."""
        limits = connection.limits
        if not (limits.limited or self._defaults.limited):
            return None
        effective = limits.or_defaults(self._defaults)
        if not effective.limited:
            return None
        gate = self._gates.get(connection.id)
        if gate is None or gate.limits != effective:
            # New account, or its limits were edited: start a fresh gate. Requests still
            # holding a slot on the old one release it harmlessly.
            gate = self._gates[connection.id] = Gate(effective)
        return gate if await gate.enter() else Busy(connection, effective)
