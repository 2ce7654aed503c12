"""``POST /api/combos/test`` (being written)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/combos", tags=["combos"])
