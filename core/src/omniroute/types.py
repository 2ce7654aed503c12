"""Canonical shapes that travel through the request path.

Bodies stay plain dicts (parsed once with orjson): the gateway reads and rewrites only the
fields it needs, so wrapping whole bodies in models would cost time and drop unknown fields.
The small records below are what the core itself creates and passes between stages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

Body = dict[str, Any]
"""A parsed JSON request or response body in some wire format."""

AuthKind = Literal["api-key", "oauth", "none"]


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """One model of a provider's catalogue.

    ``format`` overrides the provider's default wire format for this model (OpenCode mixes
    protocols per model family); prices are USD per million tokens.
    """

    id: str
    context_length: int | None = None
    format: str | None = None
    input_price: float | None = None
    output_price: float | None = None


@dataclass(frozen=True, slots=True)
class ProviderManifest:
    """What a provider plugin declares: how to reach it and which names refer to it.

    ``aliases`` are the public model prefixes (``cc/claude-sonnet-4``); the id itself is always
    accepted too. ``executor``, ``auth`` and ``format`` name objects registered by any plugin;
    the registry checks at startup that those names exist. A manifest with ``custom_node``
    set is a template: users create connections with their own prefix and base URL.
    """

    id: str
    executor: str
    auth: str
    format: str
    base_url: str = ""
    aliases: tuple[str, ...] = ()
    models: tuple[ModelInfo, ...] = ()
    auth_kind: AuthKind = "api-key"
    custom_node: bool = False
    passthrough_models: bool = True
    display_name: str = ""

    def model_format(self, model: str) -> str:
        """The wire format the upstream speaks for ``model``."""
        for info in self.models:
            if info.id == model and info.format:
                return info.format
        return self.format


@dataclass(frozen=True, slots=True)
class AccountLimits:
    """Limits one account must respect, set per connection (unset fields fall back to the
    gateway's ``OMNIROUTE_ACCOUNT_*`` defaults).

    A request over a limit waits in the account's queue at most ``queue_timeout_ms``, then
    moves on to the next account: the upstream is never sent more than it allows.
    """

    rpm: int | None = None
    """Requests started per rolling minute."""
    min_interval_ms: int | None = None
    """Least time between two request starts."""
    max_concurrent: int | None = None
    """Requests in flight at once (a stream counts until it ends)."""
    queue_timeout_ms: int | None = None
    """Longest wait for a free slot before the next account is tried."""

    def or_defaults(self, defaults: AccountLimits) -> AccountLimits:
        """These limits with each unset field taken from ``defaults``."""
        return AccountLimits(
            self.rpm if self.rpm is not None else defaults.rpm,
            self.min_interval_ms if self.min_interval_ms is not None else defaults.min_interval_ms,
            self.max_concurrent if self.max_concurrent is not None else defaults.max_concurrent,
            self.queue_timeout_ms
            if self.queue_timeout_ms is not None
            else defaults.queue_timeout_ms,
        )

    @property
    def limited(self) -> bool:
        return bool(self.rpm or self.min_interval_ms or self.max_concurrent)


@dataclass(frozen=True, slots=True)
class Connection:
    """One account (credential) of a provider, as read from the configuration snapshot.

    ``prefix`` is set for custom nodes (``openai-compatible``), whose public prefix is chosen
    by the user; ``secret`` is the decrypted API key or access token.
    """

    id: str
    provider: str
    name: str
    secret: str | None = None
    base_url: str | None = None
    priority: int = 100
    enabled: bool = True
    prefix: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    limits: AccountLimits = AccountLimits()

    @property
    def route_id(self) -> str:
        """Identity for routing strategies that remember accounts."""
        return self.id


@dataclass(slots=True)
class Usage:
    """Token counts of one answer; ``estimated`` when the upstream did not report them."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0
    estimated: bool = False

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @classmethod
    def from_openai(cls, usage: Any) -> Usage | None:
        """``Usage`` of an OpenAI ``usage`` object (the hub format), or None without one.

        Cache reads come from ``prompt_tokens_details.cached_tokens`` (DeepSeek:
        ``prompt_cache_hit_tokens``) and are part of ``prompt_tokens``; cache writes from
        ``prompt_tokens_details.cache_creation_tokens``, the gateway's own extension.
        """
        if not isinstance(usage, dict):
            return None
        prompt = usage.get("prompt_tokens_details")
        prompt = prompt if isinstance(prompt, dict) else {}
        completion = usage.get("completion_tokens_details")
        completion = completion if isinstance(completion, dict) else {}
        return cls(
            prompt_tokens=_count(usage.get("prompt_tokens")),
            completion_tokens=_count(usage.get("completion_tokens")),
            cache_read_tokens=_count(
                prompt.get("cached_tokens") or usage.get("prompt_cache_hit_tokens")
            ),
            cache_write_tokens=_count(prompt.get("cache_creation_tokens")),
            reasoning_tokens=_count(completion.get("reasoning_tokens")),
        )

    def merge(self, later: Usage) -> Usage:
        """Combine usage reported in parts (Claude streams: input at the start, output at the
        end); each count is cumulative where repeated, so the larger value wins."""
        return Usage(
            prompt_tokens=max(self.prompt_tokens, later.prompt_tokens),
            completion_tokens=max(self.completion_tokens, later.completion_tokens),
            cache_read_tokens=max(self.cache_read_tokens, later.cache_read_tokens),
            cache_write_tokens=max(self.cache_write_tokens, later.cache_write_tokens),
            reasoning_tokens=max(self.reasoning_tokens, later.reasoning_tokens),
            estimated=self.estimated and later.estimated,
        )


def _count(value: Any) -> int:
    return value if isinstance(value, int) and value > 0 else 0


@dataclass(frozen=True, slots=True)
class Target:
    """One step of a resolved plan: a provider, its name for the model, the format it speaks."""

    provider: ProviderManifest
    model: str
    format: str
    public_prefix: str
    connection_ids: tuple[str, ...] = ()
    route_id: str = ""
    """The combo step this target came from (``combo#index``), for combo strategies."""
    weight: int = 1

    @property
    def cost(self) -> float | None:
        """USD per million tokens (input + output) from the catalogue, for cost ordering."""
        for info in self.provider.models:
            if info.id == self.model and info.input_price is not None:
                return info.input_price + (info.output_price or 0.0)
        return None


@dataclass(frozen=True, slots=True)
class Candidate:
    """A target bound to one connection: the unit an executor sends to."""

    target: Target
    connection: Connection

    @property
    def base_url(self) -> str:
        return (self.connection.base_url or self.target.provider.base_url).rstrip("/")


@dataclass(slots=True)
class UpstreamRequest:
    """What an executor builds and an auth strategy decorates before ``upstream.py`` sends it."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes
    stream: bool
    timeout: float

    @classmethod
    def post_json(
        cls,
        url: str,
        body: Body,
        *,
        stream: bool,
        timeout: float,
        headers: Mapping[str, str] | None = None,
    ) -> UpstreamRequest:
        """A JSON POST expecting JSON, or SSE when ``stream``: what every LLM API takes.
        ``headers`` are added (never credentials: the auth strategy adds those)."""
        return cls(
            method="POST",
            url=url,
            headers={
                "Content-Type": "application/json",
                "Accept": "text/event-stream" if stream else "application/json",
                **(headers or {}),
            },
            body=orjson.dumps(body),
            stream=stream,
            timeout=timeout,
        )


@dataclass(frozen=True, slots=True)
class SessionPin:
    """Where a client session was last served: tried first by its next request."""

    provider: str
    model: str
    connection_id: str

    def matches(self, target: Target) -> bool:
        return target.provider.id == self.provider and target.model == self.model


@dataclass(slots=True)
class Call:
    """One client request after the surface has read it.

    ``body`` is in the client's wire format; ``model`` is the model string the client asked
    for, before resolution.
    """

    request_id: str
    client_format: str
    body: Body
    headers: dict[str, str]
    model: str
    stream: bool
    api_key_id: str | None = None
    session_id: str | None = None
    started: float = 0.0
    include_usage: bool = False
    # Filled in while the request runs; the usage record is built from them.
    provider: str | None = None
    upstream_model: str | None = None
    connection_id: str | None = None
    usage: Usage | None = None
    status: int = 0
    fallback_attempts: int = 0
    attempts: list[str] = field(default_factory=list)
    """One line per failed attempt, for the diagnostics of an exhausted chain."""
    pin: SessionPin | None = None
    """The session's sticky target and account, if any."""
    error: str | None = None


@dataclass(frozen=True, slots=True)
class ComboStep:
    """One step of a combo: a model string (``prefix/model``, an alias or another combo)."""

    model: str
    weight: int = 1
    connection_id: str | None = None


@dataclass(frozen=True, slots=True)
class ComboConfig:
    """How a combo tries each of its targets (names as in the API: ``maxRetries`` …)."""

    max_retries: int = 0
    """Extra attempts on the same account after a transient failure (5xx, timeout,
    connection error) before moving on; 0 falls over at once."""
    retry_delay_ms: int = 1000
    """Pause before each of those retries."""
    timeout_ms: int | None = None
    """Per-target deadline: a target that has not answered (or, streaming, sent its first
    event) by then counts as timed out and the next one is tried."""
    sticky_round_robin_limit: int | None = None
    """Requests a ``round-robin`` combo sends to one step before rotating (default 3)."""


@dataclass(frozen=True, slots=True)
class Combo:
    """A named, ordered set of models tried as one; ``strategy`` orders the steps."""

    name: str
    steps: tuple[ComboStep, ...]
    strategy: str = "fill-first"
    config: ComboConfig = ComboConfig()


@dataclass(frozen=True, slots=True)
class ApiKeyInfo:
    """A gateway API key as the hot path sees it: looked up by keyed hash, never by value."""

    id: str
    name: str
    enabled: bool = True


@dataclass(frozen=True)
class ConfigSnapshot:
    """The configuration the hot path reads, rebuilt whenever the stored configuration changes.

    ``connections`` maps a provider id to its enabled connections, best priority first;
    ``custom_prefixes`` maps a custom node's user-chosen prefix to its connection.
    """

    connections: dict[str, tuple[Connection, ...]] = field(default_factory=dict)
    custom_prefixes: dict[str, Connection] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    combos: dict[str, Combo] = field(default_factory=dict)
    fallbacks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Per-model fallback chains: a requested model -> the models tried, in order, when
    every target of the model itself failed."""
    api_keys: dict[str, ApiKeyInfo] = field(default_factory=dict)
    """Keyed by the keyed hash of the key (``omniroute.security.keys.hash_key``)."""


@dataclass(slots=True)
class UsageRecord:
    """One row of usage: every request produces exactly one, success or failure."""

    request_id: str
    timestamp: float
    client_format: str
    requested_model: str
    provider: str | None
    model: str | None
    connection_id: str | None
    api_key_id: str | None
    status: int
    latency_ms: float
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0
    estimated: bool = False
    stream: bool = False
    fallback_attempts: int = 0
    error: str | None = None
