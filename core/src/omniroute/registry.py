"""The frozen registry of everything plugins registered, and its startup validation.

Registrars check each object eagerly (right type, unique name) and remember which plugin
registered it, so a duplicate names both plugins. After every hook ran, ``validate`` checks
every name a provider refers to and reports all problems in one ``StartupError``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from .errors import StartupError
from .interfaces import (
    AccumulatingFormat,
    AdaptingExecutor,
    AuthStrategy,
    Executor,
    ModelListingFormat,
    RecordingStrategy,
    RefreshingAuthStrategy,
    RoutingStrategy,
    StickyStrategy,
    StreamOnlyExecutor,
    TokenCountingExecutor,
    TokenCountingFormat,
    Translator,
    WireFormat,
)
from .types import ProviderManifest

T = TypeVar("T")

HUB_FORMAT = "openai"
"""Translators go through this format when no direct pair is registered."""


class Registrar(Generic[T]):
    """Collects one kind of object by name, remembering which plugin registered each."""

    def __init__(self, kind: str, required: tuple[str, ...], key: Callable[[T], str]) -> None:
        self.kind = kind
        self._required = required
        self._key = key
        self.items: dict[str, T] = {}
        self.owners: dict[str, str] = {}
        self.problems: list[str] = []

    def bind(self, plugin: str) -> Callable[[T], None]:
        """The ``register`` callback handed to ``plugin``'s hook implementation."""

        def register(item: T) -> None:
            missing = [attr for attr in self._required if not hasattr(item, attr)]
            if missing:
                raise TypeError(
                    f"plugin {plugin!r} registered a {self.kind} {item!r} without "
                    f"{', '.join(missing)}"
                )
            name = self._key(item)
            if name in self.items:
                self.problems.append(
                    f"duplicate {self.kind} {name!r}: registered by plugin "
                    f"{self.owners[name]!r} and by plugin {plugin!r}"
                )
                return
            self.items[name] = item
            self.owners[name] = plugin

        return register

    def by_plugin(self, plugin: str) -> list[str]:
        return [name for name, owner in self.owners.items() if owner == plugin]


def _translator_key(t: Translator) -> str:
    return f"{t.source}->{t.target}"


@dataclass
class RegistryBuilder:
    """Mutable collection phase; ``freeze`` turns it into the immutable ``Registry``."""

    formats: Registrar[WireFormat] = field(
        default_factory=lambda: Registrar(
            "format", ("name", "surfaces", "error_body"), lambda f: f.name
        )
    )
    translators: Registrar[Translator] = field(
        default_factory=lambda: Registrar(
            "translator", ("source", "target", "request", "response", "stream"), _translator_key
        )
    )
    executors: Registrar[Executor] = field(
        default_factory=lambda: Registrar("executor", ("name", "build_request"), lambda e: e.name)
    )
    auth_strategies: Registrar[AuthStrategy] = field(
        default_factory=lambda: Registrar("auth strategy", ("name", "apply"), lambda a: a.name)
    )
    routing_strategies: Registrar[RoutingStrategy] = field(
        default_factory=lambda: Registrar("routing strategy", ("name", "order"), lambda r: r.name)
    )
    providers: Registrar[ProviderManifest] = field(
        default_factory=lambda: Registrar("provider", ("id", "executor", "auth"), lambda p: p.id)
    )

    def registrars(self) -> dict[str, Registrar[Any]]:
        return {
            "formats": self.formats,
            "translators": self.translators,
            "executors": self.executors,
            "auth_strategies": self.auth_strategies,
            "routing_strategies": self.routing_strategies,
            "providers": self.providers,
        }

    def registered_by(self, plugin: str) -> dict[str, list[str]]:
        """What ``plugin`` registered, by kind (empty kinds left out)."""
        out = {kind: reg.by_plugin(plugin) for kind, reg in self.registrars().items()}
        return {kind: names for kind, names in out.items() if names}

    def problems(self) -> list[str]:
        """Duplicates seen while registering plus every dangling reference."""
        found = [p for reg in self.registrars().values() for p in reg.problems]
        found.extend(self._dangling())
        return found

    def _dangling(self) -> Iterable[str]:
        formats = self.formats.items
        aliases: dict[str, str] = {}
        for pid, manifest in self.providers.items.items():
            owner = self.providers.owners[pid]
            executor = self.executors.items.get(manifest.executor)
            upstream = formats.get(manifest.format)
            if (
                isinstance(executor, StreamOnlyExecutor)
                and upstream is not None
                and not isinstance(upstream, AccumulatingFormat)
            ):
                yield (
                    f"provider {pid!r} (plugin {owner!r}) uses stream-only executor "
                    f"{manifest.executor!r} with format {manifest.format!r}, which cannot "
                    "accumulate a stream for non-stream clients"
                )
            for ref_kind, name, pool in (
                ("executor", manifest.executor, self.executors.items),
                ("auth strategy", manifest.auth, self.auth_strategies.items),
                ("format", manifest.format, formats),
            ):
                if name not in pool:
                    yield (
                        f"provider {pid!r} (plugin {owner!r}) needs {ref_kind} {name!r}, "
                        "which no loaded plugin registers"
                    )
            for model in manifest.models:
                if model.format and model.format not in formats:
                    yield (
                        f"provider {pid!r} (plugin {owner!r}) model {model.id!r} needs format "
                        f"{model.format!r}, which no loaded plugin registers"
                    )
            for alias in (pid, *manifest.aliases):
                other = aliases.setdefault(alias, pid)
                if other != pid:
                    yield f"model prefix {alias!r} is claimed by providers {other!r} and {pid!r}"
        for name, wire_format in formats.items():
            kinds = {surface.kind for surface in wire_format.surfaces}
            owner = self.formats.owners[name]
            if "count_tokens" in kinds and not isinstance(wire_format, TokenCountingFormat):
                yield (
                    f"format {name!r} (plugin {owner!r}) declares a count_tokens surface "
                    "but lacks token_count_body / read_token_count"
                )
            if "list_models" in kinds and not isinstance(wire_format, ModelListingFormat):
                yield (
                    f"format {name!r} (plugin {owner!r}) declares a list_models surface "
                    "but lacks model_list_body"
                )
        for key, tr in self.translators.items.items():
            for fmt in (tr.source, tr.target):
                if fmt not in formats:
                    yield (
                        f"translator {key!r} (plugin {self.translators.owners[key]!r}) names "
                        f"format {fmt!r}, which no loaded plugin registers"
                    )

    def freeze(self) -> Registry:
        problems = self.problems()
        if problems:
            raise StartupError(problems)
        return Registry(
            formats=dict(self.formats.items),
            translators=dict(self.translators.items),
            executors=dict(self.executors.items),
            auth_strategies=dict(self.auth_strategies.items),
            routing_strategies=dict(self.routing_strategies.items),
            providers=dict(self.providers.items),
        )


