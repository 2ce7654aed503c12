"""The failure table: each upstream answer maps to one kind and one next step."""

from __future__ import annotations

import email.utils
import time

import pytest

from omniroute.resilience.classification import Action, FailureKind, classify, retry_after


@pytest.mark.parametrize(
    ("status", "text", "kind", "action"),
    [
        (429, "slow down", FailureKind.RATE_LIMIT, Action.NEXT_ACCOUNT),
        (429, "You exceeded your current quota", FailureKind.QUOTA, Action.NEXT_ACCOUNT),
        (402, "insufficient credits", FailureKind.QUOTA, Action.NEXT_ACCOUNT),
        (401, "bad key", FailureKind.AUTH, Action.NEXT_ACCOUNT),
        (403, "forbidden", FailureKind.AUTH, Action.NEXT_ACCOUNT),
        (
            400,
            "maximum context length is 8192 tokens",
            FailureKind.CONTEXT_OVERFLOW,
            Action.NEXT_TARGET,
        ),
        (404, "no such model", FailureKind.MODEL_NOT_FOUND, Action.NEXT_TARGET),
        (400, "The model `x` does not exist", FailureKind.MODEL_NOT_FOUND, Action.NEXT_TARGET),
        (400, "messages: field required", FailureKind.BAD_REQUEST, Action.STOP),
        (
            400,
            "API key not valid. Please pass a valid API key. API_KEY_INVALID",
            FailureKind.AUTH,
            Action.NEXT_ACCOUNT,
        ),
        (422, "unprocessable", FailureKind.BAD_REQUEST, Action.STOP),
        (500, "boom", FailureKind.TRANSIENT, Action.NEXT_ACCOUNT),
        (503, "overloaded", FailureKind.TRANSIENT, Action.NEXT_ACCOUNT),
        (408, "timeout", FailureKind.TRANSIENT, Action.NEXT_ACCOUNT),
    ],
)
def test_table(status: int, text: str, kind: FailureKind, action: Action) -> None:
    failure = classify(status, {}, text)
    assert (failure.kind, failure.action) == (kind, action)


def test_retry_after_seconds_and_http_date() -> None:
    assert classify(429, {"retry-after": "7"}, "").retry_after == 7.0
    now = time.time()
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert retry_after({"retry-after": date}, now=now) == pytest.approx(30, abs=1.5)


def test_ratelimit_reset_forms() -> None:
    assert retry_after({"x-ratelimit-reset": "1m30s"}) == 90.0
    assert retry_after({"x-ratelimit-reset-requests": "250ms"}) == 0.25
    assert retry_after({"x-ratelimit-reset": "1800000040"}, now=1800000000) == 40.0
    assert retry_after({"x-ratelimit-reset": "1800000040000"}, now=1800000000) == 40.0
    assert retry_after({"x-ratelimit-reset": "1799999990"}, now=1800000000) == 0.0
    assert retry_after({"retry-after": "999999999"}) == 30 * 24 * 3600, "capped at 30 days"
    assert retry_after({"retry-after": "garbage"}) is None
    assert retry_after({}) is None


def test_bad_request_is_not_delayed() -> None:
    assert classify(400, {"retry-after": "5"}, "bad").retry_after is None
