"""Gateway API keys: generation and keyed hashing.

Keys are stored and looked up by an HMAC of the key, so a leaked database does not leak
usable keys; the HMAC secret comes from ``API_KEY_SECRET`` or the data dir's secret key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping

KEY_PREFIX = "sk-omni-"


def bearer_token(headers: Mapping[str, str]) -> str | None:
    """The token of an ``Authorization: Bearer …`` header (lower-case header names)."""
    auth = headers.get("authorization")
    if auth and auth[:7].lower() == "bearer ":
        return auth[7:].strip() or None
    return None


def generate_key() -> str:
    """A new random gateway key (``sk-omni-`` + 43 url-safe characters)."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str, secret: bytes) -> str:
    """The lookup hash of ``key`` under ``secret`` (hex HMAC-SHA256)."""
    return hmac.new(secret, key.encode(), hashlib.sha256).hexdigest()
