"""The routing options users write by hand: a combo's ``config`` and an account's ``limits``.

The config file, the management API, the CLI and the database all read and write them
through these two models, so the names (``maxRetries`` as the original OmniRoute spells them,
``max_retries`` accepted too) and the bounds are checked in one place.
"""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from .types import AccountLimits, Combo, ComboConfig


def _names(snake: str, camel: str) -> Any:
    return Field(None, ge=0, validation_alias=AliasChoices(camel, snake), serialization_alias=camel)


class ComboConfigModel(BaseModel):
    """A combo's ``config``; unset fields keep the defaults of :class:`ComboConfig`."""

    model_config = ConfigDict(extra="forbid")

    max_retries: int | None = _names("max_retries", "maxRetries")
    retry_delay_ms: int | None = _names("retry_delay_ms", "retryDelayMs")
    timeout_ms: int | None = _names("timeout_ms", "timeoutMs")
    sticky_round_robin_limit: int | None = Field(
        None,
        ge=1,
        validation_alias=AliasChoices("stickyRoundRobinLimit", "sticky_round_robin_limit"),
        serialization_alias="stickyRoundRobinLimit",
    )

    def to_config(self) -> ComboConfig:
        return ComboConfig(**self.model_dump(exclude_none=True))

    @classmethod
    def dump(cls, config: ComboConfig) -> dict[str, int]:
        """``config`` by its API names, leaving out what is unset."""
        values = {name: getattr(config, name) for name in cls.model_fields}
        return cls.model_validate(values).model_dump(by_alias=True, exclude_none=True)


class AccountLimitsModel(BaseModel):
    """An account's ``limits``; unset fields take the gateway-wide defaults."""

    model_config = ConfigDict(extra="forbid")

    rpm: int | None = Field(None, ge=1)
    min_interval_ms: int | None = _names("min_interval_ms", "minIntervalMs")
    max_concurrent: int | None = Field(
        None,
        ge=1,
        validation_alias=AliasChoices("maxConcurrent", "max_concurrent"),
        serialization_alias="maxConcurrent",
    )
    queue_timeout_ms: int | None = _names("queue_timeout_ms", "queueTimeoutMs")

    def to_limits(self) -> AccountLimits:
        return AccountLimits(**self.model_dump(exclude_none=True))

    @classmethod
    def dump(cls, limits: AccountLimits) -> dict[str, int]:
        """``limits`` by their API names, leaving out what is unset."""
        values = {name: getattr(limits, name) for name in cls.model_fields}
        return cls.model_validate(values).model_dump(by_alias=True, exclude_none=True)


def combo_json(combo: Combo) -> dict[str, Any]:
    """``combo`` as the management API returns it and ``omniroute combos --json`` prints it,
    so scripts read either alike."""
    return {
        "name": combo.name,
        "strategy": combo.strategy,
        "models": [
            {"model": s.model, "weight": s.weight, "connection_id": s.connection_id}
            for s in combo.steps
        ],
        "config": ComboConfigModel.dump(combo.config),
    }
