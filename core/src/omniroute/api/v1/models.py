"""``GET /v1/models``: every routable model as ``prefix/model``, plus combos and aliases."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from ...interfaces import ModelListingFormat

if TYPE_CHECKING:
    from ...gateway import Gateway


def list_models(gateway: Gateway) -> list[dict[str, Any]]:
    """Models of providers that have an enabled connection, then combos, then aliases."""
    registry, snapshot = gateway.registry, gateway.pipeline.snapshot
    created = int(time.time())
    data: list[dict[str, Any]] = []
    for pid in snapshot.connections:
        manifest = registry.providers.get(pid)
        if manifest is None or manifest.custom_node:
            continue
        prefix = manifest.aliases[0] if manifest.aliases else manifest.id
        data.extend(
            {"id": f"{prefix}/{m.id}", "object": "model", "created": created, "owned_by": pid}
            for m in manifest.models
        )
    for prefix, connection in snapshot.custom_prefixes.items():
        data.extend(
            {"id": f"{prefix}/{m}", "object": "model", "created": created, "owned_by": prefix}
            for m in connection.extra.get("models", ())
        )
    data.extend(
        {"id": name, "object": "model", "created": created, "owned_by": "combo"}
        for name in snapshot.combos
    )
    data.extend(
        {"id": alias, "object": "model", "created": created, "owned_by": "alias"}
        for alias in snapshot.aliases
    )
    return data


class FormatModelsHandler:
    """A format's own model listing (``list_models`` surfaces)."""

    def __init__(self, gateway: Gateway, fmt: ModelListingFormat) -> None:
        self._gateway = gateway
        self._fmt = fmt

    async def handle(self, request: Request) -> Response:
        ids = [entry["id"] for entry in list_models(self._gateway)]
        body = self._fmt.model_list_body(ids)
        return Response(orjson.dumps(body), media_type="application/json")


class ModelsHandler:
    def __init__(self, gateway: Gateway) -> None:
        self._gateway = gateway

    async def handle(self, request: Request) -> Response:
        body = {"object": "list", "data": list_models(self._gateway)}
        return Response(orjson.dumps(body), media_type="application/json")
