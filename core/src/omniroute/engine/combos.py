"""Checking a combo before it is saved: a combo that can never route is refused up front.

A step names a model, an alias or another combo; nested combos may go ``MAX_COMBO_DEPTH``
deep and must not loop back on themselves (the resolver would refuse them at request time,
when it is too late to tell the person who wrote them).
"""

from __future__ import annotations

from dataclasses import replace

from ..errors import GatewayError
from ..registry import Registry
from ..types import Combo, ConfigSnapshot
from .resolver import MAX_COMBO_DEPTH, Resolver


def combo_problems(combo: Combo, snapshot: ConfigSnapshot, registry: Registry) -> list[str]:
    """Everything wrong with saving ``combo`` into ``snapshot`` (empty when it is fine)."""
    problems = []
    if not combo.steps:
        problems.append("a combo needs at least one model")
    if combo.strategy not in registry.routing_strategies:
        known = ", ".join(sorted(registry.routing_strategies))
        problems.append(f"unknown strategy {combo.strategy!r} (known: {known})")
    combos = {**snapshot.combos, combo.name: combo}
    cycle = _cycle(combo.name, combos, (combo.name,))
    if cycle:
        problems.append(f"combo refers to itself: {' -> '.join(cycle)}")
    elif _depth(combo.name, combos) > MAX_COMBO_DEPTH:
        problems.append(f"combos nest more than {MAX_COMBO_DEPTH} levels deep")
    if problems:
        return problems
    resolver = Resolver(registry, replace(snapshot, combos=combos))
    for step in combo.steps:
        try:
            resolver.resolve(step.model)
        except GatewayError as exc:
            problems.append(f"step {step.model!r}: {exc.message}")
    return problems


def _cycle(name: str, combos: dict[str, Combo], path: tuple[str, ...]) -> tuple[str, ...] | None:
    for step in combos[name].steps:
        if step.model in path:
            return (*path, step.model)
        if step.model in combos:
            found = _cycle(step.model, combos, (*path, step.model))
            if found:
                return found
    return None


def _depth(name: str, combos: dict[str, Combo]) -> int:
    nested = [_depth(s.model, combos) for s in combos[name].steps if s.model in combos]
    return 1 + max(nested, default=0)
