"""Plugin discovery and the pluggy manager.

Entry points of group ``omniroute`` are loaded one at a time through stevedore, so one broken
plugin is reported with its distribution and version instead of aborting discovery; each
loaded module is registered in a pluggy ``PluginManager`` that belongs to one app (tests build
many apps in one process). Hooks run once, at startup, through ``run_registration_hooks``.
"""

from __future__ import annotations

import difflib
import importlib.metadata
import inspect
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pluggy
from stevedore import ExtensionManager

from . import hookspecs
from .errors import PluginLoadError
from .interfaces import PluginInfo
from .registry import Registry, RegistryBuilder
from .settings import Settings
from .state import StateBackend
from .state.memory import MemoryState

log = logging.getLogger("omniroute.plugins")

NAMESPACE = "omniroute"

REGISTRATION_HOOKS = (
    "register_formats",
    "register_translators",
    "register_executors",
    "register_auth_strategies",
    "register_routing_strategies",
    "register_providers",
)
_REGISTRAR_OF = {
    "register_formats": "formats",
    "register_translators": "translators",
    "register_executors": "executors",
    "register_auth_strategies": "auth_strategies",
    "register_routing_strategies": "routing_strategies",
    "register_providers": "providers",
}


@dataclass
class LoadedPlugins:
    """The app's plugin manager plus what discovery learned about every entry point."""

    manager: pluggy.PluginManager
    distributions: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


def _distribution_of(entry_point: importlib.metadata.EntryPoint) -> tuple[str | None, str | None]:
    dist = entry_point.dist
    if dist is None:
        return None, None
    return dist.metadata["Name"], dist.version


class _FreshEntryPoints(ExtensionManager):  # type: ignore[type-arg]
    """An ``ExtensionManager`` over a list of entry points chosen by the caller.

    stevedore caches entry points per process and on disk (keyed by ``sys.path`` mtimes);
    a plugin pip-installed between two starts can be missed. Discovery reads
    ``importlib.metadata`` itself, applies the allow/deny switches, and hands stevedore the
    result, which it then loads one at a time with failures going to the callback.
    """

    def __init__(
        self,
        entry_points: list[importlib.metadata.EntryPoint],
        on_failure: Callable[[Any, importlib.metadata.EntryPoint, BaseException], None],
    ) -> None:
        self._chosen = entry_points
        super().__init__(NAMESPACE, on_load_failure_callback=on_failure)

    def list_entry_points(self) -> list[importlib.metadata.EntryPoint]:
        return self._chosen


def discover(
    settings: Settings,
    extra: Iterable[tuple[str, ModuleType | object]] = (),
) -> LoadedPlugins:
    """Load every allowed entry point, one at a time, into a new plugin manager.

    ``extra`` plugins (name, module or object) are registered after discovery: tests and
    embedders use it to add in-process plugins without installing a distribution. The
    ``builtin`` plugin is exempt from the allowlist (the gateway needs its OpenAI surface)
    but can be denied explicitly.
    """
    manager = pluggy.PluginManager(NAMESPACE)
    manager.add_hookspecs(hookspecs)
    loaded = LoadedPlugins(manager)
    allowed = set(settings.load_plugins) if settings.load_plugins is not None else None
    denied = set(settings.disable_plugins)

    chosen = []
    found = importlib.metadata.entry_points(group=NAMESPACE)
    for ep in sorted(found, key=lambda ep: ep.name):
        loaded.distributions[ep.name] = _distribution_of(ep)
        if ep.name in denied:
            loaded.skipped[ep.name] = "disabled by OMNIROUTE_DISABLE_PLUGINS"
        elif allowed is not None and ep.name not in allowed and ep.name != "builtin":
            loaded.skipped[ep.name] = "not in OMNIROUTE_LOAD_PLUGINS"
        else:
            chosen.append(ep)

    def on_failure(_mgr: Any, ep: importlib.metadata.EntryPoint, exc: BaseException) -> None:
        dist, version = loaded.distributions.get(ep.name, (None, None))
        where = f"distribution {dist} {version}" if dist else "an unknown distribution"
        loaded.errors[ep.name] = f"{type(exc).__name__}: {exc} (from {where})"
        log.error("plugin %r from %s failed to load: %s", ep.name, where, exc)

    for ext in _FreshEntryPoints(chosen, on_failure):
        _register(loaded, ext.name, ext.plugin)
    for name, plugin in extra:
        # An in-process plugin may stand in for a skipped entry point of the same name (a
        # plugin's own tests do this); it is loaded, so the skip reason no longer applies.
        loaded.skipped.pop(name, None)
        loaded.distributions.setdefault(name, (None, None))
        _register(loaded, name, plugin)
    if settings.trace_plugins:
        manager.trace.root.setwriter(lambda msg: log.info("pluggy: %s", msg.rstrip()))
        manager.enable_tracing()
    _report_unknown_hooks(loaded)
    return loaded


