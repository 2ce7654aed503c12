"""Fixtures every OmniRoute plugin test suite gets by installing the testkit (``pytest11``).

Fixtures are thin: each wraps a class of this package that also works without pytest, and
each cleans up what it started even when the test fails. Importing this module stays cheap
(pytest loads it in every run of the environment), so the servers and the gateway are
imported inside the fixtures that use them.

Gateway fixtures are factories taking the config as a dict (``{"connections": [...],
"keys": [...]}``, written as TOML and applied at startup like ``--config``), settings
overrides (``load_plugins=["builtin"]``, ``require_api_key=True``) and, in process, extra
plugins.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from omniroute import Settings

    from .gateway import GatewayApp, GatewayProcess, GatewayServer
    from .mock import MockUpstream

pytest.register_assert_rewrite("omniroute_plugin_testkit.contract")

Config = Mapping[str, Any]


@pytest.fixture
def mock_upstream() -> Iterator[MockUpstream]:
    """A fresh OpenAI-format mock upstream on a free port, accepting any API key."""
    from .mock import MockUpstream

    with MockUpstream() as mock:
        yield mock


@pytest.fixture
def make_mock_upstream() -> Iterator[Callable[..., MockUpstream]]:
    """Factory for more mock upstreams: ``make_mock_upstream(api_keys=[...], formats=[...])``.

    Takes ``MockUpstream``'s arguments; every upstream it made is stopped after the test.
    """
    from .mock import MockUpstream

    started: list[MockUpstream] = []

    def make(*args: Any, **kwargs: Any) -> MockUpstream:
        mock = MockUpstream(*args, **kwargs).start()
        started.append(mock)
        return mock

    yield make
    for mock in started:
        mock.stop()


@pytest.fixture
def gateway_config(tmp_path: Path) -> Callable[[Config], Path]:
    """Factory writing a config dict as a TOML file in ``tmp_path``; returns its path."""
    from .gateway import write_config

    numbers = itertools.count(1)

    def write(config: Config) -> Path:
        return write_config(tmp_path / f"omniroute-{next(numbers)}.toml", config)

    return write


@pytest.fixture
def gateway_settings(
    tmp_path: Path, gateway_config: Callable[[Config], Path]
) -> Callable[..., Settings]:
    """Factory: ``gateway_settings(config=None, **overrides) -> omniroute.Settings``.

    Each call gets its own data directory under ``tmp_path`` and strict plugin loading.
    """
    from .gateway import make_settings

    numbers = itertools.count(1)

    def make(config: Config | None = None, **overrides: Any) -> Settings:
        if config is not None:
            overrides["config_file"] = gateway_config(config)
        return make_settings(tmp_path / f"data-{next(numbers)}", **overrides)

    return make


@pytest.fixture
def gateway_app(gateway_settings: Callable[..., Settings]) -> Callable[..., GatewayApp]:
    """Factory for the app in the test's event loop, reached through ``httpx.ASGITransport``.

    ``gateway_app(config=None, *, extra_plugins=(), **settings_overrides)``; use it as
    ``async with gateway_app(config) as gw: await gw.client.post(...)``.
    """
    from .gateway import GatewayApp

    def make(
        config: Config | None = None,
        *,
        extra_plugins: Iterable[tuple[str, object]] = (),
        **overrides: Any,
    ) -> GatewayApp:
        return GatewayApp(gateway_settings(config, **overrides), extra_plugins)

    return make


@pytest.fixture
def gateway_server(
    gateway_settings: Callable[..., Settings],
) -> Iterator[Callable[..., GatewayServer]]:
    """Factory for the app behind real uvicorn in a thread, started; stopped after the test.

    ``gateway_server(config=None, *, extra_plugins=(), **settings_overrides)``; talk HTTP
    (or an SDK) to ``.base_url``.
    """
    from .gateway import GatewayServer

    started: list[GatewayServer] = []

    def make(
        config: Config | None = None,
        *,
        extra_plugins: Iterable[tuple[str, object]] = (),
        **overrides: Any,
    ) -> GatewayServer:
        server = GatewayServer(gateway_settings(config, **overrides), extra_plugins).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def gateway_process(
    tmp_path: Path, gateway_config: Callable[[Config], Path]
) -> Iterator[Callable[..., GatewayProcess]]:
    """Factory running the real ``omniroute serve`` CLI, healthy; terminated after the test.

    ``gateway_process(config=None, *, env=None, args=())``: ``env`` adds variables
    (``{"OMNIROUTE_LOAD_PLUGINS": "builtin"}``), ``args`` adds command-line arguments.
    """
    from .gateway import GatewayProcess

    started: list[GatewayProcess] = []
    numbers = itertools.count(1)

    def make(
        config: Config | None = None,
        *,
        env: Mapping[str, str] | None = None,
        args: tuple[str, ...] = (),
    ) -> GatewayProcess:
        config_file = gateway_config(config) if config is not None else None
        data_dir = tmp_path / f"process-{next(numbers)}"
        process = GatewayProcess(data_dir, config_file, env=env, args=args)
        started.append(process)
        return process.start()

    yield make
    for process in started:
        process.stop()
