"""The one upstream HTTP client: nothing else in the gateway opens sockets.

One pooled client per process, behind a small interface so the transport is chosen by
benchmark (``docs/performance.md``): ``aiohttp`` by default, ``httpx`` and httpx over the
aiohttp transport (``httpx-aiohttp``) selectable with ``OMNIROUTE_UPSTREAM_TRANSPORT``.
Transport failures become ``UpstreamTimeout`` / ``UpstreamUnavailable`` here, so the
engine classifies them without knowing which library raised them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any, Protocol

import aiohttp
import httpx

from .errors import UpstreamTimeout, UpstreamUnavailable
from .types import UpstreamRequest

POOL_SIZE = 1024


class UpstreamResponse(Protocol):
    """An upstream answer whose body has not been read yet."""

    status: int
    headers: Mapping[str, str]

    async def read(self) -> bytes: ...

    def iter_chunks(self) -> AsyncIterator[bytes]: ...

    async def close(self) -> None: ...


class BufferedResponse:
    """An answer whose body was already read, for code that must look at it and still hand
    it on (a 401 kept after a failed token refresh)."""

    def __init__(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self._body = body

    async def read(self) -> bytes:
        return self._body

    async def iter_chunks(self) -> AsyncIterator[bytes]:
        yield self._body

    async def close(self) -> None:
        return None


def _idle(timeout: float) -> UpstreamTimeout:
    """A stream that sent nothing for the read timeout, which for streams is the gateway's
    idle watchdog (``OMNIROUTE_STREAM_IDLE_TIMEOUT``)."""
    return UpstreamTimeout(
        f"the upstream stream sent nothing for {timeout:g} s", code="stream_idle_timeout"
    )


class UpstreamClient(Protocol):
    async def send(self, request: UpstreamRequest) -> UpstreamResponse: ...

    async def aclose(self) -> None: ...


class _AiohttpResponse:
    __slots__ = ("_resp", "_timeout", "headers", "status")

    def __init__(self, resp: aiohttp.ClientResponse, timeout: float) -> None:
        self._resp = resp
        self._timeout = timeout
        self.status = resp.status
        self.headers: Mapping[str, str] = resp.headers

    async def read(self) -> bytes:
        try:
            return await self._resp.read()
        except TimeoutError as exc:
            raise UpstreamTimeout("upstream did not finish its answer in time") from exc
        except aiohttp.ClientError as exc:
            raise UpstreamUnavailable(f"upstream connection broke: {exc}") from exc
        finally:
            self._resp.release()

    async def iter_chunks(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._resp.content.iter_any():
                yield chunk
        except TimeoutError as exc:
            raise _idle(self._timeout) from exc
        except aiohttp.ClientError as exc:
            raise UpstreamUnavailable(f"upstream stream broke: {exc}") from exc

    async def close(self) -> None:
        self._resp.release()


class AiohttpClient:
    """aiohttp session with a keep-alive pool; the fastest transport measured here."""

    def __init__(self, connect_timeout: float) -> None:
        self._connect_timeout = connect_timeout
        self._session: aiohttp.ClientSession | None = None
        self._timeouts: dict[float, aiohttp.ClientTimeout] = {}

    def _get_session(self) -> aiohttp.ClientSession:
        # Created lazily: a ClientSession must be born inside the running event loop.
        if self._session is None:
            connector = aiohttp.TCPConnector(limit=POOL_SIZE, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(
                connector=connector, auto_decompress=True, skip_auto_headers=("User-Agent",)
            )
        return self._session

    async def send(self, request: UpstreamRequest) -> UpstreamResponse:
        timeout = self._timeouts.get(request.timeout)
        if timeout is None:
            timeout = aiohttp.ClientTimeout(
                total=None, connect=self._connect_timeout, sock_read=request.timeout
            )
            self._timeouts[request.timeout] = timeout  # a handful of distinct values
        try:
            resp = await self._get_session().request(
                request.method,
                request.url,
                data=request.body,
                headers=request.headers,
                timeout=timeout,
                allow_redirects=False,
            )
        except TimeoutError as exc:
            raise UpstreamTimeout(f"upstream did not answer in time ({request.url})") from exc
        except aiohttp.ClientError as exc:
            raise UpstreamUnavailable(f"cannot reach upstream {request.url}: {exc}") from exc
        return _AiohttpResponse(resp, request.timeout)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


class _HttpxResponse:
    __slots__ = ("_resp", "_timeout", "headers", "status")

    def __init__(self, resp: httpx.Response, timeout: float) -> None:
        self._resp = resp
        self._timeout = timeout
        self.status = resp.status_code
        self.headers: Mapping[str, str] = resp.headers

    async def read(self) -> bytes:
        try:
            return await self._resp.aread()
        except httpx.TimeoutException as exc:
            raise UpstreamTimeout("upstream did not finish its answer in time") from exc
        except httpx.TransportError as exc:
            raise UpstreamUnavailable(f"upstream connection broke: {exc}") from exc
        finally:
            await self._resp.aclose()

    async def iter_chunks(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._resp.aiter_raw():
                yield chunk
        except httpx.TimeoutException as exc:
            raise _idle(self._timeout) from exc
        except httpx.TransportError as exc:
            raise UpstreamUnavailable(f"upstream stream broke: {exc}") from exc

    async def close(self) -> None:
        await self._resp.aclose()


class HttpxClient:
    """httpx.AsyncClient, on its own transport or on the aiohttp transport."""

    def __init__(self, connect_timeout: float, transport: Any = None) -> None:
        limits = httpx.Limits(max_connections=POOL_SIZE, max_keepalive_connections=POOL_SIZE)
        self._client = httpx.AsyncClient(limits=limits, transport=transport, timeout=None)
        self._connect_timeout = connect_timeout

    async def send(self, request: UpstreamRequest) -> UpstreamResponse:
        req = self._client.build_request(
            request.method,
            request.url,
            content=request.body,
            headers=request.headers,
            timeout=httpx.Timeout(request.timeout, connect=self._connect_timeout),
        )
        try:
            resp = await self._client.send(req, stream=True)
        except httpx.TimeoutException as exc:
            raise UpstreamTimeout(f"upstream did not answer in time ({request.url})") from exc
        except httpx.TransportError as exc:
            raise UpstreamUnavailable(f"cannot reach upstream {request.url}: {exc}") from exc
        return _HttpxResponse(resp, request.timeout)

    async def aclose(self) -> None:
        await self._client.aclose()


def create_client(transport: str, connect_timeout: float) -> UpstreamClient:
    """The process's upstream client for the configured transport name."""
    if transport == "aiohttp":
        return AiohttpClient(connect_timeout)
    if transport == "httpx":
        return HttpxClient(connect_timeout)
    if transport == "httpx-aiohttp":
        from httpx_aiohttp import AiohttpTransport

        return HttpxClient(connect_timeout, transport=AiohttpTransport())
    raise ValueError(f"unknown upstream transport {transport!r}")
