"""Settings from the environment (``OMNIROUTE_*`` and the original's plain names).

The original OmniRoute documented ``PORT``, ``DATA_DIR``, ``REQUIRE_API_KEY`` …; users keep
their ``.env`` files, so each such field accepts both spellings, the prefixed one winning.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_PORT = 20128


def _env(name: str, plain: str | None = None) -> AliasChoices:
    names = [f"OMNIROUTE_{name}"]
    if plain:
        names.append(plain)
    return AliasChoices(*names)


class Settings(BaseSettings):
    """Process settings. Configuration that users edit at run time lives in the database."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    host: str = Field("127.0.0.1", validation_alias=_env("HOST", "HOSTNAME"))
    port: int = Field(DEFAULT_PORT, validation_alias=_env("PORT", "PORT"))
    data_dir: Path = Field(Path("~/.omniroute"), validation_alias=_env("DATA_DIR", "DATA_DIR"))
    database_url: str | None = Field(None, validation_alias=_env("DATABASE_URL"))
    config_file: Path | None = Field(None, validation_alias=_env("CONFIG"))
    require_api_key: bool = Field(
        False, validation_alias=_env("REQUIRE_API_KEY", "REQUIRE_API_KEY")
    )
    api_key_secret: str | None = Field(
        None, validation_alias=_env("API_KEY_SECRET", "API_KEY_SECRET")
    )
    allow_api_key_reveal: bool = Field(
        False, validation_alias=_env("ALLOW_API_KEY_REVEAL", "ALLOW_API_KEY_REVEAL")
    )
    enable_request_logs: bool = Field(
        False, validation_alias=_env("ENABLE_REQUEST_LOGS", "ENABLE_REQUEST_LOGS")
    )
    secret_key: str | None = Field(None, validation_alias=_env("SECRET_KEY"))

    load_plugins: Annotated[list[str] | None, NoDecode] = Field(
        None, validation_alias=_env("LOAD_PLUGINS")
    )
    disable_plugins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias=_env("DISABLE_PLUGINS")
    )
    plugins_strict: bool = Field(False, validation_alias=_env("PLUGINS_STRICT"))
    trace_plugins: bool = Field(False, validation_alias=_env("TRACE_PLUGINS"))

    account_strategy: str = Field("fill-first", validation_alias=_env("ACCOUNT_STRATEGY"))
    """How a provider's accounts are ordered (a registered routing strategy)."""
    provider_strategies: dict[str, str] = Field(
        default_factory=dict, validation_alias=_env("PROVIDER_STRATEGIES")
    )
    """Per-provider overrides of ``account_strategy`` (JSON: ``{"openai": "round-robin"}``)."""
    cooldown_base: float = Field(2.0, validation_alias=_env("COOLDOWN_BASE"))
    cooldown_cap: float = Field(300.0, validation_alias=_env("COOLDOWN_CAP"))
    """Account cooldowns: ``base * 2**level`` seconds after consecutive failures, at most
    ``cap`` (quota and credential failures cool for ``cap`` at once)."""
    global_fallback_model: str | None = Field(None, validation_alias=_env("GLOBAL_FALLBACK_MODEL"))
    """Tried once when a combo is exhausted with a 502 or 503 (a cheap, always-up model)."""
    stream_readiness_timeout: float = Field(80.0, validation_alias=_env("STREAM_READINESS_TIMEOUT"))
    """Seconds a stream may take to send its first event; after that the attempt counts as
    timed out and the next account or target is tried (nothing has reached the client)."""
    stream_idle_timeout: float = Field(300.0, validation_alias=_env("STREAM_IDLE_TIMEOUT"))
    """Seconds a started stream may stay silent; then it ends with a ``stream_idle_timeout``
    error event in the client's format. 0 turns either watchdog off."""

    account_rpm: int | None = Field(None, ge=1, validation_alias=_env("ACCOUNT_RPM"))
    account_min_interval_ms: int | None = Field(
        None, ge=0, validation_alias=_env("ACCOUNT_MIN_INTERVAL_MS")
    )
    account_max_concurrent: int | None = Field(
        None, ge=1, validation_alias=_env("ACCOUNT_MAX_CONCURRENT")
    )
    account_queue_timeout_ms: int = Field(
        30_000, ge=0, validation_alias=_env("ACCOUNT_QUEUE_TIMEOUT_MS")
    )
    """Defaults for every account's ``limits`` (unset: unlimited). A request over a limit
    waits at most the queue timeout for its account, then tries the next one."""

    max_body_bytes: int = Field(10 * 1024 * 1024, validation_alias=_env("MAX_BODY_BYTES"))
    upstream_timeout: float = Field(300.0, validation_alias=_env("UPSTREAM_TIMEOUT"))
    upstream_connect_timeout: float = Field(10.0, validation_alias=_env("UPSTREAM_CONNECT_TIMEOUT"))
    upstream_transport: Literal["aiohttp", "httpx", "httpx-aiohttp"] = Field(
        "aiohttp", validation_alias=_env("UPSTREAM_TRANSPORT")
    )
    usage_flush_interval: float = Field(0.5, validation_alias=_env("USAGE_FLUSH_INTERVAL"))
    usage_batch_size: int = Field(500, validation_alias=_env("USAGE_BATCH_SIZE"))
    log_level: str = Field("info", validation_alias=_env("LOG_LEVEL"))
    access_log: bool = Field(False, validation_alias=_env("ACCESS_LOG"))

    state_backend: str = Field("memory", validation_alias=_env("STATE_BACKEND"))
    redis_url: str | None = Field(None, validation_alias=_env("REDIS_URL"))
    redis_prefix: str = Field("omniroute:", validation_alias=_env("REDIS_PREFIX"))

    # Circuit breaker per provider class: open after THRESHOLD transient failures within
    # WINDOW seconds, probe again RESET seconds later (see resilience/breaker.py).
    breaker_api_key_threshold: int = Field(5, validation_alias=_env("BREAKER_API_KEY_THRESHOLD"))
    breaker_api_key_window: float = Field(60.0, validation_alias=_env("BREAKER_API_KEY_WINDOW"))
    breaker_api_key_reset: float = Field(30.0, validation_alias=_env("BREAKER_API_KEY_RESET"))
    breaker_oauth_threshold: int = Field(5, validation_alias=_env("BREAKER_OAUTH_THRESHOLD"))
    breaker_oauth_window: float = Field(60.0, validation_alias=_env("BREAKER_OAUTH_WINDOW"))
    breaker_oauth_reset: float = Field(60.0, validation_alias=_env("BREAKER_OAUTH_RESET"))
    breaker_local_threshold: int = Field(3, validation_alias=_env("BREAKER_LOCAL_THRESHOLD"))
    breaker_local_window: float = Field(30.0, validation_alias=_env("BREAKER_LOCAL_WINDOW"))
    breaker_local_reset: float = Field(10.0, validation_alias=_env("BREAKER_LOCAL_RESET"))

    @field_validator("load_plugins", "disable_plugins", mode="before")
    @classmethod
    def _split_names(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("data_dir", mode="after")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @property
    def effective_database_url(self) -> str:
        """The configured database, or SQLite in ``data_dir``."""
        return self.database_url or f"sqlite:///{self.data_dir / 'omniroute.db'}"
