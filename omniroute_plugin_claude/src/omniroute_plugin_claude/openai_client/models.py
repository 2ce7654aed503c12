"""What a Claude model accepts, read from its id.

Anthropic changed the request contract twice, and a request built for the wrong side of a
line is refused with a 400:

* from Claude 4.6, thinking is ``{"type": "adaptive"}`` steered by ``output_config.effort``
  (``budget_tokens`` is deprecated there and rejected from 4.7 on);
* from Claude 4.7, ``temperature``, ``top_p`` and ``top_k`` are rejected, and the ``xhigh``
  effort exists (4.6 stops at ``high`` below ``max``).

Claude Mythos models are on the new side of both lines. Ids are read the way providers spell
them (``claude-opus-4-7``, ``claude-3-7-sonnet-…``, ``anthropic.claude-opus-4-7-v1:0``,
``claude-4.7-opus``); a model without a Claude version in its id (MiniMax, GLM, Kimi on
their Claude-compatible endpoints) keeps the classic contract, which those endpoints speak.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[-.@:_/]")


def claude_version(model: str) -> tuple[int, int] | None:
    """``(major, minor)`` of a Claude model id, or None when it names no Claude version."""
    _, found, rest = model.lower().partition("claude-")
    if not found:
        return None
    numbers: list[int] = []
    for token in _SEPARATORS.split(rest):
        if token.isdigit() and len(token) <= 2:  # longer digit runs are snapshot dates
            numbers.append(int(token))
            if len(numbers) == 2:
                break
        elif numbers:
            break
    if not numbers:
        return None
    return numbers[0], numbers[1] if len(numbers) > 1 else 0


def _at_least(model: str, version: tuple[int, int]) -> bool:
    if "claude-mythos" in model.lower():
        return True
    found = claude_version(model)
    return found is not None and found >= version


def adaptive_thinking(model: str) -> bool:
    """Whether thinking is requested as ``adaptive`` with an effort rather than a budget."""
    return _at_least(model, (4, 6))


def rejects_sampling(model: str) -> bool:
    """Whether ``temperature``, ``top_p`` and ``top_k`` make the request fail."""
    return _at_least(model, (4, 7))


def has_xhigh_effort(model: str) -> bool:
    return _at_least(model, (4, 7))
