"""Hook implementations of the ``codex`` plugin (entry point ``codex``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from omniroute import hookimpl

if TYPE_CHECKING:
    from omniroute import AuthStrategy, Executor, ProviderManifest, Settings


@hookimpl
def register_executors(register: Callable[[Executor], None]) -> None:
    from .executor import CodexExecutor

    register(CodexExecutor())


@hookimpl
def register_auth_strategies(register: Callable[[AuthStrategy], None]) -> None:
    from .auth import CodexOAuth

    register(CodexOAuth())


@hookimpl
def register_providers(register: Callable[[ProviderManifest], None], settings: Settings) -> None:
    from .providers import codex_manifest

    register(codex_manifest())
