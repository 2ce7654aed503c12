"""The OpenCode providers, read from ``providers.toml`` with user format overrides.

OpenCode mixes protocols by model family, and new models appear faster than releases, so
``OPENCODE_MODEL_FORMATS`` (``model=format,…``) adds or overrides a model's wire format.
"""

from __future__ import annotations

import os
from dataclasses import replace
from importlib.resources import files

from omniroute import ModelInfo, ProviderManifest, manifests_from_toml


def model_formats(value: str) -> dict[str, str]:
    """``{"model": "format"}`` from ``"model=format,model=format"``."""
    pairs = (item.partition("=") for item in value.split(",") if "=" in item)
    return {model.strip(): fmt.strip() for model, _, fmt in pairs if model.strip() and fmt.strip()}


def with_formats(manifest: ProviderManifest, overrides: dict[str, str]) -> ProviderManifest:
    models = {info.id: info for info in manifest.models}
    for model, fmt in overrides.items():
        models[model] = replace(models.get(model, ModelInfo(model)), format=fmt)
    return replace(manifest, models=tuple(models.values()))


def load_manifests() -> list[ProviderManifest]:
    text = files(__package__).joinpath("providers.toml").read_text()
    overrides = model_formats(os.environ.get("OPENCODE_MODEL_FORMATS", ""))
    return [
        with_formats(manifest, overrides)
        for manifest in manifests_from_toml(text, executor="opencode", format="openai")
    ]
