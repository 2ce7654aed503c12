"""The ``random`` and ``weighted`` routing strategies (stateless, so no backend)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

from ._items import weight

T = TypeVar("T")


class Random:
    """A uniform shuffle: spreads load with no memory, so it needs no shared state.

    ``rng`` is the seeding hook for tests; the default is the process's own generator.
    """

    name = "random"

    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng or random.Random()

    async def order(self, items: Sequence[T], key: str) -> list[T]:
        result = list(items)
        self._rng.shuffle(result)
        return result


class Weighted:
    """A weighted shuffle without replacement: the first item is drawn with probability
    proportional to its ``weight``, the next from the rest the same way, so fallback also
    prefers the heavier steps. Weight 0 items come last, in the given order.

    Uses Efraimidis-Spirakis keys (``u ** (1 / w)``, largest first), one draw per item.
    """

    name = "weighted"

    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng or random.Random()

    async def order(self, items: Sequence[T], key: str) -> list[T]:
        keyed: list[tuple[float, int]] = []
        for index, item in enumerate(items):
            w = weight(item)
            # 1 - random() lies in (0, 1]: every weighted key is > 0, above weight 0's -1.
            keyed.append((((1.0 - self._rng.random()) ** (1.0 / w)) if w else -1.0, index))
        keyed.sort(key=lambda pair: (-pair[0], pair[1]))
        return [items[index] for _, index in keyed]
