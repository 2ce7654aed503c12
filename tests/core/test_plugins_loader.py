"""Plugin discovery: entry points, error attribution, the four switches, lifecycle hooks.

Two kinds of plugins are used. In-process plugins go through ``extra=``, the way tests and
embedders add plugins without installing anything. Real distributions from
``tests/fixtures/plugins`` are installed with uv into a temporary ``--target`` directory that is
put on ``sys.path`` for one test, or into a fresh virtual environment, so discovery runs over
real installed metadata without touching the development environment.
"""

from __future__ import annotations

import importlib.metadata
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import pytest

import omniroute
from omniroute import PluginLoadError, Settings, hookimpl
from omniroute.interfaces import PluginInfo
from omniroute.plugins import build_registry, call_lifecycle, describe, discover

T = TypeVar("T")

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "plugins"
FIXTURE_MODULES = ("omniroute_plugin_broken", "omniroute_plugin_reverse")
SWITCHES = (
    "OMNIROUTE_LOAD_PLUGINS",
    "OMNIROUTE_DISABLE_PLUGINS",
    "OMNIROUTE_PLUGINS_STRICT",
    "OMNIROUTE_TRACE_PLUGINS",
)
CORE_ONLY = os.environ.get("OMNIROUTE_EXPECT_CORE_ONLY") == "1"
"""Set by the ``tests_core_only`` nox session, which installs core without the flagships."""
FLAGSHIPS = {
    "claude": "omniroute-plugin-claude",
    "gemini": "omniroute-plugin-gemini",
    "opencode": "omniroute-plugin-opencode",
}


def only_extras(**overrides: Any) -> Settings:
    """Settings that load no installed plugin at all, not even ``builtin``."""
    return Settings(load_plugins=[], disable_plugins=["builtin"], **overrides)


def infos(plugins: Sequence[PluginInfo]) -> dict[str, PluginInfo]:
    return {info.name: info for info in plugins}


def run(*args: str | Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, env=env, timeout=90, check=False
    )
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


class Reverse:
    """A routing strategy for in-process plugins."""

    name = "reverse-in-process"

    async def order(self, items: Sequence[T], key: str) -> list[T]:
        return list(reversed(items))


class RoutingPlugin:
    """An in-process plugin: pluggy accepts any object with ``@hookimpl`` methods."""

    @hookimpl
    def register_routing_strategies(self, register: Callable[[object], None]) -> None:
        register(Reverse())


@pytest.fixture(autouse=True)
def no_plugin_switches_from_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test sees only the switches it sets, whatever the caller's environment holds
    (CI sets ``OMNIROUTE_PLUGINS_STRICT=1``)."""
    for switch in SWITCHES:
        monkeypatch.delenv(switch, raising=False)


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory: pytest.TempPathFactory, uv_bin: str) -> Path:
    """The fixture distributions, built and installed with uv into a plain directory."""
    site = tmp_path_factory.mktemp("fixture-site")
    run(
        uv_bin, "pip", "install", "--quiet", "--no-deps", "--python", sys.executable,
        "--target", site, FIXTURES / "broken", FIXTURES / "reverse",
    )  # fmt: skip
    return site


@pytest.fixture
def fixture_plugins(fixture_site: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make the installed fixture distributions visible to discovery for one test."""
    monkeypatch.syspath_prepend(str(fixture_site))
    yield
    for name in [m for m in sys.modules if m.split(".")[0] in FIXTURE_MODULES]:
        del sys.modules[name]


# --- installed distributions -------------------------------------------------------------


@pytest.mark.skipif(CORE_ONLY, reason="the core-only session installs no flagship plugin")
def test_flagship_plugins_are_listed_with_distribution_and_version() -> None:
    loaded, builder, _ = build_registry(Settings())

    found = infos(describe(loaded, builder))
    for name, dist in FLAGSHIPS.items():
        assert found[name].distribution == dist
        assert found[name].version == importlib.metadata.version(dist)
        assert found[name].error is None


@pytest.mark.skipif(not CORE_ONLY, reason="only the core-only session installs core alone")
def test_core_alone_lists_only_builtin() -> None:
    loaded, builder, _ = build_registry(Settings(plugins_strict=True))

    assert [info.name for info in describe(loaded, builder)] == ["builtin"]


