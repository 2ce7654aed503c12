"""Combos: named fallback chains, stored as one row with the steps in a JSON column.

The steps are always read and written whole (a combo is edited as a unit), so a child table
would only add joins.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from ..options import ComboConfigModel
from ..types import Combo, ComboStep
from .tables import ComboRow


def upsert(session: Session, combo: Combo) -> None:
    """Create the combo, or replace the stored one of the same name."""
    row = session.get(ComboRow, combo.name) or ComboRow(name=combo.name)
    row.strategy = combo.strategy
    row.steps = [_step_to_json(step) for step in combo.steps]
    row.config = ComboConfigModel.dump(combo.config)
    session.add(row)


def delete(session: Session, name: str) -> bool:
    """Remove the combo; False when there was none."""
    row = session.get(ComboRow, name)
    if row is None:
        return False
    session.delete(row)
    return True


def load_all(session: Session) -> list[Combo]:
    """Every combo, by name."""
    rows = session.exec(select(ComboRow).order_by(col(ComboRow.name))).all()
    return [
        Combo(
            name=row.name,
            strategy=row.strategy,
            steps=tuple(_step_from_json(step) for step in row.steps),
            config=ComboConfigModel.model_validate(row.config or {}).to_config(),
        )
        for row in rows
    ]


def _step_to_json(step: ComboStep) -> dict[str, Any]:
    return {"model": step.model, "weight": step.weight, "connection_id": step.connection_id}


def _step_from_json(data: dict[str, Any]) -> ComboStep:
    return ComboStep(
        model=data["model"],
        weight=data.get("weight", 1),
        connection_id=data.get("connection_id"),
    )
