"""The generic handler core mounts for every surface a wire format declares.

It reads the body once, asks the format for model, stream flag and key, admits the caller,
runs the pipeline and answers in the client's format. Every request, whatever happens,
ends in exactly one usage record; no exception text beyond the error message reaches the
client.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING

import orjson
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from ...engine.answer import JsonAnswer, StreamAnswer
from ...errors import GatewayError, InvalidJSON, InvalidRequest
from ...interfaces import ReframingFormat, Surface, WireFormat
from ...observability.estimate import estimate_prompt_tokens
from ...security.admission import admit
from ...types import Call, Usage, UsageRecord
from ..body import read_body

if TYPE_CHECKING:
    from ...gateway import Gateway

log = logging.getLogger("omniroute.api")

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
_NO_QUERY = QueryParams()


def error_response(fmt: WireFormat, error: GatewayError, call: Call) -> Response:
    """``error`` as a JSON response in the shape ``fmt``'s SDKs parse."""
    headers = {**error.headers, "X-OmniRoute-Request-Id": call.request_id}
    if call.fallback_attempts:
        headers["X-OmniRoute-Fallback-Attempts"] = str(call.fallback_attempts)
    return Response(
        orjson.dumps(fmt.error_body(error)),
        status_code=error.status,
        media_type="application/json",
        headers=headers,
    )


_SESSION_HEADERS = ("x-session-id", "x_session_id", "x-omniroute-session", "session-id")


def session_of(headers: Mapping[str, str]) -> str | None:
    """The client's session id, from the headers coding tools use for it (first 64 chars)."""
    for name in _SESSION_HEADERS:
        value = headers.get(name)
        if value:
            return value[:64]
    return None


class SurfaceHandler:
    """ASGI endpoint for one surface of one wire format."""

    def __init__(self, gateway: Gateway, fmt: WireFormat, surface: Surface) -> None:
        self._gateway = gateway
        self._fmt = fmt
        self._surface = surface
        self._reframer = fmt if isinstance(fmt, ReframingFormat) else None

    async def handle(self, request: Request) -> Response:
        started = time.perf_counter()
        request_id = os.urandom(12).hex()
        call = Call(request_id, self._fmt.name, {}, {}, "", False, started=started)
        try:
            call = await self._read_call(request, request_id, started)
            scope = request.path_params.get("provider") if self._surface.provider_scoped else None
            if self._surface.kind == "count_tokens":
                answer: JsonAnswer | StreamAnswer = await self._gateway.pipeline.count_tokens(
                    call, scope
                )
            else:
                answer = await self._gateway.pipeline.run(call, scope)
        except GatewayError as exc:
            call.status, call.error = exc.status, exc.message
            self._record(call)
            return error_response(self._fmt, exc, call)
        except Exception:
            error = internal_error(call)
            self._record(call)
            return error_response(self._fmt, error, call)
        answer.headers["X-OmniRoute-Request-Id"] = request_id
        if isinstance(answer, JsonAnswer):
            self._record(call)
            return Response(
                answer.body,
                status_code=answer.status,
                media_type="application/json",
                headers=answer.headers,
            )
        media_type, body = "text/event-stream", self._finish_stream(call, answer.frames)
        if self._reframer is not None:
            media_type, body = self._reframer.reframe_stream(body, request.query_params)
        return StreamingResponse(
            body,
            status_code=answer.status,
            media_type=media_type,
            headers={**SSE_HEADERS, **answer.headers},
        )

    async def _read_call(self, request: Request, request_id: str, started: float) -> Call:
        # One pass over the raw header list: Starlette's Headers mapping rescans the list on
        # every lookup, which showed up in profiles.
        headers = {
            name.decode("latin-1"): value.decode("latin-1")
            for name, value in request.scope["headers"]
        }
        raw = await read_body(
            request, self._gateway.settings.max_body_bytes, headers.get("content-length")
        )
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise InvalidJSON(f"request body is not valid JSON: {exc}") from exc
        if not isinstance(body, dict):
            raise InvalidJSON("request body must be a JSON object")
        fmt = self._fmt
        # Starlette parses the query string and builds a URL object on first access (about
        # 10 µs each); most client requests have no query and the path is in the scope.
        query = request.query_params if request.scope["query_string"] else _NO_QUERY
        key = fmt.read_api_key(headers, query)
        gateway = self._gateway
        info = admit(
            key,
            gateway.pipeline.snapshot,
            gateway.api_key_secret,
            gateway.settings.require_api_key,
        )
        model = fmt.read_model(body, request.path_params)
        stream = fmt.read_stream(body, query, request.scope["path"])
        call = Call(
            request_id,
            fmt.name,
            body,
            headers,
            model or "",
            stream,
            api_key_id=info.id if info else None,
            session_id=session_of(headers),
            started=started,
            include_usage=stream and fmt.wants_stream_usage(body),
        )
        if model is None:
            raise InvalidRequest("missing 'model': name a model, alias or combo")
        problem = fmt.validate(body)
        if problem:
            raise InvalidRequest(problem)
        return call

    async def _finish_stream(
        self, call: Call, frames: AsyncIterator[bytes]
    ) -> AsyncIterator[bytes]:
        try:
            async for frame in frames:
                yield frame
        finally:
            self._record(call)

    def _record(self, call: Call) -> None:
        record_usage(self._gateway, call, generate=self._surface.kind == "generate")


def internal_error(call: Call) -> GatewayError:
    """Log the exception being handled for ``call`` and mark the call failed with a 500.

    The traceback goes to the server log only: the client gets a generic message, so no
    exception text (paths, secrets in reprs) leaks. Call it from an ``except`` block.
    """
    log.exception("request %s failed unexpectedly", call.request_id)
    call.status, call.error = 500, "internal error"
    return GatewayError("internal gateway error; see the server log", status=500)


def record_usage(gateway: Gateway, call: Call, *, generate: bool) -> None:
    """Submit the one usage record ``call`` ends in, from what the pipeline filled in.

    Shared by every path that runs a request through the pipeline (the ``/v1`` surfaces and
    the live combo test), so each request is counted the same way. ``generate`` calls that
    succeeded without reported usage get an estimated prompt count, so they are not free.
    """
    usage = call.usage
    if usage is None and call.status == 200 and generate:
        usage = Usage(prompt_tokens=estimate_prompt_tokens(call.body), estimated=True)
    gateway.usage.submit(
        UsageRecord(
            request_id=call.request_id,
            timestamp=time.time(),
            client_format=call.client_format,
            requested_model=call.model,
            provider=call.provider,
            model=call.upstream_model,
            connection_id=call.connection_id,
            api_key_id=call.api_key_id,
            status=call.status or 200,
            latency_ms=(time.perf_counter() - call.started) * 1000,
            prompt_tokens=usage.prompt_tokens if usage else 0,
            completion_tokens=usage.completion_tokens if usage else 0,
            cache_read_tokens=usage.cache_read_tokens if usage else 0,
            cache_write_tokens=usage.cache_write_tokens if usage else 0,
            reasoning_tokens=usage.reasoning_tokens if usage else 0,
            estimated=usage.estimated if usage else False,
            stream=call.stream,
            fallback_attempts=call.fallback_attempts,
            error=call.error,
        )
    )
