"""Strategies that keep no state: ``priority``, ``cost-optimized``, ``random``, ``weighted``,
and the set the builtin plugin registers."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

import pytest

from omniroute.builtin.strategies import (
    CostOptimized,
    Priority,
    Random,
    Routable,
    Weighted,
    strategies,
)
from omniroute.interfaces import RoutingStrategy
from omniroute.state.memory import MemoryState


@dataclass(frozen=True)
class Item:
    route_id: str
    weight: int = 1
    cost: float | None = None
    priority: int | None = None


def ids(items: list[Item]) -> list[str]:
    return [item.route_id for item in items]


def test_items_with_a_route_id_are_routable() -> None:
    assert isinstance(Item("a"), Routable)
    assert not isinstance(object(), Routable)


async def test_priority_sorts_lowest_first_and_keeps_ties_and_unprioritised_in_order() -> None:
    items = [Item("a"), Item("b", priority=5), Item("c", priority=1), Item("d", priority=5)]
    assert ids(await Priority().order(items, "k")) == ["c", "b", "d", "a"]


async def test_priority_without_priorities_is_the_given_order() -> None:
    items = [Item("b"), Item("a"), Item("c")]
    assert ids(await Priority().order(items, "k")) == ["b", "a", "c"]


async def test_cost_optimized_is_cheapest_first_unknown_last_ties_in_given_order() -> None:
    items = [Item("a"), Item("b", cost=3.0), Item("c", cost=0.5), Item("d", cost=3.0)]
    assert ids(await CostOptimized().order(items, "k")) == ["c", "b", "d", "a"]


async def test_random_is_a_permutation_and_seedable() -> None:
    items = [Item(name) for name in "abcde"]
    first = await Random(random.Random(7)).order(items, "k")
    again = await Random(random.Random(7)).order(items, "k")
    assert sorted(ids(first)) == list("abcde")
    assert first == again


async def test_random_leads_uniformly() -> None:
    strategy = Random(random.Random(1))
    items = [Item(name) for name in "abc"]
    leaders = Counter([(await strategy.order(items, "k"))[0].route_id for _ in range(3000)])
    assert all(abs(leaders[name] / 3000 - 1 / 3) < 0.04 for name in "abc")


async def test_weighted_70_30_over_2000_requests_within_4_percent() -> None:
    strategy = Weighted(random.Random(42))
    items = [Item("a", weight=70), Item("b", weight=30)]
    leaders = Counter([(await strategy.order(items, "k"))[0].route_id for _ in range(2000)])
    assert abs(leaders["a"] / 2000 - 0.70) <= 0.04
    assert abs(leaders["b"] / 2000 - 0.30) <= 0.04


async def test_weighted_orders_the_rest_by_weight_too() -> None:
    """Second place among 60/30/10 after ``a`` led: ``b`` with 30/40, ``c`` with 10/40."""
    strategy = Weighted(random.Random(3))
    items = [Item("a", weight=60), Item("b", weight=30), Item("c", weight=10)]
    seconds: Counter[str] = Counter()
    for _ in range(4000):
        order = ids(await strategy.order(items, "k"))
        assert sorted(order) == ["a", "b", "c"]
        if order[0] == "a":
            seconds[order[1]] += 1
    total = seconds["b"] + seconds["c"]
    assert abs(seconds["b"] / total - 0.75) <= 0.04


async def test_weighted_puts_zero_weights_last_in_given_order() -> None:
    strategy = Weighted(random.Random(5))
    items = [Item("z1", weight=0), Item("a", weight=1), Item("z2", weight=0), Item("b")]
    for _ in range(50):
        assert ids(await strategy.order(items, "k"))[2:] == ["z1", "z2"]


def test_strategies_registers_every_builtin_name_once() -> None:
    names = [strategy.name for strategy in strategies(MemoryState())]
    assert sorted(names) == sorted(
        [
            "priority",
            "round-robin",
            "weighted",
            "random",
            "strict-random",
            "least-used",
            "cost-optimized",
            "p2c",
        ]
    )


@pytest.mark.parametrize("strategy", strategies(MemoryState()), ids=lambda s: s.name)
async def test_every_strategy_handles_empty_and_single_groups(strategy: RoutingStrategy) -> None:
    assert await strategy.order([], "k") == []
    assert await strategy.order([Item("only")], "k") == [Item("only")]
