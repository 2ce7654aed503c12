"""The ``cost-optimized`` routing strategy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from ._items import cost

T = TypeVar("T")


class CostOptimized:
    """Cheapest first by the item's ``cost`` (USD per million tokens, from the pricing
    table); unknown prices go last so a free-looking unknown never jumps the queue; ties keep
    the given order, so the configured preference still breaks them."""

    name = "cost-optimized"

    async def order(self, items: Sequence[T], key: str) -> list[T]:
        def rank(item: T) -> tuple[bool, float]:
            c = cost(item)
            return (c is None, c or 0.0)

        return sorted(items, key=rank)
