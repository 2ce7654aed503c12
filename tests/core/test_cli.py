"""The ``omniroute`` command line, run as users run it (the installed console script)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from omniroute.cli import app

OMNIROUTE = str(Path(sys.executable).with_name("omniroute"))


def run(data_dir: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OMNIROUTE_DATA_DIR": str(data_dir)}
    result = subprocess.run(
        [OMNIROUTE, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert (result.returncode == 0) is ok, result.stdout + result.stderr
    return result


def test_providers_add_list_remove(tmp_path: Path) -> None:
    out = run(tmp_path, "providers", "add", "ds", "--name", "main", "--api-key", "sk-1").stdout
    assert "added connection 'main' to deepseek" in out
    run(
        tmp_path,
        "providers",
        "add",
        "openai-compatible",
        "--name",
        "vllm",
        "--prefix",
        "vllm",
        "--base-url",
        "http://127.0.0.1:8000/v1",
    )
    listing = run(tmp_path, "providers", "list").stdout
    assert "- main [enabled, priority 100]" in listing
    assert "prefix=vllm" in listing
    assert "sk-1" not in listing, "secrets are never printed"

    duplicate = run(tmp_path, "providers", "add", "deepseek", "--name", "main", ok=False)
    assert "main" in duplicate.stderr
    assert "unknown provider 'nope'" in run(tmp_path, "providers", "add", "nope", ok=False).stderr
    custom = run(tmp_path, "providers", "add", "openai-compatible", ok=False).stderr
    assert "--prefix and --base-url" in custom

    assert "removed" in run(tmp_path, "providers", "remove", "main").stdout
    assert "- main" not in run(tmp_path, "providers", "list").stdout
    assert "no connection 'main'" in run(tmp_path, "providers", "remove", "main", ok=False).stderr


def test_plugins_json_lists_builtin_with_what_it_registered(tmp_path: Path) -> None:
    plugins = json.loads(run(tmp_path, "plugins", "--json").stdout)
    builtin = next(p for p in plugins if p["name"] == "builtin")
    assert builtin["distribution"] == "omniroute"
    assert "openai" in builtin["registered"]["formats"]
    assert "fill-first" in builtin["registered"]["routing_strategies"]
    assert builtin["error"] is None
    names = {p["name"] for p in plugins}
    if os.environ.get("OMNIROUTE_EXPECT_CORE_ONLY"):
        assert names == {"builtin"}, "core alone lists no third-party plugin"
    else:
        assert {"claude", "gemini", "opencode"} <= names


def test_serve_refuses_to_start_on_a_broken_config(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(
        '[[connections]]\nprovider = "openai"\nname = "x"\napi_key = "env:NOPE_UNSET"\n'
    )
    result = run(tmp_path, "serve", "--config", str(config), "--port", "1", ok=False)
    assert "NOPE_UNSET" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [["--help"], ["serve", "--help"], ["providers", "--help"]])
def test_help(tmp_path: Path, args: list[str]) -> None:
    assert "Usage" in run(tmp_path, *args).stdout


# Combos and fallback chains, in process: every subprocess start builds the registry anew,
# which would make these many small commands slow.


@pytest.fixture
def cli(tmp_path: Path) -> Callable[..., Result]:
    """``omniroute ARGS`` on a fresh data dir (wide, so help text is not wrapped); asserts the
    exit code (0 unless ``ok=False``)."""
    runner = CliRunner(env={"OMNIROUTE_DATA_DIR": str(tmp_path), "COLUMNS": "400"})

    def invoke(*args: str, ok: bool = True) -> Result:
        result = runner.invoke(app, list(args))
        assert (result.exit_code == 0) is ok, result.output
        return result

    return invoke


def test_combos_add_list_show_remove(cli: Callable[..., Result]) -> None:
    assert "no combos" in cli("combos", "list").stdout
    added = cli("combos", "add", "fast", "openai/gpt-4o", "ds/deepseek-chat").stdout
    assert "added combo 'fast': openai/gpt-4o -> ds/deepseek-chat" in added
    line = next(li for li in cli("combos", "list").stdout.splitlines() if li.startswith("fast"))
    assert line.split()[:2] == ["fast", "fill-first"]
    assert "openai/gpt-4o -> ds/deepseek-chat" in line

    shown = json.loads(cli("combos", "show", "fast").stdout)
    assert shown == {
        "name": "fast",
        "strategy": "fill-first",
        "models": [
            {"model": "openai/gpt-4o", "weight": 1, "connection_id": None},
            {"model": "ds/deepseek-chat", "weight": 1, "connection_id": None},
        ],
        "config": {"maxRetries": 0, "retryDelayMs": 1000},
    }
    assert json.loads(cli("combos", "list", "--json").stdout) == [shown]

    assert "removed combo 'fast'" in cli("combos", "remove", "fast").stdout
    assert json.loads(cli("combos", "list", "--json").stdout) == []
    assert "no combo 'fast'" in cli("combos", "remove", "fast", ok=False).stderr
    assert "no combo 'fast'" in cli("combos", "show", "fast", ok=False).stderr


def test_combos_add_stores_the_config_flags_and_weights(cli: Callable[..., Result]) -> None:
    cli(
        "combos",
        "add",
        "split",
        "openai/gpt-4o@70",
        "ds/deepseek-chat@30",
        "openai/model@20240620@1",
        "--strategy",
        "weighted",
        "--max-retries",
        "2",
        "--retry-delay-ms",
        "250",
        "--timeout-ms",
        "5000",
        "--sticky-limit",
        "4",
    )
    shown = json.loads(cli("combos", "show", "split").stdout)
    assert shown["strategy"] == "weighted"
    assert [(s["model"], s["weight"]) for s in shown["models"]] == [
        ("openai/gpt-4o", 70),
        ("ds/deepseek-chat", 30),
        ("openai/model@20240620", 1),
    ]
    assert shown["config"] == {
        "maxRetries": 2,
        "retryDelayMs": 250,
        "timeoutMs": 5000,
        "stickyRoundRobinLimit": 4,
    }
    listing = cli("combos", "list").stdout
    assert "openai/gpt-4o@70 -> ds/deepseek-chat@30 -> openai/model@20240620@1" in listing
    assert "stickyRoundRobinLimit=4" in listing


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--strategy", "zzz"], "unknown strategy 'zzz'"),
        (["nope/model"], "unknown provider prefix 'nope'"),
        (["loop"], "combo refers to itself: loop -> loop"),
        (["openai/gpt-4o@0"], "a weight is 1 or more"),
        (["--max-retries", "-1"], "--max-retries: Input should be greater than or equal to 0"),
        (["--sticky-limit", "0"], "--sticky-limit: Input should be greater than or equal to 1"),
    ],
)
def test_combos_add_refuses_a_bad_combo_and_stores_nothing(
    cli: Callable[..., Result], args: list[str], problem: str
) -> None:
    refused = cli("combos", "add", "loop", "openai/gpt-4o", *args, ok=False)
    assert problem in refused.stderr
    assert json.loads(cli("combos", "list", "--json").stdout) == []


def test_combos_add_lists_every_problem(cli: Callable[..., Result]) -> None:
    cli("combos", "add", "inner", "openai/gpt-4o")
    cli("combos", "add", "outer", "inner")
    refused = cli("combos", "add", "inner", "outer", "--replace", ok=False).stderr
    assert (
        "combo 'inner' not saved:\n  - combo refers to itself: inner -> outer -> inner" in refused
    )
    assert (
        json.loads(cli("combos", "show", "inner").stdout)["models"][0]["model"] == "openai/gpt-4o"
    )


def test_combos_add_replaces_only_with_replace(cli: Callable[..., Result]) -> None:
    cli("combos", "add", "fast", "openai/gpt-4o")
    exists = cli("combos", "add", "fast", "ds/deepseek-chat", ok=False).stderr
    assert "combo 'fast' exists; add --replace" in exists
    assert json.loads(cli("combos", "show", "fast").stdout)["models"][0]["model"] == "openai/gpt-4o"

    replaced = cli("combos", "add", "fast", "ds/deepseek-chat", "--replace").stdout
    assert "replaced combo 'fast': ds/deepseek-chat" in replaced
    shown = json.loads(cli("combos", "show", "fast").stdout)
    assert [s["model"] for s in shown["models"]] == ["ds/deepseek-chat"]


def test_fallbacks_set_list_remove(cli: Callable[..., Result]) -> None:
    assert "no fallback chains" in cli("fallbacks", "list").stdout
    cli("combos", "add", "cheap", "ds/deepseek-chat")
    cli("fallbacks", "set", "openai/gpt-4o", "cheap", "openai/gpt-4o-mini")
    assert "openai/gpt-4o -> cheap -> openai/gpt-4o-mini" in cli("fallbacks", "list").stdout
    cli("fallbacks", "set", "openai/gpt-4o", "openai/gpt-4o-mini")
    chains = json.loads(cli("fallbacks", "list", "--json").stdout)
    assert chains == {"openai/gpt-4o": ["openai/gpt-4o-mini"]}

    assert "removed" in cli("fallbacks", "remove", "openai/gpt-4o").stdout
    assert json.loads(cli("fallbacks", "list", "--json").stdout) == {}
    missing = cli("fallbacks", "remove", "openai/gpt-4o", ok=False).stderr
    assert "no fallback chain for 'openai/gpt-4o'" in missing


def test_fallbacks_set_refuses_unroutable_or_self_fallbacks(cli: Callable[..., Result]) -> None:
    refused = cli("fallbacks", "set", "m", "m", "nope/x", "ds/x", "ds/x", ok=False).stderr
    assert "fallbacks of 'm' not saved:\n  - 'm' cannot fall back to itself" in refused
    assert "listed more than once: 'ds/x'" in refused
    assert "fallback 'nope/x': unknown provider prefix 'nope'" in refused
    assert json.loads(cli("fallbacks", "list", "--json").stdout) == {}


@pytest.mark.parametrize("group", ["combos", "fallbacks"])
def test_combos_and_fallbacks_help(cli: Callable[..., Result], group: str) -> None:
    assert "reach a running gateway when it next starts" in cli(group, "--help").stdout
    assert "MODEL@WEIGHT" in cli("combos", "add", "--help").stdout


def test_combos_commands_run_as_installed(tmp_path: Path) -> None:
    """The console script reaches the new groups (the in-process tests bypass it)."""
    run(tmp_path, "combos", "add", "fast", "openai/gpt-4o@2")
    assert "openai/gpt-4o@2" in run(tmp_path, "combos", "list").stdout
