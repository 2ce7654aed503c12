"""Protocols that plugin objects implement.

Hooks run once at startup and hand back objects satisfying these protocols; the request
path then calls the objects' methods directly, never pluggy. Everything a per-request method
may wait on is ``async``; pure transformations are plain functions.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar, runtime_checkable

from .types import Body, Candidate, Connection, UpstreamRequest, Usage

if TYPE_CHECKING:
    from .errors import GatewayError

T = TypeVar("T")

_NO_HEADERS: Mapping[str, str] = {}


@dataclass(frozen=True, slots=True)
class Surface:
    """An inbound HTTP route a wire format serves; core mounts one generic handler per surface.

    ``path`` may contain Starlette path parameters (``/v1beta/models/{model}``).
    """

    path: str
    methods: tuple[str, ...] = ("POST",)
    provider_scoped: bool = False
    kind: Literal["generate", "count_tokens", "list_models"] = "generate"
    """``count_tokens`` surfaces answer with a token count, ``list_models`` surfaces (GET)
    with the routable models in the format's own listing shape."""


@runtime_checkable
class WireFormat(Protocol):
    """A wire format (``openai``, ``claude``, ``gemini`` …) and the client surfaces it serves."""

    name: str

    @property
    def surfaces(self) -> Sequence[Surface]:
        """The inbound routes this format serves."""

    def detect(self, body: Body) -> bool:
        """True when ``body`` looks like a request in this format."""

    def read_model(self, body: Body, path_params: Mapping[str, str]) -> str | None:
        """The model the client asked for, or None when the request names none."""

    def read_stream(self, body: Body, query: Mapping[str, str], path: str) -> bool:
        """Whether the client asked for a streamed answer."""

    def wants_stream_usage(self, body: Body) -> bool:
        """Whether a streaming client asked for the usage event (OpenAI ``include_usage``)."""

    def read_api_key(self, headers: Mapping[str, str], query: Mapping[str, str]) -> str | None:
        """The gateway API key as this format's SDKs send it."""

    def validate(self, body: Body) -> str | None:
        """What is wrong with a request body, checking only what the gateway relies on."""

    def set_model(self, body: Body, model: str) -> Body:
        """``body`` with its model replaced by the upstream model name."""

    def error_body(self, error: GatewayError) -> Body:
        """The error in the shape this format's SDKs parse."""

    def stream_error_event(self, error: GatewayError) -> bytes:
        """An SSE frame that ends a stream in this format with ``error``."""

    def read_usage(self, body: Body) -> Usage | None:
        """Token usage from a complete (non-stream) response body in this format."""

    def read_stream_usage(self, data: Body) -> Usage | None:
        """Usage carried by one parsed stream event in this format, if any (partial usage
        is merged: the larger count wins)."""

    def is_usage_only(self, data: Body) -> bool:
        """True for a stream event that only carries usage the gateway asked for itself
        (OpenAI's trailing usage chunk), so clients that did not ask never see it."""


@runtime_checkable
class TokenCountingFormat(WireFormat, Protocol):
    """A format with a ``count_tokens`` surface (Anthropic's ``/v1/messages/count_tokens``)."""

    def token_count_body(self, tokens: int, source: str) -> Body:
        """The answer of a ``count_tokens`` surface; ``source`` is ``provider`` when the
        upstream counted, ``estimate`` when the gateway did."""

    def read_token_count(self, body: Body) -> int | None:
        """The count in an upstream's ``count_tokens`` answer in this format."""


@runtime_checkable
class AccumulatingFormat(WireFormat, Protocol):
    """A format that can fold a whole stream into the complete answer (for stream-only
    upstreams serving non-stream clients)."""

    def accumulate(self, events: Sequence[Body | None]) -> Body:
        """The complete answer of a stream's parsed events (None for ``[DONE]``)."""


@runtime_checkable
class ModelListingFormat(WireFormat, Protocol):
    """A format with its own model listing (Gemini's ``GET /v1beta/models``)."""

    def model_list_body(self, models: Sequence[str]) -> Body:
        """The listing of ``models`` (``prefix/model`` ids, combos, aliases)."""


@runtime_checkable
class ReframingFormat(WireFormat, Protocol):
    """A format whose streams are not always SSE (Gemini without ``alt=sse`` streams one
    JSON array)."""

    def reframe_stream(
        self, frames: AsyncIterator[bytes], query: Mapping[str, str]
    ) -> tuple[str, AsyncIterator[bytes]]:
        """The media type and body for a client that asked with ``query``, from SSE frames."""


class StreamTranslator(Protocol):
    """Per-request state machine turning one format's SSE events into another's.

    ``feed`` receives one parsed ``data:`` payload (``None`` for the ``[DONE]`` sentinel) with
    its event name and returns zero or more complete SSE frames to send to the client.
    """

    def feed(self, event: str | None, data: Body | None) -> list[bytes]: ...

    def finish(self) -> list[bytes]: ...


