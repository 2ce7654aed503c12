"""Usage rows: bulk appends from the batched writer, counts and bounded pages for reports."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, TypedDict

from sqlalchemy import ColumnElement, delete, func
from sqlmodel import Session, col, select

from ..types import UsageRecord
from .tables import UsageRow

MAX_PAGE = 1000
"""The largest page :func:`page` returns, whatever the caller asks for."""


_COLUMNS = tuple(UsageRow.model_fields)
"""Column names in declaration order, so pages read the same in JSON as in the table."""


class UsageFilter(TypedDict, total=False):
    """Conditions on usage rows: a time window and exact matches, all optional, ANDed."""

    since: float
    until: float
    api_key_id: str
    provider: str
    model: str
    connection_id: str
    status: int


def insert_many(session: Session, records: Sequence[UsageRecord]) -> None:
    """Append ``records`` in one executemany statement."""
    if records:
        # A Core insert on the table: the ORM's bulk path costs several times more per row.
        table = UsageRow.__table__  # type: ignore[attr-defined]
        session.connection().execute(table.insert(), [_row(r) for r in records])


_FIELDS = tuple(f.name for f in dataclasses.fields(UsageRecord))


def _row(record: UsageRecord) -> dict[str, object]:
    # Not dataclasses.asdict: it deep-copies every value, a cost paid for every request.
    return {name: getattr(record, name) for name in _FIELDS}


def count(session: Session, filters: UsageFilter) -> int:
    """How many rows match ``filters``."""
    query = select(func.count()).select_from(UsageRow).where(*_conditions(filters))
    return session.exec(query).one()


def page(
    session: Session, limit: int, before_id: int | None, filters: UsageFilter
) -> list[dict[str, Any]]:
    """Up to ``limit`` (at most :data:`MAX_PAGE`) rows, newest first, older than ``before_id``.

    Paging by id rather than by offset stays cheap however deep the reader goes, and is stable
    while the writer appends.
    """
    query = select(UsageRow).where(*_conditions(filters))
    if before_id is not None:
        query = query.where(col(UsageRow.id) < before_id)
    query = query.order_by(col(UsageRow.id).desc()).limit(max(0, min(limit, MAX_PAGE)))
    return [{name: getattr(row, name) for name in _COLUMNS} for row in session.exec(query).all()]


def delete_before(session: Session, timestamp: float) -> int:
    """Remove rows older than ``timestamp`` (retention); returns how many."""
    result = session.exec(delete(UsageRow).where(col(UsageRow.timestamp) < timestamp))
    return result.rowcount


def _conditions(filters: UsageFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    for name, value in filters.items():
        if name not in UsageFilter.__optional_keys__:
            raise TypeError(f"unknown usage filter {name!r}")
        if name == "since":
            conditions.append(col(UsageRow.timestamp) >= value)
        elif name == "until":
            conditions.append(col(UsageRow.timestamp) < value)
        else:
            conditions.append(getattr(UsageRow, name) == value)
    return conditions
