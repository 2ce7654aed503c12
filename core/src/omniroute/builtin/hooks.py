"""Hook implementations of the builtin plugin (entry point ``builtin``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from omniroute import hookimpl

if TYPE_CHECKING:
    from omniroute import (
        AuthStrategy,
        Executor,
        ProviderManifest,
        RoutingStrategy,
        Settings,
        StateBackend,
        Translator,
        WireFormat,
    )


@hookimpl
def register_formats(register: Callable[[WireFormat], None]) -> None:
    from .openai_format import OpenAIFormat
    from .responses.format import ResponsesFormat

    register(OpenAIFormat())
    register(ResponsesFormat())


@hookimpl
def register_translators(register: Callable[[Translator], None]) -> None:
    from .responses.client import ResponsesClientTranslator
    from .responses.upstream import ResponsesUpstreamTranslator

    register(ResponsesClientTranslator())
    register(ResponsesUpstreamTranslator())


@hookimpl
def register_executors(register: Callable[[Executor], None]) -> None:
    from .openai_executor import OpenAIChatExecutor
    from .responses.executor import ResponsesExecutor

    register(OpenAIChatExecutor())
    register(ResponsesExecutor())


@hookimpl
def register_auth_strategies(register: Callable[[AuthStrategy], None]) -> None:
    from .auth import BearerAuth, HeaderKeyAuth, NoAuth

    register(BearerAuth())
    register(HeaderKeyAuth())
    register(NoAuth())


@hookimpl
def register_routing_strategies(
    register: Callable[[RoutingStrategy], None], state: StateBackend
) -> None:
    from .routing import FillFirst
    from .strategies import strategies

    register(FillFirst())
    for strategy in strategies(state):
        register(strategy)


@hookimpl
def register_providers(register: Callable[[ProviderManifest], None], settings: Settings) -> None:
    from .providers import load_manifests

    for manifest in load_manifests():
        register(manifest)