class Translator(Protocol):
    """Translates between a client format (``source``) and an upstream format (``target``).

    ``request`` turns a ``source`` request into a ``target`` request; ``response`` and
    ``stream`` go back, turning the ``target`` answer into what a ``source`` client expects.
    """

    source: str
    target: str

    def request(self, body: Body, model: str) -> Body: ...

    def response(self, body: Body, model: str) -> Body: ...

    def stream(self, model: str, include_usage: bool) -> StreamTranslator:
        """A fresh state machine for one stream. ``include_usage``: whether the client side
        wants the usage event where its format makes it optional (OpenAI's
        ``stream_options.include_usage``); formats that always report usage ignore it."""


class Executor(Protocol):
    """How to talk to an endpoint family: build the upstream request and read its answers."""

    name: str

    def build_request(
        self,
        candidate: Candidate,
        body: Body,
        stream: bool,
        timeout: float,
        client_headers: Mapping[str, str] = _NO_HEADERS,
    ) -> UpstreamRequest:
        """The upstream request for ``body`` (already in the provider's format).

        ``client_headers`` are the inbound request's headers (lower-case), for executors that
        forward a few of them (``anthropic-beta``); never forward credentials.
        """


@runtime_checkable
class AdaptingExecutor(Executor, Protocol):
    """An executor whose upstream wraps the format (Cloud Code's ``{"response": …}``
    envelope): answers and stream events are unwrapped before anything else reads them."""

    def adapt_response(self, body: Body) -> Body: ...

    def adapt_event(self, data: Body) -> Body: ...


@runtime_checkable
class StreamOnlyExecutor(Executor, Protocol):
    """An executor whose upstream only streams (Codex's ChatGPT backend): it always asks for
    a stream, and for clients that did not, the gateway folds the events into one answer
    with the upstream format's ``AccumulatingFormat.accumulate``."""

    stream_only: Literal[True]


@runtime_checkable
class TokenCountingExecutor(Executor, Protocol):
    """An executor whose upstream counts tokens (Anthropic's ``count_tokens``)."""

    def build_count_tokens_request(
        self, candidate: Candidate, body: Body, timeout: float
    ) -> UpstreamRequest:
        """The upstream request counting the input tokens of ``body``."""


class AuthStrategy(Protocol):
    """Turns a connection's credential into request headers (or query parameters)."""

    name: str

    async def apply(self, request: UpstreamRequest, candidate: Candidate) -> None:
        """Add credentials to ``request`` in place."""


@runtime_checkable
class RefreshingAuthStrategy(AuthStrategy, Protocol):
    """An auth strategy whose credential expires (OAuth access tokens).

    The engine asks ``needs_refresh`` before each use and refreshes once more after an
    upstream 401; it stores the connection ``refresh`` returns (encrypted) and uses it from
    then on, so strategies stay stateless.
    """

    def needs_refresh(self, connection: Connection) -> bool:
        """True when the access token is missing or about to expire."""

    async def refresh(self, connection: Connection, http: HttpSender) -> Connection:
        """The connection with fresh credentials (``secret`` and ``extra``); raises
        ``omniroute.UpstreamError`` when the token endpoint refuses."""


class HttpSender(Protocol):
    """The part of the gateway's upstream client a plugin may use (token refresh)."""

    async def send(self, request: UpstreamRequest) -> Any: ...


class RoutingStrategy(Protocol):
    """Orders candidates (combo steps or provider accounts) for one attempt loop.

    ``key`` identifies the group being ordered (a combo name, a provider id) so stateful
    strategies can keep a cursor per group.
    """

    name: str

    async def order(self, items: Sequence[T], key: str) -> list[T]: ...


@runtime_checkable
class StickyStrategy(RoutingStrategy, Protocol):
    """A strategy that serves one item several requests in a row before moving on
    (``round-robin``). ``sticky_limit`` is its default run length; ``order`` also takes a
    per-group one (a combo's ``stickyRoundRobinLimit``)."""

    sticky_limit: int

    async def order(
        self, items: Sequence[T], key: str, *, sticky_limit: int | None = None
    ) -> list[T]: ...


@runtime_checkable
class RecordingStrategy(RoutingStrategy, Protocol):
    """A strategy that learns from outcomes (``p2c``): told about every attempt on an item
    it ordered, with the group ``key``, the item's ``route_id``, latency and success."""

    async def record(self, key: str, item_id: str, latency_ms: float, ok: bool) -> None: ...


@dataclass(frozen=True, slots=True)
class PluginInfo:
    """What ``omniroute plugins`` and ``GET /api/plugins`` report for one plugin."""

    name: str
    distribution: str | None
    version: str | None
    hooks: tuple[str, ...] = ()
    registered: dict[str, list[str]] = field(default_factory=dict)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "distribution": self.distribution,
            "version": self.version,
            "hooks": list(self.hooks),
            "registered": self.registered,
            "error": self.error,
        }