@dataclass(frozen=True)
class Registry:
    """Everything routable, keyed by name; read on the hot path, never mutated."""

    formats: dict[str, WireFormat]
    translators: dict[str, Translator]
    executors: dict[str, Executor]
    auth_strategies: dict[str, AuthStrategy]
    routing_strategies: dict[str, RoutingStrategy]
    providers: dict[str, ProviderManifest]
    prefixes: dict[str, str] = field(default_factory=dict)
    refreshing: dict[str, RefreshingAuthStrategy] = field(default_factory=dict)
    """Auth strategies whose credentials expire, by name."""
    adapting: dict[str, AdaptingExecutor] = field(default_factory=dict)
    """Executors that unwrap their upstream's envelope, by name."""
    counting: dict[str, TokenCountingExecutor] = field(default_factory=dict)
    """Executors whose upstream counts tokens, by name."""
    stream_only: frozenset[str] = frozenset()
    """Executors whose upstream only streams."""
    recording: dict[str, RecordingStrategy] = field(default_factory=dict)
    """Routing strategies that learn from attempt outcomes, by name."""
    sticky: dict[str, StickyStrategy] = field(default_factory=dict)
    """Routing strategies that take a per-group sticky limit, by name."""

    def __post_init__(self) -> None:
        # Optional capabilities are resolved once here: isinstance() against a
        # runtime-checkable Protocol inspects every member and is far too slow per request.
        for pid, manifest in self.providers.items():
            self.prefixes[pid] = pid
            for alias in manifest.aliases:
                self.prefixes[alias] = pid
        for name, auth in self.auth_strategies.items():
            if isinstance(auth, RefreshingAuthStrategy):
                self.refreshing[name] = auth
        for name, executor in self.executors.items():
            if isinstance(executor, AdaptingExecutor):
                self.adapting[name] = executor
            if isinstance(executor, TokenCountingExecutor):
                self.counting[name] = executor
        for name, strategy in self.routing_strategies.items():
            if isinstance(strategy, RecordingStrategy):
                self.recording[name] = strategy
            if isinstance(strategy, StickyStrategy):
                self.sticky[name] = strategy
        only = {name for name, e in self.executors.items() if isinstance(e, StreamOnlyExecutor)}
        object.__setattr__(self, "stream_only", frozenset(only))

    def translation_chain(self, source: str, target: str) -> list[Translator]:
        """Translators turning ``source`` bodies into ``target`` bodies (empty when equal).

        A direct pair wins; otherwise the chain goes through the hub format. A missing
        translator is a routing error for this target only, so the caller can try the next.
        """
        if source == target:
            return []
        direct = self.translators.get(f"{source}->{target}")
        if direct is not None:
            return [direct]
        chain: list[Translator] = []
        if source != HUB_FORMAT:
            first = self.translators.get(f"{source}->{HUB_FORMAT}")
            if first is None:
                raise LookupError(f"no translator from {source!r} to {HUB_FORMAT!r}")
            chain.append(first)
        if target != HUB_FORMAT:
            second = self.translators.get(f"{HUB_FORMAT}->{target}")
            if second is None:
                raise LookupError(f"no translator from {HUB_FORMAT!r} to {target!r}")
            chain.append(second)
        return chain
