"""Responses ``response`` object → OpenAI ``chat.completion``.

Message text joins into ``content`` and refusals into ``refusal``; reasoning summaries (or
raw reasoning text, from models that expose it) join into ``reasoning_content``, the field
OpenAI-compatible clients read reasoning from; ``function_call`` items become ``tool_calls``
with their ``call_id``. Items Chat has no place for (hosted tool calls, encrypted reasoning)
are left out.
"""

from __future__ import annotations

import time
from typing import Any

from omniroute import Body

from ..mapping import chat_usage, finish_reason, usage_from_responses
from .output import CHANNELS, SEPARATOR, arguments_of, call_of, item_parts


def to_chat(body: Body, model: str) -> Body:
    """The ``chat.completion`` for the Responses object ``body``."""
    texts: dict[str, list[str]] = {channel: [] for channel in CHANNELS.values()}
    calls: list[dict[str, Any]] = []
    for item in body.get("output") or ():
        if not isinstance(item, dict):
            continue
        if item.get("type") == "function_call":
            calls.append(_tool_call(item))
        for kind, _index, text in item_parts(item):
            if text:
                texts[CHANNELS[kind]].append(text)
    content = SEPARATOR.join(texts["content"])
    refusal = SEPARATOR.join(texts["refusal"])
    reasoning = SEPARATOR.join(texts["reasoning_content"])
    message: dict[str, Any] = {
        "role": "assistant",
        "content": content if content or not (calls or refusal) else None,
    }
    if refusal:
        message["refusal"] = refusal
    if reasoning:
        message["reasoning_content"] = reasoning
    if calls:
        message["tool_calls"] = calls
    details = body.get("incomplete_details")
    reason = details.get("reason") if isinstance(details, dict) else None
    created = body.get("created_at")
    out: Body = {
        "id": body.get("id") or "",
        "object": "chat.completion",
        "created": int(created) if isinstance(created, int | float) else int(time.time()),
        "model": body.get("model") or model,
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": finish_reason(body.get("status"), reason, bool(calls)),
                "logprobs": None,
            }
        ],
    }
    usage = usage_from_responses(body.get("usage"))
    if usage is not None:
        out["usage"] = chat_usage(usage)
    return out


def _tool_call(item: dict[str, Any]) -> dict[str, Any]:
    id_, name = call_of(item)
    return {
        "id": id_,
        "type": "function",
        "function": {"name": name, "arguments": arguments_of(item)},
    }
