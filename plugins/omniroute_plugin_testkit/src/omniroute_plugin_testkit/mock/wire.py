"""The contract between the generic mock server and one wire format's module.

The server owns everything that is the same for every upstream API (sockets, recording,
credential checks, fault injection, writing JSON or SSE with delays and cuts); a format module
(``openai.py``, ``anthropic.py``, ``gemini.py``) only turns a parsed request into an
``Answer`` and renders errors the way that API's SDKs parse them. So a new format is one
small module of pure functions, and every fault works for it at once.

Optional capabilities let suites (the provider contract) ask a format about behaviour
that differs between APIs without knowing which API it is: how it rejects a credential
(``RejectsCredentials``), whether its tool calls carry ids (``ToolCallIds``) and whether it
only streams (``RequiresStream``). A format that decides itself who gets in (free models,
account headers) implements ``Admits``; a route may name the format whose rules it follows
(``Route.format``), so one host can serve several formats by path.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request as a format handler sees it: parsed once by the server.

    Header names are lower-case. ``body`` is the parsed JSON, or None when ``valid_json`` is
    false (empty or unparsable body); ``raw`` is the body as sent (form-encoded token
    requests); ``models`` is the catalogue the mock was configured with.
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
    raw: bytes = b""


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
    """One endpoint a format serves; ``path`` may hold aiohttp path parameters.

    ``format``, when set, is the format whose credential, error and garbage rules apply to
    this route instead of the format listing it: how one mock host serves several wire
    formats side by side (OpenCode Zen: chat completions, Messages and Responses by path).
    """

    method: str
    path: str
    handler: Handler
    format: MockFormat | None = None


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


def sse_event(name: str, payload: Mapping[str, Any]) -> bytes:
    """A named SSE frame whose data repeats the name as ``type``: how the Anthropic Messages
    and OpenAI Responses APIs frame their events."""
    data = json.dumps({"type": name, **payload}, separators=(",", ":"))
    return f"event: {name}\ndata: {data}\n\n".encode()


@runtime_checkable
class RejectsCredentials(Protocol):
    """A format whose API answers a rejected credential with something other than a plain
    401: Gemini's AI Studio says 400 ``API_KEY_INVALID``, which a gateway must still treat as
    *its* credential failing (fail over to another key, never blame the client)."""

    def credential_error(self, message: str) -> tuple[int, Any]:
        """The status and body this API sends for a credential it does not accept."""


@runtime_checkable
class ToolCallIds(Protocol):
    """A format whose tool calls carry ids only for some models (Gemini: ids arrived with
    Gemini 3), so a suite knows whether "the upstream gets its own call id back" applies."""

    def issues_call_ids(self, model: str) -> bool:
        """True when answers for ``model`` give each tool call an id to be echoed back."""


@runtime_checkable
class Admits(Protocol):
    """A format whose API decides itself which requests get past authentication, instead of
    the server's rule (the ``api_keys`` of the mock when set, anything otherwise): OpenCode
    Zen serves its free models to anyone and answers "Missing API key" when the credential
    is not in the header its path reads; the Codex backend wants a ChatGPT account header
    next to the token."""

    def admit(self, exchange: Exchange, api_keys: frozenset[str] | None) -> MockError | None:
        """None to serve the request, else the error the API answers (401, 403 …).

        ``api_keys`` is the mock's set of accepted credentials, None when it takes any.
        """


@runtime_checkable
class RequiresStream(Protocol):
    """A format whose API only answers streams (the Codex backend says 400 "Stream must be
    set to true"), so a suite expects the upstream request to stream whatever the client
    asked, and the gateway to gather the stream for a client that wanted JSON."""

    def requires_stream(self, model: str) -> bool:
        """True when requests for ``model`` must set ``stream``."""
