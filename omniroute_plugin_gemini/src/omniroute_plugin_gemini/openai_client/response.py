"""Gemini ``GenerateContentResponse`` → OpenAI ``chat.completion``.

Each candidate becomes a choice (``answer`` reads its parts). ``finishReason`` maps through
``mapping.finish_reason``, which needs to know whether calls were made, because Gemini ends a
turn of function calls with ``STOP``. A prompt Gemini blocked comes back without candidates
and with ``promptFeedback.blockReason``: the client gets one choice finished by
``content_filter``, the reason in ``refusal``, rather than an empty success. Usage maps
through ``mapping.usage_from_gemini``.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from omniroute import Body

from ..mapping import finish_reason, usage_from_gemini
from . import signatures
from .answer import CallIds, openai_usage, read_parts


def to_openai(body: Body, model: str) -> Body:
    """The ``chat.completion`` for the Gemini answer ``body`` from ``model``."""
    response_id = body.get("responseId")
    ids = CallIds(response_id)
    candidates = body.get("candidates")
    choices = [
        _choice(candidate, position, ids)
        for position, candidate in enumerate(candidates if isinstance(candidates, list) else ())
        if isinstance(candidate, dict)
    ]
    if not choices:
        choices = [_blocked(body.get("promptFeedback"))]
    out: Body = {
        "id": f"chatcmpl-{response_id or uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": choices,
    }
    usage = usage_from_gemini(body.get("usageMetadata"))
    if usage is not None:
        out["usage"] = openai_usage(usage)
    return out


def _choice(candidate: dict[str, Any], position: int, ids: CallIds) -> dict[str, Any]:
    pieces = read_parts(candidate, ids)
    message: dict[str, Any] = {
        "role": "assistant",
        "content": "".join(pieces.content) if pieces.content or not pieces.tool_calls else None,
    }
    if pieces.reasoning:
        message["reasoning_content"] = "".join(pieces.reasoning)
    if pieces.tool_calls:
        message["tool_calls"] = pieces.tool_calls
    if pieces.signature is not None:
        message["extra_content"] = signatures.extra_content(pieces.signature)
    reason = finish_reason(candidate.get("finishReason"), bool(pieces.tool_calls))
    return {
        "index": candidate.get("index", position),
        "message": message,
        "finish_reason": reason or "stop",
        "logprobs": None,
    }


def blocked_refusal(feedback: Any) -> str | None:
    """The refusal text for a prompt Gemini blocked, or None when it was not blocked."""
    reason = feedback.get("blockReason") if isinstance(feedback, dict) else None
    if not reason:
        return None
    return f"Gemini blocked the prompt ({reason})."


def _blocked(feedback: Any) -> dict[str, Any]:
    """The one choice of an answer without candidates: a refusal when Gemini blocked the
    prompt, else an empty answer."""
    refusal = blocked_refusal(feedback)
    message: dict[str, Any] = {"role": "assistant", "content": ""}
    if refusal is not None:
        message.update(content=None, refusal=refusal)
    return {
        "index": 0,
        "message": message,
        "finish_reason": "content_filter" if refusal else "stop",
        "logprobs": None,
    }
