"""OpenCode composes with the claude plugin: it names the ``claude`` format, so its
distribution depends on ``omniroute-plugin-claude`` and start-up says what is missing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from omniroute import Settings, StartupError
from omniroute.plugins import build_registry

REPO = Path(__file__).resolve().parents[3]


def test_disabling_claude_names_what_opencode_needs(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, disable_plugins=["claude"], plugins_strict=True)
    with pytest.raises(StartupError) as caught:
        build_registry(settings)
    problems = "\n".join(caught.value.problems)
    assert (
        "provider 'opencode-zen' (plugin 'opencode') model 'minimax-m2.7' needs format" in problems
    )
    assert "'claude', which no loaded plugin registers" in problems


@pytest.mark.slow
def test_installing_one_by_one_shows_the_dependency(tmp_path: Path, uv_bin: str) -> None:
    venv = tmp_path / "venv"
    python = venv / "bin" / "python"
    subprocess.run([uv_bin, "venv", "--quiet", "--python", sys.executable, venv], check=True)

    def install(*projects: Path) -> subprocess.CompletedProcess[str]:
        # --offline: third-party packages come from uv's cache, and no index is asked for
        # omniroute-plugin-claude, so only this repository can provide it.
        command = [uv_bin, "pip", "install", "--offline", "--quiet", "--python", python, *projects]
        return subprocess.run(
            [str(c) for c in command], capture_output=True, text=True, timeout=180, check=False
        )

    alone = install(REPO / "core", REPO / "omniroute_plugin_opencode")
    assert alone.returncode != 0
    assert "omniroute-plugin-claude" in alone.stderr

    together = install(
        REPO / "core", REPO / "omniroute_plugin_claude", REPO / "omniroute_plugin_opencode"
    )
    assert together.returncode == 0, together.stderr

    env = {**os.environ, "OMNIROUTE_DATA_DIR": str(tmp_path / "data")}
    env.pop("OMNIROUTE_DISABLE_PLUGINS", None)
    listed = subprocess.run(
        [venv / "bin" / "omniroute", "plugins"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    ).stdout
    assert "opencode  (omniroute-plugin-opencode" in listed
    assert "claude  (omniroute-plugin-claude" in listed

    env["OMNIROUTE_DISABLE_PLUGINS"] = "claude"
    refused = subprocess.run(
        [venv / "bin" / "omniroute", "serve", "--port", "1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert refused.returncode == 1
    assert "needs format 'claude'" in refused.stderr
