"""Every plugin distribution in the repository has the shape the design promises, and the
template really is copyable.

The shape: ``src/`` layout, ``py.typed``, an ``omniroute`` entry point naming the package's
``hooks`` module, and a dependency on a range of ``omniroute`` that includes this version and
stops before the next minor (the hookspecs are the API).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

import omniroute
from omniroute import Settings
from omniroute.plugins import build_registry

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "plugins" / "template"


def _plugin_projects() -> list[Path]:
    """Directories whose pyproject declares an ``omniroute`` entry point (core excluded)."""
    candidates = [
        *REPO.glob("*/pyproject.toml"),
        *REPO.glob("plugins/*/pyproject.toml"),
        *REPO.glob("tests/fixtures/plugins/*/pyproject.toml"),
    ]
    return sorted(
        path.parent
        for path in candidates
        if "omniroute" in _project(path.parent).get("entry-points", {})
        and _project(path.parent)["name"] != "omniroute"
    )


def _project(directory: Path) -> dict[str, Any]:
    table: dict[str, Any] = tomllib.loads((directory / "pyproject.toml").read_text())["project"]
    return table


PROJECTS = _plugin_projects()


def test_the_flagships_and_the_template_are_checked() -> None:
    names = {_project(p)["name"] for p in PROJECTS}

    assert names >= {
        "omniroute-plugin-claude",
        "omniroute-plugin-gemini",
        "omniroute-plugin-opencode",
        "omniroute-plugin-example",
    }


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: str(p.relative_to(REPO)))
def test_plugin_distribution_shape(project: Path) -> None:
    meta = _project(project)
    (target,) = meta["entry-points"]["omniroute"].values()
    package = target.removesuffix(".hooks")

    assert meta["name"] == package.replace("_", "-")
    assert target == f"{package}.hooks"
    assert (project / "src" / package / "hooks.py").is_file()
    assert (project / "src" / package / "py.typed").is_file()


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: str(p.relative_to(REPO)))
def test_plugin_pins_a_compatible_minor_range_of_omniroute(project: Path) -> None:
    (core,) = [
        req
        for req in map(Requirement, _project(project)["dependencies"])
        if req.name == "omniroute"
    ]
    current = Version(omniroute.__version__)
    next_minor = Version(f"{current.major}.{current.minor + 1}")

    assert current in core.specifier
    assert next_minor not in core.specifier


def test_template_registers_a_valid_provider() -> None:
    """The template as shipped, loaded from its source tree without installing it."""
    spec = importlib.util.spec_from_file_location(
        "template_hooks", TEMPLATE / "src" / "omniroute_plugin_example" / "hooks.py"
    )
    assert spec is not None
    assert spec.loader is not None
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    settings = Settings(load_plugins=[], disable_plugins=[], plugins_strict=True)

    _, _, registry = build_registry(settings, extra=[("example", hooks)])

    assert registry.providers["example"].executor in registry.executors


@pytest.mark.slow
def test_renamed_copy_of_the_template_installs_and_passes_its_tests(
    tmp_path: Path, uv_bin: str
) -> None:
    """Follow the README: copy, rename to ``acme``, install into a fresh venv, run pytest."""
    copy = shutil.copytree(TEMPLATE, tmp_path / "omniroute-plugin-acme")
    (copy / "src" / "omniroute_plugin_example").rename(copy / "src" / "omniroute_plugin_acme")
    renames = {
        "omniroute-plugin-example": "omniroute-plugin-acme",
        "omniroute_plugin_example": "omniroute_plugin_acme",
        "\nexample = ": "\nacme = ",
        '"example"': '"acme"',
    }
    for path in (
        copy / "pyproject.toml",
        copy / "tests" / "test_hooks.py",
        copy / "src" / "omniroute_plugin_acme" / "hooks.py",
    ):
        text = path.read_text()
        for old, new in renames.items():
            text = text.replace(old, new)
        path.write_text(text)

    venv = tmp_path / "venv"
    python = venv / "bin" / "python"
    subprocess.run([uv_bin, "venv", "--quiet", "--python", sys.executable, venv], check=True)
    subprocess.run(
        [uv_bin, "pip", "install", "--quiet", "--python", python, REPO / "core", copy, "pytest"],
        check=True,
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMNIROUTE_", "VIRTUAL_ENV"))}
    done = subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout
