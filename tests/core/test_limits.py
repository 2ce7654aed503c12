"""Per-account admission (``engine/limits.py``): Gate and Limits under a real event loop.

Times are small and real (50-300 ms). Waiters are started as tasks and their admission is
observed with short sleeps, so each test stays well under a second. The rolling minute of
``rpm`` is shortened by patching the module's ``_MINUTE`` where a test needs it to pass.
"""

from __future__ import annotations

import asyncio

import pytest

from omniroute.engine import limits as limits_module
from omniroute.engine.limits import Busy, Gate, Limits
from omniroute.types import AccountLimits, Connection

SLACK = 0.03
"""Scheduling tolerance for "at least N ms" checks (the loop's timer granularity)."""


def _now() -> float:
    return asyncio.get_running_loop().time()


def connection(cid: str = "c1", **limits: int | None) -> Connection:
    return Connection(cid, "openai", cid, secret="sk", limits=AccountLimits(**limits))


async def _admit(gate: Gate, name: str, admitted: list[str]) -> bool:
    ok = await gate.enter()
    if ok:
        admitted.append(name)
    return ok


# -- Gate: concurrency ------------------------------------------------------------------------


async def test_second_enter_waits_for_leave_and_waiters_are_admitted_in_order() -> None:
    gate = Gate(AccountLimits(max_concurrent=1, queue_timeout_ms=2000))
    admitted: list[str] = []
    assert await _admit(gate, "first", admitted)
    waiters = [asyncio.create_task(_admit(gate, name, admitted)) for name in ("w1", "w2", "w3")]
    await asyncio.sleep(0.05)
    assert admitted == ["first"], "nobody else gets in while the slot is held"
    assert gate.in_flight == 1

    gate.leave()
    await asyncio.sleep(0.02)
    assert admitted == ["first", "w1"], "one leave admits exactly one waiter, the oldest"
    gate.leave()
    await asyncio.sleep(0.02)
    assert admitted == ["first", "w1", "w2"]
    gate.leave()
    assert await asyncio.gather(*waiters) == [True, True, True]
    assert admitted == ["first", "w1", "w2", "w3"]
    assert gate.in_flight == 1


async def test_max_concurrent_two_admits_two_at_once() -> None:
    gate = Gate(AccountLimits(max_concurrent=2, queue_timeout_ms=100))
    assert await gate.enter()
    assert await gate.enter()
    assert gate.in_flight == 2
    started = _now()
    assert not await gate.enter()
    assert _now() - started >= 0.1 - SLACK


async def test_queue_timeout_elapses_and_refuses() -> None:
    gate = Gate(AccountLimits(max_concurrent=1, queue_timeout_ms=100))
    assert await gate.enter()
    started = _now()
    assert await gate.enter() is False
    waited = _now() - started
    assert 0.1 - SLACK <= waited < 0.5
    assert gate.in_flight == 1, "a refused request takes no slot"
    gate.leave()
    assert await gate.enter(), "the slot is free again after leave"


async def test_a_refused_waiter_does_not_block_the_ones_behind_it() -> None:
    gate = Gate(AccountLimits(max_concurrent=1, queue_timeout_ms=100))
    assert await gate.enter()
    refused = asyncio.create_task(gate.enter())
    await asyncio.sleep(0.15)
    assert refused.done()
    assert refused.result() is False
    gate.leave()
    assert await gate.enter()


async def test_no_queue_timeout_refuses_at_once() -> None:
    gate = Gate(AccountLimits(max_concurrent=1, queue_timeout_ms=0))
    assert await gate.enter()
    started = _now()
    assert await gate.enter() is False
    assert _now() - started < 0.02


async def test_a_cancelled_waiter_takes_no_slot() -> None:
    gate = Gate(AccountLimits(max_concurrent=1, queue_timeout_ms=1000))
    assert await gate.enter()
    waiter = asyncio.create_task(gate.enter())
    await asyncio.sleep(0.02)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    gate.leave()
    assert gate.in_flight == 0
    assert await gate.enter()


# -- Gate: rpm and minimum interval -----------------------------------------------------------


async def test_rpm_third_start_within_the_minute_waits_then_is_refused() -> None:
    gate = Gate(AccountLimits(rpm=2, queue_timeout_ms=150))
    assert await gate.enter()
    assert await gate.enter()
    gate.leave()
    gate.leave()  # rpm counts starts, not requests in flight: leaving frees nothing
    third = asyncio.create_task(gate.enter())
    await asyncio.sleep(0.08)
    assert not third.done(), "the third start within the minute waits in the queue"
    assert await third is False
    assert gate.in_flight == 0


