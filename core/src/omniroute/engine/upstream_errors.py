"""Turning an upstream error answer into the ``UpstreamError`` a client sees."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from ..errors import UpstreamError
from ..resilience.classification import Failure, FailureKind

_TYPES = {
    400: "invalid_request_error",
    404: "not_found_error",
    413: "invalid_request_error",
    422: "invalid_request_error",
    429: "rate_limit_error",
}


def upstream_message(raw: bytes) -> str:
    """The human message inside an error body of any wire format, else the raw text."""
    try:
        data: Any = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return raw[:500].decode(errors="replace").strip() or "(empty body)"
    if isinstance(data, list) and data:
        data = data[0]
    if isinstance(data, dict):
        error = data.get("error", data)
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])
        if isinstance(error, str):
            return error
        if isinstance(data.get("message"), str):
            return str(data["message"])
    return raw[:500].decode(errors="replace")


def upstream_error(
    provider: str, status: int, headers: Mapping[str, str], raw: bytes, failure: Failure
) -> UpstreamError:
    """The error to return when this failure ends the request.

    The upstream's status is kept where it tells the client something true (400, 404, 413,
    422, 429 with ``Retry-After``). A provider rejecting *our* credential (401/403) becomes a
    502: the client's key was fine, so its SDK must not report an authentication error.
    """
    message = f"{provider}: {upstream_message(raw)}"
    out_headers: dict[str, str] = {}
    if failure.retry_after is not None:
        out_headers["Retry-After"] = str(max(1, round(failure.retry_after)))
    if failure.kind is FailureKind.AUTH:
        return UpstreamError(
            f"provider {provider!r} rejected the gateway's credentials ({status}): {message}",
            status=502,
            code="upstream_auth_failed",
            provider=provider,
        )
    if status >= 500 or status < 400:
        return UpstreamError(
            message,
            status=502 if status < 400 else status,
            provider=provider,
            headers=out_headers,
            retry_after=failure.retry_after,
        )
    return UpstreamError(
        message,
        status=status,
        type=_TYPES.get(status, "invalid_request_error"),
        code=failure.kind.value,
        provider=provider,
        headers=out_headers,
        retry_after=failure.retry_after,
    )
