"""``/api/fallbacks``: per-model fallback chains, editable while the gateway runs.

A chain names the models tried, in order, once every target of a requested model failed.
Model names contain ``/`` (``openai/gpt-4o``), so the model is the rest of the path rather
than one segment. Like combos, a chain is checked against the running configuration when it
is saved: a chain that could never route is refused with every problem listed.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, Field

from ...engine.combos import fallback_problems
from .combos import gateway_key

router = APIRouter(prefix="/api/fallbacks", tags=["fallbacks"], dependencies=[Depends(gateway_key)])


class ChainIn(BaseModel):
    """A fallback chain as clients send it: the models to try, in order."""

    models: list[Annotated[str, Field(min_length=1)]] = Field(min_length=1)


def _out(model: str, chain: tuple[str, ...]) -> dict[str, Any]:
    return {"model": model, "models": list(chain)}


@router.get("", summary="Every fallback chain, by model")
async def list_chains(request: Request) -> dict[str, list[str]]:
    fallbacks = request.app.state.gateway.pipeline.snapshot.fallbacks
    return {model: list(chain) for model, chain in fallbacks.items()}


@router.get("/{model:path}", summary="The fallback chain of one model")
async def get_chain(request: Request, model: str) -> dict[str, Any]:
    chain = request.app.state.gateway.pipeline.snapshot.fallbacks.get(model)
    if chain is None:
        raise HTTPException(404, detail=f"no fallback chain for {model!r}")
    return _out(model, chain)


@router.put("/{model:path}", summary="Create or replace the fallback chain of a model")
async def put_chain(request: Request, model: str, body: ChainIn) -> dict[str, Any]:
    gateway = request.app.state.gateway
    problems = fallback_problems(model, body.models, gateway.pipeline.snapshot, gateway.registry)
    if problems:
        raise HTTPException(422, detail=problems)
    await gateway.change(lambda store: store.set_fallback_chain(model, body.models))
    return _out(model, tuple(body.models))


@router.delete("/{model:path}", status_code=204, summary="Delete the fallback chain of a model")
async def delete_chain(request: Request, model: str) -> Response:
    gateway = request.app.state.gateway
    if not await gateway.change(lambda store: store.delete_fallback_chain(model)):
        raise HTTPException(404, detail=f"no fallback chain for {model!r}")
    return Response(status_code=204)
