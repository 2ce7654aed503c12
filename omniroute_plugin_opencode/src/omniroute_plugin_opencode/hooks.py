"""Hook implementations of the ``opencode`` plugin (entry point ``opencode``).

The Claude-format models need the ``claude`` format and translators, which come from
``omniroute-plugin-claude`` (a dependency); the registry names them if that plugin is
disabled.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from omniroute import hookimpl

if TYPE_CHECKING:
    from omniroute import AuthStrategy, Executor, ProviderManifest, Settings


@hookimpl
def register_executors(register: Callable[[Executor], None]) -> None:
    from .executor import OpenCodeExecutor

    register(OpenCodeExecutor())


@hookimpl
def register_auth_strategies(register: Callable[[AuthStrategy], None]) -> None:
    from .auth import OpenCodeAuth

    register(OpenCodeAuth())


@hookimpl
def register_providers(register: Callable[[ProviderManifest], None], settings: Settings) -> None:
    from .providers import load_manifests

    for manifest in load_manifests():
        register(manifest)
