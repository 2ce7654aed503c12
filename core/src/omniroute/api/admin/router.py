"""Management endpoints: plugins and health (more come with later issues)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

router = APIRouter(prefix="/api", tags=["management"])


@router.get("/plugins", summary="Every plugin: distribution, version, what it registered, errors")
async def plugins(request: Request) -> list[dict[str, Any]]:
    return [info.as_dict() for info in request.app.state.gateway.plugins]


@router.get(
    "/health", summary="Liveness, breaker states, cooling accounts and latency per provider"
)
async def health(request: Request) -> dict[str, Any]:
    """``latency`` holds p50/p95/p99 in ms over each provider's recent attempts (failed ones
    included) as seen by *this* process; providers without attempts yet are absent."""
    gateway = request.app.state.gateway
    snapshot = gateway.pipeline.snapshot
    checks = gateway.pipeline.health
    breakers: dict[str, Any] = {}
    cooling: dict[str, dict[str, float]] = {}
    for pid, connections in snapshot.connections.items():
        manifest = gateway.registry.providers.get(pid)
        if manifest is None:
            continue
        breakers[pid] = await checks.breaker(manifest).status(pid)
        names = {c.id: c.name for c in connections}
        left = await checks.cooldowns.cooling(names)
        if left:
            cooling[pid] = {names[cid]: round(seconds, 1) for cid, seconds in left.items()}
    return {
        "status": "ok",
        "providers": len(gateway.registry.providers),
        "configured_providers": sorted(snapshot.connections),
        "plugins": [p.name for p in gateway.plugins if p.error is None],
        "usage_pending": gateway.usage.pending,
        "breakers": breakers,
        "cooling": cooling,
        "latency": checks.latency.summary(),
    }
