"""The Gemini-format providers, read from ``providers.toml``."""

from __future__ import annotations

from importlib.resources import files

from omniroute import ProviderManifest, manifests_from_toml


def load_manifests() -> list[ProviderManifest]:
    text = files(__package__).joinpath("providers.toml").read_text()
    return manifests_from_toml(text, executor="gemini", format="gemini")
