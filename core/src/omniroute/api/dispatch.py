"""A pure ASGI front door for the client surfaces with fixed paths.

``POST /v1/chat/completions`` and its siblings are the hot path. Routed through FastAPI
they pass its exception and exit-stack middleware and a regex match against every route;
here a dict lookup sends them straight to their handler (which catches every error itself).
Everything else, including surfaces with path parameters, goes through FastAPI unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.types import ASGIApp, Receive, Scope, Send


class SurfaceDispatch:
    def __init__(self, app: ASGIApp, routes: Mapping[tuple[str, str], ASGIApp]) -> None:
        self._app = app
        self._routes = dict(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            endpoint = self._routes.get((scope["method"], scope["path"]))
            if endpoint is not None:
                await endpoint(scope, receive, send)
                return
        await self._app(scope, receive, send)
