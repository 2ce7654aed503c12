"""Choose the state backend named by ``OMNIROUTE_STATE_BACKEND``.

Drivers are entry points of group ``omniroute.state`` (``memory`` and ``redis`` ship with the
core; a third party can add another). stevedore loads only the chosen one, so the ``redis``
module is never imported by a gateway that does not use it. Each driver is built by its
``from_settings`` classmethod, which lets the constructors keep plain arguments for tests
and embedders.
"""

from __future__ import annotations

import importlib.metadata
from typing import Any, Protocol, cast

from stevedore import DriverManager
from stevedore.exception import NoMatches

from omniroute.errors import StartupError
from omniroute.settings import Settings
from omniroute.state import NAMESPACE, StateBackend


class StateDriver(Protocol):
    """What an ``omniroute.state`` entry point names: a class (or object) that builds the
    backend from the process settings."""

    def from_settings(self, settings: Settings) -> StateBackend: ...


def available() -> list[str]:
    """Names of the installed state drivers."""
    return sorted({ep.name for ep in importlib.metadata.entry_points(group=NAMESPACE)})


def load_state(settings: Settings) -> StateBackend:
    """The configured backend, ready to use; ``StartupError`` when it cannot be built."""
    name = settings.state_backend
    try:
        manager: DriverManager[Any] = DriverManager(
            namespace=NAMESPACE, name=name, invoke_on_load=False
        )
    except NoMatches:
        choices = ", ".join(available()) or "none installed"
        raise StartupError(
            [f"unknown state backend {name!r} (OMNIROUTE_STATE_BACKEND); available: {choices}"]
        ) from None
    return cast(StateDriver, manager.driver).from_settings(settings)
