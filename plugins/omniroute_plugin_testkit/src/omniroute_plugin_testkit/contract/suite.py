"""The provider contract: what every registered provider must do, checked the same way for all.

A provider is a manifest plus objects other plugins may own (executor, auth strategy,
translators), so its bugs hide in how they combine. The suite drives each provider through
those very objects and through the real gateway app against a mock upstream:

* the upstream request: URL under the connection's base URL, credential present (or absent
  for keyless providers), timeout and stream flag honoured (always a stream for executors
  whose upstream only streams, such as Codex's), and accepted by a mock of the provider's wire
  format;
* translation: an OpenAI request and answer survive the trip to the provider's format and
  back (identity providers must leave the body untouched but for the model);
* through the gateway: a streamed answer arrives as well-formed OpenAI SSE ending in
  ``[DONE]`` with usage, a JSON answer carries the upstream's words and usage, a streamed
  tool call arrives whole and its result is accepted on the next turn (the Claude and Gemini
  mocks reject a result that does not answer the call, Gemini 3 a call replayed without its
  thought signature), and upstream errors reach the client with the right status,
  ``Retry-After`` and an OpenAI error body (a credential the upstream rejects is a gateway
  error, however the API says it: Gemini's AI Studio answers 400 ``API_KEY_INVALID``).

Token counts are checked net of reasoning: thinking models (Gemini 2.5 Pro, Gemini 3)
report thought tokens, which belong in ``completion_tokens`` and its
``completion_tokens_details.reasoning_tokens``.

A provider whose models speak different wire formats (OpenCode: ``openai``, ``claude``,
``openai-responses`` per model in its manifest) is checked once per format, with the first
model of each (test ids ``provider/model``); a provider of one format keeps the id
``provider``.

Checks needing a live upstream skip providers whose wire format has no mock yet. Where a
format lets providers put the credential in different headers (Claude: ``x-api-key`` or
``Authorization: Bearer``), the suite's mock accepts each and checks the key arrived; a
plugin pins the header its provider must use with ``provider_mocks``, or describes the whole
upstream (the API dialect and the account: OAuth tokens, service accounts, projects) with a
``ContractUpstream`` in ``provider_upstreams`` or in an entry point (see ``upstreams.py``).
Run it by subclassing (the class name must start with ``Test``)::

    from omniroute_plugin_testkit.contract import Account, ContractUpstream, ProviderContract
    from omniroute_plugin_testkit.mock import AnthropicMessages, GeminiCodeAssist

    class TestMyProviders(ProviderContract):
        providers = ("my-provider", "my-cli")   # default: every registered provider
        extra_plugins = (("mine", my_hooks),)  # plugins not installed as distributions
        provider_mocks = {"my-provider": lambda: AnthropicMessages(auth="bearer")}
        provider_upstreams = {
            "my-cli": ContractUpstream(
                lambda: GeminiCodeAssist(projects=["p-1"]),
                account=lambda subject, make: Account("ya29.token", {"project": "p-1"}),
            )
        }
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

import httpx
import pytest

from omniroute import (
    AuthStrategy,
    Body,
    Candidate,
    RefreshingAuthStrategy,
    Settings,
    Translator,
    UpstreamRequest,
)
from omniroute.plugins import build_registry
from omniroute.registry import Registry
from omniroute.upstream import HttpxClient

from ..gateway import GatewayApp
from ..mock import (
    FORMATS,
    AnthropicMessages,
    Fault,
    MockFormat,
    MockUpstream,
    RejectsCredentials,
    RequiresStream,
    ToolCallIds,
)
from ..sse import parse_sse
from .bodies import (
    PROMPT,
    answer_tokens,
    chat_request,
    chat_response,
    request_essentials,
    response_essentials,
    streamed_tool_calls,
    tool_conversation,
)
from .subject import Subject, contract_models
from .upstreams import HOST_MOCKS, ContractUpstream, MakeUpstream, host_mock, installed_upstreams

CLIENT_FORMAT = "openai"
"""The contract speaks to the gateway as an OpenAI client, the one surface core guarantees."""
REQUEST_TIMEOUT = 12.5
CREDENTIAL_HEADERS = frozenset({"authorization", "x-api-key", "x-goog-api-key", "api-key"})
CREDENTIAL_RULE = (
    "the connection's credential must reach the upstream (keyless: no credential header)"
)
UNREACHABLE_BASE_URL = "http://127.0.0.1:9/v1"
"""Base URL for providers without a mock: checks that build requests never send them."""
TOOL_RESULT = "contract result: 42"
CONTRACT_MOCKS: Mapping[str, Callable[[], MockFormat]] = {
    **FORMATS,
    AnthropicMessages.name: functools.partial(AnthropicMessages, auth="either"),
}
"""The mock per wire format. Claude-format providers differ in where the key goes
(``x-api-key`` for Anthropic, Bearer for MiniMax and OAuth tokens), which the manifest does
not say, so the generic mock takes either and leaves the exact header to the plugin; the
Gemini mock is AI Studio's API taking the key in ``x-goog-api-key`` or ``?key=``."""

