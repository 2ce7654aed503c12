"""The resilience matrix: every combo strategy by every failure class, stream and non-stream.

One combo, ``matrix``, has three steps on three OpenAI-format providers that all point at the
same scripted mock, one connection each with its own key (``sk-a``, ``sk-b``, ``sk-c``), so
the ``Authorization`` header of each recorded request names the target it went to. One fault
is injected with ``times=1`` and no key filter: it hits whichever target the strategy tries
first (X). Each case asserts the exact attempt order, what was cooled or tripped (through
``/api/health``) and what the client got.

Deterministic strategies have a known X (fill-first, priority, round-robin on its first
request, least-used on fresh state, cost-optimized by catalogue price). For the random ones
(random, strict-random, weighted, p2c) X is read from the first recorded request; the order
is still asserted exactly: ``[X, Y]`` with Y another target, and Y served the answer.

The breaker threshold for API-key providers is 1, so one transient failure visibly opens it.
Every case gets a fresh gateway: breakers, cooldowns and strategy counters are per app.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from omniroute_plugin_testkit.gateway import GatewayApp
from omniroute_plugin_testkit.mock import MockUpstream
from omniroute_plugin_testkit.sse import SSEEvent, parse_sse

# -- the set-up -------------------------------------------------------------------------------

TARGETS: dict[str, tuple[str, str]] = {
    # account (connection name, key "sk-<name>") -> (provider, model); prices per the
    # catalogue (input + output, USD per million tokens): 12.5, 0.13, 8.0.
    "a": ("openai", "gpt-4o"),
    "b": ("groq", "llama-3.1-8b-instant"),
    "c": ("mistral", "mistral-large-latest"),
}
PROVIDER_OF = {name: provider for name, (provider, _model) in TARGETS.items()}
ACCOUNT_OF = {provider: name for name, provider in PROVIDER_OF.items()}

COMBO = "matrix"
COOLDOWN_CAP = 300.0
TIMEOUT_MS = 500
SLOW_UPSTREAM = 2.0
"""Seconds the timeout fault holds its answer back: four times the combo's deadline."""

ORDERED: dict[str, str] = {
    "fill-first": "abc",
    "priority": "abc",  # combo steps carry no priority: the configured order
    "round-robin": "abc",  # its first request starts the rotation at the first step
    "least-used": "abc",  # fresh counters all 0: ties keep the configured order
    "cost-optimized": "bca",  # groq 0.13 < mistral 8.0 < openai 12.5
}
"""The order a deterministic strategy tries the steps in, on a fresh gateway."""
RANDOM = ("weighted", "random", "strict-random", "p2c")
STRATEGIES = (*ORDERED, *RANDOM)

CONTEXT_OVERFLOW = (
    "This model's maximum context length is 8192 tokens. However, your messages resulted "
    "in 9000 tokens. Please reduce the length of the messages."
)
BAD_TEMPERATURE = "Invalid value for 'temperature': must be <= 2"


def matrix_config(
    mock: MockUpstream, strategy: str, combo_config: dict[str, Any] | None
) -> dict[str, Any]:
    combo: dict[str, Any] = {
        "name": COMBO,
        "strategy": strategy,
        "models": [f"{provider}/{model}" for provider, model in TARGETS.values()],
    }
    if combo_config:
        combo["config"] = combo_config
    return {
        "connections": [
            {
                "provider": provider,
                "name": name,
                "api_key": f"sk-{name}",
                "base_url": mock.base_url,
            }
            for name, (provider, _model) in TARGETS.items()
        ],
        "combos": [combo],
    }


def attempts(mock: MockUpstream) -> list[str]:
    """The account each upstream request was sent with, in order."""
    return [(r.header("authorization") or "")[len("Bearer sk-") :] for r in mock.requests]


# -- the failure classes ----------------------------------------------------------------------


