"""OAuth 2 token requests for auth strategies whose credentials expire.

Subscription accounts (Claude Code, Gemini CLI, Codex) and service accounts all end the same
way: POST to a token endpoint, read ``access_token`` and ``expires_in``, keep the (possibly
rotated) refresh token. Strategies describe the request; this module sends it through the
gateway's upstream client and turns every failure into one clear ``UpstreamError``.
"""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import orjson

from .errors import UpstreamError
from .interfaces import HttpSender
from .types import Connection, UpstreamRequest

TOKEN_TIMEOUT = 30.0


async def request_tokens(
    http: HttpSender,
    url: str,
    fields: Mapping[str, str],
    *,
    form: bool,
    account: str,
) -> dict[str, Any]:
    """The token endpoint's JSON answer, which carries at least ``access_token``.

    ``form`` sends ``application/x-www-form-urlencoded`` (Google) instead of JSON
    (Anthropic); ``account`` names the connection in error messages.
    """
    if form:
        body = urllib.parse.urlencode(fields).encode()
        content_type = "application/x-www-form-urlencoded"
    else:
        body, content_type = orjson.dumps(dict(fields)), "application/json"
    request = UpstreamRequest(
        method="POST",
        url=url,
        headers={"Content-Type": content_type, "Accept": "application/json"},
        body=body,
        stream=False,
        timeout=TOKEN_TIMEOUT,
    )
    response = await http.send(request)
    raw: bytes = await response.read()
    tokens = _parse(raw) if response.status == 200 else None
    if tokens is None:
        raise UpstreamError(
            f"connection {account!r}: the token endpoint refused to issue a token "
            f"({response.status}): {raw[:300].decode(errors='replace')}",
            code="upstream_auth_failed",
        )
    return tokens


def with_tokens(connection: Connection, tokens: Mapping[str, Any]) -> Connection:
    """``connection`` using the new access token as its secret, with the refresh token kept
    (or rotated) and ``expires_at`` updated in ``extra``."""
    extra = dict(connection.extra)
    if tokens.get("refresh_token"):
        extra["refresh_token"] = tokens["refresh_token"]
    expires_in = tokens.get("expires_in")
    if isinstance(expires_in, int | float):
        extra["expires_at"] = time.time() + expires_in
    return replace(connection, secret=str(tokens["access_token"]), extra=extra)


def expiring(expires_at: Any, lead: float) -> bool:
    """True when ``expires_at`` (Unix seconds) is less than ``lead`` seconds away."""
    return isinstance(expires_at, int | float) and expires_at - time.time() < lead


def _parse(raw: bytes) -> dict[str, Any] | None:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if isinstance(data, dict) and isinstance(data.get("access_token"), str):
        return data
    return None