@pytest.mark.usefixtures("fixture_plugins")
def test_broken_plugin_is_named_with_its_distribution_and_version() -> None:
    loaded, builder, registry = build_registry(Settings())

    found = infos(describe(loaded, builder))
    broken = found["broken"]
    assert broken.distribution == "omniroute-plugin-broken"
    assert broken.version == "0.2.0"
    assert broken.error is not None
    assert "ModuleNotFoundError" in broken.error
    assert "omniroute_plugin_broken_missing_dependency" in broken.error
    assert "omniroute-plugin-broken 0.2.0" in broken.error
    assert broken.hooks == ()
    # Not strict: the other plugins still load and register.
    assert found["reverse"].error is None
    assert found["reverse"].registered == {"routing_strategies": ["reverse"]}
    assert "reverse" in registry.routing_strategies
    assert "openai" in registry.formats


@pytest.mark.usefixtures("fixture_plugins")
def test_broken_plugin_error_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="omniroute.plugins"):
        discover(Settings())

    assert "omniroute-plugin-broken 0.2.0" in caplog.text


@pytest.mark.usefixtures("fixture_plugins")
def test_strict_mode_aborts_on_a_broken_plugin() -> None:
    with pytest.raises(PluginLoadError, match=r"broken: ModuleNotFoundError.*0\.2\.0"):
        build_registry(Settings(plugins_strict=True))


@pytest.mark.usefixtures("fixture_plugins")
def test_strict_mode_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMNIROUTE_PLUGINS_STRICT", "true")

    with pytest.raises(PluginLoadError, match="omniroute-plugin-broken"):
        build_registry(Settings())


@pytest.mark.usefixtures("fixture_plugins")
def test_allow_list_loads_only_named_plugins_and_builtin() -> None:
    loaded, builder, registry = build_registry(
        Settings(load_plugins=["reverse"], plugins_strict=True)
    )

    found = infos(describe(loaded, builder))
    assert found["broken"].error == "not in OMNIROUTE_LOAD_PLUGINS"
    assert found["broken"].distribution == "omniroute-plugin-broken"
    assert loaded.manager.get_plugin("broken") is None
    assert set(registry.routing_strategies) >= {"reverse", "fill-first"}


@pytest.mark.usefixtures("fixture_plugins")
def test_allow_list_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMNIROUTE_LOAD_PLUGINS", "reverse, not-installed")

    loaded = discover(Settings())

    assert Settings().load_plugins == ["reverse", "not-installed"]
    assert [n for n, _ in loaded.manager.list_name_plugin()] == ["builtin", "reverse"]
    assert loaded.skipped["broken"] == "not in OMNIROUTE_LOAD_PLUGINS"


def test_empty_allow_list_loads_only_builtin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMNIROUTE_LOAD_PLUGINS", "")

    loaded = discover(Settings())

    assert [n for n, _ in loaded.manager.list_name_plugin()] == ["builtin"]


@pytest.mark.usefixtures("fixture_plugins")
def test_deny_list_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMNIROUTE_DISABLE_PLUGINS", "broken")
    monkeypatch.setenv("OMNIROUTE_PLUGINS_STRICT", "1")

    loaded, builder, registry = build_registry(Settings())

    found = infos(describe(loaded, builder))
    assert found["broken"].error == "disabled by OMNIROUTE_DISABLE_PLUGINS"
    assert found["reverse"].error is None
    assert "reverse" in registry.routing_strategies


def test_deny_list_can_disable_builtin() -> None:
    loaded = discover(Settings(disable_plugins=["builtin"]))

    assert loaded.manager.get_plugin("builtin") is None
    assert loaded.skipped["builtin"] == "disabled by OMNIROUTE_DISABLE_PLUGINS"


@pytest.mark.usefixtures("fixture_plugins")
def test_deny_list_wins_over_allow_list() -> None:
    loaded = discover(Settings(load_plugins=["reverse"], disable_plugins=["reverse"]))

    assert loaded.manager.get_plugin("reverse") is None
    assert loaded.skipped["reverse"] == "disabled by OMNIROUTE_DISABLE_PLUGINS"


