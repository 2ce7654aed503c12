"""The builtin routing strategies, one module each; ``strategies`` builds the set the
builtin plugin registers.

Each orders the items of one group (a combo's steps, a provider's accounts) for one
attempt loop; whatever they remember lives in the ``StateBackend`` under the group's
``key``, so several gateway processes sharing Redis route as one. What they read from the
items is described by ``Routable``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._items import Routable
from .cost import CostOptimized
from .health import HealthStats
from .least_used import LeastUsed
from .p2c import PowerOfTwoChoices
from .priority import Priority
from .round_robin import DEFAULT_STICKY_LIMIT, RoundRobin
from .shuffle import Random, Weighted
from .strict_random import StrictRandom

if TYPE_CHECKING:
    from omniroute.interfaces import RoutingStrategy
    from omniroute.state import StateBackend

__all__ = [
    "DEFAULT_STICKY_LIMIT",
    "CostOptimized",
    "HealthStats",
    "LeastUsed",
    "PowerOfTwoChoices",
    "Priority",
    "Random",
    "RoundRobin",
    "Routable",
    "StrictRandom",
    "Weighted",
    "strategies",
]


def strategies(
    state: StateBackend, *, sticky_limit: int = DEFAULT_STICKY_LIMIT
) -> list[RoutingStrategy]:
    """Every builtin strategy except ``fill-first`` (registered on its own), bound to
    ``state``; ``sticky_limit`` is the gateway-wide round-robin default."""
    return [
        Priority(),
        RoundRobin(state, sticky_limit),
        Weighted(),
        Random(),
        StrictRandom(state),
        LeastUsed(state),
        CostOptimized(),
        PowerOfTwoChoices(HealthStats(state)),
    ]
