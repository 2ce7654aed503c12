"""The thinnest possible proxy in front of the mock, one per upstream transport.

It isolates the cost of the upstream client from everything else the gateway does: a raw ASGI
app (no framework, no routing, no parsing) under the same uvicorn configuration the gateway
uses (uvloop, httptools, one worker, no access log), forwarding the body bytes to one fixed URL
through ``omniroute.upstream.create_client`` — the very client the gateway ships — and relaying
the answer (buffered for JSON, chunk by chunk for SSE). ``--transport none`` answers the mock's
canned JSON without any upstream call: the server stack's own floor.

Run: ``python bench/bare_proxy.py --transport aiohttp --port 9001
--upstream http://127.0.0.1:9000/v1/chat/completions``
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import uvicorn
from mock_upstream import completion_body

from omniroute.types import UpstreamRequest
from omniroute.upstream import UpstreamClient, create_client

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

TRANSPORTS = ("none", "aiohttp", "httpx", "httpx-aiohttp")
FORWARD_HEADERS = {"Content-Type": "application/json", "Authorization": "Bearer sk-bench"}


async def _read_body(receive: Receive) -> bytes:
    body = b""
    more = True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    return body


async def _lifespan(
    receive: Receive, send: Send, on_shutdown: Callable[[], Awaitable[None]]
) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await on_shutdown()
            await send({"type": "lifespan.shutdown.complete"})
            return


def null_app() -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """Answer every request with the mock's canned JSON: uvicorn + ASGI cost only."""
    body = completion_body()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send, _noop)
            return
        await _read_body(receive)
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


async def _noop() -> None:
    return None


def proxy_app(transport: str, upstream: str) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """Forward every request's body to ``upstream`` with the gateway's client for ``transport``."""
    # Created on first use: aiohttp sessions must be born inside the running loop.
    client: UpstreamClient | None = None

    async def close() -> None:
        if client is not None:
            await client.aclose()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal client
        if scope["type"] == "lifespan":
            await _lifespan(receive, send, close)
            return
        body = await _read_body(receive)
        if client is None:
            client = create_client(transport, connect_timeout=10.0)
        stream = b'"stream":true' in body
        resp = await client.send(
            UpstreamRequest(
                method="POST",
                url=upstream,
                headers=FORWARD_HEADERS,
                body=body,
                stream=stream,
                timeout=60.0,
            )
        )
        content_type = resp.headers.get("content-type", "application/json").encode()
        if not stream:
            data = await resp.read()
            headers = [(b"content-type", content_type), (b"content-length", b"%d" % len(data))]
            await send({"type": "http.response.start", "status": resp.status, "headers": headers})
            await send({"type": "http.response.body", "body": data})
            return
        start = {"type": "http.response.start", "status": resp.status}
        await send({**start, "headers": [(b"content-type", content_type)]})
        try:
            async for chunk in resp.iter_chunks():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        finally:
            await resp.close()
        await send({"type": "http.response.body", "body": b""})

    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transport", choices=TRANSPORTS, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", default="")
    args = parser.parse_args(argv)
    app = null_app() if args.transport == "none" else proxy_app(args.transport, args.upstream)
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.port,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
        proxy_headers=False,
        server_header=False,
        lifespan="on",
    )


if __name__ == "__main__":
    main()
