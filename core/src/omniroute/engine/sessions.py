"""Sticky sessions: a client's session keeps the target and account that last served it.

Coding agents send a session id (``X-Session-Id`` and friends); keeping a conversation on one
upstream account keeps its prompt cache warm. The pin is only a preference: the pinned target
and account are tried first, and if they fail, normal fallback runs and the pin moves to
whatever served the request. Pins live in the state backend for an hour after last use.
"""

from __future__ import annotations

from ..state import StateBackend
from ..types import Candidate, Connection, SessionPin, Target

PIN_TTL = 3600.0


class Sessions:
    def __init__(self, state: StateBackend) -> None:
        self._state = state

    async def pinned(self, session: str | None) -> SessionPin | None:
        if not session:
            return None
        raw = await self._state.get(_key(session))
        if raw is None:
            return None
        provider, model, connection_id = raw.decode().split("\n")
        return SessionPin(provider, model, connection_id)

    async def pin(self, session: str | None, candidate: Candidate) -> None:
        if session:
            target = candidate.target
            value = f"{target.provider.id}\n{target.model}\n{candidate.connection.id}"
            await self._state.set(_key(session), value.encode(), ttl=PIN_TTL)


def pinned_first(targets: list[Target], pin: SessionPin | None) -> list[Target]:
    """``targets`` with the pinned one first (stable otherwise)."""
    if pin is None:
        return targets
    return sorted(targets, key=lambda t: not pin.matches(t))


def pinned_account_first(connections: list[Connection], pin: SessionPin | None) -> list[Connection]:
    if pin is None:
        return connections
    return sorted(connections, key=lambda c: c.id != pin.connection_id)


def _key(session: str) -> str:
    return f"session:{session}"
