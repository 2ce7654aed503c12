"""Small pieces the response and stream halves share: ids, usage, errors, tool input.

Kept apart so the non-stream answer and the stream state machine cannot drift: a tool id, a
usage figure or an error type is derived the same way whichever path the client took.
"""

from __future__ import annotations

import uuid
from typing import Any

import orjson

from omniroute import Usage

from ..mapping import claude_usage


def message_id(upstream_id: Any) -> str:
    """A Claude message id: ``msg_`` + the upstream completion id, so logs on both sides join."""
    if isinstance(upstream_id, str) and upstream_id:
        return upstream_id if upstream_id.startswith("msg_") else f"msg_{upstream_id}"
    return f"msg_{uuid.uuid4().hex[:24]}"


def tool_id(upstream_id: Any) -> str:
    """The tool_use id: the upstream's ``call_…`` id unchanged, because the client sends it
    back as ``tool_use_id`` and it becomes the next turn's ``tool_call_id``; generated only
    when the upstream gave none."""
    if isinstance(upstream_id, str) and upstream_id:
        return upstream_id
    return f"toolu_{uuid.uuid4().hex[:24]}"


def usage_of(usage: Any) -> Usage:
    """``Usage`` of an OpenAI ``usage`` object (zeros when the upstream sent none)."""
    return Usage.from_openai(usage) or Usage()


def claude_usage_of(usage: Any) -> dict[str, Any]:
    """The Claude ``usage`` object for an OpenAI ``usage`` object."""
    return claude_usage(usage_of(usage))


def reasoning_of(message: dict[str, Any]) -> str:
    """Reasoning text of an OpenAI message or delta.

    ``reasoning_content`` is DeepSeek's, Qwen's, Kimi's and vLLM's field; ``reasoning`` is
    OpenRouter's and Ollama's.
    """
    text = message.get("reasoning_content")
    if not isinstance(text, str) or not text:
        text = message.get("reasoning")
    return text if isinstance(text, str) else ""


def arguments_text(arguments: Any) -> str:
    """Tool-call ``arguments`` as the JSON text OpenAI specifies; some upstreams send an object."""
    if isinstance(arguments, str):
        return arguments
    if arguments is None:
        return ""
    return orjson.dumps(arguments).decode()


def tool_input(arguments: Any) -> dict[str, Any]:
    """A tool_use ``input`` object from ``arguments``.

    Anthropic requires an object. Arguments that are not a JSON object become ``{}``: the
    client's tool then fails its input validation with "missing parameter", which the model
    reads and retries, whereas an extra key holding the raw text would fail less clearly.
    """
    if isinstance(arguments, dict):
        return arguments
    text = arguments_text(arguments).strip()
    if not text:
        return {}
    try:
        parsed = orjson.loads(text)
    except orjson.JSONDecodeError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


_ERROR_TYPES = (
    ("rate_limit", "rate_limit_error"),
    ("quota", "rate_limit_error"),
    ("overloaded", "overloaded_error"),
    ("auth", "authentication_error"),
    ("permission", "permission_error"),
    ("not_found", "not_found_error"),
    ("invalid_request", "invalid_request_error"),
)


def claude_error(error: Any) -> dict[str, Any]:
    """The Anthropic error body for an OpenAI ``error`` object (or a bare message string).

    Anthropic SDKs pick their exception class from ``error.type``, so the OpenAI type or code
    is mapped onto Anthropic's small set; anything unrecognised is ``api_error``.
    """
    if isinstance(error, dict):
        message = str(error.get("message") or "upstream error")
        hint = f"{error.get('type') or ''} {error.get('code') or ''}".lower()
    else:
        message, hint = str(error or "upstream error"), ""
    kind = next((kind for key, kind in _ERROR_TYPES if key in hint), "api_error")
    return {"type": "error", "error": {"type": kind, "message": message}}
