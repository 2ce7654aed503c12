"""The gateway app in the test's own event loop, reached through ``httpx.ASGITransport``.

The cheapest way to drive the real app: no port, no thread, the lifespan (store, config file,
plugin startup hooks) run exactly as uvicorn would run it. ``ASGITransport`` buffers each
response, so tests about stream *timing* or client disconnects use ``GatewayServer``.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AsyncExitStack
from types import TracebackType
from typing import TYPE_CHECKING

import httpx

from omniroute import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

    from omniroute.gateway import Gateway

BASE_URL = "http://omniroute.test"


class GatewayApp:
    """``async with GatewayApp(settings) as gw:`` then ``await gw.client.post(...)``.

    ``extra_plugins`` are (name, module-or-object) pairs registered next to the installed
    plugins, for testing a plugin before it is packaged.
    """

    def __init__(self, settings: Settings, extra_plugins: Iterable[tuple[str, object]] = ()):
        self.settings = settings
        self.extra_plugins = tuple(extra_plugins)
        self._stack = AsyncExitStack()
        self._client: httpx.AsyncClient | None = None
        self._app: FastAPI | None = None

    @property
    def app(self) -> FastAPI:
        """The FastAPI application (``app.state.gateway`` is the running gateway)."""
        if self._app is None:
            raise RuntimeError("the gateway app is not started; use 'async with'")
        return self._app

    @property
    def gateway(self) -> Gateway:
        """The running gateway (registry, settings, store)."""
        gateway: Gateway = self.app.state.gateway
        return gateway

    @property
    def client(self) -> httpx.AsyncClient:
        """An HTTP client bound to the app; base URL ``http://omniroute.test``."""
        if self._client is None:
            raise RuntimeError("the gateway app is not started; use 'async with'")
        return self._client

    async def __aenter__(self) -> GatewayApp:
        from omniroute.app import create_app

        app = create_app(self.settings, extra_plugins=self.extra_plugins)
        await self._stack.enter_async_context(app.router.lifespan_context(app))
        self._app = app
        transport = httpx.ASGITransport(app=app)
        self._client = await self._stack.enter_async_context(
            httpx.AsyncClient(transport=transport, base_url=BASE_URL)
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self._stack.aclose()
        finally:
            self._client = self._app = None
