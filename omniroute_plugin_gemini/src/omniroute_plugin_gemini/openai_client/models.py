"""What a Gemini model accepts, read from its id.

Two request rules depend on the model generation, and getting either wrong is a 400:

* Gemini 3 validates thought signatures on the function calls of the current turn
  (``signatures``); earlier models accept calls without them.
* Thinking can be switched off only on some models: Gemini 2.5 Flash and Flash-Lite take
  ``thinkingBudget: 0``; Gemini 2.5 Pro refuses budgets below 128 and Gemini 3 refuses to
  stop thinking at all, so "no thinking" there means the least thinking they allow (the
  lowest budget, the ``MINIMAL`` or, on Pro models, the ``LOW`` thinking level). Models
  before 2.5 do not think, and refuse a ``thinkingConfig``.

Ids are read the way Google and the Gemini-format providers spell them (``gemini-2.5-pro``,
``models/gemini-3-pro-preview``, ``gemini-3.1-flash-lite``). An id without a Gemini version
(an alias such as ``gemini-flash-latest``, a custom node's model) is treated as a current
Flash model, which takes budget 0.
"""

from __future__ import annotations

import re
from typing import Any

_VERSION = re.compile(r"gemini-(\d+)(?:\.(\d+))?")
_PRO = re.compile(r"-pro\b")

PRO_MIN_BUDGET = 128
"""The smallest ``thinkingBudget`` Gemini 2.5 Pro accepts."""


def gemini_version(model: str) -> tuple[int, int] | None:
    """``(major, minor)`` of a Gemini model id, or None when the id names no version."""
    match = _VERSION.search(model.lower())
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2) or 0)


def thinks(model: str) -> bool:
    """Whether the model accepts a ``thinkingConfig`` (unknown models are assumed to)."""
    version = gemini_version(model)
    return version is None or version >= (2, 5)


def requires_signatures(model: str) -> bool:
    """Whether the model rejects current-turn function calls without a thought signature."""
    version = gemini_version(model)
    return version is not None and version >= (3, 0)


def thinking_off(model: str) -> dict[str, Any]:
    """The ``thinkingConfig`` that thinks least on ``model``: off wherever it can be off."""
    version = gemini_version(model)
    pro = _PRO.search(model.lower()) is not None
    if version is not None and version >= (3, 0):
        return {"thinkingLevel": "LOW" if pro else "MINIMAL"}
    if version is not None and pro:
        return {"thinkingBudget": PRO_MIN_BUDGET}
    return {"thinkingBudget": 0}