# --- in-process plugins ------------------------------------------------------------------


def test_in_process_plugin_is_registered_and_described() -> None:
    loaded, builder, registry = build_registry(only_extras(), extra=[("probe", RoutingPlugin())])

    assert infos(describe(loaded, builder))["probe"] == PluginInfo(
        name="probe",
        distribution=None,
        version=None,
        hooks=("register_routing_strategies",),
        registered={"routing_strategies": ["reverse-in-process"]},
    )
    assert "reverse-in-process" in registry.routing_strategies


def test_module_with_no_hook_implementations_loads() -> None:
    """The flagship skeletons rely on this: listed, registering nothing."""
    empty = ModuleType("empty_hooks")

    loaded, builder, _ = build_registry(only_extras(plugins_strict=True), extra=[("empty", empty)])

    assert infos(describe(loaded, builder))["empty"].hooks == ()


def test_misspelled_hook_is_reported_with_a_suggestion() -> None:
    class Typo:
        @hookimpl
        def register_provider(self, register: Callable[[object], None]) -> None:
            """Misspelled: the hook is ``register_providers``."""

    loaded = discover(only_extras(), extra=[("typo", Typo()), ("fine", RoutingPlugin())])

    assert loaded.errors["typo"] == (
        "unknown hook 'register_provider': no hookspec of that name; "
        "did you mean 'register_providers'?"
    )
    assert "fine" not in loaded.errors


def test_every_misspelled_hook_is_reported() -> None:
    """pluggy's own check stops at the first; each plugin must see its own mistake."""

    class FirstTypo:
        @hookimpl
        def register_format(self, register: Callable[[object], None]) -> None: ...

    class SecondTypo:
        @hookimpl
        def start_up(self, app: object) -> None: ...

    loaded = discover(only_extras(), extra=[("one", FirstTypo()), ("two", SecondTypo())])

    assert "'register_format'" in loaded.errors["one"]
    assert "'start_up'" in loaded.errors["two"]


def test_misspelled_hook_aborts_strict_start() -> None:
    class Typo:
        @hookimpl
        def register_executor(self, register: Callable[[object], None]) -> None: ...

    with pytest.raises(PluginLoadError, match="typo: unknown hook 'register_executor'"):
        build_registry(only_extras(plugins_strict=True), extra=[("typo", Typo())])


def test_hook_with_an_unknown_argument_is_rejected() -> None:
    class WrongArgs:
        @hookimpl
        def register_formats(self, register: object, registry: object) -> None: ...

    loaded = discover(only_extras(), extra=[("wrong", WrongArgs())])

    assert "registry" in loaded.errors["wrong"]
    assert loaded.manager.get_plugin("wrong") is None


def test_plugin_name_registered_twice_is_an_error() -> None:
    loaded = discover(only_extras(), extra=[("same", RoutingPlugin()), ("same", RoutingPlugin())])

    assert "already registered" in loaded.errors["same"]


def test_installed_plugin_name_reused_in_process_is_an_error() -> None:
    loaded = discover(Settings(), extra=[("builtin", RoutingPlugin())])

    assert "already registered" in loaded.errors["builtin"]


def test_trace_switch_logs_each_hook_call(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="omniroute.plugins"):
        build_registry(only_extras(trace_plugins=True), extra=[("probe", RoutingPlugin())])

    assert "calling register_routing_strategies of plugin 'probe'" in caplog.messages


async def test_trace_switch_logs_lifecycle_hooks(caplog: pytest.LogCaptureFixture) -> None:
    class Lifecycle:
        @hookimpl
        def startup(self, app: object) -> None: ...

    loaded = discover(only_extras(trace_plugins=True), extra=[("life", Lifecycle())])
    with caplog.at_level(logging.INFO, logger="omniroute.plugins"):
        await call_lifecycle(loaded, "startup", app="the-app")

    assert any(m.startswith("pluggy:") and "startup" in m for m in caplog.messages)


