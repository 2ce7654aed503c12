"""Model resolution against the builtin providers and a configuration snapshot."""

from __future__ import annotations

import pytest

from omniroute.engine.resolver import Resolver
from omniroute.errors import ModelNotFound, ProviderMismatch, ProviderNotFound
from omniroute.plugins import build_registry
from omniroute.registry import Registry
from omniroute.settings import Settings
from omniroute.types import Combo, ComboStep, ConfigSnapshot, Connection


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), load_plugins=[])
    return build_registry(settings)[2]


@pytest.fixture
def snapshot() -> ConfigSnapshot:
    openai = Connection("c1", "openai", "main", secret="k")
    groq = Connection("c2", "groq", "main", secret="k")
    node = Connection("c3", "openai-compatible", "vllm", base_url="http://x/v1", prefix="vllm")
    return ConfigSnapshot(
        connections={"openai": (openai,), "groq": (groq,), "openai-compatible": (node,)},
        custom_prefixes={"vllm": node},
        aliases={"fast": "groq/llama-3.1-8b-instant", "loop": "loop"},
        combos={
            "coding": Combo("coding", (ComboStep("openai/gpt-4o"), ComboStep("fast"))),
            "outer": Combo("outer", (ComboStep("coding"), ComboStep("ds/deepseek-chat"))),
            "self": Combo("self", (ComboStep("self"),)),
            "pinned": Combo(
                "pinned", (ComboStep("groq/llama-3.1-8b-instant", connection_id="c2"),)
            ),
        },
    )


def _ids(targets: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(t.provider.id, t.model) for t in targets]


def test_prefix_and_alias_prefix(registry: Registry, snapshot: ConfigSnapshot) -> None:
    resolver = Resolver(registry, snapshot)
    assert _ids(resolver.resolve("openai/gpt-4o")) == [("openai", "gpt-4o")]
    assert _ids(resolver.resolve("ds/deepseek-chat")) == [("deepseek", "deepseek-chat")]
    # Everything after the first slash is the provider's model id.
    assert _ids(resolver.resolve("openrouter/anthropic/claude-sonnet-4")) == [
        ("openrouter", "anthropic/claude-sonnet-4")
    ]


def test_custom_node_prefix_pins_its_connection(
    registry: Registry, snapshot: ConfigSnapshot
) -> None:
    (target,) = Resolver(registry, snapshot).resolve("vllm/qwen3")
    assert (target.provider.id, target.model, target.connection_ids) == (
        "openai-compatible",
        "qwen3",
        ("c3",),
    )


def test_alias_combo_and_nested_combo(registry: Registry, snapshot: ConfigSnapshot) -> None:
    resolver = Resolver(registry, snapshot)
    assert _ids(resolver.resolve("fast")) == [("groq", "llama-3.1-8b-instant")]
    assert _ids(resolver.resolve("outer")) == [
        ("openai", "gpt-4o"),
        ("groq", "llama-3.1-8b-instant"),
        ("deepseek", "deepseek-chat"),
    ]


def test_bare_model_found_in_configured_catalogue(
    registry: Registry, snapshot: ConfigSnapshot
) -> None:
    assert _ids(Resolver(registry, snapshot).resolve("gpt-4o-mini")) == [("openai", "gpt-4o-mini")]


def test_unknown_models_say_what_was_tried(registry: Registry, snapshot: ConfigSnapshot) -> None:
    resolver = Resolver(registry, snapshot)
    with pytest.raises(ModelNotFound, match="unknown provider prefix 'nope'"):
        resolver.resolve("nope/model")
    with pytest.raises(ModelNotFound, match="not a combo, an alias or provider/model"):
        resolver.resolve("mystery")
    with pytest.raises(ModelNotFound, match="refers to itself"):
        resolver.resolve("self")


def test_provider_scope(registry: Registry, snapshot: ConfigSnapshot) -> None:
    resolver = Resolver(registry, snapshot)
    assert _ids(resolver.resolve("gpt-4o", "openai")) == [("openai", "gpt-4o")]
    assert _ids(resolver.resolve("openai/gpt-4o", "openai")) == [("openai", "gpt-4o")]
    assert _ids(resolver.resolve("meta/llama", "openrouter")) == [("openrouter", "meta/llama")]
    with pytest.raises(ProviderMismatch):
        resolver.resolve("groq/llama", "openai")
    with pytest.raises(ProviderNotFound):
        resolver.resolve("gpt-4o", "nope")


def test_combo_step_pins_a_connection(registry: Registry, snapshot: ConfigSnapshot) -> None:
    (target,) = Resolver(registry, snapshot).resolve("pinned")
    assert target.connection_ids == ("c2",)


def test_wildcard_aliases_most_specific_wins(registry: Registry) -> None:
    snapshot = ConfigSnapshot(
        connections={"openai": (Connection("c1", "openai", "m", secret="k"),)},
        aliases={
            "gpt-*": "openai/gpt-4o-mini",
            "gpt-4o*": "openai/gpt-4o",
            "claude-sonnet-*": "openrouter/anthropic/claude-sonnet-*",
            "o?-mini": "openai/o4-mini",
            "exact": "groq/llama-3.1-8b-instant",
        },
    )
    resolver = Resolver(registry, snapshot)
    assert _ids(resolver.resolve("gpt-4o-2024")) == [("openai", "gpt-4o")]
    assert _ids(resolver.resolve("gpt-5")) == [("openai", "gpt-4o-mini")]
    assert _ids(resolver.resolve("claude-sonnet-4-5")) == [
        ("openrouter", "anthropic/claude-sonnet-4-5")
    ]
    assert _ids(resolver.resolve("o3-mini")) == [("openai", "o4-mini")]
    assert _ids(resolver.resolve("exact")) == [("groq", "llama-3.1-8b-instant")]
    # An explicit provider prefix is not an alias.
    assert _ids(resolver.resolve("openai/gpt-4.1")) == [("openai", "gpt-4.1")]
