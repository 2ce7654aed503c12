"""``/api/combos``: named fallback chains, editable while the gateway runs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, Field

from ...engine.combos import combo_problems
from ...errors import GatewayError
from ...options import ComboConfigModel, combo_json
from ...security.admission import admit
from ...security.keys import bearer_token
from ...types import Combo, ComboConfig, ComboStep


async def gateway_key(request: Request) -> None:
    """With ``REQUIRE_API_KEY`` on, changing the configuration takes a gateway key too (as
    ``Authorization: Bearer``); the gateway binds to localhost otherwise."""
    gateway = request.app.state.gateway
    if not gateway.settings.require_api_key:
        return
    try:
        admit(
            bearer_token(request.headers),
            gateway.pipeline.snapshot,
            gateway.api_key_secret,
            required=True,
        )
    except GatewayError as exc:
        raise HTTPException(exc.status, detail=exc.message) from exc


router = APIRouter(prefix="/api/combos", tags=["combos"], dependencies=[Depends(gateway_key)])


class StepIn(BaseModel):
    model: str
    weight: int = Field(1, ge=1)
    connection_id: str | None = None


class ComboIn(BaseModel):
    """A combo as clients send it: ``models`` are strings or step objects.

    ``config`` (``maxRetries``, ``retryDelayMs``, ``timeoutMs``, ``stickyRoundRobinLimit``)
    is optional; a PUT replaces the whole combo, so leaving it out restores the defaults.
    """

    strategy: str = "fill-first"
    models: list[str | StepIn]
    config: ComboConfigModel | None = None


class NamedComboIn(ComboIn):
    name: str = Field(min_length=1)


def _combo(name: str, body: ComboIn) -> Combo:
    steps = tuple(
        ComboStep(m) if isinstance(m, str) else ComboStep(m.model, m.weight, m.connection_id)
        for m in body.models
    )
    config = body.config.to_config() if body.config is not None else ComboConfig()
    return Combo(name, steps, body.strategy, config)


async def _save(request: Request, combo: Combo) -> dict[str, Any]:
    gateway = request.app.state.gateway
    problems = combo_problems(combo, gateway.pipeline.snapshot, gateway.registry)
    if problems:
        raise HTTPException(422, detail=problems)
    await gateway.change(lambda store: store.upsert_combo(combo))
    return combo_json(combo)


@router.get("", summary="Every combo")
async def list_combos(request: Request) -> list[dict[str, Any]]:
    return [combo_json(c) for c in request.app.state.gateway.pipeline.snapshot.combos.values()]


@router.post("", status_code=201, summary="Create a combo")
async def create_combo(request: Request, body: NamedComboIn) -> dict[str, Any]:
    if body.name in request.app.state.gateway.pipeline.snapshot.combos:
        raise HTTPException(409, detail=f"combo {body.name!r} exists; PUT to replace it")
    return await _save(request, _combo(body.name, body))


@router.get("/{name}", summary="One combo")
async def get_combo(request: Request, name: str) -> dict[str, Any]:
    combo = request.app.state.gateway.pipeline.snapshot.combos.get(name)
    if combo is None:
        raise HTTPException(404, detail=f"no combo {name!r}")
    return combo_json(combo)


@router.put("/{name}", summary="Create or replace a combo")
async def put_combo(request: Request, name: str, body: ComboIn) -> dict[str, Any]:
    return await _save(request, _combo(name, body))


@router.delete("/{name}", status_code=204, summary="Delete a combo")
async def delete_combo(request: Request, name: str) -> Response:
    if not await request.app.state.gateway.change(lambda store: store.delete_combo(name)):
        raise HTTPException(404, detail=f"no combo {name!r}")
    return Response(status_code=204)
