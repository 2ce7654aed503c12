"""``codex-oauth``: a ChatGPT account's access token, its workspace, and token refresh."""

from __future__ import annotations

from omniroute import (
    Candidate,
    Connection,
    HttpSender,
    NoCredentials,
    RefreshTokenGrant,
    UpstreamRequest,
)

CODEX_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann"
"""The public OAuth client id of Codex CLI."""
_GRANT = RefreshTokenGrant(
    token_url="https://auth.openai.com/oauth/token",
    url_env="CODEX_OAUTH_TOKEN_URL",
    client_id=CODEX_CLIENT_ID,
)


class CodexOAuth:
    """``secret`` is the access token; ``extra`` holds ``account_id`` (sent as
    ``chatgpt-account-id``), ``refresh_token``, ``expires_at`` and optionally ``token_url``
    (else ``CODEX_OAUTH_TOKEN_URL``, else OpenAI's endpoint)."""

    name = "codex-oauth"

    async def apply(self, request: UpstreamRequest, candidate: Candidate) -> None:
        connection = candidate.connection
        if not connection.secret:
            raise NoCredentials(f"connection {connection.name!r} of codex has no access token")
        request.headers["Authorization"] = f"Bearer {connection.secret}"
        account = connection.extra.get("account_id")
        if account:
            request.headers["chatgpt-account-id"] = str(account)

    def needs_refresh(self, connection: Connection) -> bool:
        return _GRANT.needs_refresh(connection)

    async def refresh(self, connection: Connection, http: HttpSender) -> Connection:
        return await _GRANT.refresh(connection, http)
