"""The SQLAlchemy engine: which database, which driver, and how SQLite connections are tuned.

SQLite is the zero-configuration default (``{data_dir}/omniroute.db``); PostgreSQL is for
several instances sharing one configuration. Plain ``postgresql://`` URLs are what users copy
from their hosting provider, so they are mapped to the psycopg 3 driver that ``omniroute``
depends on instead of SQLAlchemy's default psycopg2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, make_url

from ..settings import Settings

_POSTGRES_SCHEMES = frozenset({"postgres", "postgresql"})

SQLITE_PRAGMAS = (
    # WAL lets the usage writer append while requests for the dashboard read.
    "PRAGMA journal_mode=WAL",
    # Safe with WAL (a power cut can lose the last commits, never corrupt the file).
    "PRAGMA synchronous=NORMAL",
    # Wait for another connection's write instead of failing with "database is locked".
    "PRAGMA busy_timeout=5000",
)


def database_url(settings: Settings) -> URL:
    """The URL to connect to, with ``postgres(ql)://`` mapped to ``postgresql+psycopg://``."""
    url = make_url(settings.effective_database_url)
    if url.drivername in _POSTGRES_SCHEMES:
        url = url.set(drivername="postgresql+psycopg")
    return url


def open_engine(settings: Settings) -> Engine:
    """An engine for the configured database; creates the SQLite file's directory if needed."""
    url = database_url(settings)
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    event.listen(engine, "connect", _tune_sqlite)
    return engine


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()
