"""The OpenAI-compatible provider family, read from ``providers.toml``.

Adding a compatible provider is a data change: a table with a base URL and a few example
models. Everything else (executor, format, bearer auth) is shared.
"""

from __future__ import annotations

from importlib.resources import files

from omniroute import ProviderManifest, manifests_from_toml


def load_manifests() -> list[ProviderManifest]:
    text = files(__package__).joinpath("providers.toml").read_text()
    return manifests_from_toml(text, executor="openai-chat", format="openai")
