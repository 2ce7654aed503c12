"""The ASGI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

import orjson
from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from .api.admin.combo_test import router as combo_test_router
from .api.admin.combos import router as combos_router
from .api.admin.fallbacks import router as fallbacks_router
from .api.admin.router import router as admin_router
from .api.dispatch import GatewayAPI
from .api.v1.models import FormatModelsHandler, ModelsHandler
from .api.v1.surface import SurfaceHandler
from .gateway import Gateway
from .interfaces import ModelListingFormat
from .settings import Settings


def create_app(
    settings: Settings | None = None, *, extra_plugins: Iterable[tuple[str, object]] = ()
) -> FastAPI:
    """Build the gateway app. Plugin problems raise here (``StartupError``,
    ``PluginLoadError``), before anything binds a port."""
    settings = settings or Settings()
    gateway = Gateway(settings, extra_plugins)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await gateway.open(app)
        try:
            yield
        finally:
            await gateway.close(app)

    app = GatewayAPI(
        title="OmniRoute",
        version="0.1.0",
        lifespan=lifespan,
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
        # FastAPI's built-in OpenTelemetry looks for providers on every request; the gateway
        # records its own usage and latency, so it stays off until the gateway exports OTel.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.state.gateway = gateway
    for fmt in gateway.registry.formats.values():
        for surface in fmt.surfaces:
            if surface.kind == "list_models" and isinstance(fmt, ModelListingFormat):
                endpoint = FormatModelsHandler(gateway, fmt).handle
            else:
                endpoint = SurfaceHandler(gateway, fmt, surface).handle
            app.router.add_route(
                surface.path, endpoint, methods=list(surface.methods), include_in_schema=False
            )
            if "{" not in surface.path:
                for method in surface.methods:
                    app.fixed[(method, surface.path)] = endpoint
    app.router.add_route("/v1/models", ModelsHandler(gateway).handle, methods=["GET"])
    app.include_router(admin_router)
    app.include_router(combo_test_router)
    app.include_router(combos_router)
    app.include_router(fallbacks_router)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            body: dict[str, object] = {"detail": exc.detail}  # the management API's shape
            return Response(
                orjson.dumps(body), status_code=exc.status_code, media_type="application/json"
            )
        # Unknown client paths and methods answer in OpenAI's shape, which every SDK parses.
        body = {
            "error": {
                "message": f"{exc.detail}: {request.method} {request.url.path}",
                "type": "invalid_request_error",
                "code": str(exc.status_code),
                "param": None,
            }
        }
        return Response(
            orjson.dumps(body), status_code=exc.status_code, media_type="application/json"
        )

    return app
