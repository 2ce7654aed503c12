"""Anthropic Messages response → OpenAI ``chat.completion``.

Text blocks join into ``message.content``; thinking joins into ``reasoning_content`` (the
field OpenAI-compatible clients read reasoning from) and is also kept verbatim, signatures
and redacted blocks included, in ``thinking_blocks`` so a client can send it back on the
next turn; ``tool_use`` blocks become ``tool_calls`` with their ids. Blocks OpenAI has no
place for (server tool results, citations) are left out.
"""

from __future__ import annotations

import time
from typing import Any

import orjson

from omniroute import Body

from ..mapping import finish_reason, openai_usage, usage_from_claude


def to_openai(body: Body, model: str) -> Body:
    """The ``chat.completion`` for the Claude message ``body``."""
    text: list[str] = []
    reasoning: list[str] = []
    thinking_blocks: list[dict[str, Any]] = []
    tool_calls: list[dict[str, Any]] = []
    for block in body.get("content") or ():
        kind = block.get("type")
        if kind == "text":
            text.append(block.get("text", ""))
        elif kind == "thinking":
            reasoning.append(block.get("thinking", ""))
            thinking_blocks.append(block)
        elif kind == "redacted_thinking":
            thinking_blocks.append(block)
        elif kind == "tool_use":
            tool_calls.append(_tool_call(block))
    message: dict[str, Any] = {
        "role": "assistant",
        "content": "".join(text) if text or not tool_calls else None,
    }
    if thinking_blocks:
        message["reasoning_content"] = "".join(reasoning)
        message["thinking_blocks"] = thinking_blocks
    if tool_calls:
        message["tool_calls"] = tool_calls
    out: Body = {
        "id": body.get("id") or "",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model") or model,
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": finish_reason(body.get("stop_reason")) or "stop",
                "logprobs": None,
            }
        ],
    }
    usage = usage_from_claude(body.get("usage"))
    if usage is not None:
        out["usage"] = openai_usage(usage)
    return out


def _tool_call(block: dict[str, Any]) -> dict[str, Any]:
    """The OpenAI ``tool_calls`` entry of a Claude ``tool_use`` block."""
    return {
        "id": block.get("id", ""),
        "type": "function",
        "function": {
            "name": block.get("name", ""),
            "arguments": orjson.dumps(block.get("input") or {}).decode(),
        },
    }
