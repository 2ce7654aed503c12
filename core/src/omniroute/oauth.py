"""OAuth 2 token requests for auth strategies whose credentials expire.

Subscription accounts (Claude Code, Gemini CLI, Codex) and service accounts all end the same
way: POST to a token endpoint, read ``access_token`` and ``expires_in``, keep the (possibly
rotated) refresh token. Strategies describe the request; this module sends it through the
gateway's upstream client and turns every failure into one clear ``UpstreamError``.
"""

from __future__ import annotations

import os
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, replace
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


REFRESH_LEAD_SECONDS = 300
"""Renew this long before expiry, so a long request never starts with a dying token."""


@dataclass(frozen=True, slots=True)
class RefreshTokenGrant:
    """The ``refresh_token`` grant as subscription accounts use it.

    The connection's ``secret`` is the access token; ``extra`` holds ``refresh_token``,
    ``expires_at`` (Unix seconds) and optionally ``token_url``, ``client_id`` and
    ``client_secret``. Where ``extra`` has no token URL or client, ``url_env`` /
    ``client_id_env`` / ``client_secret_env`` name environment variables, then the defaults
    apply. ``form`` sends the request form-encoded (Google) instead of JSON.
    """

    token_url: str
    url_env: str
    client_id: str = ""
    client_id_env: str | None = None
    client_secret_env: str | None = None
    form: bool = False

    def needs_refresh(self, connection: Connection) -> bool:
        if not connection.extra.get("refresh_token"):
            return False  # nothing to refresh with: use the token as it is
        if not connection.secret:
            return True
        return expiring(connection.extra.get("expires_at"), REFRESH_LEAD_SECONDS)

    async def refresh(self, connection: Connection, http: HttpSender) -> Connection:
        extra = connection.extra
        refresh_token = extra.get("refresh_token")
        if not refresh_token:
            raise UpstreamError(
                f"connection {connection.name!r}: the access token was rejected and there is "
                "no refresh_token to renew it",
                code="upstream_auth_failed",
            )
        fields = {"grant_type": "refresh_token", "refresh_token": str(refresh_token)}
        client_id = extra.get("client_id") or _env(self.client_id_env) or self.client_id
        if client_id:
            fields["client_id"] = str(client_id)
        client_secret = extra.get("client_secret") or _env(self.client_secret_env)
        if client_secret:
            fields["client_secret"] = str(client_secret)
        url = extra.get("token_url") or os.environ.get(self.url_env) or self.token_url
        tokens = await request_tokens(http, url, fields, form=self.form, account=connection.name)
        return with_tokens(connection, tokens)


def _env(name: str | None) -> str | None:
    return os.environ.get(name) if name else None