def test_trace_is_silent_when_off(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="omniroute.plugins"):
        build_registry(only_extras(), extra=[("probe", RoutingPlugin())])

    assert not [m for m in caplog.messages if "calling" in m or m.startswith("pluggy:")]


async def test_hook_startup_awaits_coroutines_and_runs_plain_functions() -> None:
    seen: list[tuple[str, object]] = []

    class AsyncStartup:
        @hookimpl
        async def startup(self, app: object) -> None:
            seen.append(("async", app))

    class SyncStartup:
        @hookimpl
        def startup(self, app: object) -> None:
            seen.append(("sync", app))

    loaded = discover(only_extras(), extra=[("a", AsyncStartup()), ("s", SyncStartup())])
    await call_lifecycle(loaded, "startup", app="the-app")

    assert sorted(seen) == [("async", "the-app"), ("sync", "the-app")]


async def test_hook_shutdown_releases_what_startup_opened() -> None:
    class Resource:
        def __init__(self) -> None:
            self.open = False

        @hookimpl
        async def startup(self, app: object) -> None:
            self.open = True

        @hookimpl
        async def shutdown(self, app: object) -> None:
            self.open = False

    plugin = Resource()
    loaded = discover(only_extras(), extra=[("resource", plugin)])
    await call_lifecycle(loaded, "startup", app=object())
    assert plugin.open
    await call_lifecycle(loaded, "shutdown", app=object())
    assert not plugin.open


# --- a fresh install -----------------------------------------------------------------------


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Path]:
    """A scratch directory outside ``/tmp``, where pytest's ``tmp_path`` usually lives.

    stevedore turns its on-disk entry-point cache off for interpreters under ``/tmp``; a venv
    elsewhere keeps the cache in play, as on a user's machine.
    """
    var_tmp = Path("/var/tmp")
    if not str(tmp_path).startswith("/tmp/") or not os.access(var_tmp, os.W_OK):
        yield tmp_path
        return
    path = Path(tempfile.mkdtemp(prefix="omniroute-test-", dir=var_tmp))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.mark.slow
def test_plugin_installed_into_a_fresh_venv_is_listed_on_the_next_start(
    scratch: Path, uv_bin: str
) -> None:
    """``pip install`` a plugin, start again, see it; then change its entry point in place.

    The second step is the case stevedore's cache gets wrong: it keys entries on mtimes packed
    as 32-bit floats (about two minutes of resolution), so reinstalling the same version with a
    renamed entry point would otherwise still load the old name.
    """
    venv = scratch / "venv"
    python = venv / "bin" / "python"
    run(uv_bin, "venv", "--quiet", "--python", sys.executable, venv)
    run(uv_bin, "pip", "install", "--quiet", "--python", python, REPO / "core")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMNIROUTE_", "VIRTUAL_ENV"))}
    env |= {"XDG_CACHE_HOME": str(scratch / "cache"), "OMNIROUTE_DATA_DIR": str(scratch)}

    def listed() -> dict[str, dict[str, Any]]:
        out = run(venv / "bin" / "omniroute", "plugins", "--json", env=env)
        return {p["name"]: p for p in json.loads(out)}

    before = listed()
    assert before["builtin"]["distribution"] == "omniroute"
    assert before["builtin"]["version"] == omniroute.__version__
    assert "reverse" not in before

    run(uv_bin, "pip", "install", "--quiet", "--python", python, FIXTURES / "reverse")
    after = listed()

    assert after["reverse"] == {
        "name": "reverse",
        "distribution": "omniroute-plugin-reverse",
        "version": "0.3.1",
        "hooks": ["register_routing_strategies"],
        "registered": {"routing_strategies": ["reverse"]},
        "error": None,
    }

    renamed = shutil.copytree(FIXTURES / "reverse", scratch / "renamed")
    pyproject = renamed / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("\nreverse = ", "\nrenamed = "))
    run(
        uv_bin, "pip", "install", "--quiet", "--python", python,
        "--reinstall-package", "omniroute-plugin-reverse", renamed,
    )  # fmt: skip
    again = listed()

    assert "reverse" not in again
    assert again["renamed"]["registered"] == {"routing_strategies": ["reverse"]}
    assert again["renamed"]["error"] is None
