"""The ``fill-first`` routing strategy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


class FillFirst:
    """Always the configured order: the first healthy candidate takes every request until it
    fails, which keeps one account's quota in use before touching the next."""

    name = "fill-first"

    async def order(self, items: Sequence[T], key: str) -> list[T]:
        return list(items)
