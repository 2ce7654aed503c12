"""The one place that decides what an upstream failure means and what to do next.

The table is ordered; the first row whose status and text match wins. Every decision the
fallback loop makes comes from here, so a new rule is one row, not a new ``if`` somewhere
in the engine.
"""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class FailureKind(StrEnum):
    RATE_LIMIT = "rate_limit"
    QUOTA = "quota"
    AUTH = "auth"
    CONTEXT_OVERFLOW = "context_overflow"
    MODEL_NOT_FOUND = "model_not_found"
    BAD_REQUEST = "bad_request"
    TRANSIENT = "transient"
    CLIENT_GONE = "client_gone"


class Action(StrEnum):
    NEXT_ACCOUNT = "next_account"
    """Another connection of the same provider may succeed."""
    NEXT_TARGET = "next_target"
    """This provider/model cannot serve the request; try the next step of the plan."""
    STOP = "stop"
    """Return the error: retrying elsewhere would fail the same way."""


@dataclass(frozen=True, slots=True)
class Failure:
    kind: FailureKind
    action: Action
    retry_after: float | None = None


@dataclass(frozen=True, slots=True)
class _Rule:
    statuses: frozenset[int] | None
    pattern: re.Pattern[str] | None
    kind: FailureKind
    action: Action


def _rule(
    statuses: set[int] | range | None, pattern: str | None, kind: FailureKind, action: Action
) -> _Rule:
    return _Rule(
        frozenset(statuses) if statuses is not None else None,
        re.compile(pattern, re.IGNORECASE) if pattern else None,
        kind,
        action,
    )


RULES: tuple[_Rule, ...] = (
    _rule(
        {400, 402, 403, 429},
        r"insufficient[_ ](funds|quota|credits?)|quota exceeded|exceeded your (current )?quota"
        r"|out of credits|billing",
        FailureKind.QUOTA,
        Action.NEXT_ACCOUNT,
    ),
    _rule({429}, None, FailureKind.RATE_LIMIT, Action.NEXT_ACCOUNT),
    _rule(
        {400, 413}, r"rate.?limit|too many requests", FailureKind.RATE_LIMIT, Action.NEXT_ACCOUNT
    ),
    _rule({401, 403}, None, FailureKind.AUTH, Action.NEXT_ACCOUNT),
    _rule(
        {400},
        r"API_KEY_INVALID|API key not valid|invalid[_ ]api[_ ]key|incorrect api key",
        FailureKind.AUTH,
        Action.NEXT_ACCOUNT,
    ),
    _rule(
        {400, 413},
        r"context.?(length|window)|too many tokens|maximum context|prompt is too long",
        FailureKind.CONTEXT_OVERFLOW,
        Action.NEXT_TARGET,
    ),
    _rule({404}, None, FailureKind.MODEL_NOT_FOUND, Action.NEXT_TARGET),
    _rule(
        {400},
        r"model.{0,40}(not found|does not exist|not supported|unavailable)",
        FailureKind.MODEL_NOT_FOUND,
        Action.NEXT_TARGET,
    ),
    _rule({408, 409, 425}, None, FailureKind.TRANSIENT, Action.NEXT_ACCOUNT),
    _rule(set(range(500, 600)), None, FailureKind.TRANSIENT, Action.NEXT_ACCOUNT),
    _rule(None, None, FailureKind.BAD_REQUEST, Action.STOP),
)

TRANSPORT_FAILURE = Failure(FailureKind.TRANSIENT, Action.NEXT_ACCOUNT)
"""Timeouts, refused connections and unparseable answers."""

CLIENT_GONE = Failure(FailureKind.CLIENT_GONE, Action.STOP)


def classify(status: int, headers: Mapping[str, str], text: str) -> Failure:
    """What an upstream error answer means, with the retry delay it announced."""
    for rule in RULES:
        if rule.statuses is not None and status not in rule.statuses:
            continue
        if rule.pattern is not None and not rule.pattern.search(text):
            continue
        retry = retry_after(headers) if rule.kind in _DELAYED else None
        return Failure(rule.kind, rule.action, retry)
    raise AssertionError("the last rule matches everything")


_DELAYED = {FailureKind.RATE_LIMIT, FailureKind.QUOTA, FailureKind.TRANSIENT}


MAX_RETRY_HINT = 30 * 24 * 3600.0
"""The longest wait an upstream's hint may impose (30 days, as the original): a hint beyond
it is a misread header, and an account locked away for years helps nobody."""

_EPOCH_SECONDS = 1e9
"""``x-ratelimit-reset`` values above this are Unix times (seconds, or milliseconds above
1e12), not durations: no provider asks for a 30-year wait."""


def retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds to wait from ``Retry-After`` (seconds or HTTP date) or ``x-ratelimit-reset``
    (a duration such as ``1m30s`` / ``250ms``, or a Unix time in seconds or milliseconds)."""
    hint = _hint(headers, time.time() if now is None else now)
    return None if hint is None else min(hint, MAX_RETRY_HINT)


def _hint(headers: Mapping[str, str], now: float) -> float | None:
    value = headers.get("retry-after") or headers.get("Retry-After")
    if value:
        value = value.strip()
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                parsed = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError):
                return None
            return max(0.0, parsed.timestamp() - now)
    reset = headers.get("x-ratelimit-reset") or headers.get("x-ratelimit-reset-requests")
    if reset:
        match = re.fullmatch(r"(?:(\d+(?:\.\d+)?)m)?(\d+(?:\.\d+)?)(ms|s)?", reset.strip())
        if match:
            minutes, amount, unit = match.groups()
            seconds = float(amount) / (1000 if unit == "ms" else 1)
            if not minutes and not unit and seconds > _EPOCH_SECONDS:
                epoch = seconds / 1000 if seconds > _EPOCH_SECONDS * 1000 else seconds
                return max(0.0, epoch - now)
            return seconds + (float(minutes) * 60 if minutes else 0.0)
    return None
