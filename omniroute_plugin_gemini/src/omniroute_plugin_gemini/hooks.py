"""Hook implementations of the ``gemini`` plugin (entry point ``gemini``)."""

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
    from .format import GeminiFormat

    register(GeminiFormat())


@hookimpl
def register_translators(register: Callable[[Translator], None]) -> None:
    from .gemini_client import GeminiClientTranslator
    from .openai_client import OpenAIClientTranslator

    register(GeminiClientTranslator())
    register(OpenAIClientTranslator())


@hookimpl
def register_executors(register: Callable[[Executor], None]) -> None:
    from .executors import CloudCodeExecutor, GenerateContentExecutor, VertexExecutor

    register(GenerateContentExecutor())
    register(CloudCodeExecutor())
    register(VertexExecutor())


@hookimpl
def register_auth_strategies(register: Callable[[AuthStrategy], None]) -> None:
    from .auth import GoogleApiKeyAuth, GoogleOAuth, QueryKeyAuth, VertexServiceAccount

    register(GoogleApiKeyAuth())
    register(QueryKeyAuth())
    register(GoogleOAuth())
    register(VertexServiceAccount())


@hookimpl
def register_providers(register: Callable[[ProviderManifest], None], settings: Settings) -> None:
    from .providers import load_manifests

    for manifest in load_manifests():
        register(manifest)
