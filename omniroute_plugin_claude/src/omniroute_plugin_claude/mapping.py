"""The field-level rules between Anthropic Messages and OpenAI Chat, each in both directions.

Both translators (OpenAI clients on Claude upstreams, Claude clients on OpenAI upstreams)
use these, so a rule such as "cache creation is not part of prompt_tokens" lives once.
"""

from __future__ import annotations

from typing import Any

from omniroute import Usage

# -- stop reasons ---------------------------------------------------------------------------

_FINISH_OF_STOP = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "pause_turn": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
}
_STOP_OF_FINISH = {
    "stop": "end_turn",
    "length": "max_tokens",
    "tool_calls": "tool_use",
    "function_call": "tool_use",
    "content_filter": "refusal",
}


def finish_reason(stop_reason: str | None) -> str | None:
    """Claude ``stop_reason`` → OpenAI ``finish_reason`` (unknown reasons → ``stop``)."""
    if stop_reason is None:
        return None
    return _FINISH_OF_STOP.get(stop_reason, "stop")


def stop_reason(finish: str | None) -> str | None:
    """OpenAI ``finish_reason`` → Claude ``stop_reason`` (unknown reasons → ``end_turn``)."""
    if finish is None:
        return None
    return _STOP_OF_FINISH.get(finish, "end_turn")


# -- usage ----------------------------------------------------------------------------------


def usage_from_claude(usage: Any) -> Usage | None:
    """``Usage`` of a Claude ``usage`` object.

    ``prompt_tokens`` counts fresh input plus cache reads; cache *creation* is reported on
    its own and not added again (the original double counted it).
    """
    if not isinstance(usage, dict):
        return None
    fresh = int(usage.get("input_tokens") or 0)
    read = int(usage.get("cache_read_input_tokens") or 0)
    return Usage(
        prompt_tokens=fresh + read,
        completion_tokens=int(usage.get("output_tokens") or 0),
        cache_read_tokens=read,
        cache_write_tokens=int(usage.get("cache_creation_input_tokens") or 0),
    )


def openai_usage(usage: Usage) -> dict[str, Any]:
    """An OpenAI ``usage`` object for ``usage``."""
    out: dict[str, Any] = {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.total_tokens,
        "prompt_tokens_details": {
            "cached_tokens": usage.cache_read_tokens,
            "cache_creation_tokens": usage.cache_write_tokens,
        },
    }
    if usage.reasoning_tokens:
        out["completion_tokens_details"] = {"reasoning_tokens": usage.reasoning_tokens}
    return out


def claude_usage(usage: Usage) -> dict[str, Any]:
    """A Claude ``usage`` object for ``usage``: ``input_tokens`` excludes cached tokens."""
    return {
        "input_tokens": max(0, usage.prompt_tokens - usage.cache_read_tokens),
        "output_tokens": usage.completion_tokens,
        "cache_read_input_tokens": usage.cache_read_tokens,
        "cache_creation_input_tokens": usage.cache_write_tokens,
    }


# -- tool choice ----------------------------------------------------------------------------


def claude_tool_choice(choice: Any) -> dict[str, Any] | None:
    """OpenAI ``tool_choice`` → Claude; ``None`` means "send no tools at all" (``none``).

    Claude has ``{"type": "none"}`` too, but the gateway drops the tools instead, which every
    Claude-format upstream accepts.
    """
    if choice == "required":
        return {"type": "any"}
    if isinstance(choice, dict):
        function = choice.get("function")
        if isinstance(function, dict) and function.get("name"):
            return {"type": "tool", "name": function["name"]}
    if choice == "none":
        return None
    return {"type": "auto"}


def openai_tool_choice(choice: Any) -> Any:
    """Claude ``tool_choice`` → OpenAI."""
    if not isinstance(choice, dict):
        return "auto"
    kind = choice.get("type")
    if kind == "any":
        return "required"
    if kind == "none":
        return "none"
    if kind == "tool" and choice.get("name"):
        return {"type": "function", "function": {"name": choice["name"]}}
    return "auto"


# -- thinking -------------------------------------------------------------------------------

EFFORT_BUDGETS = {"minimal": 1024, "low": 1024, "medium": 10240, "high": 32768}
"""OpenAI ``reasoning_effort`` → Claude ``thinking.budget_tokens`` (fitted under max_tokens)."""

MIN_BUDGET = 1024
"""Anthropic rejects budgets below this."""


def effort_of_budget(budget: int) -> str:
    """Claude ``budget_tokens`` → the nearest OpenAI ``reasoning_effort``."""
    if budget <= EFFORT_BUDGETS["low"]:
        return "low"
    if budget <= EFFORT_BUDGETS["medium"]:
        return "medium"
    return "high"
