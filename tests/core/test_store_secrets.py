"""Secrets at rest: ciphertext in the database, one key per data dir or from the environment."""

from __future__ import annotations

import stat
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from omniroute.security.keys import hash_key
from omniroute.security.secrets import (
    KEY_FILE_NAME,
    SecretBox,
    SecretKeyError,
    api_key_secret,
    load_or_create_key_file,
)
from omniroute.settings import Settings
from omniroute.store import Store
from omniroute.store.database import open_engine


def _raw(settings: Settings, query: str) -> list[tuple[object, ...]]:
    engine = open_engine(settings)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(query))]
    finally:
        engine.dispose()


def test_connection_secret_is_encrypted_in_the_database(
    make_store: Callable[..., Store],
) -> None:
    store = make_store()
    store.add_connection("openai", "work", secret="sk-plaintext-value")

    [(stored,)] = _raw(store.settings, "SELECT secret FROM connections")

    assert isinstance(stored, str)
    assert "sk-plaintext-value" not in stored
    assert store.list_connections()[0].secret == "sk-plaintext-value"


def test_connection_extra_is_encrypted_in_the_database(
    make_store: Callable[..., Store],
) -> None:
    store = make_store()
    store.add_connection("claude", "sub", secret="at", extra={"refresh_token": "rt-secret"})

    [(stored,)] = _raw(store.settings, "SELECT extra FROM connections")

    assert "rt-secret" not in stored
    assert store.list_connections()[0].extra == {"refresh_token": "rt-secret"}


def test_api_key_is_stored_as_hash_only_by_default(make_store: Callable[..., Store]) -> None:
    store = make_store()
    _, key = store.add_api_key("laptop")

    [(key_hash, encrypted)] = _raw(store.settings, "SELECT key_hash, encrypted_key FROM api_keys")

    assert key_hash == hash_key(key, store.api_key_secret())
    assert encrypted is None


def test_revealable_api_key_is_encrypted(make_store: Callable[..., Store]) -> None:
    store = make_store(allow_api_key_reveal=True)
    _, key = store.add_api_key("laptop")

    [(encrypted,)] = _raw(store.settings, "SELECT encrypted_key FROM api_keys")

    assert isinstance(encrypted, str)
    assert key not in encrypted


def test_key_file_is_created_private_and_reused(make_store: Callable[..., Store]) -> None:
    first = make_store()
    key_file = first.settings.data_dir / KEY_FILE_NAME
    first.add_connection("openai", "work", secret="sk-work")
    written = key_file.read_bytes()
    first.close()

    second = make_store()

    if sys.platform != "win32":
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_bytes() == written
    assert second.list_connections()[0].secret == "sk-work"


def test_secret_key_setting_is_used_instead_of_a_file(make_store: Callable[..., Store]) -> None:
    key = Fernet.generate_key().decode()
    first = make_store(secret_key=key)
    first.add_connection("openai", "work", secret="sk-work")
    first.close()

    second = make_store(secret_key=key)

    assert not (second.settings.data_dir / KEY_FILE_NAME).exists()
    assert second.list_connections()[0].secret == "sk-work"


def test_secret_key_is_read_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = Fernet.generate_key().decode()
    monkeypatch.setenv("OMNIROUTE_SECRET_KEY", key)

    box = SecretBox.from_settings(Settings(data_dir=tmp_path))

    assert SecretBox(key.encode()).decrypt(box.encrypt("value")) == "value"
    assert not (tmp_path / KEY_FILE_NAME).exists()


def test_wrong_secret_key_fails_at_open(make_store: Callable[..., Store]) -> None:
    make_store().close()

    with pytest.raises(SecretKeyError, match="encrypted with another secret key"):
        make_store(secret_key=Fernet.generate_key().decode())


def test_malformed_secret_key_is_explained(tmp_path: Path) -> None:
    with pytest.raises(SecretKeyError, match="OMNIROUTE_SECRET_KEY is not a valid secret key"):
        SecretBox.from_settings(Settings(data_dir=tmp_path, secret_key="too-short"))


def test_corrupt_key_file_is_named(tmp_path: Path) -> None:
    key_file = tmp_path / KEY_FILE_NAME
    key_file.write_text("garbage\n")

    with pytest.raises(SecretKeyError, match=str(key_file)):
        load_or_create_key_file(key_file)


def test_api_key_secret_setting_wins_over_derivation(tmp_path: Path) -> None:
    box = SecretBox(Fernet.generate_key())

    derived = api_key_secret(Settings(data_dir=tmp_path, api_key_secret=None), box)
    configured = api_key_secret(Settings(data_dir=tmp_path, api_key_secret="shared"), box)

    other_key = api_key_secret(
        Settings(data_dir=tmp_path, api_key_secret=None), SecretBox(Fernet.generate_key())
    )

    assert configured == b"shared"
    assert derived == api_key_secret(Settings(data_dir=tmp_path, api_key_secret=None), box)
    assert derived != other_key


def test_api_keys_keep_validating_after_reopen(make_store: Callable[..., Store]) -> None:
    first = make_store()
    _, key = first.add_api_key("laptop")
    first.close()

    second = make_store()

    assert hash_key(key, second.api_key_secret()) in second.snapshot().api_keys
