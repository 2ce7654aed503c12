"""OpenCode Zen and OpenCode Go as opencode.ai serves them: three wire formats on one host.

OpenCode mixes protocols by model family behind one base URL (``https://opencode.ai/zen/v1``,
Go: ``…/zen/go/v1``): ``{base}/chat/completions`` speaks OpenAI Chat Completions,
``{base}/messages`` Anthropic Messages and ``{base}/responses`` the OpenAI Responses API, and
each path reads the credential where its API does. That split is what a gateway gets wrong,
so the mock keeps it exactly: a Messages call needs ``x-api-key`` (one carrying only
``Authorization: Bearer`` gets 401 "Missing API key", as the real service answered), every
other path needs ``Authorization: Bearer``. Free models (``…-free``, ``big-pickle`` by default)
are served without a credential, or with the ``public`` key OpenCode's own client sends when
it has none. Every path is the testkit's mock of its API, as strict as ever (the Messages path
still wants ``anthropic-version``), mounted under the base path; errors and faults come in the
shape of the path's API. The ``x-opencode-session|request|project|client`` headers a client
sends are in each ``RecordedRequest.headers``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, Literal

from .anthropic import AnthropicMessages
from .openai import OpenAIChat
from .responses import OpenAIResponses
from .wire import Answer, Exchange, Handler, MockError, MockFormat, Route, bearer_token

ZEN_BASE_PATH = "/zen/v1"
GO_BASE_PATH = "/zen/go/v1"
ANONYMOUS_KEY = "public"
"""The API key OpenCode's client sends when the user has none (free models only)."""
FREE_MODELS = frozenset({"big-pickle"})
"""Free models whose id does not say so (the others end in ``-free``)."""
MISSING_KEY = "Missing API key"

Header = Literal["x-api-key", "bearer"]


def is_free_model(model: str) -> bool:
    """OpenCode Zen's free models: ids ending in ``-free``, and ``FREE_MODELS``."""
    return model.endswith("-free") or model in FREE_MODELS


class OpenCode:
    """One OpenCode host: chat completions, Messages and Responses under ``base_path``.

    ``base_path``: ``ZEN_BASE_PATH`` (default) or ``GO_BASE_PATH``. ``free_models``: which
    models need no credential, as a predicate or a collection of ids. ``anonymous_key``: the
    key that counts as none (OpenCode's ``public``; None: every key is a credential).
    ``api_keys`` of the ``MockUpstream`` are the accepted keys, for every path.
    ``GET {base}/models`` lists the upstream's models to anyone.
    """

    name = OpenAIChat.name
    garbage_event = OpenAIChat.garbage_event

    def __init__(
        self,
        *,
        base_path: str = ZEN_BASE_PATH,
        free_models: Callable[[str], bool] | Collection[str] = is_free_model,
        anonymous_key: str | None = ANONYMOUS_KEY,
    ) -> None:
        self.base_path = base_path
        free = free_models if callable(free_models) else frozenset(free_models).__contains__
        self.chat = OpenCodePath(OpenAIChat(), base_path, "bearer", free, anonymous_key)
        self.messages = OpenCodePath(
            AnthropicMessages(auth="x-api-key"), base_path, "x-api-key", free, anonymous_key
        )
        self.responses = OpenCodePath(OpenAIResponses(), base_path, "bearer", free, anonymous_key)

    @property
    def routes(self) -> Sequence[Route]:
        return tuple(
            dataclasses.replace(route, format=path)
            for path in (self.chat, self.messages, self.responses)
            for route in path.routes
        )

    # Only requests no path serves (a 404) are answered as the host itself: OpenAI-style.

    def read_key(self, headers: Mapping[str, str], query: Mapping[str, str]) -> str | None:
        return self.chat.read_key(headers, query)

    def read_model(self, exchange: Exchange) -> str | None:
        return self.chat.read_model(exchange)

    def error_body(
        self, status: int, message: str, *, code: str | None = None, param: str | None = None
    ) -> Any:
        return self.chat.error_body(status, message, code=code, param=param)


class OpenCodePath:
    """One API of an OpenCode host: ``inner``'s routes moved from its base path to
    ``base_path``, with OpenCode's credential rule (``header`` is where the key must be)."""

    def __init__(
        self,
        inner: MockFormat,
        base_path: str,
        header: Header,
        free: Callable[[str], bool],
        anonymous_key: str | None,
    ) -> None:
        self.inner = inner
        self.name = inner.name
        self.base_path = base_path
        self.garbage_event = inner.garbage_event
        self.header: Header = header
        self.free = free
        self.anonymous_key = anonymous_key

    @property
    def routes(self) -> Sequence[Route]:
        return tuple(
            Route(
                route.method,
                self.base_path + route.path.removeprefix(self.inner.base_path),
                _anonymous_allowed(route.handler),
            )
            for route in self.inner.routes
        )

    def read_key(self, headers: Mapping[str, str], query: Mapping[str, str]) -> str | None:
        if self.header == "x-api-key":
            key = headers.get("x-api-key", "").strip() or None
        else:
            key = bearer_token(headers)
        return None if key == self.anonymous_key else key

    def read_model(self, exchange: Exchange) -> str | None:
        return self.inner.read_model(exchange)

    def error_body(
        self, status: int, message: str, *, code: str | None = None, param: str | None = None
    ) -> Any:
        return self.inner.error_body(status, message, code=code, param=param)

    def admit(self, exchange: Exchange, api_keys: frozenset[str] | None) -> MockError | None:
        """No key: served for free models (and the public model list), else 401 "Missing API
        key", whatever other header carries one; a key: one of ``api_keys`` when set."""
        if exchange.key is None:
            model = self.read_model(exchange)
            if exchange.method == "GET" or (model is not None and self.free(model)):
                return None
            return MockError(401, MISSING_KEY)
        if api_keys is not None and exchange.key not in api_keys:
            return MockError(401, "Invalid API key.")
        return None


_ANONYMOUS = "<anonymous>"
"""What a keyless request admitted by OpenCode's rule carries to the inner API's handler."""


def _anonymous_allowed(handler: Handler) -> Handler:
    """``handler`` for requests OpenCode admitted without a key: the inner API (Anthropic's
    Messages) would refuse a missing credential itself, which OpenCode's free models skip."""

    def serve(exchange: Exchange) -> Answer:
        if exchange.key is None:
            exchange = dataclasses.replace(exchange, key=_ANONYMOUS)
        return handler(exchange)

    return serve