@dataclass(frozen=True)
class Failure:
    """One failure class: the fault, and what the gateway must do about it.

    ``outcome``: ``fallover`` (X fails, the next target Y serves), ``retry`` (X is tried
    again and serves), ``stop`` (X's error goes to the client), ``midstream`` (the stream
    already started on X: it ends with an error event, nothing else is tried).
    ``cooled``: the (exclusive low, inclusive high) seconds X's account cools, or None.
    ``tripped``: X's provider breaker opens.
    """

    id: str
    fault: dict[str, Any]
    outcome: str
    modes: tuple[bool, ...] = (False, True)
    cooled: tuple[float, float] | None = None
    tripped: bool = False
    combo_config: dict[str, Any] = field(default_factory=dict)
    max_seconds: float | None = None


FAILURES = (
    Failure(
        "429-retry-after",
        {"status": 429, "headers": {"Retry-After": "30"}},
        "fallover",
        cooled=(25.0, 30.0),
    ),
    Failure("500", {"status": 500}, "fallover", tripped=True),
    Failure("503", {"status": 503}, "fallover", tripped=True),
    # NEW: the combo's timeoutMs bounds each target (streaming: until its first event).
    Failure(
        "timeout",
        {"delay": SLOW_UPSTREAM},
        "fallover",
        tripped=True,
        combo_config={"timeoutMs": TIMEOUT_MS},
        max_seconds=1.5,
    ),
    # NEW: a stream that ends before its first event is retried once on the same target.
    Failure("cut-before-first-event", {"cut_after": 0}, "retry", modes=(True,)),
    Failure("dropped-connection", {"drop": True}, "fallover", modes=(False,), tripped=True),
    Failure("cut-mid-stream", {"cut_after": 2}, "midstream", modes=(True,)),
    Failure("context-overflow", {"status": 400, "message": CONTEXT_OVERFLOW}, "fallover"),
    Failure("body-400", {"status": 400, "message": BAD_TEMPERATURE}, "stop"),
    Failure("401", {"status": 401}, "fallover", cooled=(COOLDOWN_CAP - 10, COOLDOWN_CAP)),
)

CASES = [
    pytest.param(strategy, failure, stream, id=f"{strategy}-{failure.id}-{mode}")
    for strategy in STRATEGIES
    for failure in FAILURES
    for stream, mode in ((False, "json"), (True, "stream"))
    if stream in failure.modes
]


# -- checks on what the client got ------------------------------------------------------------


def data_frames(response: httpx.Response) -> list[SSEEvent]:
    assert response.headers["content-type"].startswith("text/event-stream"), response.text
    return parse_sse(response.text)


def assert_complete_answer(response: httpx.Response, stream: bool) -> None:
    """A whole, successful answer: ``echo: hi`` in full, no error anywhere."""
    assert response.status_code == 200, response.text
    if not stream:
        assert response.json()["choices"][0]["message"]["content"] == "echo: hi"
        return
    frames = data_frames(response)
    assert frames, "the client got no event at all"
    assert frames[-1].done, f"the stream did not finish: {response.text!r}"
    chunks = [frame.json() for frame in frames[:-1]]
    assert not [c for c in chunks if "error" in c], f"error event in the stream: {response.text}"
    text = "".join(
        choice["delta"].get("content") or "" for chunk in chunks for choice in chunk["choices"]
    )
    assert text == "echo: hi"
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"


def assert_ended_with_error_event(response: httpx.Response) -> None:
    """A stream that started, then broke: an OpenAI-shaped error event is its last frame."""
    assert response.status_code == 200
    frames = data_frames(response)
    assert frames, "the client got no event at all"
    assert not any(frame.done for frame in frames), "a broken stream must not end in [DONE]"
    assert frames[0].json()["choices"][0]["delta"].get("role") == "assistant", (
        "the first event reached the client before the cut"
    )
    last = frames[-1].json()
    assert set(last) == {"error"}, f"the last frame is not an error event: {last}"
    assert isinstance(last["error"].get("message"), str)
    assert last["error"]["message"]


