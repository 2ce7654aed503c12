"""``/api/fallbacks``: per-model fallback chains (being written)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/fallbacks", tags=["fallbacks"])
