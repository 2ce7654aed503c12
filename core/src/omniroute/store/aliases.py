"""Model aliases: a user's short names for model strings."""

from __future__ import annotations

from sqlmodel import Session, col, select

from .tables import AliasRow


def set_alias(session: Session, alias: str, model: str) -> None:
    """Point ``alias`` at ``model``, replacing any previous target."""
    row = session.get(AliasRow, alias) or AliasRow(alias=alias, model=model)
    row.model = model
    session.add(row)


def delete(session: Session, alias: str) -> bool:
    """Remove the alias; False when there was none."""
    row = session.get(AliasRow, alias)
    if row is None:
        return False
    session.delete(row)
    return True


def load_all(session: Session) -> dict[str, str]:
    """Every alias and its model, sorted by alias."""
    rows = session.exec(select(AliasRow).order_by(col(AliasRow.alias))).all()
    return {row.alias: row.model for row in rows}
