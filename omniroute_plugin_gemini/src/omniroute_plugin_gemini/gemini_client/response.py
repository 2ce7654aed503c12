"""OpenAI ``chat.completion`` → Gemini ``GenerateContentResponse``.

Each choice becomes a candidate (``candidateCount`` > 1 was sent as ``n``), its parts in the
order Gemini answers: thoughts, text, then function calls. ``tool_calls`` finishes as
``STOP``, as Gemini reports a turn that ends in calls.
"""

from __future__ import annotations

from typing import Any

from omniroute import UpstreamError, message_text

from ..mapping import gemini_finish_reason
from .common import (
    EMPTY_TEXT,
    Part,
    call_id_of,
    function_call_part,
    gemini_error,
    reasoning_of,
    response_id,
    thought_part,
    usage_metadata,
)


def gemini_response(body: dict[str, Any], model: str) -> dict[str, Any]:
    """The Gemini response for an OpenAI chat completion ``body``; ``model`` is reported as
    ``modelVersion``.

    Raises ``UpstreamError`` for a 200 answer that carries an error or no choice, so the
    gateway can try another account instead of handing the client an empty answer.
    """
    choices = body.get("choices")
    candidates = [
        _candidate(choice, position)
        for position, choice in enumerate(choices if isinstance(choices, list) else ())
        if isinstance(choice, dict)
    ]
    if not candidates:
        error = body.get("error")
        if error is not None:
            raise UpstreamError(gemini_error(error)["error"]["message"])
        raise UpstreamError("upstream answer has no choices", code="upstream_bad_response")
    return {
        "candidates": candidates,
        "usageMetadata": usage_metadata(body.get("usage")),
        "modelVersion": model,
        "responseId": response_id(body.get("id")),
    }


def _candidate(choice: dict[str, Any], position: int) -> dict[str, Any]:
    message = choice.get("message")
    parts = _parts(message if isinstance(message, dict) else {})
    index = choice.get("index")
    return {
        "content": {"role": "model", "parts": parts or [dict(EMPTY_TEXT)]},
        "finishReason": gemini_finish_reason(choice.get("finish_reason")) or "STOP",
        "index": index if isinstance(index, int) else position,
    }


def _parts(message: dict[str, Any]) -> list[Part]:
    parts: list[Part] = []
    reasoning = reasoning_of(message)
    if reasoning:
        parts.append(thought_part(reasoning))
    text = message_text(message.get("content"))
    if not text and isinstance(message.get("refusal"), str):
        text = message["refusal"]
    if text:
        parts.append({"text": text})
    calls = message.get("tool_calls")
    for call in calls if isinstance(calls, list) else ():
        if not isinstance(call, dict):
            continue
        function = call.get("function")
        function = function if isinstance(function, dict) else {}
        first = not any("functionCall" in part for part in parts)
        parts.append(
            function_call_part(
                call_id_of(call.get("id")),
                str(function.get("name") or ""),
                function.get("arguments"),
                first,
            )
        )
    return parts
