"""Fixtures for the store tests: a ``Store`` on SQLite, and on PostgreSQL when configured.

``database_url`` is parametrized over both backends. PostgreSQL runs only when
``OMNIROUTE_TEST_DATABASE_URL`` is set (an unreachable server is then an error, not a skip);
each test gets a schema of its own, dropped afterwards, chosen through ``search_path``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, make_url, text

from omniroute.settings import Settings
from omniroute.store import Store
from omniroute.store.database import database_url as engine_url

POSTGRES_ENV = "OMNIROUTE_TEST_DATABASE_URL"


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
