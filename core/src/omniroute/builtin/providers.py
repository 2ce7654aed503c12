"""The OpenAI-compatible provider family, read from ``providers.toml``.

Adding a compatible provider is a data change: a table with a base URL and a few example
models. Everything else (executor, format, bearer auth) is shared.
"""

from __future__ import annotations

import tomllib
from importlib.resources import files
from typing import Any

from omniroute import ModelInfo, ProviderManifest


def _model(entry: dict[str, Any]) -> ModelInfo:
    price = entry.get("price") or (None, None)
    return ModelInfo(
        id=entry["id"],
        context_length=entry.get("context"),
        format=entry.get("format"),
        input_price=price[0],
        output_price=price[1],
    )


def load_manifests() -> list[ProviderManifest]:
    data = tomllib.loads(files(__package__).joinpath("providers.toml").read_text())
    return [
        ProviderManifest(
            id=pid,
            display_name=entry["name"],
            executor="openai-chat",
            auth=entry.get("auth", "bearer"),
            auth_kind=entry.get("auth_kind", "api-key"),
            format="openai",
            base_url=entry["base_url"],
            aliases=tuple(entry.get("aliases", ())),
            models=tuple(_model(m) for m in entry["models"]),
            custom_node=entry.get("custom_node", False),
        )
        for pid, entry in data.items()
    ]
