"""The running gateway: everything one app instance owns, opened and closed together."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from .engine.pipeline import Pipeline
from .errors import StartupError
from .interfaces import PluginInfo
from .observability.usage import UsageRecorder
from .plugins import LoadedPlugins, build_registry, call_lifecycle, describe
from .registry import Registry
from .settings import Settings
from .state.loader import load_state
from .store import Store
from .types import Connection
from .upstream import create_client

T = TypeVar("T")

log = logging.getLogger("omniroute")


class Gateway:
    """Registry, store, pipeline, usage writer and upstream client of one app.

    Built synchronously (so plugin problems surface before the server binds); ``open`` and
    ``close`` run in the ASGI lifespan.
    """

    def __init__(
        self, settings: Settings, extra_plugins: Iterable[tuple[str, object]] = ()
    ) -> None:
        self.settings = settings
        self.loaded: LoadedPlugins
        self.state = load_state(settings)
        self.loaded, builder, self.registry = build_registry(settings, extra_plugins, self.state)
        _check_strategies(settings, self.registry)
        self.plugins: list[PluginInfo] = describe(self.loaded, builder)
        self.store = Store(settings)
        self.upstream = create_client(
            settings.upstream_transport, settings.upstream_connect_timeout
        )
        self.pipeline = Pipeline(settings, self.registry, self.upstream, self.state)
        self.pipeline.credentials.sink = self._store_refreshed
        self.usage = UsageRecorder(
            self.store.insert_usage, settings.usage_flush_interval, settings.usage_batch_size
        )
        self.api_key_secret = b""
        self._prepared = False

    def prepare(self) -> None:
        """Open the store and apply the config file; idempotent and synchronous, so the CLI
        can report a bad config file or secret key before the server starts."""
        if self._prepared:
            return
        self.store.open()
        if self.settings.config_file is not None:
            self.store.apply_config_file(self.settings.config_file, self.registry.prefixes.get)
        self.api_key_secret = self.store.api_key_secret()
        self._prepared = True

    async def open(self, app: Any) -> None:
        await asyncio.to_thread(self.prepare)
        await self.reload()
        self.usage.start()
        await call_lifecycle(self.loaded, "startup", app)

    async def close(self, app: Any) -> None:
        try:
            await call_lifecycle(self.loaded, "shutdown", app)
        finally:
            await self.usage.stop()
            await self.upstream.aclose()
            await self.state.close()
            await asyncio.to_thread(self.store.close)
            self._prepared = False

    async def _store_refreshed(self, connection: Connection) -> None:
        """Persist a refreshed OAuth credential (encrypted) so a restart keeps it."""
        await asyncio.to_thread(
            self.store.update_connection,
            connection.id,
            secret=connection.secret,
            extra=connection.extra,
        )

    async def reload(self) -> None:
        """Rebuild the hot-path configuration snapshot from the store."""
        self.pipeline.use_snapshot(await asyncio.to_thread(self.store.snapshot))

    async def change(self, write: Callable[[Store], T]) -> T:
        """Run ``write`` on the store off the event loop, then serve the next request from
        the changed configuration; returns what ``write`` returned."""
        result = await asyncio.to_thread(write, self.store)
        await self.reload()
        return result


def _check_strategies(settings: Settings, registry: Registry) -> None:
    """Account strategies named in settings must exist: a typo would otherwise surface as a
    500 on the first request."""
    named = {"OMNIROUTE_ACCOUNT_STRATEGY": settings.account_strategy}
    named.update({f"provider_strategies[{p}]": s for p, s in settings.provider_strategies.items()})
    known = registry.routing_strategies
    problems = [
        f"{where} names routing strategy {name!r}; registered: {', '.join(sorted(known))}"
        for where, name in named.items()
        if name not in known
    ]
    if problems:
        raise StartupError(problems)
