"""OpenAI ``chat.completion`` → Claude ``message``.

Thinking blocks made from OpenAI reasoning carry ``signature: ""``: an OpenAI-side upstream
has no signature to give, and inventing one would only move the failure to Anthropic's
signature check. The empty signature is the marker that the block is unsigned: the request
translator echoes such blocks back as ``reasoning_content`` and drops signed ones, and a
Claude-format upstream must not be sent them (the original sent them and got 400s, #12105).
"""

from __future__ import annotations

from typing import Any

from omniroute import UpstreamError, message_text

from ..mapping import stop_reason
from .common import claude_error, claude_usage_of, message_id, reasoning_of, tool_id, tool_input
from .think_tags import split_think

Block = dict[str, Any]


def claude_message(body: dict[str, Any], model: str) -> dict[str, Any]:
    """The Claude message for an OpenAI chat completion ``body``; ``model`` names it.

    Raises ``UpstreamError`` for a 200 answer that carries an error or no choice, so the
    gateway can try another account instead of handing the client an empty message.
    """
    choices = body.get("choices")
    choice = choices[0] if isinstance(choices, list) and choices else None
    if not isinstance(choice, dict):
        error = body.get("error")
        if error is not None:
            raise UpstreamError(claude_error(error)["error"]["message"])
        raise UpstreamError("upstream answer has no choices", code="upstream_bad_response")
    message = choice.get("message")
    message = message if isinstance(message, dict) else {}
    content = _content(message)
    stop = stop_reason(choice.get("finish_reason")) or "end_turn"
    if stop == "end_turn" and any(block["type"] == "tool_use" for block in content):
        stop = "tool_use"  # some upstreams report "stop" after tool calls (#3980)
    return {
        "id": message_id(body.get("id")),
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": claude_usage_of(body.get("usage")),
    }


def _content(message: dict[str, Any]) -> list[Block]:
    """Thinking first, then text, then tool uses: the order Claude itself answers in."""
    reasoning = reasoning_of(message)
    text = message_text(message.get("content"))
    if not reasoning:
        reasoning, text = split_think(text)
    if not text and isinstance(message.get("refusal"), str):
        text = message["refusal"]
    blocks: list[Block] = []
    if reasoning:
        blocks.append({"type": "thinking", "thinking": reasoning, "signature": ""})
    if text:
        blocks.append({"type": "text", "text": text})
    calls = message.get("tool_calls")
    for call in calls if isinstance(calls, list) else ():
        if not isinstance(call, dict):
            continue
        function = call.get("function")
        function = function if isinstance(function, dict) else {}
        blocks.append(
            {
                "type": "tool_use",
                "id": tool_id(call.get("id")),
                "name": str(function.get("name") or ""),
                "input": tool_input(function.get("arguments")),
            }
        )
    return blocks
