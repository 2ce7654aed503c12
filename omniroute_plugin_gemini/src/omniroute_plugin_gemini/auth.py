"""Auth strategies of Google upstreams.

* ``x-goog-api-key``: an AI Studio key in its header (what the official SDKs send);
* ``query-key``: the same key as ``?key=`` (older clients and some proxies);
* ``google-oauth``: a Google account's OAuth access token (Gemini CLI), renewed with its
  refresh token at Google's token endpoint;
* ``vertex-service-account``: a service account key (the connection's secret, JSON) signed
  into a JWT and exchanged for an access token, which is kept in ``extra`` until it expires.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.parse
from dataclasses import replace
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from omniroute import (
    REFRESH_LEAD_SECONDS,
    Candidate,
    Connection,
    HttpSender,
    NoCredentials,
    RefreshTokenGrant,
    UpstreamError,
    UpstreamRequest,
    expiring,
    request_tokens,
    with_tokens,
)

GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
JWT_LIFETIME_SECONDS = 3600
_GOOGLE_GRANT = RefreshTokenGrant(
    token_url=GOOGLE_TOKEN_URL,
    url_env="GOOGLE_OAUTH_TOKEN_URL",
    client_id_env="GOOGLE_OAUTH_CLIENT_ID",
    client_secret_env="GOOGLE_OAUTH_CLIENT_SECRET",
    form=True,
)


def _secret(candidate: Candidate) -> str:
    if not candidate.connection.secret:
        raise NoCredentials(
            f"connection {candidate.connection.name!r} of provider "
            f"{candidate.target.provider.id!r} has no credential"
        )
    return candidate.connection.secret


class GoogleApiKeyAuth:
    name = "x-goog-api-key"

    async def apply(self, request: UpstreamRequest, candidate: Candidate) -> None:
        request.headers["x-goog-api-key"] = _secret(candidate)


class QueryKeyAuth:
    name = "query-key"

    async def apply(self, request: UpstreamRequest, candidate: Candidate) -> None:
        separator = "&" if "?" in request.url else "?"
        key = urllib.parse.quote(_secret(candidate), safe="")
        request.url = f"{request.url}{separator}key={key}"


class GoogleOAuth:
    """A Google account (Gemini CLI's ``oauth_creds.json``): ``secret`` is the access token;
    ``extra`` holds ``refresh_token``, ``expires_at`` and the OAuth client that issued them
    (``client_id`` / ``client_secret``, else ``GOOGLE_OAUTH_CLIENT_ID`` /
    ``GOOGLE_OAUTH_CLIENT_SECRET``), and optionally ``token_url``."""

    name = "google-oauth"

    async def apply(self, request: UpstreamRequest, candidate: Candidate) -> None:
        request.headers["Authorization"] = f"Bearer {_secret(candidate)}"

    def needs_refresh(self, connection: Connection) -> bool:
        return _GOOGLE_GRANT.needs_refresh(connection)

    async def refresh(self, connection: Connection, http: HttpSender) -> Connection:
        return await _GOOGLE_GRANT.refresh(connection, http)


class VertexServiceAccount:
    """A service account: the connection's secret is its JSON key file."""

    name = "vertex-service-account"

    async def apply(self, request: UpstreamRequest, candidate: Candidate) -> None:
        token = candidate.connection.extra.get("access_token")
        if not token:
            raise NoCredentials(
                f"connection {candidate.connection.name!r} has no Vertex access token yet"
            )
        request.headers["Authorization"] = f"Bearer {token}"

    def needs_refresh(self, connection: Connection) -> bool:
        extra = connection.extra
        return not extra.get("access_token") or expiring(
            extra.get("expires_at"), REFRESH_LEAD_SECONDS
        )

    async def refresh(self, connection: Connection, http: HttpSender) -> Connection:
        account = _service_account(connection)
        url = connection.extra.get("token_url") or account.get("token_uri") or GOOGLE_TOKEN_URL
        fields = {
            "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
            "assertion": signed_jwt(account, audience=url),
        }
        tokens = await request_tokens(http, url, fields, form=True, account=connection.name)
        minted = with_tokens(connection, tokens)
        extra = {**minted.extra, "access_token": minted.secret}
        return replace(connection, extra=extra)  # the secret stays the service account key


def _service_account(connection: Connection) -> dict[str, Any]:
    try:
        account = json.loads(connection.secret or "")
    except ValueError:
        account = None
    if not isinstance(account, dict) or not {"client_email", "private_key"} <= account.keys():
        raise UpstreamError(
            f"connection {connection.name!r}: the secret is not a service account key "
            "(JSON with client_email and private_key)",
            code="upstream_auth_failed",
        )
    return account


def signed_jwt(account: dict[str, Any], audience: str, now: float | None = None) -> str:
    """An RS256 JWT asserting the service account, as Google's token endpoint expects."""
    issued = int(now if now is not None else time.time())
    header = {"alg": "RS256", "typ": "JWT"}
    if account.get("private_key_id"):
        header["kid"] = account["private_key_id"]
    claims = {
        "iss": account["client_email"],
        "scope": CLOUD_PLATFORM_SCOPE,
        "aud": audience,
        "iat": issued,
        "exp": issued + JWT_LIFETIME_SECONDS,
    }
    signing_input = f"{_b64(json.dumps(header))}.{_b64(json.dumps(claims))}".encode()
    try:
        key = serialization.load_pem_private_key(account["private_key"].encode(), password=None)
    except (ValueError, TypeError) as exc:
        raise UpstreamError(
            f"the service account's private_key cannot be read: {exc}", code="upstream_auth_failed"
        ) from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise UpstreamError(
            "the service account key is not an RSA key", code="upstream_auth_failed"
        )
    signature = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input.decode()}.{_b64(signature)}"


def _b64(data: str | bytes) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
