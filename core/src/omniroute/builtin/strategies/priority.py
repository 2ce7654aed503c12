"""The ``priority`` routing strategy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from ._items import priority

T = TypeVar("T")


class Priority:
    """Lowest ``priority`` first; equals, and items without a priority (which go last),
    keep the given order.

    ``fill-first`` trusts the order it is given; ``priority`` also honours a per-item
    priority (accounts carry one), so the two agree on combo steps and differ only when the
    engine hands over items in another order than their priorities.
    """

    name = "priority"

    async def order(self, items: Sequence[T], key: str) -> list[T]:
        def rank(item: T) -> tuple[bool, int]:
            p = priority(item)
            return (p is None, p or 0)

        return sorted(items, key=rank)