_registries: dict[type, Registry] = {}


class ProviderContract:
    """The suite; subclass it under a ``Test…`` name to collect it. See the module docs."""

    providers: ClassVar[Sequence[str] | None] = None
    """Provider ids to check; None checks every provider the loaded plugins register."""
    load_plugins: ClassVar[Sequence[str] | None] = None
    """Allowlist of installed plugins (``OMNIROUTE_LOAD_PLUGINS``); None loads all."""
    extra_plugins: ClassVar[Sequence[tuple[str, object]]] = ()
    """In-process plugins, (name, hooks module or object), registered after installed ones."""
    mock_formats: ClassVar[Mapping[str, Callable[[], MockFormat]]] = CONTRACT_MOCKS
    """Wire format name -> mock upstream format; extend it to cover a format of your own."""
    provider_mocks: ClassVar[Mapping[str, Callable[[], MockFormat]]] = {}
    """Provider id -> mock upstream format, overriding ``mock_formats`` for that provider:
    how a plugin makes the suite insist on its provider's exact credential header
    (``{"minimax": lambda: AnthropicMessages(auth="bearer")}``)."""
    host_mocks: ClassVar[Mapping[str, Callable[[], MockFormat]]] = HOST_MOCKS
    """Base-URL host -> mock, before ``mock_formats``: for hosts serving another dialect of
    their format (Google's Code Assist and Vertex hosts speak ``gemini`` differently)."""
    provider_upstreams: ClassVar[Mapping[str, ContractUpstream]] = {}
    """Provider id -> mock and account for that provider, before the ones installed
    distributions declare (``upstreams.py``); ``provider_mocks`` still wins for the mock."""

    @classmethod
    def contract_settings(cls, **overrides: Any) -> Settings:
        load = list(cls.load_plugins) if cls.load_plugins is not None else None
        values: dict[str, Any] = {"plugins_strict": True, "load_plugins": load, **overrides}
        return Settings(**values)

    @classmethod
    def contract_registry(cls) -> Registry:
        """The registry the loaded plugins build, once per suite class."""
        if cls not in _registries:
            _registries[cls] = build_registry(cls.contract_settings(), cls.extra_plugins)[2]
        return _registries[cls]

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "provider_id" not in metafunc.fixturenames:
            return
        registered = sorted(self.contract_registry().providers)
        chosen = registered if self.providers is None else list(self.providers)
        unknown = sorted(set(chosen) - set(registered))
        if unknown:
            raise pytest.UsageError(f"providers not registered by any loaded plugin: {unknown}")
        if "contract_model" not in metafunc.fixturenames:
            metafunc.parametrize("provider_id", chosen)
            return
        cases: list[tuple[str, str]] = []
        ids: list[str] = []
        for provider_id in chosen:
            models = contract_models(self.contract_registry().providers[provider_id])
            cases += [(provider_id, model) for model in models]
            ids += [provider_id] if len(models) == 1 else [f"{provider_id}/{m}" for m in models]
        metafunc.parametrize(("provider_id", "contract_model"), cases, ids=ids)

    def contract_upstream(self, provider_id: str) -> ContractUpstream | None:
        """How to stand in for ``provider_id``: the class's entry, else an installed one."""
        return self.provider_upstreams.get(provider_id) or installed_upstreams().get(provider_id)

    # -- fixtures --------------------------------------------------------------------------

    @pytest.fixture
    def upstream(
        self, provider_id: str, contract_model: str, make_mock_upstream: MakeUpstream
    ) -> MockUpstream | None:
        """A mock speaking the wire format of the provider's model, or None when there is
        none yet."""
        manifest = self.contract_registry().providers[provider_id]
        subject = Subject(manifest, UNREACHABLE_BASE_URL, model_id=contract_model)
        described = self.contract_upstream(provider_id)
        mock_format = (
            self.provider_mocks.get(provider_id)
            or (described.mock if described is not None else None)
            or host_mock(manifest, self.host_mocks)
            or self.mock_formats.get(subject.format)
        )
        return None if mock_format is None else make_mock_upstream([mock_format()])

    @pytest.fixture
    def subject(
        self,
        provider_id: str,
        contract_model: str,
        upstream: MockUpstream | None,
        make_mock_upstream: MakeUpstream,
    ) -> Subject:
        base_url = upstream.base_url if upstream is not None else UNREACHABLE_BASE_URL
        manifest = self.contract_registry().providers[provider_id]
        subject = Subject(manifest, base_url, model_id=contract_model)
        described = self.contract_upstream(provider_id)
        if described is None or described.account is None:
            return subject
        return dataclasses.replace(subject, account=described.account(subject, make_mock_upstream))

    @pytest.fixture
    def live_upstream(self, subject: Subject, upstream: MockUpstream | None) -> MockUpstream:
        if upstream is None:
            pytest.skip(f"the testkit has no mock upstream for wire format {subject.format!r}")
        return upstream

    # -- the upstream request --------------------------------------------------------------

    @pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
    def test_upstream_request_url_and_credentials(
        self, subject: Subject, upstream: MockUpstream | None, stream: bool
    ) -> None:
        registry = self.contract_registry()
        body = to_provider(registry, subject, chat_request(subject.model, stream=stream))

        request = asyncio.run(self._build(registry, subject, body, stream))

        assert request.url.startswith(subject.base_url), request.url
        assert request.stream is (stream or subject.manifest.executor in registry.stream_only)
        assert request.timeout == REQUEST_TIMEOUT
        assert carries_credential(request.headers, [request.url], subject.credential), (
            CREDENTIAL_RULE
        )
        if upstream is None:
            return
        assert request.stream or not requires_stream(upstream, subject.model), (
            "this upstream only streams: its executor must be a StreamOnlyExecutor"
        )
        sent = httpx.request(
            request.method, request.url, headers=request.headers, content=request.body
        )
        assert sent.status_code == 200, f"the {subject.format} mock rejected it: {sent.text}"
        if request.stream:
            assert sent.headers["content-type"].startswith("text/event-stream")
        recorded = upstream.last_request
        assert recorded.model == subject.model
        assert carries_credential(recorded.headers, recorded.query.values(), subject.credential), (
            CREDENTIAL_RULE
        )

    # -- translation -----------------------------------------------------------------------

    @pytest.mark.parametrize("tools", [False, True], ids=["chat", "tools"])
    def test_request_translation_round_trip(self, subject: Subject, tools: bool) -> None:
        registry = self.contract_registry()
        original = chat_request(subject.model, tools=tools)

        there = to_provider(registry, subject, original)
        back = translate_requests(registry, subject.format, CLIENT_FORMAT, there, subject.model)

        if subject.format == CLIENT_FORMAT:
            assert there == original, "identity translation must pass the body through"
        assert request_essentials(back) == request_essentials(original)

    @pytest.mark.parametrize("tool_call", [False, True], ids=["text", "tool-call"])
    def test_response_translation_round_trip(self, subject: Subject, tool_call: bool) -> None:
        registry = self.contract_registry()
        original = chat_response(subject.model, tool_call=tool_call)

        # A provider-format answer, made by the translators a provider-format client uses…
        answer = translate_responses(registry, subject.format, CLIENT_FORMAT, original, subject)
        # …then turned back the way the gateway answers an OpenAI client.
        back = translate_responses(registry, CLIENT_FORMAT, subject.format, answer, subject)

        assert response_essentials(back) == response_essentials(original)

    # -- through the gateway ---------------------------------------------------------------

    def test_stream_through_gateway(
        self,
        subject: Subject,
        live_upstream: MockUpstream,
        gateway_settings: Callable[..., Settings],
    ) -> None:
        settings = gateway_settings(subject.config(), load_plugins=self._load_plugins())
        body = chat_request(subject.public_model, stream=True)

        response = asyncio.run(self._post(settings, body))

        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/event-stream")
        events = parse_sse(response.text)
        assert events, "empty stream"
        assert events[-1].done, f"the stream must end with [DONE], got {events[-1].data!r}"
        chunks = [event.json() for event in events[:-1]]
        assert all(chunk["object"] == "chat.completion.chunk" for chunk in chunks)
        choices = [choice for chunk in chunks for choice in chunk["choices"]]
        text = "".join(choice["delta"].get("content") or "" for choice in choices)
        assert text == f"echo: {PROMPT}"
        assert [c["finish_reason"] for c in choices if c["finish_reason"]] == ["stop"]
        usages = [chunk["usage"] for chunk in chunks if chunk.get("usage")]
        assert len(usages) == 1, "exactly one chunk carries usage when include_usage is set"
        assert answer_tokens(usages[0]) == len(text.split())
        assert usages[0]["prompt_tokens"] > 0
        self._assert_upstream_saw(subject, live_upstream)

    def test_json_answer_through_gateway(
        self,
        subject: Subject,
        live_upstream: MockUpstream,
        gateway_settings: Callable[..., Settings],
    ) -> None:
        settings = gateway_settings(subject.config(), load_plugins=self._load_plugins())

        response = asyncio.run(self._post(settings, chat_request(subject.public_model)))

        assert response.status_code == 200, response.text
        answer = response.json()
        assert answer["object"] == "chat.completion"
        assert response_essentials(answer)["text"] == f"echo: {PROMPT}"
        assert answer_tokens(answer["usage"]) == len(f"echo: {PROMPT}".split())
        self._assert_upstream_saw(subject, live_upstream)

    def test_tool_conversation_through_gateway(
        self,
        subject: Subject,
        live_upstream: MockUpstream,
        gateway_settings: Callable[..., Settings],
    ) -> None:
        """A streamed tool call reaches the client whole, and the client's answer to it is
        what the upstream needs on the next turn: the same call id, the result next to it."""
        settings = gateway_settings(subject.config(), load_plugins=self._load_plugins())

        first, second = asyncio.run(self._tool_conversation(settings, subject.public_model))

        assert first.status_code == 200, first.text
        events = parse_sse(first.text)
        assert events, "empty stream"
        assert events[-1].done, "the stream must end with [DONE]"
        chunks = [event.json() for event in events[:-1]]
        calls = streamed_tool_calls(chunks)
        assert len(calls) == 1, f"one tool call expected, got {calls}"
        (call,) = calls
        assert call["id"], "a streamed tool call must carry its id"
        assert call["function"]["name"] == "lookup"
        assert json.loads(call["function"]["arguments"]) == {"query": PROMPT}
        finishes = [c["finish_reason"] for chunk in chunks for c in chunk["choices"]]
        assert [f for f in finishes if f] == ["tool_calls"]
        assert second is not None
        assert second.status_code == 200, second.text
        assert response_essentials(second.json())["text"] == f"tool result: {TOOL_RESULT}"
        if issues_call_ids(live_upstream, subject.model):
            assert call["id"].encode() in live_upstream.last_request.raw, (
                "the upstream must get its own tool call id back"
            )

    @pytest.mark.parametrize(
        ("upstream_status", "client_status"),
        [(400, 400), (401, 502), (429, 429), (500, 500), (503, 503)],
    )
    def test_upstream_error_mapping(
        self,
        subject: Subject,
        live_upstream: MockUpstream,
        gateway_settings: Callable[..., Settings],
        upstream_status: int,
        client_status: int,
    ) -> None:
        """The client gets the upstream's status where it is true for the client too; a
        rejected provider credential (401, or however the API says it) is the gateway's
        problem (502), not the client's."""
        headers = {"Retry-After": "7"} if upstream_status == 429 else {}
        fault = Fault(status=upstream_status, headers=headers, message="contract fault")
        if upstream_status == 401:
            fault = credential_fault(live_upstream.formats[0], "contract fault")
        live_upstream.inject(fault, times=None)
        settings = gateway_settings(subject.config(), load_plugins=self._load_plugins())

        response = asyncio.run(self._post(settings, chat_request(subject.public_model)))

        assert response.status_code == client_status, response.text
        error = response.json()["error"]
        assert isinstance(error["type"], str)
        assert "code" in error
        assert "contract fault" in error["message"]
        if upstream_status == 429:
            assert response.headers.get("retry-after") == "7"

    # -- helpers ---------------------------------------------------------------------------

    def _load_plugins(self) -> list[str] | None:
        return list(self.load_plugins) if self.load_plugins is not None else None

    @staticmethod
    async def _build(
        registry: Registry, subject: Subject, body: Body, stream: bool
    ) -> UpstreamRequest:
        """The upstream request as the engine prepares it: credentials refreshed first when
        the auth strategy says so (service accounts, expiring OAuth tokens), then built and
        authenticated."""
        auth = registry.auth_strategies[subject.manifest.auth]
        candidate = await fresh_candidate(subject.candidate(), auth)
        executor = registry.executors[subject.manifest.executor]
        request = executor.build_request(candidate, body, stream, REQUEST_TIMEOUT)
        await auth.apply(request, candidate)
        return request

    async def _post(self, settings: Settings, body: Body) -> httpx.Response:
        async with GatewayApp(settings, self.extra_plugins) as gateway:
            response = await gateway.client.post("/v1/chat/completions", json=body)
            await response.aread()
            return response

    async def _tool_conversation(
        self, settings: Settings, model: str
    ) -> tuple[httpx.Response, httpx.Response | None]:
        """A streamed first turn offering a tool, then (when it made exactly one call) the
        turn answering that call."""
        async with GatewayApp(settings, self.extra_plugins) as gateway:
            body = chat_request(model, stream=True, tools=True)
            first = await gateway.client.post("/v1/chat/completions", json=body)
            await first.aread()
            if first.status_code != 200:
                return first, None
            calls = streamed_tool_calls([e.json() for e in parse_sse(first.text) if not e.done])
            if len(calls) != 1:
                return first, None
            body = tool_conversation(model, calls[0], TOOL_RESULT)
            second = await gateway.client.post("/v1/chat/completions", json=body)
            await second.aread()
            return first, second

    @staticmethod
    def _assert_upstream_saw(subject: Subject, upstream: MockUpstream) -> None:
        recorded = upstream.last_request
        assert recorded.model == subject.model, "the upstream must get the provider's model"
        assert carries_credential(recorded.headers, recorded.query.values(), subject.credential), (
            CREDENTIAL_RULE
        )


