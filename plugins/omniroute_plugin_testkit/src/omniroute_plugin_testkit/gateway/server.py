"""The gateway app behind a real uvicorn server, on a free port, in a background thread.

Some behaviour only exists over a real socket: incremental streaming, client disconnects,
timeouts, SDKs that open their own connections. The server runs in its own thread and loop,
so sync tests and async tests (any loop) can use it alike.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from types import TracebackType
from typing import TYPE_CHECKING

import uvicorn

from omniroute import Settings

from ..ports import LOCALHOST, bind_socket

if TYPE_CHECKING:
    from fastapi import FastAPI

    from omniroute.gateway import Gateway

START_TIMEOUT = 30.0


class GatewayServer:
    """``with GatewayServer(settings) as server:`` then talk HTTP to ``server.base_url``."""

    def __init__(self, settings: Settings, extra_plugins: Iterable[tuple[str, object]] = ()):
        self.settings = settings
        self.extra_plugins = tuple(extra_plugins)
        self.port = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._app: FastAPI | None = None

    @property
    def url(self) -> str:
        """The server root, ``http://127.0.0.1:PORT``."""
        return f"http://{LOCALHOST}:{self.port}"

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible base URL clients and SDKs use (``…/v1``)."""
        return f"{self.url}/v1"

    @property
    def app(self) -> FastAPI:
        if self._app is None:
            raise RuntimeError("the gateway server is not started")
        return self._app

    @property
    def gateway(self) -> Gateway:
        """The running gateway (registry, settings, store)."""
        gateway: Gateway = self.app.state.gateway
        return gateway

    def start(self) -> GatewayServer:
        """Build the app (plugin errors raise here), serve it, return once it accepts."""
        from omniroute.app import create_app

        if self._thread is not None:
            raise RuntimeError("the gateway server is already running")
        self._app = create_app(self.settings, extra_plugins=self.extra_plugins)
        sock = bind_socket()
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self._app,
            lifespan="on",
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=5,
        )
        self._server = server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name=f"gateway:{self.port}", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not server.started:
            if not self._thread.is_alive():
                self._thread = self._server = None
                sock.close()
                raise RuntimeError("the gateway server did not start; its log says why")
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"the gateway server did not start in {START_TIMEOUT} s")
            self._thread.join(0.01)
        return self

    def stop(self) -> None:
        """Shut down gracefully (lifespan shutdown runs) and join the thread."""
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join()
        self._server = self._thread = None

    def __enter__(self) -> GatewayServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
