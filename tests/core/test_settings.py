"""Settings read the ``OMNIROUTE_*`` names and the original's plain names."""

from __future__ import annotations

from pathlib import Path

import pytest

from omniroute.settings import DEFAULT_PORT, Settings


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PORT", "HOSTNAME", "DATA_DIR", "OMNIROUTE_DATA_DIR", "REQUIRE_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.port == DEFAULT_PORT == 20128
    assert settings.host == "127.0.0.1"
    assert settings.data_dir == Path("~/.omniroute").expanduser()
    assert settings.effective_database_url.endswith("/.omniroute/omniroute.db")
    assert settings.require_api_key is False
    assert settings.max_body_bytes == 10 * 1024 * 1024


def test_plain_names_of_the_original(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PORT", "3000")
    monkeypatch.setenv("HOSTNAME", "0.0.0.0")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("REQUIRE_API_KEY", "true")
    monkeypatch.setenv("API_KEY_SECRET", "s3cret")
    monkeypatch.setenv("ALLOW_API_KEY_REVEAL", "1")
    monkeypatch.setenv("ENABLE_REQUEST_LOGS", "yes")
    settings = Settings()
    assert (settings.port, settings.host, settings.data_dir) == (3000, "0.0.0.0", tmp_path)
    assert settings.require_api_key
    assert settings.api_key_secret == "s3cret"
    assert settings.allow_api_key_reveal
    assert settings.enable_request_logs


def test_prefixed_name_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSTNAME", "container-id")
    monkeypatch.setenv("OMNIROUTE_HOST", "127.0.0.2")
    monkeypatch.setenv("PORT", "1")
    monkeypatch.setenv("OMNIROUTE_PORT", "2")
    settings = Settings()
    assert (settings.host, settings.port) == ("127.0.0.2", 2)


def test_plugin_switches_are_comma_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMNIROUTE_LOAD_PLUGINS", "claude, gemini")
    monkeypatch.setenv("OMNIROUTE_DISABLE_PLUGINS", "opencode")
    monkeypatch.setenv("OMNIROUTE_PLUGINS_STRICT", "1")
    settings = Settings()
    assert settings.load_plugins == ["claude", "gemini"]
    assert settings.disable_plugins == ["opencode"]
    assert settings.plugins_strict


def test_postgres_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMNIROUTE_DATABASE_URL", "postgresql://u@db/omni")
    assert Settings().effective_database_url == "postgresql://u@db/omni"
