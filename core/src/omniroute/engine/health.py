"""What the attempt loop learns from each attempt, and what it must skip because of it.

Per provider: a circuit breaker opened by transient failures (never by 401/403/429). Per
account: cooldowns with exponential backoff (``Retry-After`` wins when longer), cleared on
success. Strategies that learn from outcomes (``p2c``) are told about every attempt. All of
it lives in the state backend, so several gateway processes see the same picture. The one
exception is the latency window behind ``/api/health``'s percentiles: it is per process and
in memory, because it only reports and never routes (see ``observability.latency``).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from ..errors import UpstreamError
from ..observability.latency import Latencies
from ..registry import Registry
from ..resilience.breaker import Breaker, BreakerPolicy, trips_breaker
from ..resilience.classification import Failure, FailureKind
from ..resilience.cooldowns import Cooldowns
from ..settings import Settings
from ..state import StateBackend
from ..types import Candidate, Connection, ProviderManifest

_COOLS = {FailureKind.RATE_LIMIT, FailureKind.QUOTA, FailureKind.AUTH}
"""Failures of the account itself. Transient failures (5xx, timeouts) are the provider's and
count against its breaker instead; context overflow, a missing model and body errors are the
request's fault, and a client that went away is nobody's."""

_LONG = {FailureKind.QUOTA, FailureKind.AUTH}
"""Failures that will not clear by themselves soon: cooled for the maximum at once."""


class Health:
    def __init__(self, settings: Settings, registry: Registry, state: StateBackend) -> None:
        self._settings = settings
        self._registry = registry
        self.state = state
        self.cooldowns = Cooldowns(state, settings.cooldown_base, settings.cooldown_cap)
        self.breakers = {
            kind: Breaker(state, BreakerPolicy.for_auth_kind(kind, settings))
            for kind in ("api-key", "oauth", "none")
        }
        self.latency = Latencies()

    def breaker(self, provider: ProviderManifest) -> Breaker:
        return self.breakers[provider.auth_kind]

    async def usable(
        self, connections: Sequence[Connection]
    ) -> tuple[list[Connection], float | None]:
        """The connections not cooling down, in order; with none, the shortest wait."""
        cooling = await self.cooldowns.cooling(c.id for c in connections)
        usable = [c for c in connections if c.id not in cooling]
        return usable, (min(cooling.values()) if cooling and not usable else None)

    async def failed(self, candidate: Candidate, failure: Failure, started: float) -> None:
        latency = _elapsed_ms(started)  # before the state round trips below, not after
        provider = candidate.target.provider
        if failure.kind in _COOLS:
            retry = self._settings.cooldown_cap if failure.kind in _LONG else failure.retry_after
            await self.cooldowns.cool(candidate.connection.id, retry)
        if trips_breaker(failure.kind):
            await self.breaker(provider).failure(provider.id)
        self.latency.record(provider.id, latency, ok=False)
        await self._record(candidate, latency, ok=False)

    async def succeeded(self, candidate: Candidate, started: float) -> None:
        latency = _elapsed_ms(started)
        provider = candidate.target.provider
        self.latency.record(provider.id, latency, ok=True)
        await self.cooldowns.clear(candidate.connection.id)
        await self.breaker(provider).success(provider.id)
        await self._record(candidate, latency, ok=True)

    async def _record(self, candidate: Candidate, latency: float, ok: bool) -> None:
        """Tell the account strategy, if it learns from outcomes (``p2c``)."""
        strategy = self._registry.recording.get(self.account_strategy(candidate.target.provider))
        if strategy is not None:
            provider = candidate.target.provider.id
            await strategy.record(provider, candidate.connection.route_id, latency, ok)

    def account_strategy(self, provider: ProviderManifest) -> str:
        """The strategy ordering this provider's accounts: a per-provider override, else
        the global default."""
        return self._settings.provider_strategies.get(provider.id, self._settings.account_strategy)


def _elapsed_ms(started: float) -> float:
    """Milliseconds since ``started``, a ``time.perf_counter()`` reading."""
    return (time.perf_counter() - started) * 1000


def cooling_error(provider: str, wait: float) -> UpstreamError:
    """Every account of ``provider`` is cooling down: a 429 saying when to come back."""
    seconds = max(1, round(wait))
    return UpstreamError(
        f"every account of provider {provider!r} is cooling down after failures; "
        f"retry in {seconds} s",
        status=429,
        code="accounts_cooling_down",
        type="rate_limit_error",
        headers={"Retry-After": str(seconds)},
        provider=provider,
        retry_after=wait,
    )
