"""The contract between the generic mock server and one wire format's module.

The server owns everything that is the same for every upstream API (sockets, recording,
credential checks, fault injection, writing JSON or SSE with delays and cuts); a format module
(``openai.py``, ``anthropic.py``; later Gemini, OpenAI Responses as siblings) only turns a
parsed request into an ``Answer`` and renders errors the way that API's SDKs parse them. So a
new format is one small module of pure functions, and every fault works for it at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request as a format handler sees it: parsed once by the server.

    Header names are lower-case. ``body`` is the parsed JSON, or None when ``valid_json`` is
    false (empty or unparsable body); ``models`` is the catalogue the mock was configured with.
    """

    method: str
    path: str
    path_params: Mapping[str, str]
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: Any
    valid_json: bool
    key: str | None
    models: Sequence[str]


@dataclass(frozen=True, slots=True)
class JsonAnswer:
    """A complete JSON response."""

    body: Any
    status: int = 200


@dataclass(frozen=True, slots=True)
class StreamAnswer:
    """A server-sent-event stream: each item is one complete SSE frame, terminator included."""

    events: Sequence[bytes]


Answer = JsonAnswer | StreamAnswer


class MockError(Exception):
    """A request the real API would reject; the server renders it with the format's shape."""

    def __init__(
        self, status: int, message: str, *, code: str | None = None, param: str | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.param = param


Handler = Callable[[Exchange], Answer]


@dataclass(frozen=True, slots=True)
class Route:
    """One endpoint a format serves; ``path`` may hold aiohttp path parameters."""

    method: str
    path: str
    handler: Handler


class MockFormat(Protocol):
    """What a wire format module provides to the generic server.

    ``name`` is the OmniRoute wire format it speaks (``openai``), so the contract suite can
    find the mock for a provider's format; ``base_path`` is what a connection's ``base_url``
    adds to the server URL (``/v1``).
    """

    name: str
    base_path: str
    garbage_event: bytes
    """An SSE frame that is not a valid event of this format (the ``garbage`` fault)."""

    @property
    def routes(self) -> Sequence[Route]: ...

    def read_key(self, headers: Mapping[str, str], query: Mapping[str, str]) -> str | None:
        """The credential as this API expects it (``authorization: Bearer``, ``x-api-key`` …).

        ``headers`` have lower-case names.
        """

    def read_model(self, exchange: Exchange) -> str | None:
        """The model a request asks for, so faults can target one model."""

    def error_body(
        self, status: int, message: str, *, code: str | None = None, param: str | None = None
    ) -> Any:
        """An error in the shape this API's SDKs parse."""


def bearer_token(headers: Mapping[str, str]) -> str | None:
    """The token of an ``Authorization: Bearer …`` header (lower-case names), or None."""
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def body_model(exchange: Exchange) -> str | None:
    """The ``model`` field of a JSON body: where the APIs that name it in the body put it."""
    body = exchange.body
    model = body.get("model") if isinstance(body, dict) else None
    return model if isinstance(model, str) else None
