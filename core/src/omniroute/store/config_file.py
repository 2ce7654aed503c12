"""The declarative TOML config file (``omniroute serve --config omniroute.toml``).

The file declares connections, aliases, combos, per-model fallback chains and gateway keys;
applying it upserts them by their natural names ((provider, name), alias, combo name, model,
key name), so applying the same file at every start changes nothing the second time. Entries
the file does not mention are left alone: the dashboard and the CLI keep working next to a
config file.

A connection's fields that the file omits keep their stored values (a new connection gets
the defaults), so a token refreshed through the dashboard is not wiped by the next start.
Secrets can be written as ``env:NAME`` to keep them out of the file.

Applying is two-phase: the whole file is parsed, validated and its ``env:`` references
resolved before anything is written, then everything is written in one transaction, so a
mistake anywhere leaves the database untouched.
"""

from __future__ import annotations

import os
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Any, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlmodel import Session

from ..options import AccountLimitsModel, ComboConfigModel
from ..security.keys import hash_key
from ..types import Combo, ComboConfig, ComboStep
from . import aliases, api_keys, combos, connections, fallbacks
from .connections import ConnectionFields

ENV_PREFIX = "env:"

ProviderResolver = Callable[[str], str | None]
"""Maps a provider id or alias to the provider id; None for an unknown provider."""


class ConfigFileError(ValueError):
    """The config file cannot be read or applied; the message names the file and the entry."""


class _Entry(BaseModel):
    # Strict: TOML values are typed, so ``priority = "1"`` is a mistake worth reporting.
    model_config = ConfigDict(extra="forbid", strict=True)


class LimitsEntry(AccountLimitsModel):
    """A connection's ``limits`` table: the API's names and bounds, as strict as the file."""

    model_config = ConfigDict(strict=True)


class ComboConfigEntry(ComboConfigModel):
    """A combo's ``config`` table: the API's names and bounds, as strict as the file."""

    model_config = ConfigDict(strict=True)


class ConnectionEntry(_Entry):
    """``[[connections]]``: one provider account, upserted by (provider, name)."""

    provider: str = Field(min_length=1)
    name: str = Field(min_length=1)
    api_key: str | None = None
    base_url: str | None = None
    prefix: str | None = Field(None, min_length=1)
    priority: int = 100
    enabled: bool = True
    extra: dict[str, Any] = Field(default_factory=dict)
    limits: LimitsEntry | None = None
    """Replaces the stored limits as a whole when given; its unset fields take the
    gateway-wide defaults."""


class ComboModelEntry(_Entry):
    """One element of a combo's ``models``: a model string, or a table with options.

    ``connection`` pins the step to one account: a connection name, or ``provider/name``
    when several providers have a connection of that name.
    """

    model: str = Field(min_length=1)
    weight: int = Field(1, ge=0)
    connection: str | None = None


class ComboEntry(_Entry):
    """``[[combos]]``: a named fallback chain, replaced as a whole on every apply."""

    name: str = Field(min_length=1)
    strategy: str = "fill-first"
    models: list[ComboModelEntry] = Field(min_length=1)
    config: ComboConfigEntry | None = None

    @field_validator("models", mode="before")
    @classmethod
    def _expand_strings(cls, value: object) -> object:
        if isinstance(value, list):
            return [{"model": item} if isinstance(item, str) else item for item in value]
        return value


FallbackChain = Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)]
"""``[fallbacks]`` maps a model to the models tried, in order, after it failed."""


class KeyEntry(_Entry):
    """``[[keys]]``: a gateway API key clients send, upserted by name."""

    name: str = Field(min_length=1)
    key: str = Field(min_length=1)
    enabled: bool = True


