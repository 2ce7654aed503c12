"""Hook specifications: the whole plugin API on one screen.

Every hook runs once, at startup, and hands objects to a ``register`` callback; the request
path then uses those objects directly and never calls pluggy. A plugin module holds only
``@omniroute.hookimpl`` functions named after these specs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from .interfaces import AuthStrategy, Executor, RoutingStrategy, Translator, WireFormat
    from .settings import Settings
    from .state import StateBackend
    from .types import ProviderManifest

hookspec = pluggy.HookspecMarker("omniroute")
hookimpl = pluggy.HookimplMarker("omniroute")


@hookspec
def register_formats(register: Callable[[WireFormat], None]) -> None:
    """Register wire formats and the inbound surfaces they serve.

    :param register: call once per :class:`omniroute.WireFormat`; core mounts one generic
        handler for each of the format's ``surfaces``.

    A format name may be registered once; a second plugin registering the same name is a
    startup error naming both plugins.
    """


@hookspec
def register_translators(register: Callable[[Translator], None]) -> None:
    """Register translators between two wire formats.

    :param register: call once per :class:`omniroute.Translator`. Translate to and from the
        hub format ``openai``; the engine chains ``source → openai → target`` when no direct
        pair exists. Identity (same format) needs no translator.
    """


@hookspec
def register_executors(register: Callable[[Executor], None]) -> None:
    """Register executors: how to build requests for an endpoint family.

    :param register: call once per :class:`omniroute.Executor`; providers refer to it by
        ``name`` in their manifest.
    """


@hookspec
def register_auth_strategies(register: Callable[[AuthStrategy], None]) -> None:
    """Register auth strategies: how a connection's credential becomes headers.

    :param register: call once per :class:`omniroute.AuthStrategy`; providers refer to it by
        ``name`` in their manifest.
    """


@hookspec
def register_routing_strategies(
    register: Callable[[RoutingStrategy], None], state: StateBackend
) -> None:
    """Register routing strategies that order combo steps and provider accounts.

    :param register: call once per :class:`omniroute.RoutingStrategy`.
    :param state: the shared state backend, where strategies keep cursors, decks and counts
        so several gateway processes route as one.
    """


@hookspec
def register_providers(register: Callable[[ProviderManifest], None], settings: Settings) -> None:
    """Register provider manifests.

    :param register: call once per :class:`omniroute.ProviderManifest`.
    :param settings: the running settings, for plugins whose manifests depend on them.

    Names the manifest refers to (executor, auth strategy, formats) may come from any
    plugin; they are checked after every plugin ran.
    """


@hookspec
def startup(app: Any) -> Any:
    """Open resources the plugin needs; may be a coroutine function.

    :param app: the ASGI application (``app.state.gateway`` holds the running gateway).
    """


@hookspec
def shutdown(app: Any) -> Any:
    """Release what :func:`startup` opened; may be a coroutine function.

    :param app: the ASGI application.
    """
