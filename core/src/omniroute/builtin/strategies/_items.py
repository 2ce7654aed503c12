"""What a strategy may read from the items it orders.

Strategies are generic over the item type (combo steps, provider connections, targets) so
the engine can hand them whatever it is about to try. Stateful strategies need a stable
identity to key their state by, and a few need a number to order by; every such attribute
is read here, in one place, so the contract the engine must satisfy is written down once.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class Routable(Protocol):
    """The attributes strategies read; only ``route_id`` is required, and only by the
    strategies that remember something per item (``least-used``, ``strict-random``, ``p2c``).

    Optional attributes, read with a default when absent:

    - ``weight: int`` — share of ``weighted`` (default 1; 0 means "only when nothing else").
    - ``cost: float | None`` — USD per million tokens for ``cost-optimized`` (None: unknown).
    - ``priority: int`` — lower first for ``priority`` (absent: the given order).
    """

    @property
    def route_id(self) -> str:
        """Stable identity of the item within its group (a step id, a connection id)."""


def route_id(item: object) -> str:
    """The item's identity; a missing one is a wiring bug, so it fails loudly."""
    value = getattr(item, "route_id", None)
    if not isinstance(value, str):
        raise TypeError(f"{type(item).__name__} has no str route_id; see Routable")
    return value


def weight(item: object) -> int:
    """The item's ``weighted`` share, never negative."""
    return max(0, int(getattr(item, "weight", 1)))


def cost(item: object) -> float | None:
    """The item's price in USD per million tokens, None when unknown."""
    value = getattr(item, "cost", None)
    return None if value is None else float(value)


def priority(item: object) -> int | None:
    """The item's priority (lower first), None when it has none."""
    value = getattr(item, "priority", None)
    return None if value is None else int(value)
