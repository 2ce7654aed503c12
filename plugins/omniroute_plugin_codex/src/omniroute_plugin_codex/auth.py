"""``codex-oauth``: a ChatGPT account's access token, its workspace, and token refresh."""

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

CODEX_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann"
"""The public OAuth client id of Codex CLI."""
DEFAULT_TOKEN_URL = "https://auth.openai.com/oauth/token"
REFRESH_LEAD_SECONDS = 300


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
        if not connection.extra.get("refresh_token"):
            return False
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
            "CODEX_OAUTH_TOKEN_URL", DEFAULT_TOKEN_URL
        )
        fields = {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": CODEX_CLIENT_ID,
        }
        tokens = await request_tokens(http, url, fields, form=False, account=connection.name)
        return with_tokens(connection, tokens)
