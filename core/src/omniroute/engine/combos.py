"""Checking combos and fallback chains before they are saved: what can never route is
refused up front.

A step names a model, an alias or another combo; nested combos may go ``MAX_COMBO_DEPTH``
deep and must not loop back on themselves (the resolver would refuse them at request time,
when it is too late to tell the person who wrote them). A per-model fallback chain is held
to the same rule: every model in it must resolve now.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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
    unknown = unresolvable(
        (s.model for s in combo.steps), replace(snapshot, combos=combos), registry
    )
    return [f"step {model!r}: {why}" for model, why in unknown.items()]


def fallback_problems(
    model: str, chain: Sequence[str], snapshot: ConfigSnapshot, registry: Registry
) -> list[str]:
    """Everything wrong with making ``chain`` the fallback chain of ``model`` (empty when fine).

    ``model`` itself need not resolve (a chain may rescue a model no account serves yet), but
    it may not be in its own chain: it has just failed when the chain is tried.
    """
    problems = []
    if model in chain:
        problems.append(f"{model!r} cannot fall back to itself")
    repeated = sorted({m for m in chain if chain.count(m) > 1})
    if repeated:
        problems.append(f"listed more than once: {', '.join(map(repr, repeated))}")
    unknown = unresolvable(chain, snapshot, registry)
    return problems + [f"fallback {m!r}: {why}" for m, why in unknown.items()]


def unresolvable(
    models: Iterable[str], snapshot: ConfigSnapshot, registry: Registry
) -> dict[str, str]:
    """The models of ``models`` the resolver refuses against ``snapshot``, each with why."""
    resolver = Resolver(registry, snapshot)
    problems: dict[str, str] = {}
    for model in models:
        try:
            resolver.resolve(model)
        except GatewayError as exc:
            problems[model] = exc.message
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
