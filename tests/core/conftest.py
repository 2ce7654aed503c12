"""Fixtures for the store tests: a ``Store`` on SQLite, and on PostgreSQL when configured.

``database_url`` is parametrized over both backends. PostgreSQL runs only when
``OMNIROUTE_TEST_DATABASE_URL`` is set (an unreachable server is then an error, not a skip);
each test gets a schema of its own, dropped afterwards, chosen through ``search_path``.

``backend`` does the same for the state backends: memory always, Redis when
``OMNIROUTE_TEST_REDIS_URL`` is set, each test under a key prefix of its own.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis
from sqlalchemy import create_engine, make_url, text
from state_backend_under_test import Backend

from omniroute.settings import Settings
from omniroute.state.memory import MemoryState
from omniroute.state.redis import RedisState
from omniroute.store import Store
from omniroute.store.database import database_url as engine_url

POSTGRES_ENV = "OMNIROUTE_TEST_DATABASE_URL"
REDIS_ENV = "OMNIROUTE_TEST_REDIS_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """None for the default SQLite file in the data dir, else a private PostgreSQL schema."""
    if request.param == "sqlite":
        yield None
        return
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    schema = f"omniroute_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(engine_url(Settings(database_url=server)))
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


@pytest.fixture
def make_settings(tmp_path: Path, database_url: str | None) -> Callable[..., Settings]:
    """Settings isolated from the developer's environment; keyword arguments override."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "data_dir": tmp_path / "data",
            "database_url": database_url,
            "secret_key": None,
            "api_key_secret": None,
            "allow_api_key_reveal": False,
        }
        return Settings(**(values | overrides))

    return make


@pytest.fixture
def make_store(make_settings: Callable[..., Settings]) -> Iterator[Callable[..., Store]]:
    """Opens stores on the test database; every one is closed at teardown."""
    opened: list[Store] = []

    def make(**overrides: Any) -> Store:
        store = Store(make_settings(**overrides))
        store.open()
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(make_store: Callable[..., Store]) -> Store:
    return make_store()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    async def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(params=["memory", "redis"])
async def backend(request: pytest.FixtureRequest) -> AsyncIterator[Backend]:
    if request.param == "memory":
        clock = FakeClock()
        yield Backend("memory", MemoryState(clock), clock.advance)
        return
    url = os.environ.get(REDIS_ENV)
    if not url:
        pytest.skip(f"{REDIS_ENV} is not set")
    prefix = f"omniroute-test:{uuid.uuid4().hex[:12]}:"
    state = RedisState(url, prefix=prefix)
    try:
        await state.get("ping")
    except Exception as exc:
        await state.close()
        pytest.fail(f"{REDIS_ENV}={url} is set but Redis is unreachable: {exc}")
    yield Backend("redis", state, asyncio.sleep)
    await state.close()
    await _drop_keys(url, prefix)


async def _drop_keys(url: str, prefix: str) -> None:
    client = aioredis.Redis.from_url(url)
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()
