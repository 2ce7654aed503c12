"""The ``StateBackend`` contract, run against memory and (when configured) Redis."""

from __future__ import annotations

import asyncio

import pytest
from state_backend_under_test import Backend

from omniroute.state import StateBackend
from omniroute.state.memory import MemoryState


async def test_get_set_delete(backend: Backend) -> None:
    state = backend.state
    assert isinstance(state, StateBackend)
    assert await state.get("k") is None
    await state.set("k", b"value")
    assert await state.get("k") == b"value"
    assert await state.ttl("k") is None
    await state.delete("k")
    assert await state.get("k") is None
    await state.delete("k")  # deleting an absent key is fine


async def test_set_with_ttl_expires(backend: Backend) -> None:
    state = backend.state
    await state.set("k", b"v", ttl=0.2)
    left = await state.ttl("k")
    assert left is not None
    assert 0 < left <= 0.2 + 1e-6
    await backend.advance(0.3)
    assert await state.get("k") is None
    assert await state.ttl("k") is None


async def test_set_without_ttl_removes_expiry(backend: Backend) -> None:
    state = backend.state
    await state.set("k", b"v", ttl=0.2)
    await state.set("k", b"w")
    await backend.advance(0.3)
    assert await state.get("k") == b"w"


async def test_incr_creates_counts_and_reads_back(backend: Backend) -> None:
    state = backend.state
    assert await state.incr("n") == 1
    assert await state.incr("n", 5) == 6
    assert await state.incr("n", -2) == 4
    assert await state.get("n") == b"4"


async def test_incr_ttl_applies_on_creation_only(backend: Backend) -> None:
    state = backend.state
    await state.incr("n", ttl=0.3)
    await backend.advance(0.15)
    await state.incr("n", ttl=10)
    left = await state.ttl("n")
    assert left is not None
    assert left <= 0.15 + 1e-6
    await backend.advance(0.25)
    assert await state.get("n") is None
    assert await state.incr("n", ttl=10) == 1  # a new counter after expiry


async def test_incr_is_atomic_under_concurrency(backend: Backend) -> None:
    state = backend.state
    results = await asyncio.gather(*(state.incr("n", ttl=30) for _ in range(200)))
    assert sorted(results) == list(range(1, 201))
    assert await state.get("n") == b"200"


async def test_memory_purges_expired_keys_without_reads() -> None:
    now = [0.0]
    state = MemoryState(lambda: now[0])
    for i in range(100):
        await state.set(f"k{i}", b"v", ttl=1)
    now[0] = 2.0
    await state.set("other", b"v")
    assert len(state._values) == 1


async def test_memory_reset_ttl_keeps_key_alive() -> None:
    now = [0.0]
    state = MemoryState(lambda: now[0])
    await state.set("k", b"v", ttl=1)
    await state.set("k", b"v", ttl=5)
    now[0] = 2.0
    assert await state.get("k") == b"v"
    assert await state.ttl("k") == pytest.approx(3.0)
