"""Per-provider circuit breaker: stop sending requests to a provider that is down.

CLOSED → OPEN after ``threshold`` transient failures within ``window`` seconds (the window
starts at the first failure) → HALF_OPEN once ``reset_after`` seconds have passed, where
exactly one request probes the provider → CLOSED when the probe succeeds, OPEN again when it
fails. The state is read lazily on each call (no timer), and it lives in the state backend,
so with Redis every gateway process sees the same breaker and only one of them probes.

Only transient failures (timeouts, connection errors, 408, 5xx) may trip it. A 401/403/429
or an exhausted quota concern one account, not the provider, and are handled by account
cooldowns; the caller decides with ``trips_breaker(failure.kind)`` before calling
``failure``. Keys per provider:

* ``breaker:{p}:failures``: counter of recent failures, expiring ``window`` after the first;
* ``breaker:{p}:tripped``: present from opening until a successful probe (OPEN or HALF_OPEN);
* ``breaker:{p}:open``: present, expiring after ``reset_after``, while requests are refused;
* ``breaker:{p}:probe``: the half-open probe's claim, an atomic counter (1 wins), leased for
  ``probe_timeout`` so a probe that never reports back cannot wedge the breaker.

A closed breaker costs one read per ``allow`` and per ``success``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypedDict

from omniroute.resilience.classification import FailureKind
from omniroute.settings import Settings
from omniroute.state import StateBackend
from omniroute.types import AuthKind


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class BreakerStatus(TypedDict):
    state: BreakerState
    failures: int
    """Failures counted in the current window (0 once the breaker has opened)."""
    half_open_in: float
    """Seconds until an open breaker lets a probe through; 0 unless open."""


@dataclass(frozen=True, slots=True)
class BreakerPolicy:
    threshold: int
    window: float
    reset_after: float
    probe_timeout: float = 60.0

    @classmethod
    def for_auth_kind(cls, auth_kind: AuthKind, settings: Settings) -> BreakerPolicy:
        """The configured policy for a provider class (``OMNIROUTE_BREAKER_*``).

        Local servers fail fast and recover fast (a restarted Ollama), so they trip sooner and
        are probed sooner; OAuth providers are probed less often because each account is
        precious and a failed probe on a subscription can count against it.
        """
        prefix = {"api-key": "api_key", "oauth": "oauth", "none": "local"}[auth_kind]
        return cls(
            threshold=getattr(settings, f"breaker_{prefix}_threshold"),
            window=getattr(settings, f"breaker_{prefix}_window"),
            reset_after=getattr(settings, f"breaker_{prefix}_reset"),
        )


def trips_breaker(kind: FailureKind) -> bool:
    """Whether a failure of this kind counts against the provider's breaker."""
    return kind is FailureKind.TRANSIENT


class Breaker:
    """Circuit breakers for every provider sharing one policy."""

    def __init__(self, state: StateBackend, policy: BreakerPolicy) -> None:
        self._state = state
        self.policy = policy

    async def allow(self, provider: str) -> bool:
        """Whether a request may go to ``provider`` now; True for exactly one half-open probe."""
        if await self._state.get(_key(provider, "tripped")) is None:
            return True
        if await self._state.ttl(_key(provider, "open")) is not None:
            return False
        claim = _key(provider, "probe")
        return await self._state.incr(claim, ttl=self.policy.probe_timeout) == 1

    async def success(self, provider: str) -> None:
        """A request to ``provider`` succeeded: a half-open breaker closes."""
        if await self._state.get(_key(provider, "tripped")) is not None:
            for part in ("open", "probe", "failures", "tripped"):
                await self._state.delete(_key(provider, part))

    async def failure(self, provider: str) -> None:
        """A transient failure of ``provider`` (the caller checked ``trips_breaker``)."""
        if await self._state.get(_key(provider, "tripped")) is not None:
            if await self._state.ttl(_key(provider, "open")) is None:
                await self._open(provider)  # the half-open probe failed
            return
        count = await self._state.incr(_key(provider, "failures"), ttl=self.policy.window)
        if count >= self.policy.threshold:
            await self._open(provider)

    async def status(self, provider: str) -> BreakerStatus:
        """The breaker as the health view shows it."""
        open_for = await self._state.ttl(_key(provider, "open"))
        if open_for is not None:
            return BreakerStatus(state=BreakerState.OPEN, failures=0, half_open_in=open_for)
        if await self._state.get(_key(provider, "tripped")) is not None:
            return BreakerStatus(state=BreakerState.HALF_OPEN, failures=0, half_open_in=0.0)
        raw = await self._state.get(_key(provider, "failures"))
        failures = int(raw) if raw is not None else 0
        return BreakerStatus(state=BreakerState.CLOSED, failures=failures, half_open_in=0.0)

    async def _open(self, provider: str) -> None:
        # "open" before "tripped": a reader that sees "tripped" must also see "open", or it
        # would take the breaker for half-open and probe at once.
        await self._state.set(_key(provider, "open"), b"1", ttl=self.policy.reset_after)
        await self._state.set(_key(provider, "tripped"), b"1")
        await self._state.delete(_key(provider, "probe"))
        await self._state.delete(_key(provider, "failures"))


def _key(provider: str, part: str) -> str:
    return f"breaker:{provider}:{part}"