class ConfigDocument(_Entry):
    """The whole file."""

    connections: list[ConnectionEntry] = Field(default_factory=list)
    aliases: dict[str, str] = Field(default_factory=dict)
    combos: list[ComboEntry] = Field(default_factory=list)
    fallbacks: dict[str, FallbackChain] = Field(default_factory=dict)
    keys: list[KeyEntry] = Field(default_factory=list)

    @field_validator("fallbacks")
    @classmethod
    def _no_self_fallback(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        # Only what the file alone can show: the store has no provider catalogue, so, as for
        # combos and aliases, whether the models resolve is checked by the management API.
        looping = sorted(model for model, chain in value.items() if model in chain)
        if looping:
            raise ValueError(f"a model cannot fall back to itself: {', '.join(looping)}")
        return value


def load(path: Path, resolve_provider: ProviderResolver | None = None) -> ConfigDocument:
    """Read and validate ``path``, with ``env:`` secrets and provider aliases resolved."""
    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except OSError as exc:
        raise ConfigFileError(f"cannot read config file {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigFileError(f"{path}: invalid TOML: {exc}") from exc
    try:
        document = ConfigDocument.model_validate(data)
    except ValidationError as exc:
        raise ConfigFileError(f"{path}: {_describe(exc)}") from exc
    try:
        return _resolve(document, resolve_provider)
    except ValueError as exc:
        raise ConfigFileError(f"{path}: {exc}") from exc


def apply(
    session: Session,
    document: ConfigDocument,
    sealer: api_keys.KeySealer,
    path: Path,
) -> None:
    """Upsert everything ``document`` declares, in ``session``'s transaction."""
    try:
        for connection in document.connections:
            _apply_connection(session, sealer, connection)
        for alias, model in document.aliases.items():
            aliases.set_alias(session, alias, model)
        for combo in document.combos:
            combos.upsert(session, _to_combo(session, combo))
        for model, chain in document.fallbacks.items():
            fallbacks.set_chain(session, model, chain)
        for key in document.keys:
            _apply_key(session, sealer, key)
    except ValueError as exc:
        raise ConfigFileError(f"{path}: {exc}") from exc


def _resolve(document: ConfigDocument, resolve_provider: ProviderResolver | None) -> ConfigDocument:
    resolved_connections = []
    for entry in document.connections:
        label = f"connection {entry.provider}/{entry.name}"
        update: dict[str, Any] = {}
        if resolve_provider is not None:
            provider = resolve_provider(entry.provider)
            if provider is None:
                raise ValueError(f"{label}: unknown provider {entry.provider!r}")
            update["provider"] = provider
        if entry.api_key is not None:
            update["api_key"] = _resolve_secret(entry.api_key, label)
        if entry.extra:
            update["extra"] = {
                key: _resolve_secret(value, f"{label} extra.{key}")
                if isinstance(value, str)
                else value
                for key, value in entry.extra.items()
            }
        resolved_connections.append(entry.model_copy(update=update))
    resolved_keys = [
        key.model_copy(update={"key": _resolve_secret(key.key, f"key {key.name!r}")})
        for key in document.keys
    ]
    _reject_duplicates("connection", (f"{c.provider}/{c.name}" for c in resolved_connections))
    _reject_duplicates("combo", (combo.name for combo in document.combos))
    _reject_duplicates("key", (key.name for key in resolved_keys))
    return document.model_copy(update={"connections": resolved_connections, "keys": resolved_keys})


def _resolve_secret(value: str, label: str) -> str:
    if not value.startswith(ENV_PREFIX):
        return value
    name = value.removeprefix(ENV_PREFIX)
    secret = os.environ.get(name)
    if not secret:
        raise ValueError(f"{label}: environment variable {name} is not set or empty")
    return secret


def _reject_duplicates(kind: str, names: Iterable[str]) -> None:
    repeated = sorted(name for name, seen in Counter(names).items() if seen > 1)
    if repeated:
        raise ValueError(f"{kind} declared more than once: {', '.join(repeated)}")


def _apply_connection(session: Session, sealer: api_keys.KeySealer, entry: ConnectionEntry) -> None:
    row = connections.find_by_name(session, entry.provider, entry.name)
    if row is None:
        connections.create(
            session, sealer.box, entry.provider, entry.name, _connection_fields(entry, False)
        )
    else:
        connections.update(session, sealer.box, row, _connection_fields(entry, True))


def _connection_fields(entry: ConnectionEntry, only_given: bool) -> ConnectionFields:
    values = entry.model_dump(exclude={"provider", "name", "limits"}, exclude_unset=only_given)
    if "api_key" in values:
        values["secret"] = values.pop("api_key")
    if entry.limits is not None:
        values["limits"] = entry.limits.to_limits()
    return cast(ConnectionFields, values)


def _to_combo(session: Session, entry: ComboEntry) -> Combo:
    steps = []
    for model in entry.models:
        connection_id = None
        if model.connection is not None:
            provider, _, name = model.connection.partition("/")
            row = (
                connections.find_by_name(session, provider, name)
                if name
                else connections.find(session, provider)
            )
            if row is None:
                raise ValueError(f"combo {entry.name!r}: no connection {model.connection!r}")
            connection_id = row.id
        steps.append(ComboStep(model=model.model, weight=model.weight, connection_id=connection_id))
    config = entry.config.to_config() if entry.config is not None else ComboConfig()
    return Combo(name=entry.name, steps=tuple(steps), strategy=entry.strategy, config=config)


def _apply_key(session: Session, sealer: api_keys.KeySealer, entry: KeyEntry) -> None:
    row = api_keys.find_by_name(session, entry.name)
    if row is None:
        row = api_keys.create(session, sealer, entry.name, entry.key)
    elif row.key_hash != hash_key(entry.key, sealer.hmac_secret):
        api_keys.replace_key(session, sealer, row, entry.key)
    if "enabled" in entry.model_fields_set:
        row.enabled = entry.enabled
        session.add(row)


def _describe(error: ValidationError) -> str:
    problems = []
    for problem in error.errors():
        location = ""
        for part in problem["loc"]:
            if isinstance(part, int):
                location += f"[{part}]"
            else:
                location += f".{part}" if location else part
        problems.append(f"{location}: {problem['msg']}" if location else problem["msg"])
    return "; ".join(problems)
