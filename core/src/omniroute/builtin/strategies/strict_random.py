"""The ``strict-random`` routing strategy: a shuffled deck, each item once per deck."""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from typing import TypeVar

from omniroute.state import StateBackend

from ._items import route_id

T = TypeVar("T")

_SEED_KEY = "routing:strict-random:seed"


class StrictRandom:
    """Random order, but every item leads exactly once per deck of ``len(items)`` requests
    before any leads twice — random spreading without random's streaks.

    No deck is stored: the deck of generation ``g`` is a pure function of (seed, key, g,
    item ids), and one ``incr`` counter per ``key`` hands each request its own (generation,
    position). Concurrent requests, in one process or many sharing a backend, can therefore
    never draw the same card of a deck, and no request ever has to build or lock a deck.
    The returned order is the rest of the deck, then its already-served cards, so fallback
    goes on drawing from the same deck.

    The guarantee holds while the group's membership is stable; a change starts a new
    pattern from the counter's position. ``seed`` is the seeding hook for tests; by default
    one random seed is kept in the state backend (so processes agree and restarts differ).
    """

    name = "strict-random"

    def __init__(self, state: StateBackend, seed: str | None = None) -> None:
        self._state = state
        self._seed = seed

    async def order(self, items: Sequence[T], key: str) -> list[T]:
        if len(items) < 2:
            return list(items)
        drawn = await self._state.incr(f"routing:strict-random:{key}") - 1
        generation, position = divmod(drawn, len(items))
        deck = sorted(items, key=route_id)
        seed = await self._shared_seed()
        random.Random(f"{seed}\0{key}\0{len(items)}\0{generation}").shuffle(deck)
        return [*deck[position:], *deck[:position]]

    async def _shared_seed(self) -> str:
        if self._seed is not None:
            return self._seed
        stored = await self._state.get(_SEED_KEY)
        if stored is not None:
            # Only a seed found already stored is cached: one this call wrote may still be
            # overwritten by a process racing the very first write, and must be re-read.
            self._seed = stored.decode()
            return self._seed
        fresh = secrets.token_hex(16)
        await self._state.set(_SEED_KEY, fresh.encode())
        return fresh
