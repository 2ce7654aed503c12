"""Every hookspec is documented in ``docs/plugins.md`` and has a test named after it.

The hookspecs are the plugin API; these checks keep the specification, the documentation and
the test suite from drifting apart (the same pair of checks datasette runs on its hooks).
"""

from __future__ import annotations

import ast
import functools
import inspect
import re
from pathlib import Path

import pluggy
import pytest

from omniroute import hookspecs

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs" / "plugins.md"
TESTS = REPO / "tests"
HEADING = re.compile(r"^#{2,4} `?(?P<signature>\w+\([\w, ]*\))`?\s*$", re.MULTILINE)


def _hooks() -> dict[str, str]:
    """Hook name to its call signature as plugin authors write it: ``name(arg, ...)``."""
    manager = pluggy.PluginManager("omniroute")
    manager.add_hookspecs(hookspecs)
    names = sorted(n for n in vars(manager.hook) if not n.startswith("_"))
    return {
        name: f"{name}({', '.join(inspect.signature(getattr(hookspecs, name)).parameters)})"
        for name in names
    }


HOOKS = _hooks()


def _documented() -> set[str]:
    return {m["signature"] for m in HEADING.finditer(DOCS.read_text(encoding="utf-8"))}


@functools.cache
def _test_function_names() -> frozenset[str]:
    names: set[str] = set()
    for path in TESTS.rglob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        names.update(
            node.name
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        )
    return frozenset(names)


def test_hookspecs_are_found() -> None:
    assert "register_providers" in HOOKS
    assert HOOKS["register_providers"] == "register_providers(register, settings)"


@pytest.mark.parametrize("hook", sorted(HOOKS))
def test_hook_is_documented_with_its_signature(hook: str) -> None:
    assert HOOKS[hook] in _documented(), f"docs/plugins.md needs a heading `{HOOKS[hook]}`"


def test_docs_describe_no_hook_that_does_not_exist() -> None:
    assert _documented() == set(HOOKS.values())


@pytest.mark.parametrize("hook", sorted(HOOKS))
def test_hook_has_a_test_named_after_it(hook: str) -> None:
    tests = _test_function_names()

    assert any(
        name == f"test_hook_{hook}" or name.startswith(f"test_hook_{hook}_") for name in tests
    ), f"no test named test_hook_{hook}[_...] under tests/"
