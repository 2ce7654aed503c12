"""A real HTTP upstream for tests: aiohttp on 127.0.0.1, in a thread with its own event loop.

A real socket matters: the gateway's pooled client, timeouts, streaming and connection errors
are exercised exactly as in production, which an in-process transport mock cannot do. Running
the server on its own thread and loop makes it usable from sync tests, async tests (whatever
their loop) and from a gateway running in yet another thread or process.

The server is format-neutral: it records every request, checks the credential, applies the
scripted faults and writes JSON or SSE; the wire format modules (``openai.py`` …) decide what
to answer. See ``faults.py`` for the fault vocabulary.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
from collections.abc import Awaitable, Callable, Iterable, Sequence
from http import HTTPStatus
from types import TracebackType
from typing import Any

from aiohttp import web

from ..ports import LOCALHOST, bind_socket
from .faults import Fault, FaultPlan, Injection
from .openai import OpenAIChat
from .recording import RecordedRequest, Recorder
from .wire import Admits, Exchange, JsonAnswer, MockError, MockFormat, Route, StreamAnswer

DEFAULT_MODELS = ("gpt-4o-mini", "gpt-4o", "mock-model")
GARBAGE_BODY = b"<html><body>this is not json</body></html>"
_STOP_GRACE = 0.5
"""Seconds in-flight requests get when the server stops; slow-answer faults are cut short."""

WebHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class MockUpstream:
    """A mock upstream API speaking ``formats`` (default: OpenAI Chat Completions).

    ``api_keys``: when set, requests must carry one of them (as the format reads credentials)
    or get a 401 in the format's error shape (a format with its own rule, ``Admits``, applies
    that instead); it may be reassigned while running.
    ``models``: what ``GET /v1/models`` lists. ``record``: keep every request in ``requests``
    (turn off for long benchmark runs). Routes of later formats never shadow earlier ones.

    Use as a context manager (``with`` or ``async with``) or call ``start`` / ``stop``;
    ``stop`` then ``start`` brings the server back on the same port, so a test can simulate
    an upstream that refuses connections for a while.
    """

    def __init__(
        self,
        formats: Sequence[MockFormat] | None = None,
        *,
        api_keys: Iterable[str] | None = None,
        models: Sequence[str] = DEFAULT_MODELS,
        host: str = LOCALHOST,
        port: int = 0,
        record: bool = True,
    ) -> None:
        self.formats: tuple[MockFormat, ...] = tuple(formats) if formats else (OpenAIChat(),)
        self.api_keys: frozenset[str] | None = frozenset(api_keys) if api_keys is not None else None
        self.models = tuple(models)
        self.host = host
        self.port = port
        self._recorder = Recorder(record)
        self._faults = FaultPlan()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._thread is not None

    @property
    def url(self) -> str:
        """The server root, ``http://127.0.0.1:PORT``."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What a gateway connection's ``base_url`` should be (first format's base path)."""
        return self.url + self.formats[0].base_path

    def start(self) -> MockUpstream:
        """Bind the port and serve in a background thread; returns once accepting."""
        if self._thread is not None:
            raise RuntimeError("mock upstream is already running")
        sock = bind_socket(self.host, self.port)
        self.port = sock.getsockname()[1]
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            try:
                asyncio.run(self._serve(sock, ready))
            except BaseException as exc:  # surfaced to the starting thread below
                failure.append(exc)
                ready.set()

        self._thread = threading.Thread(target=run, name=f"mock-upstream:{self.port}", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            self._thread = None
            raise RuntimeError(f"mock upstream failed to start on {self.url}") from failure[0]
        return self

    def stop(self) -> None:
        """Close the port (clients now get "connection refused") and end the thread."""
        thread, loop, stopping = self._thread, self._loop, self._stopping
        if thread is None or loop is None or stopping is None:
            return
        loop.call_soon_threadsafe(stopping.set)
        thread.join()
        self._thread = self._loop = self._stopping = None

    async def _serve(self, sock: socket.socket, ready: threading.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        runner = web.AppRunner(self._app(), access_log=None, shutdown_timeout=_STOP_GRACE)
        await runner.setup()
        try:
            await web.SockSite(runner, sock).start()
            ready.set()
            await self._stopping.wait()
        finally:
            await runner.cleanup()

    def __enter__(self) -> MockUpstream:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> MockUpstream:
        return await asyncio.to_thread(self.start)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.stop)

    # -- what tests read and script --------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first (a copy)."""
        return self._recorder.snapshot()

    @property
    def last_request(self) -> RecordedRequest:
        """The most recent request; an ``AssertionError`` when there was none."""
        requests = self._recorder.snapshot()
        assert requests, "the mock upstream has not received any request"
        return requests[-1]

    def inject(
        self,
        fault: Fault | None = None,
        *,
        times: int | None = 1,
        when_key: str | None = None,
        when_model: str | None = None,
        **fault_fields: Any,
    ) -> Injection:
        """Queue a fault for the next ``times`` matching requests (None: every one).

        Pass a ``Fault`` or its fields directly:
        ``mock.inject(status=429, headers={"Retry-After": "3"}, when_key="sk-a")``.
        Returns the injection, whose ``hits`` tells how many requests it shaped.
        """
        if fault is None:
            fault = Fault(**fault_fields)
        elif fault_fields:
            raise TypeError("pass either a Fault or its fields, not both")
        return self._faults.add(Injection(fault, times, when_key, when_model))

    def clear_faults(self) -> None:
        self._faults.clear()

    def reset(self) -> None:
        """Forget recorded requests and queued faults (between phases of one test)."""
        self._recorder.clear()
        self._faults.clear()

    # -- serving ---------------------------------------------------------------------------

    def _app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        seen: set[tuple[str, str]] = set()
        for fmt in self.formats:
            for route in fmt.routes:
                if (route.method, route.path) not in seen:
                    seen.add((route.method, route.path))
                    owner = route.format if route.format is not None else fmt
                    app.router.add_route(route.method, route.path, self._handler(owner, route))
        app.router.add_route("*", "/{tail:.*}", self._handler(self.formats[0], None))
        return app

    def _handler(self, fmt: MockFormat, route: Route | None) -> WebHandler:
        async def handle(request: web.Request) -> web.StreamResponse:
            return await self._answer(request, fmt, route)

        return handle

    async def _answer(
        self, request: web.Request, fmt: MockFormat, route: Route | None
    ) -> web.StreamResponse:
        raw = await request.read()
        try:
            body, valid = (json.loads(raw), True) if raw else (None, False)
        except ValueError:
            body, valid = None, False
        headers = {name.lower(): value for name, value in request.headers.items()}
        query = dict(request.query)
        key = fmt.read_key(headers, query)
        exchange = Exchange(
            method=request.method,
            path=request.path,
            path_params=dict(request.match_info),
            query=query,
            headers=headers,
            body=body,
            valid_json=valid,
            key=key,
            models=self.models,
            raw=raw,
        )
        model = fmt.read_model(exchange)
        self._recorder.add(
            RecordedRequest(
                method=exchange.method,
                path=exchange.path,
                query=query,
                headers=headers,
                raw=raw,
                json=body,
                key=key,
                model=model,
            )
        )
        if route is None:
            message = f"Invalid URL ({request.method} {request.path})"
            return _json(fmt.error_body(404, message), 404)
        refusal = _admission(fmt, exchange, self.api_keys)
        if refusal is not None:
            return _error(fmt, refusal)
        fault = self._faults.take(key, model) or Fault()
        if fault.delay:
            await asyncio.sleep(fault.delay)
        if fault.drop:
            if request.transport is not None:
                request.transport.close()
            return web.Response()
        if fault.status is not None or fault.body is not None:
            return _fault_response(fmt, fault)
        try:
            answer = route.handler(exchange)
        except MockError as err:
            return _error(fmt, err)
        if isinstance(answer, JsonAnswer):
            if fault.garbage:
                return web.Response(
                    body=GARBAGE_BODY, content_type="application/json", headers=fault.headers
                )
            return _json(answer.body, answer.status, fault.headers)
        return await _write_stream(request, answer, fault, fmt)


def _json(body: Any, status: int, headers: Any = None) -> web.Response:
    return web.Response(
        body=json.dumps(body).encode(),
        status=status,
        content_type="application/json",
        headers=headers,
    )


def _admission(
    fmt: MockFormat, exchange: Exchange, api_keys: frozenset[str] | None
) -> MockError | None:
    """Why the request does not get past authentication, or None: the format's own rule
    (``Admits``), else ``api_keys`` when the mock has them."""
    if isinstance(fmt, Admits):
        return fmt.admit(exchange, api_keys)
    if api_keys is None or exchange.key in api_keys:
        return None
    message = "Incorrect API key provided." if exchange.key else "You didn't provide an API key."
    return MockError(401, message)


def _error(fmt: MockFormat, err: MockError) -> web.Response:
    body = fmt.error_body(err.status, err.message, code=err.code, param=err.param)
    return _json(body, err.status)


def _fault_response(fmt: MockFormat, fault: Fault) -> web.Response:
    status = fault.status if fault.status is not None else 200
    if fault.body is not None:
        body = fault.body.encode() if isinstance(fault.body, str) else fault.body
        headers = {"Content-Type": "text/plain", **fault.headers}
        return web.Response(body=body, status=status, headers=headers)
    message = fault.message or f"mock upstream fault: {status} {_phrase(status)}"
    return _json(fmt.error_body(status, message), status, fault.headers)


def _phrase(status: int) -> str:
    """The reason phrase of ``status``; APIs use codes HTTP never named (Anthropic's 529)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


async def _write_stream(
    request: web.Request, answer: StreamAnswer, fault: Fault, fmt: MockFormat
) -> web.StreamResponse:
    """Send the events, pausing ``chunk_delay`` between them and cutting after ``cut_after``."""
    headers = {
        "Content-Type": "text/event-stream; charset=utf-8",
        "Cache-Control": "no-cache",
        **fault.headers,
    }
    response = web.StreamResponse(headers=headers)
    await response.prepare(request)
    events = [fmt.garbage_event] if fault.garbage else answer.events
    with contextlib.suppress(ConnectionResetError):
        for index, event in enumerate(events):
            if fault.cut_after is not None and index >= fault.cut_after:
                if request.transport is not None:
                    request.transport.close()
                return response
            if index and fault.chunk_delay:
                await asyncio.sleep(fault.chunk_delay)
            await response.write(event)
        await response.write_eof()
    return response
