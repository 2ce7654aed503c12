"""Model resolution: the model string a client sent → an ordered list of targets.

Order of lookup: combo names, user aliases (exact, then wildcard: ``*`` and ``?``, most
specific first), ``prefix/model`` (custom-node prefixes first,
then provider ids and aliases), and finally a bare model id found in exactly the catalogues
of configured providers. Anything else is a 404 that says what was tried.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..errors import ModelNotFound, ProviderMismatch, ProviderNotFound
from ..registry import Registry
from ..types import Combo, ConfigSnapshot, Target

MAX_COMBO_DEPTH = 3


def wildcard_aliases(aliases: dict[str, str]) -> list[tuple[str, re.Pattern[str], str]]:
    """The aliases with ``*`` or ``?``, most specific first: more literal characters win,
    then fewer wildcards, then the pattern itself (so the order is stable)."""
    patterns = [p for p in aliases if "*" in p or "?" in p]
    patterns.sort(key=lambda p: (-len(p.replace("*", "").replace("?", "")), p.count("*"), p))
    return [(p, _compile(p), aliases[p]) for p in patterns]


def _compile(pattern: str) -> re.Pattern[str]:
    parts = []
    for char in pattern:
        if char == "*":
            parts.append("(.*)")
        elif char == "?":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts))


class Resolver:
    """Resolves against one registry and one configuration snapshot (both immutable)."""

    def __init__(self, registry: Registry, snapshot: ConfigSnapshot) -> None:
        self._registry = registry
        self._snapshot = snapshot
        self._wildcards = wildcard_aliases(snapshot.aliases)

    def provider_of_prefix(self, prefix: str) -> str | None:
        """The provider id a public prefix names, or None."""
        custom = self._snapshot.custom_prefixes.get(prefix)
        if custom is not None:
            return custom.provider
        return self._registry.prefixes.get(prefix)

    def resolve(self, model: str, provider_scope: str | None = None) -> list[Target]:
        if provider_scope is not None:
            model = self._scoped(model, provider_scope)
        return self._resolve(model, depth=0, seen=())

    def combo_named(self, model: str) -> Combo | None:
        """The combo ``model`` names, directly or through aliases: its strategy, config and
        the global fallback apply however the client spelled it."""
        seen: set[str] = set()
        while model not in seen:
            combo = self._snapshot.combos.get(model)
            if combo is not None:
                return combo
            seen.add(model)
            alias = self._snapshot.aliases.get(model) or self._wildcard(model)
            if alias is None:
                return None
            model = alias
        return None

    def _scoped(self, model: str, scope: str) -> str:
        """``model`` as addressed under ``/v1/providers/{scope}/…``: prefix added when missing."""
        if self.provider_of_prefix(scope) is None:
            raise ProviderNotFound(f"unknown provider {scope!r}")
        prefix, sep, _rest = model.partition("/")
        if sep and prefix != scope:
            other = self.provider_of_prefix(prefix)
            if other is not None and other != self.provider_of_prefix(scope):
                raise ProviderMismatch(
                    f"model {model!r} belongs to provider {other!r}, "
                    f"not to {self.provider_of_prefix(scope)!r} named in the path"
                )
        if sep and prefix == scope:
            return model
        return f"{scope}/{model}"

    def _resolve(self, model: str, depth: int, seen: tuple[str, ...]) -> list[Target]:
        combo = self._snapshot.combos.get(model)
        if combo is not None:
            if model in seen or depth >= MAX_COMBO_DEPTH:
                raise ModelNotFound(f"combo {model!r} nests too deep or refers to itself")
            targets: list[Target] = []
            for index, step in enumerate(combo.steps):
                step_targets = self._resolve(step.model, depth + 1, (*seen, model))
                pinned = (step.connection_id,) if step.connection_id else None
                targets.extend(
                    replace(
                        target,
                        route_id=f"{model}#{index}",
                        weight=step.weight,
                        connection_ids=pinned or target.connection_ids,
                    )
                    for target in step_targets
                )
            return targets
        alias = self._snapshot.aliases.get(model) or self._wildcard(model)
        if alias is not None and alias != model and model not in seen:
            return self._resolve(alias, depth + 1, (*seen, model))
        prefix, sep, rest = model.partition("/")
        if sep and rest:
            target = self._prefixed(prefix, rest)
            if target is not None:
                return [target]
        inferred = self._inferred(model)
        if inferred:
            return inferred
        if sep:
            raise ModelNotFound(
                f"unknown provider prefix {prefix!r} in model {model!r}; "
                "GET /v1/models lists the routable models"
            )
        raise ModelNotFound(
            f"model {model!r} is not a combo, an alias or provider/model; "
            "GET /v1/models lists the routable models"
        )

    def _wildcard(self, model: str) -> str | None:
        """The target of the most specific wildcard alias matching ``model``; a ``*`` in the
        target takes what the pattern's first ``*`` matched."""
        for pattern, regex, target in self._wildcards:
            match = regex.fullmatch(model)
            if match:
                if "*" in target and "*" in pattern:
                    return target.replace("*", match.group(1), 1)
                return target
        return None

    def _prefixed(self, prefix: str, model: str) -> Target | None:
        custom = self._snapshot.custom_prefixes.get(prefix)
        if custom is not None:
            manifest = self._registry.providers[custom.provider]
            return Target(manifest, model, manifest.model_format(model), prefix, (custom.id,))
        pid = self._registry.prefixes.get(prefix)
        if pid is None:
            return None
        manifest = self._registry.providers[pid]
        return Target(manifest, model, manifest.model_format(model), prefix)

    def _inferred(self, model: str) -> list[Target]:
        """Configured providers whose catalogue lists ``model`` (a bare ``gpt-4o``)."""
        targets = []
        for pid in self._snapshot.connections:
            manifest = self._registry.providers.get(pid)
            if manifest is None or manifest.custom_node:
                continue
            if any(info.id == model for info in manifest.models):
                targets.append(Target(manifest, model, manifest.model_format(model), pid))
        return targets
