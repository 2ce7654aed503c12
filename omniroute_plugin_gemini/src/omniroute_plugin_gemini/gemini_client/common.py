"""Pieces the response and stream halves share: ids, parts, usage, errors.

Kept apart so the non-stream answer and the stream state machine cannot drift: a function
call, a usage figure or an error is rendered the same way whichever path the client took.
"""

from __future__ import annotations

import uuid
from typing import Any

import orjson

from omniroute import Usage

from ..format import status_name
from ..mapping import SKIP_THOUGHT_SIGNATURE, gemini_usage

Part = dict[str, Any]

EMPTY_TEXT: Part = {"text": ""}
"""The part of a candidate that has nothing else to carry. The ``google-genai`` chat helper
drops a turn from its history when any chunk's candidate lacks content or has no parts;
an empty text part is valid content that adds nothing to the answer."""


def response_id(upstream_id: Any) -> str:
    """``responseId``: the upstream completion id, so logs on both sides join."""
    if isinstance(upstream_id, str) and upstream_id:
        return upstream_id
    return uuid.uuid4().hex


def reasoning_of(message: dict[str, Any]) -> str:
    """Reasoning text of an OpenAI message or delta: ``reasoning_content`` (DeepSeek, Qwen,
    Kimi, vLLM) or ``reasoning`` (OpenRouter, Ollama)."""
    text = message.get("reasoning_content")
    if not isinstance(text, str) or not text:
        text = message.get("reasoning")
    return text if isinstance(text, str) else ""


def thought_part(text: str) -> Part:
    return {"text": text, "thought": True}


def function_call_part(call_id: str, name: str, arguments: Any, first: bool) -> Part:
    """A ``functionCall`` part.

    ``id`` is the upstream's ``call_…`` id: clients echo it in ``functionResponse.id``,
    which pairs results with calls exactly even when one function was called twice. The
    first call of a turn carries Google's documented skip signature: this gateway cannot
    sign for Gemini, and without a signature a Gemini 3 upstream rejects the replayed turn
    should a later request of the conversation go to one (the original's #1467/#10211).
    """
    part: Part = {"functionCall": {"id": call_id, "name": name, "args": function_args(arguments)}}
    if first:
        part["thoughtSignature"] = SKIP_THOUGHT_SIGNATURE
    return part


def call_id_of(upstream_id: Any) -> str:
    """The upstream's tool-call id, or a fresh one for upstreams that send none."""
    if isinstance(upstream_id, str) and upstream_id:
        return upstream_id
    return f"call_{uuid.uuid4().hex[:24]}"


def function_args(arguments: Any) -> dict[str, Any]:
    """``functionCall.args`` from OpenAI ``arguments`` (JSON text, or an object from lax
    upstreams). Gemini requires an object: anything else, including invalid JSON, is ``{}``,
    which the client's tool rejects as missing parameters, an error the model can act on."""
    if isinstance(arguments, dict):
        return arguments
    if not isinstance(arguments, str) or not arguments.strip():
        return {}
    try:
        parsed = orjson.loads(arguments)
    except orjson.JSONDecodeError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def usage_metadata(usage: Any) -> dict[str, Any]:
    """``usageMetadata`` for an OpenAI ``usage`` object (zeros when the upstream sent none)."""
    return gemini_usage(Usage.from_openai(usage) or Usage())


_STATUS_HINTS = (
    ("rate_limit", 429),
    ("quota", 429),
    ("overloaded", 503),
    ("auth", 401),
    ("permission", 403),
    ("not_found", 404),
    ("invalid_request", 400),
)


def gemini_error(error: Any) -> dict[str, Any]:
    """The Gemini error body for an OpenAI ``error`` object (or a bare message).

    The ``google-genai`` SDKs raise a stream's ``{"error": …}`` frame as an ``APIError`` of
    the class its ``code`` selects, so the status is taken from a numeric ``code`` when the
    upstream gave one, else guessed from the OpenAI type or code; unknown errors are 500.
    """
    if isinstance(error, dict):
        message = str(error.get("message") or "upstream error")
        code = error.get("code")
        hint = f"{error.get('type') or ''} {code or ''}".lower()
    else:
        message, code, hint = str(error or "upstream error"), None, ""
    if isinstance(code, int) and 400 <= code <= 599:
        status = code
    else:
        status = next((status for key, status in _STATUS_HINTS if key in hint), 500)
    return {"error": {"code": status, "message": message, "status": status_name(status)}}
