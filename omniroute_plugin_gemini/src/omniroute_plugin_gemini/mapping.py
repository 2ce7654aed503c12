"""The field-level rules between Gemini ``generateContent`` and OpenAI Chat, both directions.

Both translators (OpenAI clients on Gemini upstreams, Gemini clients on OpenAI upstreams) use
these, so each rule lives once.
"""

from __future__ import annotations

from typing import Any

from omniroute import Usage

# -- finish reasons -------------------------------------------------------------------------

_SAFETY = frozenset(
    {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "LANGUAGE"}
)
_FINISH_OF_GEMINI = {"STOP": "stop", "MAX_TOKENS": "length"}
_GEMINI_OF_FINISH = {
    "stop": "STOP",
    "length": "MAX_TOKENS",
    "content_filter": "SAFETY",
    "tool_calls": "STOP",
}


def finish_reason(reason: str | None, has_tool_calls: bool = False) -> str | None:
    """Gemini ``finishReason`` → OpenAI ``finish_reason``.

    Gemini reports ``STOP`` for a turn that ends in function calls, so the caller says
    whether calls were made. The safety family becomes ``content_filter``; abort reasons
    (``MALFORMED_FUNCTION_CALL``, ``OTHER`` …) pass through lower-cased, so a client never
    mistakes them for a normal stop.
    """
    if reason is None or reason == "FINISH_REASON_UNSPECIFIED":
        return None
    if has_tool_calls and reason == "STOP":
        return "tool_calls"
    if reason in _SAFETY:
        return "content_filter"
    return _FINISH_OF_GEMINI.get(reason, reason.lower())


def gemini_finish_reason(finish: str | None) -> str | None:
    """OpenAI ``finish_reason`` → Gemini ``finishReason`` (unknown → ``OTHER``)."""
    if finish is None:
        return None
    return _GEMINI_OF_FINISH.get(finish, "OTHER")


# -- usage ----------------------------------------------------------------------------------


def usage_from_gemini(metadata: Any) -> Usage | None:
    """``Usage`` of a Gemini ``usageMetadata``.

    ``promptTokenCount`` already includes ``cachedContentTokenCount``; thoughts are billed as
    output, so ``completion_tokens`` = candidates + thoughts, each counted once.
    """
    if not isinstance(metadata, dict):
        return None
    thoughts = _count(metadata.get("thoughtsTokenCount"))
    return Usage(
        prompt_tokens=_count(metadata.get("promptTokenCount")),
        completion_tokens=_count(metadata.get("candidatesTokenCount")) + thoughts,
        cache_read_tokens=_count(metadata.get("cachedContentTokenCount")),
        reasoning_tokens=thoughts,
    )


def gemini_usage(usage: Usage) -> dict[str, Any]:
    """A Gemini ``usageMetadata`` for ``usage`` (thoughts split out of the candidates)."""
    out: dict[str, Any] = {
        "promptTokenCount": usage.prompt_tokens,
        "candidatesTokenCount": usage.completion_tokens - usage.reasoning_tokens,
        "totalTokenCount": usage.total_tokens,
    }
    if usage.reasoning_tokens:
        out["thoughtsTokenCount"] = usage.reasoning_tokens
    if usage.cache_read_tokens:
        out["cachedContentTokenCount"] = usage.cache_read_tokens
    return out


def _count(value: Any) -> int:
    return value if isinstance(value, int) and value > 0 else 0


# -- tool choice ----------------------------------------------------------------------------


def function_calling_config(choice: Any) -> dict[str, Any] | None:
    """OpenAI ``tool_choice`` → Gemini ``toolConfig.functionCallingConfig`` (None: default)."""
    if choice == "none":
        return {"mode": "NONE"}
    if choice == "required":
        return {"mode": "ANY"}
    if isinstance(choice, dict):
        function = choice.get("function")
        if isinstance(function, dict) and function.get("name"):
            return {"mode": "ANY", "allowedFunctionNames": [function["name"]]}
    if choice == "auto":
        return {"mode": "AUTO"}
    return None


def openai_tool_choice(config: Any) -> Any:
    """Gemini ``functionCallingConfig`` → OpenAI ``tool_choice`` (None: leave it out).

    ``VALIDATED`` lets the model answer with text or a (schema-checked) call, so it is
    ``auto``, not ``required``; only ``ANY`` forces a call. Several ``allowedFunctionNames``
    have no ``tool_choice`` form: the caller narrows the tool list to them.
    """
    if not isinstance(config, dict):
        return None
    mode = str(config.get("mode", "AUTO")).upper()
    if mode == "NONE":
        return "none"
    if mode == "ANY":
        names = config.get("allowedFunctionNames") or []
        if len(names) == 1:
            return {"type": "function", "function": {"name": names[0]}}
        return "required"
    return "auto"


# -- thought signatures ---------------------------------------------------------------------

SKIP_THOUGHT_SIGNATURE = "skip_thought_signature_validator"
"""Google's documented ``thoughtSignature`` for function calls Gemini did not generate.

Gemini 3 rejects a replayed model turn whose first ``functionCall`` part lacks a signature
(the original's #1467/#10211); calls made by another model have none to replay, so they carry
this value, as Gemini CLI does for its own history."""


# -- thinking -------------------------------------------------------------------------------

EFFORT_BUDGETS = {"none": 0, "minimal": 512, "low": 1024, "medium": 8192, "high": 24576}
"""OpenAI ``reasoning_effort`` → Gemini ``thinkingConfig.thinkingBudget``."""


def effort_of_budget(budget: int) -> str | None:
    """Gemini ``thinkingBudget`` → OpenAI ``reasoning_effort`` (-1, dynamic → medium;
    0 → ``none``, i.e. thinking off)."""
    if budget == 0:
        return "none"
    if budget < 0:
        return "medium"
    if budget <= EFFORT_BUDGETS["low"]:
        return "low"
    if budget <= EFFORT_BUDGETS["medium"]:
        return "medium"
    return "high"
