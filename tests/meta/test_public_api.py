"""``omniroute/__init__.py`` is the API plugins depend on: ``__all__`` must list all of it.

A name bound in the package's ``__init__`` but missing from ``__all__`` is public by accident
(plugins start importing it, and it cannot be changed later without breaking them); a name in
``__all__`` that does not resolve breaks ``from omniroute import *`` and the docs.
"""

from __future__ import annotations

import ast
from pathlib import Path

import omniroute

PUBLIC_DUNDERS = {"__version__"}


def _names_bound_in_init() -> set[str]:
    """Every name ``omniroute/__init__.py`` binds at module level, by reading its source."""
    tree = ast.parse(Path(omniroute.__file__).read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module != "__future__":
            names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.asname or alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
    return names


def test_every_public_name_is_in_all() -> None:
    public = {n for n in _names_bound_in_init() if not n.startswith("_") or n in PUBLIC_DUNDERS}

    assert public - set(omniroute.__all__) == set()


def test_all_has_no_duplicates() -> None:
    assert len(omniroute.__all__) == len(set(omniroute.__all__))


def test_every_name_in_all_is_importable() -> None:
    namespace: dict[str, object] = {}
    exec("from omniroute import *", namespace)

    assert {n for n in omniroute.__all__ if n not in namespace} == set()
    assert all(namespace[n] is getattr(omniroute, n) for n in omniroute.__all__)