async def fresh_candidate(candidate: Candidate, auth: AuthStrategy) -> Candidate:
    """``candidate`` with the credential the engine would send: refreshed first (over a
    real HTTP client, as the gateway does) when the strategy says it must be."""
    connection = candidate.connection
    if not isinstance(auth, RefreshingAuthStrategy) or not auth.needs_refresh(connection):
        return candidate
    client = HttpxClient(connect_timeout=5.0)
    try:
        connection = await auth.refresh(connection, client)
    finally:
        await client.aclose()
    return Candidate(candidate.target, connection)


def credential_fault(fmt: MockFormat, message: str) -> Fault:
    """The answer ``fmt``'s API gives a credential it rejects (a 401 unless it says
    otherwise, see ``RejectsCredentials``)."""
    if not isinstance(fmt, RejectsCredentials):
        return Fault(status=401, message=message)
    status, body = fmt.credential_error(message)
    headers = {"Content-Type": "application/json"}
    return Fault(status=status, body=json.dumps(body), headers=headers)


def requires_stream(upstream: MockUpstream, model: str) -> bool:
    """Whether the upstream answers ``model`` only with streams (``RequiresStream``)."""
    fmt = upstream.formats[0]
    return isinstance(fmt, RequiresStream) and fmt.requires_stream(model)


