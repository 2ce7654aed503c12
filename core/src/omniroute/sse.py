"""Incremental Server-Sent Events framing.

Upstream bytes arrive in arbitrary chunks; the decoder yields complete events (the raw frame,
its ``event:`` name and joined ``data:`` payload) as soon as their terminating blank line
arrives, so relaying never waits for more than one event.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

DONE = b"[DONE]"


@dataclass(slots=True)
class SSEEvent:
    event: str | None
    data: bytes
    raw: bytes


class SSEDecoder:
    """Feed chunks, get events. Handles ``\\r\\n`` line ends and events split across chunks."""

    __slots__ = ("_buffer",)

    def __init__(self) -> None:
        self._buffer = b""

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        buffer = self._buffer + chunk
        if b"\r" in buffer:
            buffer = buffer.replace(b"\r\n", b"\n")
        events = []
        start = 0
        while True:
            end = buffer.find(b"\n\n", start)
            if end < 0:
                break
            frame = buffer[start:end]
            start = end + 2
            event = _parse(frame)
            if event is not None:
                events.append(event)
        self._buffer = buffer[start:]
        return events

    def flush(self) -> list[SSEEvent]:
        """The last event of a stream that ended without a blank line."""
        frame, self._buffer = self._buffer.strip(b"\n"), b""
        event = _parse(frame) if frame else None
        return [event] if event is not None else []


def _parse(frame: bytes) -> SSEEvent | None:
    name: str | None = None
    data: list[bytes] = []
    for line in frame.split(b"\n"):
        if line.startswith(b"data:"):
            data.append(line[5:].lstrip(b" ") if len(line) > 5 else b"")
        elif line.startswith(b"event:"):
            name = line[6:].strip().decode()
    if not data and name is None:
        return None  # comments and keep-alives
    return SSEEvent(name, b"\n".join(data), frame + b"\n\n")


def sse_frame(data: object, event: str | None = None) -> bytes:
    """One SSE frame carrying ``data`` as JSON."""
    head = f"event: {event}\n".encode() if event else b""
    return head + b"data: " + orjson.dumps(data) + b"\n\n"
