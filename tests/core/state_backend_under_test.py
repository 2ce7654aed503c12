"""The type of the ``backend`` fixture (tests/core/conftest.py), importable by test modules.

It lives outside ``conftest.py`` because several test directories have a ``conftest``
module, and ``from conftest import …`` would reach whichever was imported first.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from omniroute.state import StateBackend


@dataclass
class Backend:
    """A state backend under test and a way to let time pass for it: the memory backend
    runs on a fake clock moved at once, Redis keeps real time, so tests use short delays."""

    name: str
    state: StateBackend
    advance: Callable[[float], Awaitable[None]]
