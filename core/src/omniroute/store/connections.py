"""Provider connections (accounts): the rows, their uniqueness rules, and decryption.

A connection is found by id, or by name when the name is unambiguous (or qualified by its
provider): the CLI and the config file speak in names, the management API in ids.
"""

from __future__ import annotations

import time
from typing import Any, TypedDict, cast

import orjson
from sqlmodel import Session, col, select

from ..options import AccountLimitsModel
from ..security.secrets import SecretBox
from ..types import AccountLimits, Connection
from .errors import DuplicateError
from .tables import ConnectionRow


class ConnectionFields(TypedDict, total=False):
    """The editable fields of a connection; a partial update names only those it changes."""

    name: str
    secret: str | None
    base_url: str | None
    priority: int
    enabled: bool
    prefix: str | None
    extra: dict[str, Any]
    limits: AccountLimits


def create(
    session: Session, box: SecretBox, provider: str, name: str, fields: ConnectionFields
) -> ConnectionRow:
    """Insert a connection; :class:`DuplicateError` if its name or prefix is taken."""
    row = ConnectionRow(provider=provider, name=name)
    _assign(row, box, fields)
    _check_unique(session, row)
    session.add(row)
    session.flush()
    return row


def update(session: Session, box: SecretBox, row: ConnectionRow, fields: ConnectionFields) -> None:
    """Change the given fields of ``row``; :class:`DuplicateError` on a taken name or prefix.

    Fields that already hold the given value are skipped, and nothing is written when none
    differs: a config file applied at every start then leaves rows (and ``updated_at``) alone.
    """
    current = to_connection(row, box)
    changed = cast(
        ConnectionFields,
        {field: value for field, value in fields.items() if getattr(current, field) != value},
    )
    if not changed:
        return
    _assign(row, box, changed)
    row.updated_at = time.time()
    _check_unique(session, row)
    session.add(row)
    session.flush()


def find(session: Session, id_or_name: str, provider: str | None = None) -> ConnectionRow | None:
    """The connection with this id, or else this name (within ``provider`` when given).

    A bare name shared by connections of several providers is a ``ValueError``: acting on
    the wrong account would be worse than asking for the provider.
    """
    row = session.get(ConnectionRow, id_or_name)
    if row is not None and provider in (None, row.provider):
        return row
    if provider is not None:
        return find_by_name(session, provider, id_or_name)
    rows = session.exec(select(ConnectionRow).where(ConnectionRow.name == id_or_name)).all()
    if len(rows) > 1:
        providers = ", ".join(sorted(r.provider for r in rows))
        raise ValueError(
            f"several connections are named {id_or_name!r} (providers: {providers}); "
            "name the provider too"
        )
    return rows[0] if rows else None


def find_by_name(session: Session, provider: str, name: str) -> ConnectionRow | None:
    """The connection ``name`` of ``provider``: the pair is unique."""
    query = select(ConnectionRow).where(
        ConnectionRow.provider == provider, ConnectionRow.name == name
    )
    return session.exec(query).first()


def list_rows(session: Session, provider: str | None = None) -> list[ConnectionRow]:
    """Connections in routing order: provider, then priority, then age."""
    query = select(ConnectionRow).order_by(
        col(ConnectionRow.provider),
        col(ConnectionRow.priority),
        col(ConnectionRow.created_at),
        col(ConnectionRow.name),
    )
    if provider is not None:
        query = query.where(ConnectionRow.provider == provider)
    return list(session.exec(query).all())


def to_connection(row: ConnectionRow, box: SecretBox) -> Connection:
    """The immutable, decrypted view the engine and the API use."""
    return Connection(
        id=row.id,
        provider=row.provider,
        name=row.name,
        secret=box.decrypt(row.secret) if row.secret is not None else None,
        base_url=row.base_url,
        priority=row.priority,
        enabled=row.enabled,
        prefix=row.prefix,
        extra=orjson.loads(box.decrypt(row.extra)) if row.extra else {},
        limits=AccountLimitsModel.model_validate(row.limits).to_limits()
        if row.limits
        else AccountLimits(),
    )


def _assign(row: ConnectionRow, box: SecretBox, fields: ConnectionFields) -> None:
    for field, value in fields.items():
        if field == "secret":
            row.secret = box.encrypt(value) if isinstance(value, str) else None
        elif field == "extra":
            row.extra = box.encrypt(orjson.dumps(value).decode()) if value else None
        elif field == "limits":
            assert isinstance(value, AccountLimits)
            row.limits = AccountLimitsModel.dump(value) or None
        else:
            setattr(row, field, value)


def _check_unique(session: Session, row: ConnectionRow) -> None:
    # Without no_autoflush the queries below would flush ``row`` first and fail with the
    # database's IntegrityError instead of this readable message.
    with session.no_autoflush:
        _check_unique_now(session, row)


def _check_unique_now(session: Session, row: ConnectionRow) -> None:
    others = select(ConnectionRow).where(ConnectionRow.id != row.id)
    same_name = others.where(ConnectionRow.provider == row.provider, ConnectionRow.name == row.name)
    if session.exec(same_name).first() is not None:
        raise DuplicateError(
            f"provider {row.provider!r} already has a connection named {row.name!r}"
        )
    if row.prefix is not None:
        taken = session.exec(others.where(ConnectionRow.prefix == row.prefix)).first()
        if taken is not None:
            raise DuplicateError(
                f"prefix {row.prefix!r} is already used by connection {taken.provider}/{taken.name}"
            )
