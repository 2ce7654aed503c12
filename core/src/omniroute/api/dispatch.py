"""The gateway's ASGI app: FastAPI, with a front door for the client surfaces with fixed paths.

``POST /v1/chat/completions`` and its siblings are the hot path. Routed through FastAPI they
pass its error, telemetry and body-limit middleware, a regex match against every route and
Starlette's exception wrapper, each a coroutine layer resumed at every await of the request;
profiles put that stack at a large share of the gateway's own CPU. Here a dict lookup sends
them straight to their handler, which catches every error itself and answers in the client's
format. Everything else, including surfaces with path parameters, goes through FastAPI.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

Handler = Callable[[Request], Awaitable[Response]]


class GatewayAPI(FastAPI):
    """FastAPI plus ``fixed`` routes that bypass its middleware and router."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fixed: dict[tuple[str, str], Handler] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            handle = self.fixed.get((scope["method"], scope["path"]))
            if handle is not None:
                response = await handle(Request(scope, receive))
                await response(scope, receive, send)
                return
        await super().__call__(scope, receive, send)
