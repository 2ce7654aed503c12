"""Per-model fallback chains: the models tried, in order, after a model's own targets failed."""

from __future__ import annotations

from sqlmodel import Session, col, select

from .tables import FallbackRow


def set_chain(session: Session, model: str, models: list[str]) -> None:
    """Make ``models`` the chain of ``model``, replacing any previous one."""
    row = session.get(FallbackRow, model) or FallbackRow(model=model)
    row.models = list(models)
    session.add(row)


def delete(session: Session, model: str) -> bool:
    """Remove the chain; False when there was none."""
    row = session.get(FallbackRow, model)
    if row is None:
        return False
    session.delete(row)
    return True


def load_all(session: Session) -> dict[str, tuple[str, ...]]:
    """Every chain, by model."""
    rows = session.exec(select(FallbackRow).order_by(col(FallbackRow.model))).all()
    return {row.model: tuple(row.models) for row in rows}
