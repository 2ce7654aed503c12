"""Management endpoints: plugins and health (more come with later issues)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

router = APIRouter(prefix="/api", tags=["management"])


@router.get("/plugins", summary="Every plugin: distribution, version, what it registered, errors")
async def plugins(request: Request) -> list[dict[str, Any]]:
    return [info.as_dict() for info in request.app.state.gateway.plugins]


@router.get("/health", summary="Liveness and a short status")
async def health(request: Request) -> dict[str, Any]:
    gateway = request.app.state.gateway
    snapshot = gateway.pipeline.snapshot
    return {
        "status": "ok",
        "providers": len(gateway.registry.providers),
        "configured_providers": sorted(snapshot.connections),
        "plugins": [p.name for p in gateway.plugins if p.error is None],
        "usage_pending": gateway.usage.pending,
    }
