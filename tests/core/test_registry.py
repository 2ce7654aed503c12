"""The registry: one test per registration hook, then startup validation.

Plugins here are in-process (``extra=``) and no installed plugin loads, not even ``builtin``,
so each test sees exactly the names it registers. Registered objects are minimal fakes with
the attributes the registrars check; their behaviour is covered by the plugins' own tests.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any, TypeVar

import pytest

from omniroute import (
    Candidate,
    ModelInfo,
    PluginLoadError,
    ProviderManifest,
    Settings,
    StartupError,
    Surface,
    UpstreamRequest,
    hookimpl,
)
from omniroute.interfaces import PluginInfo
from omniroute.plugins import LoadedPlugins, build_registry, describe
from omniroute.registry import Registry, RegistryBuilder

T = TypeVar("T")


def isolated(**overrides: Any) -> Settings:
    """No installed plugin, every switch explicit (the environment cannot change the test)."""
    switches: dict[str, Any] = {
        "load_plugins": [],
        "disable_plugins": ["builtin"],
        "plugins_strict": False,
        "trace_plugins": False,
    }
    return Settings(**(switches | overrides))


def plugin(**hooks: Callable[..., object]) -> ModuleType:
    """An in-process plugin module whose hook implementations are ``hooks``.

    Hook functions are usually lambdas; pluggy reads their argument names, so each declares
    only the hook arguments it uses, exactly like a plugin's ``hooks.py``.
    """
    module = ModuleType("in_process_plugin")
    for name, function in hooks.items():
        setattr(module, name, hookimpl(function))
    return module


def build(*plugins: tuple[str, ModuleType], **settings: Any) -> Registry:
    return build_registry(isolated(**settings), extra=plugins)[2]


def info(loaded: LoadedPlugins, builder: RegistryBuilder, name: str) -> PluginInfo:
    """What ``omniroute plugins`` would report for ``name`` (skipped entry points are listed
    too, so look the plugin up by name)."""
    return {i.name: i for i in describe(loaded, builder)}[name]


@dataclass
class Format:
    name: str
    surfaces: Sequence[Surface] = (Surface("/v1/fake"),)

    def error_body(self, error: Exception) -> dict[str, Any]:
        return {"error": str(error)}


@dataclass
class Translator:
    source: str
    target: str

    def request(self, body: dict[str, Any], model: str) -> dict[str, Any]:
        return body

    def response(self, body: dict[str, Any], model: str) -> dict[str, Any]:
        return body

    def stream(self, model: str) -> object:
        return object()


@dataclass
class Executor:
    name: str

    def build_request(
        self, candidate: Candidate, body: dict[str, Any], stream: bool, timeout: float
    ) -> UpstreamRequest:
        return UpstreamRequest("POST", candidate.base_url, {}, b"", stream, timeout)


@dataclass
class Auth:
    name: str

    async def apply(self, request: UpstreamRequest, candidate: Candidate) -> None:
        request.headers["authorization"] = "Bearer test"


@dataclass
class Routing:
    name: str

    async def order(self, items: Sequence[T], key: str) -> list[T]:
        return list(items)


@dataclass
class ExecutorWithoutBuild:
    """Looks like an executor by name only: the registrar must refuse it."""

    name: str


def manifest(pid: str = "acme", **fields: Any) -> ProviderManifest:
    values: dict[str, Any] = {"executor": "acme-exec", "auth": "acme-auth", "format": "acme"}
    return ProviderManifest(id=pid, **(values | fields))


ACME = plugin(
    register_formats=lambda register: register(Format("acme")),
    register_executors=lambda register: register(Executor("acme-exec")),
    register_auth_strategies=lambda register: register(Auth("acme-auth")),
)
"""Everything ``manifest()`` names, so a test can add just the provider it is about."""


# --- one test per registration hook ---------------------------------------------------------


def test_hook_register_formats() -> None:
    loaded, builder, registry = build_registry(
        isolated(), extra=[("fmt", plugin(register_formats=lambda register: register(Format("x"))))]
    )

    assert registry.formats["x"].surfaces == (Surface("/v1/fake"),)
    assert info(loaded, builder, "fmt").registered == {"formats": ["x"]}


def test_hook_register_translators() -> None:
    formats = plugin(register_formats=lambda register: [register(Format(n)) for n in "ab"])
    translators = plugin(register_translators=lambda register: register(Translator("a", "b")))

    registry = build(("formats", formats), ("translators", translators))

    assert registry.translators["a->b"].target == "b"


def test_hook_register_executors() -> None:
    registry = build(("ex", plugin(register_executors=lambda register: register(Executor("e")))))

    assert isinstance(registry.executors["e"], Executor)


def test_hook_register_auth_strategies() -> None:
    registry = build(
        ("auth", plugin(register_auth_strategies=lambda register: register(Auth("key"))))
    )

    assert registry.auth_strategies["key"].name == "key"


def test_hook_register_routing_strategies() -> None:
    registry = build(
        ("rt", plugin(register_routing_strategies=lambda register: register(Routing("first"))))
    )

    assert registry.routing_strategies["first"].name == "first"


def test_hook_register_providers_receives_the_running_settings() -> None:
    seen: list[Settings] = []

    def register_providers(
        register: Callable[[ProviderManifest], None], settings: Settings
    ) -> None:
        seen.append(settings)
        register(manifest(aliases=("ac",), base_url=f"http://{settings.host}:9"))

    settings = isolated(host="10.0.0.7")
    _, _, registry = build_registry(
        settings, extra=[("acme", ACME), ("prov", plugin(register_providers=register_providers))]
    )

    (received,) = seen
    assert received is settings
    assert registry.providers["acme"].base_url == "http://10.0.0.7:9"
    assert registry.prefixes == {"acme": "acme", "ac": "acme"}


# --- composition -------------------------------------------------------------------------


def test_provider_may_name_objects_another_plugin_registers_later() -> None:
    """References are checked after every hook ran, whatever the plugin order."""
    provider_first = plugin(register_providers=lambda register: register(manifest()))

    registry = build(("provider", provider_first), ("acme", ACME))

    assert registry.providers["acme"].executor in registry.executors


def test_model_may_name_a_format_from_another_plugin() -> None:
    mixed = manifest(models=(ModelInfo("m-claude", format="claude"), ModelInfo("m-default")))
    claude = plugin(register_formats=lambda register: register(Format("claude")))

    registry = build(
        ("acme", ACME),
        ("claude", claude),
        ("mixed", plugin(register_providers=lambda register: register(mixed))),
    )

    assert registry.providers["acme"].model_format("m-claude") == "claude"
    assert registry.providers["acme"].model_format("m-default") == "acme"


# --- validation --------------------------------------------------------------------------


def test_duplicate_name_names_both_plugins() -> None:
    first = plugin(register_executors=lambda register: register(Executor("same")))
    second = plugin(register_executors=lambda register: register(Executor("same")))

    with pytest.raises(StartupError) as caught:
        build(("first", first), ("second", second))

    (problem,) = caught.value.problems
    assert problem.startswith("duplicate executor 'same': registered by plugin ")
    assert "'first'" in problem
    assert "'second'" in problem


def test_dangling_executor_is_listed() -> None:
    lonely = plugin(
        register_formats=lambda register: register(Format("acme")),
        register_auth_strategies=lambda register: register(Auth("acme-auth")),
        register_providers=lambda register: register(manifest(executor="nobody-has-this")),
    )

    with pytest.raises(StartupError) as caught:
        build(("lonely", lonely))

    assert caught.value.problems == [
        "provider 'acme' (plugin 'lonely') needs executor 'nobody-has-this', "
        "which no loaded plugin registers"
    ]
    assert "nobody-has-this" in str(caught.value)


def test_all_problems_are_reported_in_one_startup_error() -> None:
    broken = plugin(
        register_formats=lambda register: register(Format("acme")),
        register_translators=lambda register: register(Translator("acme", "klingon")),
        register_providers=lambda register: [
            register(manifest(auth="missing-auth", executor="missing-exec")),
            register(manifest("other", aliases=("acme",), models=(ModelInfo("m", format="x"),))),
        ],
    )
    clash = plugin(register_formats=lambda register: register(Format("acme")))

    with pytest.raises(StartupError) as caught:
        build(("broken", broken), ("clash", clash))

    problems = caught.value.problems
    assert len(problems) == 8, problems
    for fragment in (
        "duplicate format 'acme'",
        "provider 'acme' (plugin 'broken') needs executor 'missing-exec'",
        "provider 'acme' (plugin 'broken') needs auth strategy 'missing-auth'",
        "provider 'other' (plugin 'broken') needs executor 'acme-exec'",
        "provider 'other' (plugin 'broken') needs auth strategy 'acme-auth'",
        "model 'm' needs format 'x'",
        "model prefix 'acme' is claimed by providers 'acme' and 'other'",
        "translator 'acme->klingon' (plugin 'broken') names format 'klingon'",
    ):
        assert any(fragment in p for p in problems), fragment
    assert str(caught.value).startswith("8 startup problem(s):\n  - ")


def test_object_missing_a_required_method_is_blamed_on_its_plugin() -> None:
    sloppy = plugin(register_executors=lambda register: register(ExecutorWithoutBuild("e")))

    loaded, builder, registry = build_registry(isolated(), extra=[("sloppy", sloppy)])

    error = info(loaded, builder, "sloppy").error
    assert error is not None
    assert error.startswith("register_executors raised TypeError: plugin 'sloppy'")
    assert error.endswith("without build_request")
    assert registry.executors == {}


def test_object_missing_a_required_method_aborts_strict_start() -> None:
    sloppy = plugin(register_auth_strategies=lambda register: register(Routing("not-auth")))

    with pytest.raises(PluginLoadError, match="sloppy: register_auth_strategies raised"):
        build(("sloppy", sloppy), plugins_strict=True)


# --- the frozen registry ------------------------------------------------------------------


def _chain_registry(*pairs: str) -> Registry:
    formats = plugin(
        register_formats=lambda register: [
            register(Format(n)) for n in ("openai", "claude", "gemini", "direct")
        ]
    )
    translators = plugin(
        register_translators=lambda register: [
            register(Translator(*pair.split("->"))) for pair in pairs
        ]
    )
    return build(("formats", formats), ("translators", translators))


def test_same_format_needs_no_translator() -> None:
    assert _chain_registry().translation_chain("claude", "claude") == []


def test_direct_translator_wins_over_the_hub() -> None:
    registry = _chain_registry("claude->openai", "openai->direct", "claude->direct")

    assert [(t.source, t.target) for t in registry.translation_chain("claude", "direct")] == [
        ("claude", "direct")
    ]


def test_translation_goes_through_the_hub_format() -> None:
    registry = _chain_registry("claude->openai", "openai->gemini")

    chain = registry.translation_chain("claude", "gemini")

    assert [(t.source, t.target) for t in chain] == [("claude", "openai"), ("openai", "gemini")]
    assert [(t.source, t.target) for t in registry.translation_chain("openai", "gemini")] == [
        ("openai", "gemini")
    ]


def test_missing_translator_is_a_lookup_error_for_that_target_only() -> None:
    registry = _chain_registry("claude->openai")

    with pytest.raises(LookupError, match="no translator from 'openai' to 'gemini'"):
        registry.translation_chain("claude", "gemini")
    assert len(registry.translation_chain("claude", "openai")) == 1
