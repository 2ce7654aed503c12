"""The ``omniroute`` command line, run as users run it (the installed console script)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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
