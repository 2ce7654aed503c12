"""Hook implementations of the ``claude`` plugin (entry point ``claude``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from omniroute import hookimpl

if TYPE_CHECKING:
    from omniroute import (
        AuthStrategy,
        Executor,
        ProviderManifest,
        Settings,
        Translator,
        WireFormat,
    )


@hookimpl
def register_formats(register: Callable[[WireFormat], None]) -> None:
    from .format import ClaudeFormat

    register(ClaudeFormat())


@hookimpl
def register_translators(register: Callable[[Translator], None]) -> None:
    from .claude_client import ClaudeClientTranslator
    from .openai_client import OpenAIClientTranslator

    register(ClaudeClientTranslator())
    register(OpenAIClientTranslator())


@hookimpl
def register_executors(register: Callable[[Executor], None]) -> None:
    from .executor import MessagesExecutor

    register(MessagesExecutor())


@hookimpl
def register_auth_strategies(register: Callable[[AuthStrategy], None]) -> None:
    from .auth import AnthropicKeyAuth, BearerAnthropicAuth, ClaudeCodeOAuth

    register(AnthropicKeyAuth())
    register(BearerAnthropicAuth())
    register(ClaudeCodeOAuth())


@hookimpl
def register_providers(register: Callable[[ProviderManifest], None], settings: Settings) -> None:
    from .providers import load_manifests

    for manifest in load_manifests():
        register(manifest)