async def test_rpm_start_is_admitted_when_the_oldest_start_leaves_the_window(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(limits_module, "_MINUTE", 0.2)  # a 200 ms "minute"
    gate = Gate(AccountLimits(rpm=2, queue_timeout_ms=1000))
    first = _now()
    assert await gate.enter()
    assert await gate.enter()
    assert await gate.enter()
    assert _now() - first >= 0.2 - SLACK, "admitted once the first start is a minute old"
    started = _now()
    assert await gate.enter(), "the second start ages out next"
    assert _now() - started < 0.1


async def test_min_interval_spaces_two_starts() -> None:
    gate = Gate(AccountLimits(min_interval_ms=100, queue_timeout_ms=1000))
    assert await gate.enter()
    first = _now()
    gate.leave()
    assert await gate.enter()
    assert _now() - first >= 0.1 - SLACK


async def test_min_interval_spaces_every_queued_start_in_order() -> None:
    gate = Gate(AccountLimits(min_interval_ms=60, queue_timeout_ms=1000))
    times: dict[str, float] = {}

    async def start(name: str) -> None:
        assert await gate.enter()
        times[name] = _now()

    await asyncio.gather(start("a"), start("b"), start("c"))
    assert sorted(times, key=times.__getitem__) == ["a", "b", "c"]
    assert times["b"] - times["a"] >= 0.06 - SLACK
    assert times["c"] - times["b"] >= 0.06 - SLACK


async def test_min_interval_with_a_short_queue_timeout_refuses() -> None:
    gate = Gate(AccountLimits(min_interval_ms=300, queue_timeout_ms=50))
    assert await gate.enter()
    started = _now()
    assert await gate.enter() is False
    assert _now() - started < 0.2, "given up at the queue timeout, not the interval"


# -- Limits ------------------------------------------------------------------------------------


async def test_no_limits_anywhere_enter_returns_none() -> None:
    limits = Limits(AccountLimits(queue_timeout_ms=30_000))
    assert await limits.enter(connection()) is None
    # A queue timeout alone limits nothing.
    assert await limits.enter(connection(queue_timeout_ms=10)) is None
    assert await Limits(AccountLimits()).enter(connection()) is None


async def test_connection_limits_override_the_defaults() -> None:
    defaults = AccountLimits(rpm=100, max_concurrent=5, queue_timeout_ms=50)
    limits = Limits(defaults)
    own = connection(max_concurrent=1)
    gate = await limits.enter(own)
    assert isinstance(gate, Gate)
    assert gate.limits == AccountLimits(rpm=100, max_concurrent=1, queue_timeout_ms=50)
    busy = await limits.enter(own)
    assert busy == Busy(own, gate.limits), "max_concurrent=1 wins over the default 5"


async def test_defaults_apply_to_a_connection_without_limits() -> None:
    limits = Limits(AccountLimits(max_concurrent=1, queue_timeout_ms=50))
    plain = connection()
    gate = await limits.enter(plain)
    assert isinstance(gate, Gate)
    assert gate.limits == AccountLimits(max_concurrent=1, queue_timeout_ms=50)
    assert isinstance(await limits.enter(plain), Busy)
    gate.leave()
    assert await limits.enter(plain) is gate


async def test_connection_limits_apply_without_defaults() -> None:
    limits = Limits(AccountLimits(queue_timeout_ms=30_000))
    limited = connection(max_concurrent=1, queue_timeout_ms=50)
    gate = await limits.enter(limited)
    assert isinstance(gate, Gate)
    started = _now()
    busy = await limits.enter(limited)
    assert isinstance(busy, Busy)
    assert busy.connection is limited
    assert busy.limits == AccountLimits(max_concurrent=1, queue_timeout_ms=50)
    assert 0.05 - SLACK <= _now() - started < 0.3


async def test_each_connection_has_its_own_gate() -> None:
    limits = Limits(AccountLimits(max_concurrent=1, queue_timeout_ms=0))
    first = await limits.enter(connection("a"))
    second = await limits.enter(connection("b"))
    assert isinstance(first, Gate)
    assert isinstance(second, Gate)
    assert first is not second
    assert isinstance(await limits.enter(connection("a")), Busy)


async def test_changed_limits_produce_a_fresh_gate() -> None:
    limits = Limits(AccountLimits(queue_timeout_ms=0))
    old = await limits.enter(connection("a", max_concurrent=1))
    assert isinstance(old, Gate)
    assert isinstance(await limits.enter(connection("a", max_concurrent=1)), Busy)

    fresh = await limits.enter(connection("a", max_concurrent=2))
    assert isinstance(fresh, Gate)
    assert fresh is not old, "edited limits start a new gate"
    assert fresh.limits.max_concurrent == 2
    assert fresh.in_flight == 1, "the old gate's slot does not count on the new one"
    old.leave()  # a request still holding the old gate releases it harmlessly
    assert fresh.in_flight == 1
    same = await limits.enter(connection("a", max_concurrent=2))
    assert same is fresh, "unchanged limits keep the gate"


def test_or_defaults_takes_each_unset_field_from_the_defaults() -> None:
    defaults = AccountLimits(rpm=60, min_interval_ms=10, max_concurrent=4, queue_timeout_ms=500)
    assert AccountLimits().or_defaults(defaults) == defaults
    assert AccountLimits(max_concurrent=1, queue_timeout_ms=0).or_defaults(
        defaults
    ) == AccountLimits(rpm=60, min_interval_ms=10, max_concurrent=1, queue_timeout_ms=0)
    # 0 is a value, not "unset": it is kept rather than replaced by the default.
    assert AccountLimits(min_interval_ms=0).or_defaults(defaults).min_interval_ms == 0


def test_limited_means_a_real_limit() -> None:
    assert not AccountLimits().limited
    assert not AccountLimits(queue_timeout_ms=1000).limited
    assert not AccountLimits(min_interval_ms=0).limited
    assert AccountLimits(rpm=1).limited
    assert AccountLimits(min_interval_ms=1).limited
    assert AccountLimits(max_concurrent=1).limited
