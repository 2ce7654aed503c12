"""Who may call the ``/v1`` surfaces.

With ``REQUIRE_API_KEY`` off (the local default) any caller is admitted and a key that is
not known is ignored: coding tools insist on sending *some* key, and a local user should not
have to create one. With it on, the key must be a known, enabled gateway key.
"""

from __future__ import annotations

from ..errors import AuthenticationError, PermissionDenied
from ..types import ApiKeyInfo, ConfigSnapshot
from .keys import hash_key


def admit(
    key: str | None, snapshot: ConfigSnapshot, secret: bytes, required: bool
) -> ApiKeyInfo | None:
    """The caller's key record (None for anonymous local use), or a 401/403."""
    info = snapshot.api_keys.get(hash_key(key, secret)) if key else None
    if info is not None and not info.enabled:
        raise PermissionDenied(f"API key {info.name!r} is disabled")
    if info is None and required:
        if not key:
            raise AuthenticationError(
                "missing API key: send it as 'Authorization: Bearer <key>' (REQUIRE_API_KEY is on)"
            )
        raise AuthenticationError("invalid API key")
    return info
