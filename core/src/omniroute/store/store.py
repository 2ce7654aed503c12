"""``Store``: the one object the rest of the gateway uses to read and change stored data.

Its API is synchronous on purpose: the engine calls it through ``asyncio.to_thread`` when the
configuration changes and from the batched usage writer, never per request (the hot path
reads the ``ConfigSnapshot``). Each method is one short transaction on a pooled connection,
so the object is safe to share between threads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Unpack

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from ..security import secrets
from ..security.keys import generate_key
from ..security.secrets import SecretBox
from ..settings import Settings
from ..types import ApiKeyInfo, Combo, ConfigSnapshot, Connection, UsageRecord
from . import (
    aliases,
    api_keys,
    combos,
    config_file,
    connections,
    fallbacks,
    migrations,
    snapshot,
    usage,
)
from .connections import ConnectionFields
from .database import open_engine
from .tables import SettingRow
from .usage import UsageFilter

_KEY_CHECK = "secret_key_check"
"""Settings row holding a token encrypted at first start, to detect a changed secret key."""


class Store:
    """Configuration, gateway keys and usage in SQLite or PostgreSQL.

    ``open()`` connects, brings the schema up to date and loads the secret key; ``close()``
    releases the connections. The object is also a context manager doing both.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._engine: Engine | None = None
        self._sealer: api_keys.KeySealer | None = None

    def open(self) -> None:
        """Connect, migrate to the newest schema, and check the secret key fits the data.

        A wrong key fails here with :class:`~omniroute.security.secrets.SecretKeyError`
        rather than at the first request that needs a provider secret. Opening an open store
        does nothing.
        """
        if self._engine is not None:
            return
        box = SecretBox.from_settings(self.settings)
        self._sealer = api_keys.KeySealer(
            box=box,
            hmac_secret=secrets.api_key_secret(self.settings, box),
            reveal=self.settings.allow_api_key_reveal,
        )
        self._engine = open_engine(self.settings)
        try:
            migrations.upgrade(self._engine)
            self._verify_secret_key()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Release every pooled connection; the store can be opened again."""
        if self._engine is not None:
            self._engine.dispose()
        self._engine = self._sealer = None

    def __enter__(self) -> Store:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def api_key_secret(self) -> bytes:
        """The HMAC secret to hash a presented gateway key with before looking it up."""
        return self._keys.hmac_secret

    def snapshot(self) -> ConfigSnapshot:
        """The configuration the hot path reads, decrypted, in one consistent read."""
        with self._transaction() as session:
            return snapshot.build(session, self._secrets)

    # Connections

    def add_connection(
        self,
        provider: str,
        name: str,
        secret: str | None = None,
        base_url: str | None = None,
        priority: int = 100,
        enabled: bool = True,
        prefix: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Connection:
        """Store a new account of ``provider``; ``DuplicateError`` if name or prefix is taken."""
        fields: ConnectionFields = {
            "secret": secret,
            "base_url": base_url,
            "priority": priority,
            "enabled": enabled,
            "prefix": prefix,
            "extra": extra or {},
        }
        with self._transaction() as session:
            row = connections.create(session, self._secrets, provider, name, fields)
            return connections.to_connection(row, self._secrets)

    def list_connections(self, provider: str | None = None) -> list[Connection]:
        """Every connection (of ``provider``), disabled ones included, secrets decrypted."""
        with self._transaction() as session:
            rows = connections.list_rows(session, provider)
            return [connections.to_connection(row, self._secrets) for row in rows]

    def get_connection(self, id_or_name: str, provider: str | None = None) -> Connection | None:
        """The connection with this id or name (see :meth:`remove_connection`)."""
        with self._transaction() as session:
            row = connections.find(session, id_or_name, provider)
            return None if row is None else connections.to_connection(row, self._secrets)

    def update_connection(
        self, id_or_name: str, provider: str | None = None, **changes: Unpack[ConnectionFields]
    ) -> Connection | None:
        """Change the named fields of a connection; None when there is no such connection."""
        with self._transaction() as session:
            row = connections.find(session, id_or_name, provider)
            if row is None:
                return None
            connections.update(session, self._secrets, row, changes)
            return connections.to_connection(row, self._secrets)

    def remove_connection(self, id_or_name: str, provider: str | None = None) -> bool:
        """Delete a connection by id, or by name (qualified by ``provider`` when ambiguous).

        Returns False when there was none; a bare name shared by several providers is a
        ``ValueError``.
        """
        with self._transaction() as session:
            row = connections.find(session, id_or_name, provider)
            if row is None:
                return False
            session.delete(row)
            return True

    # Combos and aliases

    def upsert_combo(self, combo: Combo) -> None:
        """Create ``combo`` or replace the stored combo of the same name."""
        with self._transaction() as session:
            combos.upsert(session, combo)

    def delete_combo(self, name: str) -> bool:
        """Delete a combo; False when there was none."""
        with self._transaction() as session:
            return combos.delete(session, name)

    def list_combos(self) -> list[Combo]:
        """Every combo, by name."""
        with self._transaction() as session:
            return combos.load_all(session)

    def set_fallback_chain(self, model: str, models: list[str]) -> None:
        """Make ``models`` the fallback chain of ``model``."""
        with self._transaction() as session:
            fallbacks.set_chain(session, model, models)

    def delete_fallback_chain(self, model: str) -> bool:
        """Delete a model's fallback chain; False when there was none."""
        with self._transaction() as session:
            return fallbacks.delete(session, model)

    def list_fallback_chains(self) -> dict[str, tuple[str, ...]]:
        """Every fallback chain, by model."""
        with self._transaction() as session:
            return fallbacks.load_all(session)

    def set_alias(self, alias: str, model: str) -> None:
        """Point ``alias`` at ``model``."""
        with self._transaction() as session:
            aliases.set_alias(session, alias, model)

    def delete_alias(self, alias: str) -> bool:
        """Delete an alias; False when there was none."""
        with self._transaction() as session:
            return aliases.delete(session, alias)

    def list_aliases(self) -> dict[str, str]:
        """Every alias and its model."""
        with self._transaction() as session:
            return aliases.load_all(session)

    # Gateway API keys

    def add_api_key(self, name: str, key: str | None = None) -> tuple[ApiKeyInfo, str]:
        """Register a gateway key (a new random one unless ``key`` is given).

        Returns the key's info and its plaintext, which is shown to the user once: afterwards
        only its hash is kept (and its ciphertext while ``ALLOW_API_KEY_REVEAL`` is on).
        """
        plaintext = key if key is not None else generate_key()
        with self._transaction() as session:
            row = api_keys.create(session, self._keys, name, plaintext)
            return api_keys.to_info(row), plaintext

    def list_api_keys(self) -> list[ApiKeyInfo]:
        """Every gateway key, oldest first."""
        with self._transaction() as session:
            return [api_keys.to_info(row) for row in api_keys.list_rows(session)]

    def set_api_key_enabled(self, id_or_name: str, enabled: bool) -> bool:
        """Enable or disable a key; False when there is no such key."""
        with self._transaction() as session:
            row = api_keys.find(session, id_or_name)
            if row is None:
                return False
            row.enabled = enabled
            session.add(row)
            return True

    def remove_api_key(self, id_or_name: str) -> bool:
        """Delete a key; False when there was none."""
        with self._transaction() as session:
            row = api_keys.find(session, id_or_name)
            if row is None:
                return False
            session.delete(row)
            return True

    def reveal_api_key(self, id_or_name: str) -> str | None:
        """The plaintext of a key, if reveal is allowed and the key was stored while it was."""
        if not self.settings.allow_api_key_reveal:
            return None
        with self._transaction() as session:
            row = api_keys.find(session, id_or_name)
            if row is None or row.encrypted_key is None:
                return None
            return self._secrets.decrypt(row.encrypted_key)

    # Run-time settings

    def get_setting(self, key: str, default: Any = None) -> Any:
        """The stored value of a run-time setting, or ``default``."""
        with self._transaction() as session:
            row = session.get(SettingRow, key)
            return default if row is None else row.value

    def set_setting(self, key: str, value: Any) -> None:
        """Store a run-time setting (any JSON value)."""
        with self._transaction() as session:
            row = session.get(SettingRow, key) or SettingRow(key=key)
            row.value = value
            session.add(row)

    # Usage

    def insert_usage(self, records: Sequence[UsageRecord]) -> None:
        """Append a batch of usage records in one transaction and one statement."""
        with self._transaction() as session:
            usage.insert_many(session, records)

    def count_usage(self, **filters: Unpack[UsageFilter]) -> int:
        """How many usage rows match (``since``/``until`` bound the timestamp)."""
        with self._transaction() as session:
            return usage.count(session, filters)

    def list_usage(
        self, limit: int = 100, before_id: int | None = None, **filters: Unpack[UsageFilter]
    ) -> list[dict[str, Any]]:
        """A page of usage rows, newest first; pass the last row's ``id`` as ``before_id``."""
        with self._transaction() as session:
            return usage.page(session, limit, before_id, filters)

    def delete_usage_before(self, timestamp: float) -> int:
        """Apply retention: delete usage older than ``timestamp``; returns how many rows."""
        with self._transaction() as session:
            return usage.delete_before(session, timestamp)

    # Config file

    def apply_config_file(
        self, path: Path, resolve_provider: Callable[[str], str | None] | None = None
    ) -> None:
        """Upsert what a TOML config file declares; see :mod:`omniroute.store.config_file`.

        ``resolve_provider`` maps a provider id or alias to its id (None when unknown), so the
        file may say ``cc`` for ``claude``; without it the names are stored as written.
        Raises ``ConfigFileError`` naming the file and the entry; nothing is written then.
        """
        document = config_file.load(path, resolve_provider)
        with self._transaction() as session:
            config_file.apply(session, document, self._keys, path)

    # Internals

    @property
    def _secrets(self) -> SecretBox:
        return self._keys.box

    @property
    def _keys(self) -> api_keys.KeySealer:
        if self._sealer is None:
            raise RuntimeError("the store is not open: call Store.open() first")
        return self._sealer

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        if self._engine is None:
            raise RuntimeError("the store is not open: call Store.open() first")
        with Session(self._engine, expire_on_commit=False) as session, session.begin():
            yield session

    def _verify_secret_key(self) -> None:
        try:
            with self._transaction() as session:
                row = session.get(SettingRow, _KEY_CHECK)
                if row is None:
                    session.add(SettingRow(key=_KEY_CHECK, value=self._secrets.encrypt(_KEY_CHECK)))
                else:
                    self._secrets.decrypt(row.value)
        except IntegrityError:  # another instance stored its check first: verify against it
            self._verify_secret_key()
