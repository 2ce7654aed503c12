"""The request pipeline: resolve → pick an account → translate → send → answer.

It knows no provider: everything provider-specific comes from registered objects. Failures
are classified in ``resilience.classification``; this loop only follows the decision
(next account, next target, or stop). The targets are the model's (a combo's in its
strategy's order), then its per-model fallback chain; each target's accounts are tried in
the account strategy's order, skipping cooling ones, each within its limits, with the
combo's retries and per-target timeout. A stream falls back only until its first event.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

import orjson

from ..errors import (
    GatewayError,
    NoCredentials,
    RoutingError,
    StreamEndedEarly,
    UpstreamError,
    UpstreamProtocolError,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from ..interfaces import (
    AccumulatingFormat,
    TokenCountingFormat,
    Translator,
)
from ..observability.estimate import estimate_prompt_tokens
from ..registry import Registry
from ..resilience.classification import (
    TRANSPORT_FAILURE,
    Action,
    Failure,
    FailureKind,
    classify,
)
from ..settings import Settings
from ..state import StateBackend
from ..types import (
    AccountLimits,
    Body,
    Call,
    Candidate,
    Combo,
    ComboConfig,
    ConfigSnapshot,
    Connection,
    Target,
    UpstreamRequest,
)
from ..upstream import BufferedResponse, UpstreamClient, UpstreamResponse
from .answer import JsonAnswer, StreamAnswer
from .credentials import Credentials
from .health import Health, cooling_error
from .limits import Busy, Gate, Limits
from .relay import StreamStart, decode_event, relay
from .resolver import Resolver
from .sessions import Sessions, pinned_account_first, pinned_first
from .upstream_errors import upstream_error

log = logging.getLogger("omniroute.engine")


class Pipeline:
    """Runs one client call against the current registry and configuration snapshot."""

    def __init__(
        self,
        settings: Settings,
        registry: Registry,
        upstream: UpstreamClient,
        state: StateBackend,
    ) -> None:
        self._settings = settings
        self._registry = registry
        self._upstream = upstream
        self.snapshot = ConfigSnapshot()
        self.resolver = Resolver(registry, self.snapshot)
        self.credentials = Credentials(upstream)
        self.health = Health(settings, registry, state)
        self.sessions = Sessions(state)
        self.limits = Limits(
            AccountLimits(
                settings.account_rpm,
                settings.account_min_interval_ms,
                settings.account_max_concurrent,
                settings.account_queue_timeout_ms,
            )
        )

    def use_snapshot(self, snapshot: ConfigSnapshot) -> None:
        """Swap in a new configuration; calls already running keep the old one."""
        self.snapshot = snapshot
        self.resolver = Resolver(self._registry, snapshot)
        self.credentials.forget()

    async def run(self, call: Call, provider_scope: str | None = None) -> JsonAnswer | StreamAnswer:
        combo = self.resolver.combo_named(call.model)
        config = combo.config if combo is not None else _NO_COMBO
        targets = await self._ordered(call.model, combo, provider_scope)
        for model in self.snapshot.fallbacks.get(call.model, ()):
            try:
                targets.extend(await self._ordered(model, self.resolver.combo_named(model)))
            except GatewayError as exc:
                # A chain entry that stopped resolving (its provider was removed) must not
                # take the model itself down with it.
                log.warning("fallback %r of %r cannot route: %s", model, call.model, exc.message)
        call.pin = await self.sessions.pinned(call.session_id)
        targets = pinned_first(targets, call.pin)
        try:
            return await self._first_answer(call, targets, config)
        except GatewayError as exc:
            fallback = self._settings.global_fallback_model
            if not (
                fallback
                and combo is not None
                and exc.status in (502, 503)
                and fallback != call.model
            ):
                raise
            call.attempts.append(f"global fallback {fallback}")
            targets = await self._ordered(fallback, self.resolver.combo_named(fallback))
            return await self._first_answer(call, targets, config)

    async def _ordered(
        self, model: str, combo: Combo | None, provider_scope: str | None = None
    ) -> list[Target]:
        """The targets of ``model``; those of ``combo`` (the combo it names) ordered by its
        strategy, step by step (a nested combo's targets stay together, in their own order)."""
        targets = self.resolver.resolve(model, provider_scope)
        if combo is None or len(combo.steps) < 2:
            return targets
        steps: dict[str, list[Target]] = {}
        for target in targets:
            steps.setdefault(target.route_id, []).append(target)
        groups = [group[0] for group in steps.values()]
        sticky = self._registry.sticky.get(combo.strategy)
        limit = combo.config.sticky_round_robin_limit
        if sticky is not None and limit is not None:
            leaders = await sticky.order(groups, combo.name, sticky_limit=limit)
        else:
            leaders = await self._registry.routing_strategies[combo.strategy].order(
                groups, combo.name
            )
        return [target for leader in leaders for target in steps[leader.route_id]]

    async def _first_answer(
        self, call: Call, targets: list[Target], config: ComboConfig
    ) -> JsonAnswer | StreamAnswer:
        """The answer of the first target that gives one, trying them in order."""
        last_error: GatewayError | None = None
        for target in targets:
            try:
                answer = await self._try_target(call, target, config)
            except _NextTarget as skip:
                last_error = skip.error
                continue
            if call.fallback_attempts:
                answer.headers["X-OmniRoute-Fallback-Attempts"] = str(call.fallback_attempts)
            return answer
        assert last_error is not None
        if len(call.attempts) > 1:
            # An exhausted fallback chain says what was tried, in order, and how each failed.
            last_error.message = f"{last_error.message} [attempts: {'; '.join(call.attempts)}]"
        raise last_error

    async def count_tokens(self, call: Call, provider_scope: str | None = None) -> JsonAnswer:
        """Input tokens of the call's request: counted by the first target whose upstream
        speaks the client's format and can count, else estimated (and said so)."""
        fmt = self._registry.formats[call.client_format]
        assert isinstance(fmt, TokenCountingFormat)  # checked at startup for count surfaces
        for target in self.resolver.resolve(call.model, provider_scope):
            tokens = await self._provider_count(call, target, fmt)
            if tokens is not None:
                call.status = 200
                return JsonAnswer(orjson.dumps(fmt.token_count_body(tokens, "provider")))
        call.status = 200
        estimate = estimate_prompt_tokens(call.body)
        return JsonAnswer(orjson.dumps(fmt.token_count_body(estimate, "estimate")))

    async def _provider_count(
        self, call: Call, target: Target, fmt: TokenCountingFormat
    ) -> int | None:
        executor = self._registry.counting.get(target.provider.executor)
        if target.format != call.client_format or executor is None:
            return None
        auth = self._registry.auth_strategies[target.provider.auth]
        refresher = self._registry.refreshing.get(target.provider.auth)
        body = fmt.set_model(call.body, target.model)
        for connection in self.connections_for(target):
            candidate = await self.credentials.fresh(Candidate(target, connection), refresher)
            request = executor.build_count_tokens_request(
                candidate, body, self._settings.upstream_timeout
            )
            try:
                await auth.apply(request, candidate)
                response = await self._upstream.send(request)
                raw = await response.read()
            except GatewayError as exc:
                log.info("token count on %s failed: %s", target.provider.id, exc.message)
                continue
            if response.status == 200:
                try:
                    return fmt.read_token_count(orjson.loads(raw))
                except orjson.JSONDecodeError:
                    continue
        return None

    def connections_for(self, target: Target) -> tuple[Connection, ...]:
        connections = self.snapshot.connections.get(target.provider.id, ())
        if target.connection_ids:
            connections = tuple(c for c in connections if c.id in target.connection_ids)
        elif target.provider.custom_node:
            connections = ()  # a custom node is addressed through its own prefix only
        if not connections and target.provider.auth_kind == "none":
            # Keyless local providers work without any configured connection.
            connections = (
                Connection(f"{target.provider.id}:default", target.provider.id, "default"),
            )
        return connections

    async def _try_target(
        self, call: Call, target: Target, config: ComboConfig
    ) -> JsonAnswer | StreamAnswer:
        provider = target.provider
        connections = self.connections_for(target)
        if not connections:
            call.attempts.append(f"{target.public_prefix}/{target.model}: no connection")
            raise _NextTarget(
                NoCredentials(
                    f"no enabled connection for provider {provider.id!r}; add one with "
                    f"'omniroute providers add {provider.id}' or in the config file"
                )
            )
        try:
            chain = self._registry.translation_chain(call.client_format, target.format)
        except LookupError as exc:
            call.attempts.append(f"{target.public_prefix}/{target.model}: {exc}")
            raise _NextTarget(RoutingError(f"cannot reach {provider.id!r}: {exc}")) from exc
        if not await self.health.breaker(provider).allow(provider.id):
            call.attempts.append(f"{target.public_prefix}/{target.model}: circuit open")
            raise _NextTarget(_circuit_open(provider.id))
        body = self._translate_request(call, target, chain)
        strategy = self._registry.routing_strategies[self.health.account_strategy(provider)]
        ordered, wait = await self.health.usable(
            pinned_account_first(await strategy.order(connections, provider.id), call.pin)
        )
        if wait is not None:
            call.attempts.append(f"{target.public_prefix}/{target.model}: cooling down")
            raise _NextTarget(cooling_error(provider.id, wait))
        attempt = _Attempt(call, chain, body, config)
        last_error: GatewayError | None = None
        for connection in ordered:
            try:
                return await self._try_connection(attempt, Candidate(target, connection))
            except _NextAccount as skip:
                last_error = skip.error
        assert last_error is not None
        raise _NextTarget(last_error)

    async def _try_connection(
        self, attempt: _Attempt, candidate: Candidate
    ) -> JsonAnswer | StreamAnswer:
        """Attempts on one account: a transient failure is retried ``maxRetries`` times, and
        a stream that ends before its first event once more, before the next account."""
        call, provider = attempt.call, candidate.target.provider
        call.provider, call.upstream_model = provider.id, candidate.target.model
        call.connection_id = candidate.connection.id
        retries, eof_retried = attempt.config.max_retries, False
        while True:
            gate = await self.limits.enter(candidate.connection)
            if isinstance(gate, Busy):
                call.attempts.append(f"{_named(candidate)}: at its limits")
                raise _NextAccount(_busy_error(provider.id, gate))
            started = time.perf_counter()
            try:
                answer = await self._attempt(attempt, candidate, gate)
            except NoCredentials as exc:
                raise _NextAccount(exc) from exc
            except _Failed as failed:
                error = await self._failed(call, candidate, failed.error, failed.failure, started)
                action = failed.failure.action
                if action is Action.STOP:
                    raise error from failed
                if action is Action.NEXT_TARGET:
                    raise _NextTarget(error) from failed
                if isinstance(error, StreamEndedEarly) and not eof_retried:
                    eof_retried = True
                    continue
                if (
                    failed.failure.kind is FailureKind.TRANSIENT
                    and retries > 0
                    and await self.health.breaker(provider).allow(provider.id)
                ):
                    retries -= 1
                    await asyncio.sleep(attempt.config.retry_delay_ms / 1000)
                    continue
                raise _NextAccount(error) from failed
            await self.health.succeeded(candidate, started)
            await self.sessions.pin(call.session_id, candidate)
            return answer

    async def _attempt(
        self, attempt: _Attempt, candidate: Candidate, gate: Gate | None
    ) -> JsonAnswer | StreamAnswer:
        """One request to one account, bounded by the combo's per-target timeout (and, for
        a stream, the readiness timeout up to its first event). The account's limit slot
        is held until the answer is complete: for a stream, until it ends."""
        call, target = attempt.call, candidate.target
        limit = self._deadline(call, attempt.config)
        response: UpstreamResponse | None = None
        try:
            async with asyncio.timeout(limit):
                response = await self._send(call, candidate, attempt.body)
                if response.status >= 400:
                    raw = await response.read()
                    failure = classify(
                        response.status, response.headers, raw[:4000].decode(errors="replace")
                    )
                    error = upstream_error(
                        target.provider.id, response.status, response.headers, raw, failure
                    )
                    raise _Failed(error, failure)
                answer = await self._answer_of(call, target, attempt.chain, response, gate)
        except BaseException as exc:
            if response is not None:
                await response.close()
            if gate is not None:
                gate.leave()
            if isinstance(exc, TimeoutError):
                what = "its first event" if call.stream else "an answer"
                within = f"within {limit:g} s" if limit is not None else "in time"
                provider = target.provider.id
                timeout = UpstreamTimeout(f"{provider}: no {what} {within}", provider=provider)
                raise _Failed(timeout, TRANSPORT_FAILURE) from exc
            if isinstance(exc, UpstreamError):
                raise _Failed(exc, TRANSPORT_FAILURE) from exc
            raise
        if gate is not None and isinstance(answer, JsonAnswer):
            gate.leave()  # a stream's slot is released by its relay when it ends
        return answer

    def _deadline(self, call: Call, config: ComboConfig) -> float | None:
        """Seconds one attempt may take: the combo's per-target timeout, and for a stream
        the readiness timeout too (whichever is shorter); None when neither applies."""
        limits = [config.timeout_ms / 1000] if config.timeout_ms else []
        if call.stream and self._settings.stream_readiness_timeout > 0:
            limits.append(self._settings.stream_readiness_timeout)
        return min(limits, default=None)

    async def _send(self, call: Call, candidate: Candidate, body: Body) -> UpstreamResponse:
        """Build, authorise and send one attempt; an expiring OAuth token is refreshed first,
        and a token the upstream rejects (401) is refreshed and tried once more."""
        refresher = self._registry.refreshing.get(candidate.target.provider.auth)
        candidate = await self.credentials.fresh(candidate, refresher)
        response = await self._upstream.send(await self._request(call, candidate, body))
        if response.status == 401 and refresher is not None:
            rejected = BufferedResponse(response.status, response.headers, await response.read())
            try:
                candidate = await self.credentials.fresh(candidate, refresher, rejected=True)
            except UpstreamError as exc:
                log.warning("cannot renew the rejected token: %s", exc.message)
                return rejected  # the provider's own 401 says more than our refresh failure
            response = await self._upstream.send(await self._request(call, candidate, body))
        return response

    async def _request(self, call: Call, candidate: Candidate, body: Body) -> UpstreamRequest:
        provider = candidate.target.provider
        idle = self._settings.stream_idle_timeout
        # The transport's read timeout is the stream's idle watchdog: it bounds every wait
        # for the next bytes without a timer per chunk.
        timeout = idle if call.stream and idle > 0 else self._settings.upstream_timeout
        request = self._registry.executors[provider.executor].build_request(
            candidate, body, call.stream, timeout, call.headers
        )
        await self._registry.auth_strategies[provider.auth].apply(request, candidate)
        return request

    async def _answer_of(
        self,
        call: Call,
        target: Target,
        chain: list[Translator],
        response: UpstreamResponse,
        gate: Gate | None,
    ) -> JsonAnswer | StreamAnswer:
        if call.stream:
            return await self._stream_answer(call, target, chain, response, gate)
        if target.provider.executor in self._registry.stream_only:
            return await self._accumulated_answer(call, target, chain, response)
        return await self._json_answer(call, target, chain, await response.read())

    async def _failed(
        self,
        call: Call,
        candidate: Candidate,
        error: GatewayError,
        failure: Failure,
        started: float,
    ) -> GatewayError:
        await self.health.failed(candidate, failure, started)
        call.fallback_attempts += 1
        call.attempts.append(f"{_named(candidate)}: {error.status} {failure.kind.value}")
        log.warning(
            "attempt on %s/%s via connection %r failed (%s, %s): %s",
            candidate.target.provider.id,
            candidate.target.model,
            candidate.connection.name,
            failure.kind.value,
            failure.action.value,
            error.message,
        )
        return error

    def _translate_request(self, call: Call, target: Target, chain: list[Translator]) -> Body:
        if not chain:
            return self._registry.formats[call.client_format].set_model(call.body, target.model)
        body = call.body
        for translator in chain:
            body = translator.request(body, target.model)
        return body

    async def _json_answer(
        self, call: Call, target: Target, chain: list[Translator], raw: bytes
    ) -> JsonAnswer:
        provider = target.provider.id
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise UpstreamProtocolError(
                f"{provider}: answer is not JSON: {raw[:200]!r}", provider=provider
            ) from exc
        if not isinstance(body, dict):
            raise UpstreamProtocolError(
                f"{provider}: answer is not a JSON object", provider=provider
            )
        adapter = self._registry.adapting.get(target.provider.executor)
        if adapter is not None:
            body = adapter.adapt_response(body)
        return self._answer(call, target, chain, body, raw if adapter is None else None)

    async def _accumulated_answer(
        self, call: Call, target: Target, chain: list[Translator], response: UpstreamResponse
    ) -> JsonAnswer:
        """A non-stream answer from a stream-only upstream: every event, folded into one."""
        start = StreamStart(response)
        adapter = self._registry.adapting.get(target.provider.executor)
        events = [
            decode_event(event, target.provider.id, adapter)
            async for _chunk, batch in start.batches()
            for event in batch
        ]
        fmt = self._registry.formats[target.format]
        assert isinstance(fmt, AccumulatingFormat)  # checked at startup for stream-only
        return self._answer(call, target, chain, fmt.accumulate(events), None)

    def _answer(
        self,
        call: Call,
        target: Target,
        chain: list[Translator],
        body: Body,
        raw: bytes | None,
    ) -> JsonAnswer:
        """The client's answer from the upstream's complete one; ``raw`` is sent as it is
        when no translation is needed."""
        call.usage = self._registry.formats[target.format].read_usage(body)
        for translator in reversed(chain):
            body = translator.response(body, target.model)
        call.status = 200
        out = raw if not chain and raw is not None else orjson.dumps(body)
        return JsonAnswer(out, headers=self._answer_headers(call))

    async def _stream_answer(
        self,
        call: Call,
        target: Target,
        chain: list[Translator],
        response: UpstreamResponse,
        gate: Gate | None,
    ) -> StreamAnswer:
        start = StreamStart(response)
        await start.first_event(target.provider.id)  # the caller closes it on failure
        # Inner stages always carry usage; only the client-facing stage honours the client.
        translators = [
            t.stream(target.model, include_usage=call.include_usage if t is chain[0] else True)
            for t in reversed(chain)
        ]
        frames = relay(
            call,
            start,
            self._registry.formats[target.format],
            self._registry.formats[call.client_format],
            translators,
            self._registry.adapting.get(target.provider.executor),
            on_close=gate.leave if gate is not None else None,
        )
        return StreamAnswer(frames, headers=self._answer_headers(call))

    def _answer_headers(self, call: Call) -> dict[str, str]:
        headers = {
            "X-OmniRoute-Provider": call.provider or "",
            "X-OmniRoute-Model": call.upstream_model or "",
            "X-OmniRoute-Latency-Ms": str(round((time.perf_counter() - call.started) * 1000)),
        }
        if call.session_id:
            headers["X-OmniRoute-Session-Id"] = call.session_id
        return headers


class _NextTarget(Exception):
    """This target cannot serve the call; carries the error to report if none can."""

    def __init__(self, error: GatewayError) -> None:
        self.error = error


class _NextAccount(Exception):
    """This account cannot serve the call; the next one of the same target may."""

    def __init__(self, error: GatewayError) -> None:
        self.error = error


class _Failed(Exception):
    """One attempt failed, with what the classifier made of it."""

    def __init__(self, error: GatewayError, failure: Failure) -> None:
        self.error = error
        self.failure = failure


@dataclass(frozen=True, slots=True)
class _Attempt:
    """What every attempt of one target shares: the call, the translation and the combo's
    retry and timeout rules."""

    call: Call
    chain: list[Translator]
    body: Body
    config: ComboConfig


_NO_COMBO = ComboConfig()
"""A plain model: no retries on the same account, no per-target timeout."""


def _named(candidate: Candidate) -> str:
    target = candidate.target
    return f"{target.public_prefix}/{target.model} via {candidate.connection.name!r}"


def _circuit_open(provider: str) -> UpstreamUnavailable:
    return UpstreamUnavailable(
        f"provider {provider!r} keeps failing; its circuit breaker is open", provider=provider
    )


def _busy_error(provider: str, busy: Busy) -> UpstreamError:
    """An account stayed at its own limits for the whole queue timeout."""
    limits = busy.limits
    named = {
        "rpm": limits.rpm,
        "max concurrent": limits.max_concurrent,
        "min interval ms": limits.min_interval_ms,
    }
    shown = ", ".join(f"{name} {value}" for name, value in named.items() if value)
    return UpstreamError(
        f"connection {busy.connection.name!r} of provider {provider!r} stayed at its limits "
        f"({shown}) for {limits.queue_timeout_ms or 0} ms",
        status=429,
        code="account_limit_reached",
        type="rate_limit_error",
        provider=provider,
    )
