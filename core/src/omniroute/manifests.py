"""Provider manifests written as data (TOML), for plugins with families of similar providers.

A table per provider: ``name``, ``base_url``, optional ``aliases``, ``auth`` (default
``bearer``), ``auth_kind``, ``format``, ``executor``, ``custom_node`` and ``models`` (each
``{id, context, format, price = [input, output]}``, prices in USD per million tokens).
``executor`` and ``format`` default to the values the plugin passes in.
"""

from __future__ import annotations

import tomllib
from typing import Any

from .types import ModelInfo, ProviderManifest


def _model(entry: dict[str, Any]) -> ModelInfo:
    price = entry.get("price") or (None, None)
    return ModelInfo(
        id=entry["id"],
        context_length=entry.get("context"),
        format=entry.get("format"),
        input_price=price[0],
        output_price=price[1],
    )


def manifests_from_toml(text: str, *, executor: str, format: str) -> list[ProviderManifest]:
    """One ``ProviderManifest`` per top-level table of ``text``."""
    return [
        ProviderManifest(
            id=pid,
            display_name=entry["name"],
            executor=entry.get("executor", executor),
            auth=entry.get("auth", "bearer"),
            auth_kind=entry.get("auth_kind", "api-key"),
            format=entry.get("format", format),
            base_url=entry["base_url"],
            aliases=tuple(entry.get("aliases", ())),
            models=tuple(_model(m) for m in entry.get("models", ())),
            custom_node=entry.get("custom_node", False),
        )
        for pid, entry in tomllib.loads(text).items()
    ]