def issues_call_ids(upstream: MockUpstream, model: str) -> bool:
    """Whether the upstream's tool calls for ``model`` have ids it expects back."""
    fmt = upstream.formats[0]
    return not isinstance(fmt, ToolCallIds) or fmt.issues_call_ids(model)


def carries_credential(headers: Mapping[str, str], other_places: Any, secret: str | None) -> bool:
    """The secret is in a header (or the query/URL); keyless: no credential header at all."""
    if secret is None:
        return not any(name.lower() in CREDENTIAL_HEADERS for name in headers)
    places = [*headers.values(), *other_places]
    return any(secret in place for place in places)


def to_provider(registry: Registry, subject: Subject, body: Body) -> Body:
    """An OpenAI request in the provider's format, exactly as the engine prepares it."""
    if subject.format == CLIENT_FORMAT:
        return registry.formats[CLIENT_FORMAT].set_model(body, subject.model)
    return translate_requests(registry, CLIENT_FORMAT, subject.format, body, subject.model)


def translate_requests(
    registry: Registry, source: str, target: str, body: Body, model: str
) -> Body:
    for translator in chain(registry, source, target):
        body = translator.request(body, model)
    return body


def translate_responses(
    registry: Registry, client: str, upstream: str, body: Body, subject: Subject
) -> Body:
    """An ``upstream``-format answer as a ``client``-format client receives it."""
    for translator in reversed(chain(registry, client, upstream)):
        body = translator.response(body, subject.model)
    return body


def chain(registry: Registry, source: str, target: str) -> list[Translator]:
    try:
        return registry.translation_chain(source, target)
    except LookupError as exc:
        pytest.fail(f"translators must exist both ways between {source!r} and {target!r}: {exc}")
