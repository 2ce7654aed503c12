"""Extended thinking for OpenAI clients: ``reasoning_effort`` → Claude ``thinking``.

An explicit Claude ``thinking`` object in the OpenAI body passes through; otherwise
``reasoning_effort`` asks for thinking (``none`` does not). How it is sent depends on the
model (``models``):

* Classic models get ``{"type": "enabled", "budget_tokens"}`` with the budget from
  ``mapping.EFFORT_BUDGETS`` (efforts above ``high`` get ``high``'s). Anthropic wants
  ``MIN_BUDGET <= budget_tokens < max_tokens``. The budget is what the client asked for, so
  it is kept, and when ``max_tokens`` (the client's limit, else the default) does not exceed
  it, ``max_tokens`` becomes budget plus that limit: the limit then bounds the visible answer
  instead of leaving no room for one.
* Adaptive models (Claude 4.6 on) get ``{"type": "adaptive", "display": "summarized"}`` and
  ``output_config.effort`` (``minimal`` → ``low``, ``xhigh`` → ``high`` where the model has
  no ``xhigh``); an explicit ``enabled`` object, which they reject, is converted with
  ``mapping.effort_of_budget``. ``display`` is set because from Claude 4.7 the thinking text
  is omitted by default, and a client that asked for reasoning reads ``reasoning_content``.
  Without a client limit, ``max_tokens`` gets the effort's nominal budget as extra room.

Thinking is switched off, rather than the request failing with a 400, when Claude cannot
combine it with the conversation:

* ``tool_choice`` forces a tool (``any`` or a named tool): the forced call is what the client
  relies on, thinking only improves it;
* the conversation ends with an assistant turn (a prefill);
* the last assistant turn made tool calls but does not start with the thinking blocks
  Claude produced for it (a client that dropped ``thinking_blocks``): Anthropic requires
  them back, signed, in that turn.

With thinking off, replayed thinking blocks are removed from the history, because
Anthropic rejects them in a final assistant turn when thinking is disabled.
"""

from __future__ import annotations

from typing import Any

from omniroute import Body

from ..mapping import EFFORT_BUDGETS, MIN_BUDGET, effort_of_budget
from .messages import THINKING_TYPES, Turn, without_thinking
from .models import adaptive_thinking, has_xhigh_effort

_ON = ("enabled", "adaptive")
_CLAUDE_EFFORT = {
    "minimal": "low",
    "low": "low",
    "medium": "medium",
    "high": "high",
    "xhigh": "xhigh",
    "max": "max",
}


def apply_thinking(out: Body, body: Body, client_max: int | None, default_max: int) -> bool:
    """Set ``thinking`` and ``max_tokens`` on the Claude request ``out``; True if thinking is on."""
    thinking, effort = _requested(body, out["model"])
    if thinking is not None and thinking.get("type") in _ON and _blocked(out):
        thinking, effort = None, None
    max_tokens = client_max or default_max
    if thinking is not None and thinking.get("type") == "enabled":
        budget = thinking.get("budget_tokens")
        budget = max(MIN_BUDGET, budget if isinstance(budget, int) else MIN_BUDGET)
        thinking = {**thinking, "budget_tokens": budget}
        if max_tokens <= budget:
            max_tokens += budget
    if effort is not None:
        out["output_config"] = {"effort": effort}
        if client_max is None:
            max_tokens += EFFORT_BUDGETS.get(effort, EFFORT_BUDGETS["high"])
    out["max_tokens"] = max_tokens
    if thinking is not None:
        out["thinking"] = thinking
    on = thinking is not None and thinking.get("type") in _ON
    if not on:
        out["messages"] = without_thinking(out["messages"])
    return on


def _requested(body: Body, model: str) -> tuple[dict[str, Any] | None, str | None]:
    """The ``thinking`` object asked for, and the effort when it is adaptive."""
    explicit = body.get("thinking")
    effort = body.get("reasoning_effort")
    adaptive = adaptive_thinking(model)
    if isinstance(explicit, dict):
        if explicit.get("type") != "enabled" or not adaptive:
            return dict(explicit), None
        budget = explicit.get("budget_tokens")
        effort = effort_of_budget(budget) if isinstance(budget, int) else "high"
    elif not isinstance(effort, str) or effort == "none":
        return None, None
    if not adaptive:
        budget = EFFORT_BUDGETS.get(effort, EFFORT_BUDGETS["high"])
        return {"type": "enabled", "budget_tokens": budget}, None
    claude_effort = _CLAUDE_EFFORT.get(effort, "high")
    if claude_effort == "xhigh" and not has_xhigh_effort(model):
        claude_effort = "high"
    return {"type": "adaptive", "display": "summarized"}, claude_effort


def _blocked(out: Body) -> bool:
    choice = out.get("tool_choice")
    if isinstance(choice, dict) and choice.get("type") in ("any", "tool"):
        return True
    turns: list[Turn] = out["messages"]
    if turns[-1]["role"] == "assistant":
        return True
    for turn in reversed(turns):
        if turn["role"] == "assistant":
            content = turn["content"]
            calls = any(block["type"] == "tool_use" for block in content)
            return calls and content[0]["type"] not in THINKING_TYPES
    return False
