"""An OAuth 2 token endpoint (the ``refresh_token`` grant), for subscription-account providers.

Claude Code, Codex and Google accounts authenticate with short-lived access tokens that the
gateway renews with a refresh token. Run this format on its own ``MockUpstream`` (a token
host is separate from the API host, and needs no API key): it issues ``at-N`` access tokens,
rotates refresh tokens as Anthropic does, and refuses unknown or used ones with
``invalid_grant``. ``issued`` lists the access tokens it handed out, so a test can let the
API mock accept exactly those.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .wire import Answer, Exchange, JsonAnswer, MockError, Route

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"


class OAuthTokens:
    name = "oauth"
    base_path = ""
    garbage_event = b"data: {not json\n\n"

    def __init__(
        self,
        refresh_tokens: Iterable[str] = (),
        *,
        expires_in: int = 3600,
        path: str = "/v1/oauth/token",
        rotate: bool = True,
    ) -> None:
        self.path = path
        self.expires_in = expires_in
        self.rotate = rotate
        self.issued: list[str] = []
        self.assertions: list[dict[str, Any]] = []
        self._valid = set(refresh_tokens)
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()

    @property
    def routes(self) -> Sequence[Route]:
        return (Route("POST", self.path, self.token),)

    def read_key(self, headers: Mapping[str, str], query: Mapping[str, str]) -> str | None:
        return None

    def read_model(self, exchange: Exchange) -> str | None:
        return None

    def error_body(
        self, status: int, message: str, *, code: str | None = None, param: str | None = None
    ) -> Any:
        return {"error": code or "invalid_request", "error_description": message}

    def token(self, exchange: Exchange) -> Answer:
        body = _fields(exchange)
        grant = body.get("grant_type")
        if grant == JWT_BEARER:
            return self._service_account(body)
        if grant != "refresh_token":
            raise MockError(400, "grant_type must be refresh_token", code="unsupported_grant_type")
        presented = body.get("refresh_token")
        with self._lock:
            if presented not in self._valid:
                raise MockError(400, "refresh token is invalid or was used", code="invalid_grant")
            number = next(self._numbers)
            access, refresh = f"at-{number}", f"rt-{number}" if self.rotate else presented
            if self.rotate:
                self._valid.discard(presented)
                self._valid.add(refresh)
            self.issued.append(access)
        return JsonAnswer(
            {
                "access_token": access,
                "refresh_token": refresh,
                "expires_in": self.expires_in,
                "token_type": "Bearer",
            }
        )

    def _service_account(self, body: Mapping[str, Any]) -> Answer:
        """Google's service-account exchange: a signed JWT for an access token.

        The assertion's claims are checked (issuer, audience, lifetime); its RS256 signature
        is not, since the mock has no way to know the account's public key.
        """
        claims = _jwt_claims(str(body.get("assertion", "")))
        if not claims.get("iss") or not claims.get("aud") or "exp" not in claims:
            raise MockError(400, "invalid JWT assertion", code="invalid_grant")
        with self._lock:
            access = f"at-{next(self._numbers)}"
            self.issued.append(access)
            self.assertions.append(claims)
        return JsonAnswer(
            {"access_token": access, "expires_in": self.expires_in, "token_type": "Bearer"}
        )


def _fields(exchange: Exchange) -> dict[str, Any]:
    """The request's fields, JSON (Anthropic, OpenAI) or form-encoded (Google)."""
    if isinstance(exchange.body, dict):
        return exchange.body
    return dict(urllib.parse.parse_qsl(exchange.raw.decode(errors="replace")))


def _jwt_claims(assertion: str) -> dict[str, Any]:
    parts = assertion.split(".")
    if len(parts) != 3:
        return {}
    padded = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(padded))
    except ValueError:
        return {}
    return claims if isinstance(claims, dict) else {}