def _report_unknown_hooks(loaded: LoadedPlugins) -> None:
    """Record every hook implementation that matches no hookspec, against its plugin.

    This is ``PluginManager.check_pending`` without stopping at the first problem: a typo in
    two plugins shows up as two errors, each suggesting the hook that was probably meant.
    """
    callers = {name: caller for name, caller in vars(loaded.manager.hook).items() if name[0] != "_"}
    specified = [name for name, caller in callers.items() if caller.has_spec()]
    for name, caller in callers.items():
        if caller.has_spec():
            continue
        hint = difflib.get_close_matches(name, specified, n=1)
        suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
        for impl in caller.get_hookimpls():
            if not impl.optionalhook:
                loaded.errors.setdefault(
                    impl.plugin_name,
                    f"unknown hook {name!r}: no hookspec of that name{suggestion}",
                )


def _register(loaded: LoadedPlugins, name: str, plugin: object) -> None:
    try:
        loaded.manager.register(plugin, name=name)
    except (ValueError, pluggy.PluginValidationError) as exc:
        loaded.errors[name] = f"{type(exc).__name__}: {exc}"


def run_registration_hooks(
    loaded: LoadedPlugins, settings: Settings, state: StateBackend | None = None
) -> RegistryBuilder:
    """Call every ``register_*`` hook once per plugin with a registrar bound to that plugin.

    ``state`` is handed to routing strategies; without one (listing plugins, tests) they get
    a private in-memory backend.

    Each implementation is called directly (in pluggy's order) rather than through
    ``pm.hook``, so every registration is attributed to the plugin that made it. An
    exception inside a hook is recorded against that plugin.
    """
    if state is None:
        state = MemoryState()
    builder = RegistryBuilder()
    registrars = builder.registrars()
    for hook_name in REGISTRATION_HOOKS:
        caller = getattr(loaded.manager.hook, hook_name)
        registrar = registrars[_REGISTRAR_OF[hook_name]]
        for impl in reversed(caller.get_hookimpls()):
            plugin = impl.plugin_name
            kwargs: dict[str, Any] = {
                "register": registrar.bind(plugin),
                "settings": settings,
                "state": state,
            }
            args = {k: kwargs[k] for k in impl.argnames}
            if settings.trace_plugins:
                log.info("calling %s of plugin %r", hook_name, plugin)
            try:
                impl.function(**args)
            except Exception as exc:  # a plugin bug must name the plugin, not stop startup
                loaded.errors.setdefault(plugin, f"{hook_name} raised {type(exc).__name__}: {exc}")
    return builder


def describe(loaded: LoadedPlugins, builder: RegistryBuilder | None) -> list[PluginInfo]:
    """One ``PluginInfo`` per entry point seen and per registered plugin."""
    names = sorted(set(loaded.distributions) | {n for n, _ in loaded.manager.list_name_plugin()})
    infos = []
    for name in names:
        plugin = loaded.manager.get_plugin(name)
        hooks = (
            tuple(sorted(c.name for c in loaded.manager.get_hookcallers(plugin) or ()))
            if plugin is not None
            else ()
        )
        dist, version = loaded.distributions.get(name, (None, None))
        error = loaded.errors.get(name) or loaded.skipped.get(name)
        infos.append(
            PluginInfo(
                name=name,
                distribution=dist,
                version=version,
                hooks=hooks,
                registered=builder.registered_by(name) if builder else {},
                error=error,
            )
        )
    return infos


async def call_lifecycle(loaded: LoadedPlugins, hook_name: str, app: Any) -> None:
    """Run ``startup`` or ``shutdown`` of every plugin, awaiting coroutine results."""
    caller: Callable[..., list[Any]] = getattr(loaded.manager.hook, hook_name)
    for result in caller(app=app):
        if inspect.isawaitable(result):
            await result


def build_registry(
    settings: Settings,
    extra: Iterable[tuple[str, ModuleType | object]] = (),
    state: StateBackend | None = None,
) -> tuple[LoadedPlugins, RegistryBuilder, Registry]:
    """Discover, register and validate. Raises ``StartupError`` (or ``PluginLoadError``
    in strict mode) listing every problem."""
    loaded = discover(settings, extra)
    builder = run_registration_hooks(loaded, settings, state)
    if loaded.errors and settings.plugins_strict:
        problems = "; ".join(f"{name}: {err}" for name, err in sorted(loaded.errors.items()))
        raise PluginLoadError(f"plugin errors (strict mode): {problems}")
    return loaded, builder, builder.freeze()
