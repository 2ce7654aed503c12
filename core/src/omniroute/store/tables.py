"""The database tables, as SQLModel classes.

The schema itself is created and changed only by the Alembic revisions in ``migrations/``,
written by hand; ``tests/core/test_store_migrations.py`` checks that they produce exactly
these tables. The tables live in their own ``MetaData`` so that SQLModel tables defined by
anyone else in the process never leak into the comparison or into a migration.

Times are Unix seconds (``float``), like ``UsageRecord.timestamp``: the same on SQLite and
PostgreSQL, with no time-zone ambiguity.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, MetaData, Text, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel


def _new_id() -> str:
    return str(uuid.uuid4())


class Table(SQLModel, registry=registry(metadata=MetaData())):
    """Base of the store's tables, bound to the store's own metadata."""


class ConnectionRow(Table, table=True):
    """One account of a provider. ``secret`` holds a Fernet token, never the plaintext.

    ``prefix`` is the public model prefix a user chose for a custom node
    (``openai-compatible``); it must be unique, as it routes ``prefix/model``.
    """

    __tablename__ = "connections"
    __table_args__ = (
        UniqueConstraint("provider", "name", name="uq_connections_provider_name"),
        UniqueConstraint("prefix", name="uq_connections_prefix"),
    )

    id: str = Field(default_factory=_new_id, primary_key=True)
    provider: str
    name: str
    secret: str | None = Field(default=None, sa_type=Text)
    base_url: str | None = None
    prefix: str | None = None
    priority: int = 100
    enabled: bool = True
    extra: str | None = Field(default=None, sa_type=Text)
    """Provider-specific options as encrypted JSON: they hold OAuth refresh tokens."""
    limits: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    """The account's ``AccountLimits`` by their API names (``rpm``, ``maxConcurrent`` …)."""
    created_at: float = Field(default_factory=time.time)
    updated_at: float = Field(default_factory=time.time)


class ComboRow(Table, table=True):
    """A named fallback chain; ``steps`` is a list of ``{model, weight, connection_id}``,
    ``config`` its ``ComboConfig`` by the API names (``maxRetries`` …)."""

    __tablename__ = "combos"

    name: str = Field(primary_key=True)
    strategy: str = "fill-first"
    steps: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    config: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class FallbackRow(Table, table=True):
    """A per-model fallback chain: the models tried, in order, after ``model`` failed."""

    __tablename__ = "fallback_chains"

    model: str = Field(primary_key=True)
    models: list[str] = Field(default_factory=list, sa_type=JSON)


class AliasRow(Table, table=True):
    """A user's short name for a model string (``fast`` -> ``groq/llama-3.3-70b-versatile``)."""

    __tablename__ = "model_aliases"

    alias: str = Field(primary_key=True)
    model: str


class ApiKeyRow(Table, table=True):
    """A gateway API key, found by its keyed hash.

    ``encrypted_key`` is only written while ``ALLOW_API_KEY_REVEAL`` is on, so that by default
    no stored value can give the key back.
    """

    __tablename__ = "api_keys"

    id: str = Field(default_factory=_new_id, primary_key=True)
    name: str = Field(unique=True, index=True)
    key_hash: str = Field(unique=True, index=True)
    encrypted_key: str | None = Field(default=None, sa_type=Text)
    enabled: bool = True
    created_at: float = Field(default_factory=time.time)


class SettingRow(Table, table=True):
    """One run-time setting edited through the management API (a JSON value per key)."""

    __tablename__ = "settings"

    key: str = Field(primary_key=True)
    value: Any = Field(default=None, sa_type=JSON)


class UsageRow(Table, table=True):
    """One request's usage: the columns of ``omniroute.types.UsageRecord`` plus a row id.

    Pages are read newest first by ``id``; reports filter by time and by gateway key, hence
    the two indexes. The id is 64-bit on PostgreSQL; SQLite's ``INTEGER PRIMARY KEY`` already
    is, and only that exact type makes it the auto-incrementing rowid.
    """

    __tablename__ = "usage"

    id: int | None = Field(
        default=None, primary_key=True, sa_type=BigInteger().with_variant(Integer(), "sqlite")
    )
    request_id: str
    timestamp: float = Field(index=True)
    client_format: str
    requested_model: str
    provider: str | None = None
    model: str | None = None
    connection_id: str | None = None
    api_key_id: str | None = Field(default=None, index=True)
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
    error: str | None = Field(default=None, sa_type=Text)
