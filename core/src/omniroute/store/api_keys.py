"""Gateway API keys: stored by keyed hash, and encrypted only when reveal is allowed.

The hot path looks a key up by ``hash_key(key, secret)`` in the snapshot, so the plaintext
is needed once, when the key is created; storing it (encrypted) is the opt-in
``ALLOW_API_KEY_REVEAL`` trade of safety for convenience.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from ..security.keys import hash_key
from ..security.secrets import SecretBox
from ..types import ApiKeyInfo
from .errors import DuplicateError
from .tables import ApiKeyRow


@dataclass(frozen=True, slots=True)
class KeySealer:
    """What turns a plaintext key into its stored columns."""

    box: SecretBox
    hmac_secret: bytes
    reveal: bool

    def seal(self, row: ApiKeyRow, key: str) -> None:
        """Store ``key`` in ``row``: its hash always, its ciphertext only if reveal is on."""
        row.key_hash = hash_key(key, self.hmac_secret)
        row.encrypted_key = self.box.encrypt(key) if self.reveal else None


def create(session: Session, sealer: KeySealer, name: str, key: str) -> ApiKeyRow:
    """Insert a key; :class:`DuplicateError` if the name or the key itself is taken."""
    row = ApiKeyRow(name=name, key_hash="")
    sealer.seal(row, key)
    _check_unique(session, row)
    session.add(row)
    session.flush()
    return row


def replace_key(session: Session, sealer: KeySealer, row: ApiKeyRow, key: str) -> None:
    """Make ``row`` accept ``key`` instead of its previous key."""
    sealer.seal(row, key)
    _check_unique(session, row)
    session.add(row)


def find(session: Session, id_or_name: str) -> ApiKeyRow | None:
    """The key with this id, or else this name."""
    return session.get(ApiKeyRow, id_or_name) or find_by_name(session, id_or_name)


def find_by_name(session: Session, name: str) -> ApiKeyRow | None:
    """The key called ``name``: names are unique."""
    return session.exec(select(ApiKeyRow).where(ApiKeyRow.name == name)).first()


def list_rows(session: Session) -> list[ApiKeyRow]:
    """Every key, oldest first."""
    query = select(ApiKeyRow).order_by(col(ApiKeyRow.created_at), col(ApiKeyRow.name))
    return list(session.exec(query).all())


def to_info(row: ApiKeyRow) -> ApiKeyInfo:
    """The view the hot path and the API use (no hash, no ciphertext)."""
    return ApiKeyInfo(id=row.id, name=row.name, enabled=row.enabled)


def _check_unique(session: Session, row: ApiKeyRow) -> None:
    with session.no_autoflush:
        others = select(ApiKeyRow).where(ApiKeyRow.id != row.id)
        if session.exec(others.where(ApiKeyRow.name == row.name)).first() is not None:
            raise DuplicateError(f"an API key named {row.name!r} already exists")
        taken = session.exec(others.where(ApiKeyRow.key_hash == row.key_hash)).first()
        if taken is not None:
            raise DuplicateError(f"this key is already registered as {taken.name!r}")
