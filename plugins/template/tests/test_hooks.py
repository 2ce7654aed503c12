"""The plugin's hooks, run the way the gateway runs them at startup.

``build_registry`` discovers plugins, calls every hook and validates the result exactly as
``omniroute serve`` does, so a passing test means the gateway will accept the plugin. The
allowlist is empty to keep other installed plugins out (``builtin`` always loads: it provides
the executor, auth strategy and format the manifest names).
"""

from __future__ import annotations

import importlib.metadata

from omniroute import Settings
from omniroute.plugins import build_registry, describe
from omniroute_plugin_example import hooks


def _settings() -> Settings:
    return Settings(load_plugins=[], disable_plugins=[], plugins_strict=True)


def test_provider_is_registered_and_valid() -> None:
    _, _, registry = build_registry(_settings(), extra=[("example", hooks)])

    manifest = registry.providers["example"]
    assert manifest.executor == "openai-chat"
    assert manifest.auth == "bearer"
    assert registry.prefixes["ex"] == "example"
    assert [m.id for m in manifest.models] == ["example-large", "example-small"]


def test_plugin_reports_what_it_registered() -> None:
    loaded, builder, _ = build_registry(_settings(), extra=[("example", hooks)])

    info = {i.name: i for i in describe(loaded, builder)}["example"]
    assert info.error is None
    assert info.registered == {"providers": ["example"]}


def test_entry_point_targets_the_hooks_module() -> None:
    """Catches a renamed package or a typo in ``[project.entry-points.omniroute]``."""
    (entry_point,) = importlib.metadata.entry_points(group="omniroute", name="example")
    assert entry_point.load() is hooks
