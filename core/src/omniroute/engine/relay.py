"""Relaying an upstream SSE stream to the client, event by event.

The relay parses each upstream event once, takes usage from it, and either forwards the raw
frame (same format on both sides) or feeds it through the stream translators. It never
buffers more than one event. A failure after the first byte reached the client cannot fall
back any more, so it ends the stream with an error event in the client's format.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

import orjson

from ..errors import (
    GatewayError,
    StreamEndedEarly,
    UpstreamProtocolError,
    UpstreamUnavailable,
)
from ..interfaces import AdaptingExecutor, StreamTranslator, WireFormat
from ..sse import DONE, SSEDecoder, SSEEvent, sse_frame
from ..types import Call
from ..upstream import UpstreamResponse

log = logging.getLogger("omniroute.relay")


class StreamStart:
    """An upstream stream read up to its first event, so a failure before any byte reached
    the client can still fall back to another account."""

    def __init__(self, response: UpstreamResponse) -> None:
        self.response = response
        self.decoder = SSEDecoder()
        self.chunks = response.iter_chunks()
        self.head: list[tuple[bytes, list[SSEEvent]]] = []

    async def first_event(self, provider: str) -> None:
        """Read until one event arrived; raises ``UpstreamError`` when the stream fails first
        (``StreamEndedEarly`` when it closed or broke without any event: worth a retry)."""
        try:
            async for chunk in self.chunks:
                events = self.decoder.feed(chunk)
                self.head.append((chunk, events))
                if events:
                    decode_event(events[0], provider)
                    return
        except UpstreamUnavailable as exc:
            raise StreamEndedEarly(
                f"{provider}: the stream broke before its first event ({exc.message})",
                provider=provider,
            ) from exc
        tail = self.decoder.flush()
        if not tail:
            raise StreamEndedEarly(
                f"{provider}: the stream ended before its first event", provider=provider
            )
        self.head.append((b"", tail))

    async def batches(self) -> AsyncIterator[tuple[bytes, list[SSEEvent]]]:
        """Each raw chunk with the events it completed (the stream's tail comes last with an
        empty chunk when it lacked a final blank line)."""
        for batch in self.head:
            yield batch
        self.head = []
        async for chunk in self.chunks:
            yield chunk, self.decoder.feed(chunk)
        tail = self.decoder.flush()
        if tail:
            yield b"", tail


def decode_event(event: SSEEvent, provider: str, adapter: AdaptingExecutor | None = None) -> Any:
    if event.data == DONE:
        return None
    try:
        data = orjson.loads(event.data)
    except orjson.JSONDecodeError as exc:
        raise UpstreamProtocolError(
            f"{provider}: stream event is not JSON: {event.data[:200]!r}", provider=provider
        ) from exc
    return adapter.adapt_event(data) if adapter is not None and isinstance(data, dict) else data


async def relay(
    call: Call,
    start: StreamStart,
    upstream_format: WireFormat,
    client_format: WireFormat,
    translators: Sequence[StreamTranslator],
    adapter: AdaptingExecutor | None = None,
    on_close: Callable[[], None] | None = None,
) -> AsyncIterator[bytes]:
    """Client SSE frames for the upstream stream held by ``start``; fills ``call`` as it goes.

    Same format on both sides: the upstream's bytes are forwarded exactly as they arrived
    (comments and line endings included), unless the gateway must hide the usage chunk it
    asked for itself, in which case whole events are forwarded. ``on_close`` runs when the
    stream is over, however it ended (it gives the account's limit slot back).
    """
    provider = call.provider or "upstream"
    passthrough = not translators
    hide_usage_chunk = passthrough and not call.include_usage
    byte_exact = passthrough and not hide_usage_chunk and adapter is None
    try:
        async for chunk, events in start.batches():
            parsed = [(event, decode_event(event, provider, adapter)) for event in events]
            for _event, data in parsed:
                if isinstance(data, dict):
                    usage = upstream_format.read_stream_usage(data)
                    if usage is not None:
                        call.usage = usage if call.usage is None else call.usage.merge(usage)
            if byte_exact:
                if chunk:
                    yield chunk
                continue
            # One write per upstream chunk: each yield is a socket write in the server.
            out = b"".join(
                frame
                for event, data in parsed
                for frame in _client_frames(
                    event, data, upstream_format, translators, hide_usage_chunk, provider, adapter
                )
            )
            if out:
                yield out
        for index, translator in enumerate(translators):
            tail = translator.finish()
            for later in translators[index + 1 :]:
                tail = _feed_frames(later, tail, provider)
            for frame in tail:
                yield frame
        call.status = 200
    except GatewayError as exc:
        call.status = exc.status
        call.error = exc.message
        log.warning("stream from %s failed after it started: %s", provider, exc.message)
        yield client_format.stream_error_event(exc)
    finally:
        await start.response.close()
        if on_close is not None:
            on_close()
        if not call.status:
            call.status = 499
            call.error = "client disconnected"


def _client_frames(
    event: SSEEvent,
    data: Any,
    upstream_format: WireFormat,
    translators: Sequence[StreamTranslator],
    hide_usage_chunk: bool,
    provider: str,
    adapter: AdaptingExecutor | None,
) -> list[bytes]:
    """The client frames for one upstream event, whole-event passthrough or translated."""
    if not translators:
        hidden = hide_usage_chunk and isinstance(data, dict) and upstream_format.is_usage_only(data)
        if hidden:
            return []
        return [sse_frame(data, event.event)] if adapter is not None else [event.raw]
    frames = translators[0].feed(event.event, data)
    for translator in translators[1:]:
        frames = _feed_frames(translator, frames, provider)
    return frames


def _feed_frames(translator: StreamTranslator, frames: list[bytes], provider: str) -> list[bytes]:
    """Feed frames produced by one translator into the next one of a chain."""
    decoder = SSEDecoder()
    out: list[bytes] = []
    for frame in frames:
        for event in decoder.feed(frame):
            out.extend(translator.feed(event.event, decode_event(event, provider)))
    return out
