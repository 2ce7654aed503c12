"""Field rules between the Responses API and Chat Completions, each in both directions.

Both translators (Responses clients on Chat upstreams, Chat clients on Responses upstreams)
use these, so each rule lives once.
"""

from __future__ import annotations

from typing import Any

from omniroute import Usage


def usage_from_responses(usage: Any) -> Usage | None:
    """``Usage`` of a Responses ``usage`` (``input_tokens`` include cached tokens)."""
    if not isinstance(usage, dict):
        return None
    input_details = usage.get("input_tokens_details")
    input_details = input_details if isinstance(input_details, dict) else {}
    output_details = usage.get("output_tokens_details")
    output_details = output_details if isinstance(output_details, dict) else {}
    return Usage(
        prompt_tokens=_count(usage.get("input_tokens")),
        completion_tokens=_count(usage.get("output_tokens")),
        cache_read_tokens=_count(input_details.get("cached_tokens")),
        cache_write_tokens=_count(input_details.get("cache_write_tokens")),
        reasoning_tokens=_count(output_details.get("reasoning_tokens")),
    )


def responses_usage(usage: Usage) -> dict[str, Any]:
    """A Responses ``usage`` object for ``usage`` (the ``openai`` SDK requires
    ``input_tokens_details.cache_write_tokens`` as well as ``cached_tokens``)."""
    return {
        "input_tokens": usage.prompt_tokens,
        "input_tokens_details": {
            "cached_tokens": usage.cache_read_tokens,
            "cache_write_tokens": usage.cache_write_tokens,
        },
        "output_tokens": usage.completion_tokens,
        "output_tokens_details": {"reasoning_tokens": usage.reasoning_tokens},
        "total_tokens": usage.total_tokens,
    }


def chat_usage(usage: Usage) -> dict[str, Any]:
    """A Chat Completions ``usage`` object for ``usage``."""
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.total_tokens,
        "prompt_tokens_details": {"cached_tokens": usage.cache_read_tokens},
        "completion_tokens_details": {"reasoning_tokens": usage.reasoning_tokens},
    }


def _count(value: Any) -> int:
    return value if isinstance(value, int) and value > 0 else 0


def finish_reason(status: str | None, incomplete_reason: str | None, has_calls: bool) -> str:
    """Responses ``status`` (+ ``incomplete_details.reason``) → Chat ``finish_reason``."""
    if status == "incomplete":
        return "content_filter" if incomplete_reason == "content_filter" else "length"
    return "tool_calls" if has_calls else "stop"


def status_of(finish: str | None) -> tuple[str, dict[str, str] | None]:
    """Chat ``finish_reason`` → Responses ``status`` and ``incomplete_details``."""
    if finish == "length":
        return "incomplete", {"reason": "max_output_tokens"}
    if finish == "content_filter":
        return "incomplete", {"reason": "content_filter"}
    return "completed", None


def chat_tool_choice(choice: Any) -> Any:
    """Responses ``tool_choice`` → Chat (``{"type":"function","name"}`` → nested function)."""
    if isinstance(choice, dict) and choice.get("type") == "function" and choice.get("name"):
        return {"type": "function", "function": {"name": choice["name"]}}
    return choice


def responses_tool_choice(choice: Any) -> Any:
    """Chat ``tool_choice`` → Responses (nested function → ``{"type":"function","name"}``)."""
    if isinstance(choice, dict):
        function = choice.get("function")
        if isinstance(function, dict) and function.get("name"):
            return {"type": "function", "name": function["name"]}
    return choice
