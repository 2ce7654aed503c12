"""The Responses ``response`` object and its output items, for the JSON answer and the stream.

The stream's final ``response.completed`` carries the same object a non-stream client gets,
so both paths build ids, items and the envelope here and cannot drift apart.

The translator is stateless and never sees the request while answering, so the fields a
real ``response`` echoes from its request (``tools``, ``tool_choice``, ``temperature``,
``instructions``…) hold their defaults; the SDK reads tools from its own request.
"""

from __future__ import annotations

import time
import uuid
from typing import Any, Literal

import orjson

from omniroute import Usage

from ..mapping import responses_usage

Item = dict[str, Any]
Status = Literal["in_progress", "completed", "incomplete"]


def response_id(upstream_id: Any) -> str:
    """``resp_`` + the upstream completion id, so logs on both sides join."""
    if isinstance(upstream_id, str) and upstream_id:
        return upstream_id if upstream_id.startswith("resp_") else f"resp_{upstream_id}"
    return f"resp_{uuid.uuid4().hex}"


def item_id(prefix: str, response: str, index: int) -> str:
    """An item id unique within the response: ``msg_…_0``, ``rs_…_1``."""
    return f"{prefix}_{response.removeprefix('resp_')}_{index}"


def call_id(upstream_id: Any) -> str:
    """The upstream's ``call_…`` id unchanged, since the client sends it back as the result's
    ``call_id`` and it becomes the next turn's ``tool_call_id``; generated only when the
    upstream gave none."""
    if isinstance(upstream_id, str) and upstream_id:
        return upstream_id
    return f"call_{uuid.uuid4().hex[:24]}"


def created_at(created: Any) -> int:
    return created if isinstance(created, int) and created > 0 else int(time.time())


def reasoning_item(id_: str, text: str) -> Item:
    """A reasoning item whose summary is the upstream's reasoning text.

    Chat upstreams give their raw reasoning; it goes in ``summary`` because that is what
    Responses clients show (Codex prints summary deltas), and it has no
    ``encrypted_content``, which is how the request side recognises it when sent back.
    """
    summary = [{"type": "summary_text", "text": text}] if text else []
    return {"id": id_, "type": "reasoning", "summary": summary}


def output_text(text: str) -> dict[str, Any]:
    return {"type": "output_text", "text": text, "annotations": []}


def message_item(id_: str, text: str | None, status: Status) -> Item:
    """An assistant message; ``text`` None for the empty item a stream opens with."""
    content = [] if text is None else [output_text(text)]
    return {"id": id_, "type": "message", "status": status, "role": "assistant", "content": content}


def function_call_item(id_: str, call: str, name: str, arguments: str, status: Status) -> Item:
    return {
        "id": id_,
        "type": "function_call",
        "status": status,
        "call_id": call,
        "name": name,
        "arguments": arguments,
    }


def arguments_text(arguments: Any) -> str:
    """Tool-call ``arguments`` as the JSON text OpenAI specifies; some upstreams send an
    object."""
    if isinstance(arguments, str):
        return arguments
    if arguments is None:
        return ""
    return orjson.dumps(arguments).decode()


def reasoning_of(message: dict[str, Any]) -> str:
    """Reasoning text of a Chat message or delta: ``reasoning_content`` (DeepSeek, Qwen,
    Kimi, vLLM) or ``reasoning`` (OpenRouter, Ollama)."""
    text = message.get("reasoning_content")
    if not isinstance(text, str) or not text:
        text = message.get("reasoning")
    return text if isinstance(text, str) else ""


def usage_object(usage: Any) -> dict[str, Any] | None:
    """The Responses ``usage`` for a Chat ``usage``; None when the upstream reported none,
    rather than zeros that would read as a free answer."""
    parsed = Usage.from_openai(usage)
    return responses_usage(parsed) if parsed is not None else None


def response_error(error: Any) -> dict[str, str]:
    """A Responses ``error`` for a Chat ``error`` object or message.

    The SDK types ``code`` as a closed set; of it only ``rate_limit_exceeded`` (which Codex
    retries after a pause) and ``server_error`` describe an upstream failure.
    """
    if isinstance(error, dict):
        message = str(error.get("message") or "upstream error")
        hint = f"{error.get('type') or ''} {error.get('code') or ''}".lower()
    else:
        message, hint = str(error or "upstream error"), ""
    code = "rate_limit_exceeded" if "rate_limit" in hint or "quota" in hint else "server_error"
    return {"code": code, "message": message}


def envelope(
    id_: str,
    created: int,
    model: str,
    status: str,
    output: list[Item],
    *,
    usage: dict[str, Any] | None = None,
    incomplete: dict[str, str] | None = None,
    error: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The ``response`` object; ``status`` is ``in_progress`` while a stream runs."""
    return {
        "id": id_,
        "object": "response",
        "created_at": created,
        "completed_at": int(time.time()) if status == "completed" else None,
        "status": status,
        "background": False,
        "error": error,
        "incomplete_details": incomplete,
        "instructions": None,
        "max_output_tokens": None,
        "model": model,
        "output": output,
        "parallel_tool_calls": True,
        "previous_response_id": None,
        "reasoning": {"effort": None, "summary": None},
        "store": False,
        "temperature": None,
        "text": {"format": {"type": "text"}},
        "tool_choice": "auto",
        "tools": [],
        "top_p": None,
        "truncation": "disabled",
        "usage": usage,
        "metadata": {},
    }
