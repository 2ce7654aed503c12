"""The attempt loop's rules through the whole gateway: retries, deadlines, watchdogs, limits.

Every test runs the real app in process (``gateway_app``) against one scripted mock upstream.
Each connection has its own key (``sk-<name>``), so the ``Authorization`` header of each
recorded request names the account it went to, and the tests assert the exact order of
upstream requests next to what the client got (status, ``X-OmniRoute-Provider``,
``X-OmniRoute-Fallback-Attempts``) and what ``/api/health`` reports.

Accounts: ``a`` and ``b`` are OpenAI (``openai/gpt-4o``), ``g`` is Groq
(``groq/llama-3.1-8b-instant``), ``m`` is Mistral (``mistral/mistral-large-latest``).
Timings are real and short (0.3 s deadlines, 0.5-1 s slow upstreams).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from omniroute_plugin_testkit.gateway import GatewayApp
from omniroute_plugin_testkit.mock import MockUpstream
from omniroute_plugin_testkit.sse import SSEEvent, parse_sse

App = Callable[..., GatewayApp]

GPT = "openai/gpt-4o"
LLAMA = "groq/llama-3.1-8b-instant"
MISTRAL = "mistral/mistral-large-latest"
PROVIDER = {"a": "openai", "b": "openai", "g": "groq", "m": "mistral"}
BAD_TEMPERATURE = "Invalid value for 'temperature': must be <= 2"
SLACK = 0.05
"""Scheduling tolerance on "took at least" checks."""


def connection(mock: MockUpstream, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "provider": PROVIDER[name],
        "name": name,
        "api_key": f"sk-{name}",
        "base_url": mock.base_url,
        **extra,
    }


def config(
    mock: MockUpstream,
    names: str,
    *,
    combo: list[str] | None = None,
    combo_config: dict[str, Any] | None = None,
    strategy: str = "fill-first",
    limits: dict[str, dict[str, int]] | None = None,
    fallbacks: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """Connections ``names`` (in priority order); an optional combo named ``combo``."""
    limits = limits or {}
    cfg: dict[str, Any] = {
        "connections": [
            connection(
                mock,
                name,
                priority=index,
                **({"limits": limits[name]} if name in limits else {}),
            )
            for index, name in enumerate(names)
        ]
    }
    if combo is not None:
        entry: dict[str, Any] = {"name": "combo", "strategy": strategy, "models": combo}
        if combo_config:
            entry["config"] = combo_config
        cfg["combos"] = [entry]
    if fallbacks:
        cfg["fallbacks"] = fallbacks
    return cfg


def sent(mock: MockUpstream) -> list[str]:
    """The account of each upstream request, in order, from its Authorization header."""
    names = []
    for request in mock.requests:
        auth = request.header("authorization") or ""
        assert auth.startswith("Bearer sk-"), auth
        names.append(auth.removeprefix("Bearer sk-"))
    return names


def chat(model: str, *, stream: bool = False) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": "hi"}], "stream": stream}


async def post(gw: GatewayApp, model: str, *, stream: bool = False) -> httpx.Response:
    return await gw.client.post("/v1/chat/completions", json=chat(model, stream=stream))


async def timed(
    gw: GatewayApp, model: str, *, stream: bool = False
) -> tuple[httpx.Response, float]:
    started = time.perf_counter()
    response = await post(gw, model, stream=stream)
    return response, time.perf_counter() - started


def fallback_attempts(response: httpx.Response) -> str | None:
    value: str | None = response.headers.get("x-omniroute-fallback-attempts")
    return value


def assert_served(response: httpx.Response, provider: str, *, stream: bool = False) -> None:
    """A complete, successful answer (``echo: hi``) from ``provider``."""
    assert response.status_code == 200, response.text
    assert response.headers["x-omniroute-provider"] == provider
    if not stream:
        assert response.json()["choices"][0]["message"]["content"] == "echo: hi"
        return
    frames = frames_of(response)
    assert frames, "the client got no event at all"
    assert frames[-1].done, f"the stream did not finish: {response.text!r}"
    chunks = [frame.json() for frame in frames[:-1]]
    assert not [c for c in chunks if "error" in c], response.text
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    assert text == "echo: hi"


def frames_of(response: httpx.Response) -> list[SSEEvent]:
    assert response.headers["content-type"].startswith("text/event-stream"), response.text
    return parse_sse(response.text)


async def health(gw: GatewayApp) -> dict[str, Any]:
    response = await gw.client.get("/api/health")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


# -- 1. maxRetries / retryDelayMs ---------------------------------------------------------------

RETRY = {"maxRetries": 2, "retryDelayMs": 50}


async def test_transient_failures_are_retried_on_the_same_account(
    gateway_app: App, mock_upstream: MockUpstream
) -> None:
    mock_upstream.inject(status=503, when_key="sk-a", times=2)
    cfg = config(mock_upstream, "ag", combo=[GPT], combo_config=RETRY)
    async with gateway_app(cfg) as gw:
        response, elapsed = await timed(gw, "combo")
    assert_served(response, "openai")
    assert sent(mock_upstream) == ["a", "a", "a"]
    assert fallback_attempts(response) == "2"
    assert elapsed >= 2 * 0.05 - 0.01, "each retry waits retryDelayMs first"


async def test_exhausted_retries_move_on_to_the_next_target(
    gateway_app: App, mock_upstream: MockUpstream
) -> None:
    mock_upstream.inject(status=503, when_key="sk-a", times=3)
    cfg = config(mock_upstream, "ag", combo=[GPT, LLAMA], combo_config=RETRY)
    async with gateway_app(cfg) as gw:
        response = await post(gw, "combo")
    assert_served(response, "groq")
    assert sent(mock_upstream) == ["a", "a", "a", "g"]
    assert fallback_attempts(response) == "3"


async def test_exhausted_retries_move_on_to_the_next_account_which_has_its_own(
    gateway_app: App, mock_upstream: MockUpstream
) -> None:
    mock_upstream.inject(status=500, when_key="sk-a", times=None)
    mock_upstream.inject(status=500, when_key="sk-b", times=2)
    cfg = config(mock_upstream, "abg", combo=[GPT, LLAMA], combo_config=RETRY)
    async with gateway_app(cfg, breaker_api_key_threshold=100) as gw:
        response = await post(gw, "combo")
    assert_served(response, "openai")
    assert sent(mock_upstream) == ["a", "a", "a", "b", "b", "b"]
    assert fallback_attempts(response) == "5"


async def test_a_429_is_not_retried_on_the_same_account(
    gateway_app: App, mock_upstream: MockUpstream
) -> None:
    mock_upstream.inject(status=429, when_key="sk-a", times=None)
    cfg = config(mock_upstream, "ab", combo=[GPT], combo_config=RETRY)
    async with gateway_app(cfg) as gw:
        response = await post(gw, "combo")
        status = await health(gw)
    assert_served(response, "openai")
    assert sent(mock_upstream) == ["a", "b"]
    assert fallback_attempts(response) == "1"
    assert set(status["cooling"]["openai"]) == {"a"}


async def test_a_body_error_is_never_retried(gateway_app: App, mock_upstream: MockUpstream) -> None:
    mock_upstream.inject(status=400, message=BAD_TEMPERATURE, when_key="sk-a", times=None)
    cfg = config(mock_upstream, "abg", combo=[GPT, LLAMA], combo_config=RETRY)
    async with gateway_app(cfg) as gw:
        response = await post(gw, "combo")
        status = await health(gw)
    assert response.status_code == 400, response.text
    assert BAD_TEMPERATURE in response.json()["error"]["message"]
    assert sent(mock_upstream) == ["a"], "no retry, no other account, no other target"
    assert status["cooling"] == {}
    assert status["breakers"]["openai"]["failures"] == 0


async def test_retries_stop_once_the_breaker_opens(
    gateway_app: App, mock_upstream: MockUpstream
) -> None:
    mock_upstream.inject(status=503, when_key="sk-a", times=None)
    cfg = config(
        mock_upstream, "ag", combo=[GPT, LLAMA], combo_config={"maxRetries": 5, "retryDelayMs": 10}
    )
    async with gateway_app(cfg, breaker_api_key_threshold=2, breaker_api_key_reset=60) as gw:
        response = await post(gw, "combo")
        status = await health(gw)
    assert_served(response, "groq")
    assert sent(mock_upstream) == ["a", "a", "g"]
    assert fallback_attempts(response) == "2"
    assert status["breakers"]["openai"]["state"] == "open"


# -- 2. timeoutMs --------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
async def test_combo_timeout_moves_a_slow_target_on(
    gateway_app: App, mock_upstream: MockUpstream, stream: bool
) -> None:
    mock_upstream.inject(delay=1.0, when_key="sk-a")
    cfg = config(mock_upstream, "ag", combo=[GPT, LLAMA], combo_config={"timeoutMs": 300})
    async with gateway_app(cfg) as gw:
        response, elapsed = await timed(gw, "combo", stream=stream)
    assert_served(response, "groq", stream=stream)
    assert sent(mock_upstream) == ["a", "g"]
    assert fallback_attempts(response) == "1"
    assert 0.3 - SLACK <= elapsed < 1.0


async def test_combo_timeout_leaves_an_answer_within_it_alone(
    gateway_app: App, mock_upstream: MockUpstream
) -> None:
    mock_upstream.inject(delay=0.1, when_key="sk-a")
    cfg = config(mock_upstream, "ag", combo=[GPT, LLAMA], combo_config={"timeoutMs": 300})
    async with gateway_app(cfg) as gw:
        response = await post(gw, "combo")
    assert_served(response, "openai")
    assert sent(mock_upstream) == ["a"]
    assert fallback_attempts(response) is None


# -- 3. stream readiness timeout ------------------------------------------------------------


async def test_readiness_timeout_moves_a_slow_stream_to_the_next_account(
    gateway_app: App, mock_upstream: MockUpstream
) -> None:
    mock_upstream.inject(delay=1.0, when_key="sk-a")
    async with gateway_app(config(mock_upstream, "ab"), stream_readiness_timeout=0.3) as gw:
        response, elapsed = await timed(gw, GPT, stream=True)
    assert_served(response, "openai", stream=True)
    assert sent(mock_upstream) == ["a", "b"]
    assert fallback_attempts(response) == "1"
    assert 0.3 - SLACK <= elapsed < 1.0


async def test_readiness_timeout_does_not_bound_a_non_stream_answer(
    gateway_app: App, mock_upstream: MockUpstream
) -> None:
    mock_upstream.inject(delay=0.5, when_key="sk-a")
    async with gateway_app(config(mock_upstream, "ab"), stream_readiness_timeout=0.3) as gw:
        response, elapsed = await timed(gw, GPT)
    assert_served(response, "openai")
    assert sent(mock_upstream) == ["a"]
    assert elapsed >= 0.5 - SLACK


# -- 4. stream idle watchdog ------------------------------------------------------------------


async def test_idle_watchdog_ends_a_silent_stream_with_an_error_event(
    gateway_app: App, mock_upstream: MockUpstream
) -> None:
    mock_upstream.inject(chunk_delay=1.0, when_key="sk-a")
    async with gateway_app(config(mock_upstream, "ab"), stream_idle_timeout=0.3) as gw:
        response, elapsed = await timed(gw, GPT, stream=True)
        await gw.gateway.usage.flush()
        rows = gw.gateway.store.list_usage(limit=10)
    assert response.status_code == 200
    assert response.headers["x-omniroute-provider"] == "openai"
    frames = frames_of(response)
    assert frames[0].json()["choices"][0]["delta"].get("role") == "assistant"
    assert not any(frame.done for frame in frames)
    last = frames[-1].json()
    assert set(last) == {"error"}, last
    assert last["error"]["code"] == "stream_idle_timeout"
    assert "0.3 s" in last["error"]["message"]
    assert sent(mock_upstream) == ["a"], "a started stream never falls back"
    assert 0.3 - SLACK <= elapsed < 1.0, "the watchdog, not the upstream, ended it"
    [row] = rows
    assert (row["status"], row["stream"], row["provider"]) == (504, True, "openai")
    assert "sent nothing" in (row["error"] or "")


# -- 5. early EOF --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cuts", "expected", "attempts"),
    [(1, ["a", "a"], "1"), (2, ["a", "a", "b"], "2")],
    ids=["once-retried", "twice-next-account"],
)
async def test_a_stream_ending_before_its_first_event_is_retried_once(
    gateway_app: App, mock_upstream: MockUpstream, cuts: int, expected: list[str], attempts: str
) -> None:
    mock_upstream.inject(cut_after=0, when_key="sk-a", times=cuts)
    async with gateway_app(config(mock_upstream, "ab")) as gw:
        response = await post(gw, GPT, stream=True)
    assert_served(response, "openai", stream=True)
    assert sent(mock_upstream) == expected
    assert fallback_attempts(response) == attempts


async def test_early_eof_retry_comes_on_top_of_max_retries(
    gateway_app: App, mock_upstream: MockUpstream
) -> None:
    mock_upstream.inject(cut_after=0, when_key="sk-a", times=None)
    cfg = config(
        mock_upstream, "ab", combo=[GPT], combo_config={"maxRetries": 1, "retryDelayMs": 10}
    )
    async with gateway_app(cfg) as gw:
        response = await post(gw, "combo", stream=True)
    assert_served(response, "openai", stream=True)
    assert sent(mock_upstream) == ["a", "a", "a", "b"]
    assert fallback_attempts(response) == "3"


# -- 6. stickyRoundRobinLimit -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("combo_config", "expected"),
    [({"stickyRoundRobinLimit": 2}, "aaggmma"), (None, "aaagggm")],
    ids=["limit-2", "default-3"],
)
async def test_round_robin_combo_sticky_limit(
    gateway_app: App,
    mock_upstream: MockUpstream,
    combo_config: dict[str, Any] | None,
    expected: str,
) -> None:
    cfg = config(
        mock_upstream,
        "agm",
        combo=[GPT, LLAMA, MISTRAL],
        combo_config=combo_config,
        strategy="round-robin",
    )
    async with gateway_app(cfg) as gw:
        responses = [await post(gw, "combo") for _ in range(7)]
    assert [r.status_code for r in responses] == [200] * 7
    assert "".join(sent(mock_upstream)) == expected
    assert [r.headers["x-omniroute-provider"] for r in responses] == [
        PROVIDER[name] for name in expected
    ]


# -- 7. per-model fallback chains ----------------------------------------------------------


CHAIN = {GPT: [LLAMA]}


@pytest.mark.parametrize("status", [500, 503, 429])
async def test_a_failing_model_falls_back_along_its_chain(
    gateway_app: App, mock_upstream: MockUpstream, status: int
) -> None:
    mock_upstream.inject(status=status, when_key="sk-a")
    async with gateway_app(config(mock_upstream, "ag", fallbacks=CHAIN)) as gw:
        response = await post(gw, GPT)
    assert_served(response, "groq")
    assert response.headers["x-omniroute-model"] == "llama-3.1-8b-instant"
    assert sent(mock_upstream) == ["a", "g"]
    assert fallback_attempts(response) == "1"


async def test_a_healthy_model_never_touches_its_chain(
    gateway_app: App, mock_upstream: MockUpstream
) -> None:
    async with gateway_app(config(mock_upstream, "ag", fallbacks=CHAIN)) as gw:
        responses = [await post(gw, GPT) for _ in range(3)]
    for response in responses:
        assert_served(response, "openai")
        assert fallback_attempts(response) is None
    assert sent(mock_upstream) == ["a", "a", "a"]


async def test_a_chain_entry_that_stopped_resolving_is_skipped(
    gateway_app: App, mock_upstream: MockUpstream
) -> None:
    # The config file cannot check that chain models resolve (the store has no catalogue).
    chain = {GPT: ["gone/model", LLAMA]}
    mock_upstream.inject(status=503, when_key="sk-a")
    async with gateway_app(config(mock_upstream, "ag", fallbacks=chain)) as gw:
        response = await post(gw, GPT)
    assert_served(response, "groq")
    assert sent(mock_upstream) == ["a", "g"]


async def test_a_body_error_does_not_walk_the_chain(
    gateway_app: App, mock_upstream: MockUpstream
) -> None:
    mock_upstream.inject(status=400, message=BAD_TEMPERATURE, when_key="sk-a")
    async with gateway_app(config(mock_upstream, "ag", fallbacks=CHAIN)) as gw:
        response = await post(gw, GPT)
    assert response.status_code == 400, response.text
    assert sent(mock_upstream) == ["a"]


async def test_the_chain_is_tried_after_every_account_of_the_model(
    gateway_app: App, mock_upstream: MockUpstream
) -> None:
    mock_upstream.inject(status=503, when_key="sk-a")
    mock_upstream.inject(status=503, when_key="sk-b")
    mock_upstream.inject(status=503, when_key="sk-g")
    chain = {GPT: [LLAMA, MISTRAL]}
    async with gateway_app(config(mock_upstream, "abgm", fallbacks=chain)) as gw:
        response = await post(gw, GPT)
    assert_served(response, "mistral")
    assert sent(mock_upstream) == ["a", "b", "g", "m"]
    assert fallback_attempts(response) == "3"


async def test_an_exhausted_chain_names_every_attempt(
    gateway_app: App, mock_upstream: MockUpstream
) -> None:
    mock_upstream.inject(status=503, times=None)
    async with gateway_app(config(mock_upstream, "ag", fallbacks=CHAIN)) as gw:
        response = await post(gw, GPT)
    assert response.status_code == 503, response.text
    assert fallback_attempts(response) == "2"
    message = response.json()["error"]["message"]
    assert "[attempts: " in message
    assert message.index("openai/gpt-4o") < message.index("groq/llama-3.1-8b-instant")
    assert sent(mock_upstream) == ["a", "g"]


# -- 8. account limits -----------------------------------------------------------------------

DELAY = 0.5


@pytest.mark.parametrize("where", ["connection", "settings"])
async def test_a_full_account_passes_the_request_to_the_next_one(
    gateway_app: App, mock_upstream: MockUpstream, where: str
) -> None:
    mock_upstream.inject(delay=DELAY, times=None)
    if where == "connection":
        cfg = config(mock_upstream, "ab", limits={"a": {"maxConcurrent": 1, "queueTimeoutMs": 100}})
        app = gateway_app(cfg)
    else:
        app = gateway_app(
            config(mock_upstream, "ab"), account_max_concurrent=1, account_queue_timeout_ms=100
        )
    async with app as gw:
        results = await asyncio.gather(timed(gw, GPT), timed(gw, GPT))
        status = await health(gw)
    for response, _ in results:
        assert_served(response, "openai")
    assert sent(mock_upstream) == ["a", "b"]  # with the settings default b is limited too, but free
    fast, slow = sorted(elapsed for _, elapsed in results)
    assert fast >= DELAY - SLACK
    assert slow >= DELAY + 0.1 - SLACK, "the second request queued ~100 ms on a first"
    assert slow < 2 * DELAY, "then it ran on b in parallel, not after a"
    assert status["cooling"] == {}, "a full account is not cooled"
    assert status["breakers"]["openai"] == {"state": "closed", "failures": 0, "half_open_in": 0.0}


async def test_every_account_at_its_limits_answers_429_without_cooling(
    gateway_app: App, mock_upstream: MockUpstream
) -> None:
    mock_upstream.inject(delay=0.3, times=None)
    cfg = config(mock_upstream, "a", limits={"a": {"maxConcurrent": 1, "queueTimeoutMs": 50}})
    async with gateway_app(cfg) as gw:
        first, second = await asyncio.gather(post(gw, GPT), post(gw, GPT))
        status = await health(gw)
    assert_served(first, "openai")
    assert second.status_code == 429, second.text
    assert second.json()["error"]["code"] == "account_limit_reached"
    assert sent(mock_upstream) == ["a"], "the upstream is never sent more than it allows"
    assert status["cooling"] == {}
    assert status["breakers"]["openai"]["failures"] == 0


async def test_a_long_queue_timeout_serializes_on_the_account(
    gateway_app: App, mock_upstream: MockUpstream
) -> None:
    delay = 0.4
    mock_upstream.inject(delay=delay, times=None)
    cfg = config(mock_upstream, "ab", limits={"a": {"maxConcurrent": 1, "queueTimeoutMs": 2000}})
    async with gateway_app(cfg) as gw:
        results = await asyncio.gather(timed(gw, GPT), timed(gw, GPT))
    for response, _ in results:
        assert_served(response, "openai")
        assert fallback_attempts(response) is None
    assert sent(mock_upstream) == ["a", "a"]
    fast, slow = sorted(elapsed for _, elapsed in results)
    assert fast < 2 * delay - SLACK
    assert slow >= 2 * delay - SLACK, "the second waited for the first to finish"


async def test_a_stream_holds_its_slot_until_it_ends(
    gateway_app: App, mock_upstream: MockUpstream
) -> None:
    mock_upstream.inject(chunk_delay=0.1, when_key="sk-a", times=1)
    cfg = config(mock_upstream, "ab", limits={"a": {"maxConcurrent": 1, "queueTimeoutMs": 100}})
    async with gateway_app(cfg) as gw:
        streaming = asyncio.create_task(post(gw, GPT, stream=True))
        await asyncio.sleep(0.15)  # its first event arrived long ago; the stream goes on
        assert not streaming.done()
        second = await post(gw, GPT)
        first = await streaming
    assert_served(first, "openai", stream=True)
    assert_served(second, "openai")
    assert sent(mock_upstream) == ["a", "b"]


# -- 9. circuit breaker lifecycle ------------------------------------------------------------


BREAKER = {"breaker_api_key_threshold": 2, "breaker_api_key_reset": 0.5}


async def test_breaker_opens_skips_probes_and_closes(
    gateway_app: App, mock_upstream: MockUpstream
) -> None:
    mock_upstream.inject(status=500, when_key="sk-a", times=2)
    cfg = config(mock_upstream, "ag", combo=[GPT, LLAMA])
    async with gateway_app(cfg, **BREAKER) as gw:
        failing = [await post(gw, "combo") for _ in range(2)]
        opened = await health(gw)
        skipped = await post(gw, "combo")
        assert sent(mock_upstream) == ["a", "g", "a", "g", "g"]
        await asyncio.sleep(0.6)
        half_open = await health(gw)
        probe = await post(gw, "combo")
        closed = await health(gw)
        after = await post(gw, "combo")
    for response in failing:
        assert_served(response, "groq")
        assert fallback_attempts(response) == "1"
    assert opened["breakers"]["openai"]["state"] == "open"
    assert 0 < opened["breakers"]["openai"]["half_open_in"] <= 0.5
    assert_served(skipped, "groq")
    assert fallback_attempts(skipped) is None, "a skipped target is not a failed attempt"
    assert half_open["breakers"]["openai"]["state"] == "half_open"
    assert_served(probe, "openai")
    assert closed["breakers"]["openai"] == {"state": "closed", "failures": 0, "half_open_in": 0.0}
    assert_served(after, "openai")
    assert sent(mock_upstream) == ["a", "g", "a", "g", "g", "a", "a"]
    assert opened["cooling"] == {}, "transient failures trip the breaker, not cooldowns"


async def test_a_failed_probe_opens_the_breaker_again(
    gateway_app: App, mock_upstream: MockUpstream
) -> None:
    mock_upstream.inject(status=500, when_key="sk-a", times=3)
    cfg = config(mock_upstream, "ag", combo=[GPT, LLAMA])
    async with gateway_app(cfg, **BREAKER) as gw:
        for _ in range(2):
            await post(gw, "combo")
        await asyncio.sleep(0.6)
        probe = await post(gw, "combo")
        reopened = await health(gw)
        skipped = await post(gw, "combo")
    assert_served(probe, "groq")
    assert reopened["breakers"]["openai"]["state"] == "open"
    assert_served(skipped, "groq")
    assert sent(mock_upstream) == ["a", "g", "a", "g", "a", "g", "g"]


async def test_429s_never_open_the_breaker(gateway_app: App, mock_upstream: MockUpstream) -> None:
    mock_upstream.inject(status=429, when_key="sk-a", times=5)
    cfg = config(mock_upstream, "ag", combo=[GPT, LLAMA])
    # Cooldowns of 10 ms, so each request reaches a again instead of skipping it.
    async with gateway_app(cfg, cooldown_base=0.01, cooldown_cap=0.01, **BREAKER) as gw:
        for _ in range(5):
            assert_served(await post(gw, "combo"), "groq")
            await asyncio.sleep(0.03)
        status = await health(gw)
        last = await post(gw, "combo")
    assert sent(mock_upstream) == ["a", "g"] * 5 + ["a"]
    assert status["breakers"]["openai"] == {"state": "closed", "failures": 0, "half_open_in": 0.0}
    assert_served(last, "openai")


# -- 10. a global fallback that is a combo ---------------------------------------------------


async def test_a_global_fallback_combo_routes_by_its_own_strategy(
    gateway_app: App, mock_upstream: MockUpstream
) -> None:
    cfg = config(mock_upstream, "agm", combo=[GPT])
    cfg["combos"].append(
        {
            "name": "rescue",
            "strategy": "round-robin",
            "models": [LLAMA, MISTRAL],
            "config": {"stickyRoundRobinLimit": 1},
        }
    )
    mock_upstream.inject(status=503, when_key="sk-a", times=None)
    async with gateway_app(cfg, global_fallback_model="rescue") as gw:
        responses = [await post(gw, "combo") for _ in range(4)]
    assert [r.status_code for r in responses] == [200] * 4
    assert sent(mock_upstream) == ["a", "g", "a", "m", "a", "g", "a", "m"]