def assert_openai_error(response: httpx.Response, status: int, message: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert message in error["message"]
    assert error["type"] == "invalid_request_error"


# -- the matrix -------------------------------------------------------------------------------


@pytest.mark.parametrize(("strategy", "failure", "stream"), CASES)
async def test_resilience_matrix(
    gateway_app: Callable[..., GatewayApp],
    mock_upstream: MockUpstream,
    strategy: str,
    failure: Failure,
    stream: bool,
) -> None:
    injection = mock_upstream.inject(times=1, **failure.fault)
    config = matrix_config(mock_upstream, strategy, failure.combo_config)
    body: dict[str, Any] = {"model": COMBO, "messages": [{"role": "user", "content": "hi"}]}
    if stream:
        body["stream"] = True
    async with gateway_app(
        config,
        load_plugins=["builtin"],  # all three providers are builtin; other plugins cost startup
        breaker_api_key_threshold=1,
        breaker_api_key_reset=60,
        cooldown_cap=COOLDOWN_CAP,
    ) as gw:
        started = time.perf_counter()
        response = await gw.client.post("/v1/chat/completions", json=body)
        elapsed = time.perf_counter() - started
        health = (await gw.client.get("/api/health")).json()

    order = attempts(mock_upstream)
    assert injection.hits == 1, f"the fault was not used exactly once: {order}"
    failed = order[0]
    if strategy in ORDERED:
        assert failed == ORDERED[strategy][0], f"{strategy} led with {failed}: {order}"
    fallback = ORDERED[strategy][1] if strategy in ORDERED else None

    # -- attempt order and the client's answer
    if failure.outcome == "fallover":
        assert len(order) == 2, f"expected [X, Y], upstream saw {order}"
        served = order[1]
        assert served != failed, f"{failed} was retried instead of falling over: {order}"
        if fallback is not None:
            assert order == [failed, fallback]
        assert_complete_answer(response, stream)
        assert response.headers["x-omniroute-provider"] == PROVIDER_OF[served]
        assert response.headers["x-omniroute-fallback-attempts"] == "1"
    elif failure.outcome == "retry":
        assert order == [failed, failed], f"expected one retry on {failed}, upstream saw {order}"
        assert_complete_answer(response, stream)
        assert response.headers["x-omniroute-provider"] == PROVIDER_OF[failed]
        assert response.headers["x-omniroute-fallback-attempts"] == "1"
    elif failure.outcome == "stop":
        assert order == [failed], f"a body error must not be retried elsewhere: {order}"
        assert_openai_error(response, 400, BAD_TEMPERATURE)
    else:
        assert failure.outcome == "midstream"
        assert order == [failed], f"a started stream must not fall back: {order}"
        assert_ended_with_error_event(response)
        assert response.headers["x-omniroute-provider"] == PROVIDER_OF[failed]
        assert "x-omniroute-fallback-attempts" not in response.headers

    if failure.max_seconds is not None:
        assert elapsed < failure.max_seconds, f"took {elapsed:.2f} s"

    # -- what was cooled and what was tripped
    cooling = health["cooling"]
    if failure.cooled is None:
        assert cooling == {}, f"nothing should cool after {failure.id}: {cooling}"
    else:
        low, high = failure.cooled
        assert set(cooling) == {PROVIDER_OF[failed]}, cooling
        assert set(cooling[PROVIDER_OF[failed]]) == {failed}, cooling
        assert low < cooling[PROVIDER_OF[failed]][failed] <= high, cooling
    if failure.outcome != "midstream":  # the spec says nothing of a mid-stream cut's breaker
        opened = {p for p, status in health["breakers"].items() if status["state"] != "closed"}
        assert opened == ({PROVIDER_OF[failed]} if failure.tripped else set()), health["breakers"]


def test_the_matrix_covers_every_builtin_strategy() -> None:
    from omniroute.builtin.strategies import strategies
    from omniroute.state.memory import MemoryState

    builtin = {strategy.name for strategy in strategies(MemoryState())} | {"fill-first"}
    assert builtin == set(STRATEGIES)
