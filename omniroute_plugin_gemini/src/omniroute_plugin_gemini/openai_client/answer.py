"""Reading a Gemini answer into OpenAI pieces, shared by ``response`` and ``stream``.

A candidate's parts become: text → ``content``; thought text (``thought: true``) →
``reasoning_content``; ``functionCall`` → a whole ``tool_calls`` entry (Gemini sends calls
whole, never in pieces) with its thought signature in ``extra_content``; a signature on any
other part → the message's ``extra_content`` (``signatures``). Parts Chat Completions has no
field for (inline images from image models, code execution) are left out.

Gemini names no calls (newer endpoints may send a ``functionCall.id``, which is kept), so
ids are made up: ``call_<responseId>_<n>``, unique within the conversation because every
answer has its own ``responseId``, and stable for one answer. Ids must not repeat across
turns, or a tool result could be matched to the wrong call.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import orjson

from omniroute import Usage

from . import signatures


class CallIds:
    """Tool call ids for one answer."""

    __slots__ = ("_count", "_prefix")

    def __init__(self, response_id: Any) -> None:
        valid = isinstance(response_id, str) and response_id
        self._prefix = f"call_{response_id if valid else uuid.uuid4().hex[:24]}"
        self._count = 0

    def next(self, given: Any) -> str:
        self._count += 1
        return given if isinstance(given, str) and given else f"{self._prefix}_{self._count}"


@dataclass(slots=True)
class Pieces:
    """What the parts of one candidate (or one stream event of it) say, in OpenAI terms."""

    content: list[str] = field(default_factory=list)
    reasoning: list[str] = field(default_factory=list)
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    signature: str | None = None
    """The first signature found outside function calls."""


def read_parts(candidate: Any, ids: CallIds) -> Pieces:
    """The pieces of a Gemini candidate's ``content.parts``."""
    pieces = Pieces()
    content = candidate.get("content") if isinstance(candidate, dict) else None
    parts = content.get("parts") if isinstance(content, dict) else None
    for part in parts if isinstance(parts, list) else ():
        if not isinstance(part, dict):
            continue
        signature = part.get("thoughtSignature")
        call = part.get("functionCall")
        if isinstance(call, dict):
            pieces.tool_calls.append(_tool_call(call, ids, signature))
            continue
        if signature and pieces.signature is None:
            pieces.signature = signature
        text = part.get("text")
        if isinstance(text, str) and text:
            (pieces.reasoning if part.get("thought") else pieces.content).append(text)
    return pieces


def _tool_call(call: dict[str, Any], ids: CallIds, signature: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": ids.next(call.get("id")),
        "type": "function",
        "function": {
            "name": call.get("name", ""),
            "arguments": orjson.dumps(call.get("args") or {}).decode(),
        },
    }
    if isinstance(signature, str) and signature:
        out["extra_content"] = signatures.extra_content(signature)
    return out


def openai_usage(usage: Usage) -> dict[str, Any]:
    """An OpenAI ``usage`` object; cached tokens are part of ``prompt_tokens`` and thoughts
    part of ``completion_tokens``, each reported once in the details."""
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.total_tokens,
        "prompt_tokens_details": {"cached_tokens": usage.cache_read_tokens},
        "completion_tokens_details": {"reasoning_tokens": usage.reasoning_tokens},
    }
