"""Keeping expiring credentials (OAuth access tokens) fresh.

Auth strategies know *how* to refresh; this module decides *when* (before use when the
strategy says the token is expiring, and once more after an upstream 401), makes sure
concurrent requests on one connection refresh only once, and hands the new credential to
the gateway to store and to swap into the configuration snapshot.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from ..interfaces import HttpSender, RefreshingAuthStrategy
from ..types import Candidate, Connection

CredentialSink = Callable[[Connection], Awaitable[None]]
"""Persists a refreshed connection and publishes it to later requests."""


class Credentials:
    def __init__(self, http: HttpSender, sink: CredentialSink | None = None) -> None:
        self._http = http
        self.sink = sink
        self._locks: dict[str, asyncio.Lock] = {}
        self._latest: dict[str, Connection] = {}

    async def fresh(
        self,
        candidate: Candidate,
        auth: RefreshingAuthStrategy | None,
        *,
        rejected: bool = False,
    ) -> Candidate:
        """``candidate`` with a usable credential; ``rejected`` forces a refresh after a 401.

        ``auth`` is None for strategies whose credentials do not expire: the candidate is
        returned unchanged.
        """
        if auth is None:
            return candidate
        connection = self._latest.get(candidate.connection.id, candidate.connection)
        if not rejected and not auth.needs_refresh(connection):
            return Candidate(candidate.target, connection)
        lock = self._locks.setdefault(connection.id, asyncio.Lock())
        async with lock:
            current = self._latest.get(connection.id, connection)
            if current is not connection and not auth.needs_refresh(current):
                return Candidate(candidate.target, current)  # refreshed while we waited
            updated = await auth.refresh(current, self._http)
            self._latest[connection.id] = updated
            if self.sink is not None:
                await self.sink(updated)
        return Candidate(candidate.target, updated)

    def forget(self) -> None:
        """Drop cached refreshed connections once a new snapshot carries them."""
        self._latest.clear()
