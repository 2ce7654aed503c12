"""Auth strategies of Claude-format upstreams.

* ``anthropic``: ``x-api-key`` + ``anthropic-version`` (the Anthropic API, Z.AI, Kimi);
* ``bearer-anthropic``: ``Authorization: Bearer`` + ``anthropic-version`` (MiniMax, whose
  gateway rejects ``x-api-key``);
* ``claude-oauth``: a Claude Code account: the OAuth access token as Bearer with the headers
  the real Claude Code client sends, refreshed with the refresh token before it expires.
"""

from __future__ import annotations

import os

from omniroute import (
    Candidate,
    Connection,
    HttpSender,
    NoCredentials,
    UpstreamError,
    UpstreamRequest,
    expiring,
    request_tokens,
    with_tokens,
)

from .format import ANTHROPIC_VERSION


def _secret(candidate: Candidate) -> str:
    if not candidate.connection.secret:
        raise NoCredentials(
            f"connection {candidate.connection.name!r} of provider "
            f"{candidate.target.provider.id!r} has no API key"
        )
    return candidate.connection.secret


def _version(request: UpstreamRequest) -> None:
    request.headers.setdefault("anthropic-version", ANTHROPIC_VERSION)


class AnthropicKeyAuth:
    name = "anthropic"

    async def apply(self, request: UpstreamRequest, candidate: Candidate) -> None:
        request.headers["x-api-key"] = _secret(candidate)
        _version(request)


class BearerAnthropicAuth:
    name = "bearer-anthropic"

    async def apply(self, request: UpstreamRequest, candidate: Candidate) -> None:
        request.headers["Authorization"] = f"Bearer {_secret(candidate)}"
        _version(request)


CLAUDE_CODE_CLIENT_ID = "9d1c250a-e61b-44d9-88ed-5944d1962f5e"
"""The public OAuth client id of the Claude Code CLI."""

DEFAULT_TOKEN_URL = "https://console.anthropic.com/v1/oauth/token"
REFRESH_LEAD_SECONDS = 300
"""Refresh this long before expiry, so a long request never starts with a dying token."""

CLAUDE_CODE_BETAS = (
    "claude-code-20250219",
    "oauth-2025-04-20",
    "interleaved-thinking-2025-05-14",
    "fine-grained-tool-streaming-2025-05-14",
)
CLAUDE_CODE_HEADERS = {
    "User-Agent": "claude-cli/2.0.14 (external, cli)",
    "x-app": "cli",
    "anthropic-dangerous-direct-browser-access": "true",
    "X-Stainless-Lang": "js",
    "X-Stainless-Runtime": "node",
    "X-Stainless-Package-Version": "0.60.0",
}


class ClaudeCodeOAuth:
    """A Claude Code subscription account.

    The connection's ``secret`` is the access token; ``extra`` holds ``refresh_token``,
    ``expires_at`` (Unix seconds) and optionally ``token_url`` (default: the
    ``CLAUDE_OAUTH_TOKEN_URL`` environment variable, else Anthropic's token endpoint).
    """

    name = "claude-oauth"

    async def apply(self, request: UpstreamRequest, candidate: Candidate) -> None:
        request.headers["Authorization"] = f"Bearer {_secret(candidate)}"
        _version(request)
        betas = [b for b in request.headers.get("anthropic-beta", "").split(",") if b]
        betas += [b for b in CLAUDE_CODE_BETAS if b not in betas]
        request.headers["anthropic-beta"] = ",".join(betas)
        request.headers.update(CLAUDE_CODE_HEADERS)

    def needs_refresh(self, connection: Connection) -> bool:
        if not connection.extra.get("refresh_token"):
            return False  # nothing to refresh with: use the token as it is
        if not connection.secret:
            return True
        return expiring(connection.extra.get("expires_at"), REFRESH_LEAD_SECONDS)

    async def refresh(self, connection: Connection, http: HttpSender) -> Connection:
        refresh_token = connection.extra.get("refresh_token")
        if not refresh_token:
            raise UpstreamError(
                f"connection {connection.name!r}: the access token was rejected and there is "
                "no refresh_token to renew it",
                code="upstream_auth_failed",
            )
        url = connection.extra.get("token_url") or os.environ.get(
            "CLAUDE_OAUTH_TOKEN_URL", DEFAULT_TOKEN_URL
        )
        fields = {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": CLAUDE_CODE_CLIENT_ID,
        }
        tokens = await request_tokens(http, url, fields, form=False, account=connection.name)
        return with_tokens(connection, tokens)
