"""Encryption of provider secrets at rest, and the key the gateway's API-key hashes use.

Provider API keys and tokens are stored Fernet-encrypted, so a copied database file or a
database dump is useless without the key. The key comes from ``OMNIROUTE_SECRET_KEY`` or,
for the zero-configuration local install, from ``{data_dir}/secret.key``, generated on first
start (mode 0600) and reused afterwards. Several instances sharing PostgreSQL must share the
key, so they set ``OMNIROUTE_SECRET_KEY`` to the same value.

The HMAC secret of gateway API keys (``omniroute.security.keys.hash_key``) is
``API_KEY_SECRET`` when set, else derived from the Fernet key: one secret to keep safe, and
keys keep validating for as long as the Fernet key is kept.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from ..settings import Settings

KEY_FILE_NAME = "secret.key"
_API_KEY_SECRET_LABEL = b"omniroute/api-key-hmac/v1"


class SecretKeyError(ValueError):
    """The secret key is malformed, or is not the key the stored secrets were encrypted with."""


class SecretBox:
    """Encrypts and decrypts short strings (API keys, tokens) with one Fernet key."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._fernet = Fernet(key)

    @classmethod
    def from_settings(cls, settings: Settings) -> SecretBox:
        """The box for ``settings.secret_key``, else for the data dir's key file (made if new)."""
        if settings.secret_key:
            return cls(_parse_key(settings.secret_key.strip(), "OMNIROUTE_SECRET_KEY"))
        return cls(load_or_create_key_file(settings.data_dir / KEY_FILE_NAME))

    def encrypt(self, plaintext: str) -> str:
        """The Fernet token of ``plaintext``, as text for a string column."""
        return self._fernet.encrypt(plaintext.encode()).decode("ascii")

    def decrypt(self, token: str) -> str:
        """The plaintext of a token made by :meth:`encrypt` under the same key."""
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode()
        except InvalidToken:
            raise SecretKeyError(
                "a stored secret cannot be decrypted: it was encrypted with another secret key "
                "(set OMNIROUTE_SECRET_KEY to the key the database was created with)"
            ) from None

    def derive(self, label: bytes) -> bytes:
        """A secret for another purpose, bound to this key by HMAC-SHA256 over ``label``."""
        return hmac.new(self._key, label, hashlib.sha256).digest()


def api_key_secret(settings: Settings, box: SecretBox) -> bytes:
    """The HMAC secret gateway API keys are hashed with."""
    if settings.api_key_secret:
        return settings.api_key_secret.encode()
    return box.derive(_API_KEY_SECRET_LABEL)


def load_or_create_key_file(path: Path) -> bytes:
    """The Fernet key stored at ``path``; a new one is written there (mode 0600) if missing.

    The new key is written to a private temporary file and hard-linked into place, which
    fails if ``path`` exists: two processes starting together agree on one complete key.
    """
    if path.exists():
        return _parse_key(path.read_text().strip(), str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret-")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(key + b"\n")
        os.link(temporary, path)
    except FileExistsError:
        return _parse_key(path.read_text().strip(), str(path))
    finally:
        os.unlink(temporary)
    return key


def _parse_key(value: str, source: str) -> bytes:
    key = value.encode()
    try:
        Fernet(key)
    except ValueError:
        raise SecretKeyError(
            f"{source} is not a valid secret key: expected 32 url-safe base64-encoded bytes, "
            "as printed by: python -c "
            '"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
        ) from None
    return key
