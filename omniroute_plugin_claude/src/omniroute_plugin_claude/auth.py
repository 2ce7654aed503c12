"""Auth strategies of Claude-format upstreams.

* ``anthropic``: ``x-api-key`` + ``anthropic-version`` (the Anthropic API, Z.AI, Kimi);
* ``bearer-anthropic``: ``Authorization: Bearer`` + ``anthropic-version`` (MiniMax, whose
  gateway rejects ``x-api-key``);
* ``claude-oauth``: a Claude Code account: the OAuth access token as Bearer with the headers
  the real Claude Code client sends, refreshed with the refresh token before it expires.
"""

from __future__ import annotations

from omniroute import (
    Candidate,
    Connection,
    HttpSender,
    NoCredentials,
    RefreshTokenGrant,
    UpstreamRequest,
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

_GRANT = RefreshTokenGrant(
    token_url="https://console.anthropic.com/v1/oauth/token",
    url_env="CLAUDE_OAUTH_TOKEN_URL",
    client_id=CLAUDE_CODE_CLIENT_ID,
)

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
        return _GRANT.needs_refresh(connection)

    async def refresh(self, connection: Connection, http: HttpSender) -> Connection:
        return await _GRANT.refresh(connection, http)
