"""Choosing the state backend by name through the ``omniroute.state`` entry points."""

from __future__ import annotations

import pytest

from omniroute import StartupError
from omniroute.settings import Settings
from omniroute.state.loader import available, load_state
from omniroute.state.memory import MemoryState
from omniroute.state.redis import RedisState


async def test_memory_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OMNIROUTE_STATE_BACKEND", raising=False)
    state = load_state(Settings())
    assert isinstance(state, MemoryState)
    await state.close()


async def test_redis_by_name() -> None:
    settings = Settings(state_backend="redis", redis_url="redis://127.0.0.1:1/0")
    state = load_state(settings)  # connects lazily
    assert isinstance(state, RedisState)
    await state.close()


def test_redis_without_url_is_a_startup_error() -> None:
    with pytest.raises(StartupError, match="OMNIROUTE_REDIS_URL"):
        load_state(Settings(state_backend="redis", redis_url=None))


def test_unknown_backend_lists_the_available_ones() -> None:
    with pytest.raises(StartupError) as caught:
        load_state(Settings(state_backend="etcd"))
    message = str(caught.value)
    assert "'etcd'" in message
    assert "available: memory, redis" in message
    assert {"memory", "redis"} <= set(available())


def test_backend_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMNIROUTE_STATE_BACKEND", "redis")
    monkeypatch.setenv("OMNIROUTE_REDIS_URL", "redis://example:6379/2")
    monkeypatch.setenv("OMNIROUTE_REDIS_PREFIX", "gw1:")
    settings = Settings()
    assert (settings.state_backend, settings.redis_url, settings.redis_prefix) == (
        "redis",
        "redis://example:6379/2",
        "gw1:",
    )
