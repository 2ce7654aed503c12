"""What the engine hands back to a surface handler."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field


@dataclass(slots=True)
class JsonAnswer:
    """A complete answer, already serialised in the client's format."""

    body: bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class StreamAnswer:
    """SSE frames in the client's format; the first upstream event already arrived."""

    frames: AsyncIterator[bytes]
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
