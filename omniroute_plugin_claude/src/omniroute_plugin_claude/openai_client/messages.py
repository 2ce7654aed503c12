"""OpenAI ``messages`` → Claude ``system`` and alternating ``messages``.

Claude is stricter than OpenAI about conversation shape, and every rule here answers one of
its 400s:

* System and developer messages may appear anywhere in OpenAI; Claude takes one top-level
  ``system``, so all of them are hoisted there (text only), in order.
* Turns must alternate: consecutive same-role messages are merged into one turn.
* Every ``tool_use`` needs its ``tool_result`` at the start of the very next user turn, and
  every ``tool_result`` must answer a ``tool_use`` of the turn before. So tool messages are
  not kept where the client put them: each result is placed in the user turn right after
  the assistant turn that made the call, in the order of the calls. A call the client never
  answered gets an error result (Claude would refuse the whole request otherwise); a result
  answering no call in the conversation is dropped (OpenAI refuses those too).
* The first turn must be from the user and no turn may be empty: empty assistant messages
  are dropped, and a user turn ``"."`` is put first when the conversation would start with
  the assistant or has no turns at all (a system-only request, which Anthropic refuses
  for want of messages; the original learnt this in its #5245).
* A final assistant turn (a prefill) must not end with whitespace.

Thinking blocks of earlier answers come back on the gateway's (and LiteLLM's) OpenAI-side
field ``thinking_blocks`` and lead their assistant turn verbatim, signatures untouched.
Reasoning without a signature (``reasoning_content`` alone, or unsigned blocks relayed from
another provider) cannot be replayed: Anthropic rejects unsigned thinking (the original's
#12105), so it is left out.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from omniroute import InvalidRequest

from .content import Block, content_blocks

Turn = dict[str, Any]

MISSING_RESULT = "No result was provided for this tool call."
"""The error ``tool_result`` sent for a call the client never answered."""

_BAD_ID_CHARS = re.compile(r"[^a-zA-Z0-9_-]")
_SYSTEM_ROLES = ("system", "developer")
THINKING_TYPES = ("thinking", "redacted_thinking")


def claude_messages(messages: Any) -> tuple[list[Block], list[Turn]]:
    """``(system blocks, turns)`` for an OpenAI ``messages`` array."""
    if not isinstance(messages, list):
        raise InvalidRequest("'messages' must be an array")
    system: list[Block] = []
    results = _tool_results(messages)
    turns: list[Turn] = []
    for message in messages:
        role = message.get("role")
        if role in _SYSTEM_ROLES:
            system.extend(_system_blocks(message.get("content")))
        elif role == "user":
            _append(turns, "user", content_blocks(message.get("content")))
        elif role == "assistant":
            blocks = _assistant_blocks(message)
            _append(turns, "assistant", blocks)
            calls = [block["id"] for block in blocks if block["type"] == "tool_use"]
            if calls:
                answers = [results.pop(id_) if id_ in results else _missing(id_) for id_ in calls]
                _append(turns, "user", answers)
        elif role != "tool":
            raise InvalidRequest(f"message role {role!r} cannot be sent to a Claude model")
    if not turns or turns[0]["role"] != "user":
        turns.insert(0, {"role": "user", "content": [{"type": "text", "text": "."}]})
    _strip_prefill(turns[-1])
    return system, turns


def claude_id(tool_call_id: Any) -> str:
    """A tool call id Claude accepts (``^[a-zA-Z0-9_-]+$``), the same for call and result.

    Ids minted by other providers (Kimi's ``functions.get_weather:0``) reach Claude when a
    conversation falls back across providers.
    """
    if not isinstance(tool_call_id, str) or not tool_call_id:
        raise InvalidRequest("tool calls and tool messages need an id")
    return _BAD_ID_CHARS.sub("_", tool_call_id)


def _tool_results(messages: list[Any]) -> dict[str, Block]:
    """Every tool message as a ``tool_result`` block, by (Claude) tool call id."""
    results: dict[str, Block] = {}
    for message in messages:
        if not isinstance(message, dict):
            raise InvalidRequest("every message must be an object")
        if message.get("role") != "tool":
            continue
        id_ = claude_id(message.get("tool_call_id"))
        result: Block = {"type": "tool_result", "tool_use_id": id_}
        content = message.get("content")
        if isinstance(content, list):
            content = content_blocks(content)
        if isinstance(content, str | list) and content:  # no content is valid, empty text is not
            result["content"] = content
        results.setdefault(id_, result)
    return results


def _missing(id_: str) -> Block:
    return {"type": "tool_result", "tool_use_id": id_, "content": MISSING_RESULT, "is_error": True}


def _system_blocks(content: Any) -> list[Block]:
    blocks = content_blocks(content)
    if any(block["type"] != "text" for block in blocks):
        raise InvalidRequest("system and developer messages can only carry text for Claude")
    return blocks


def _assistant_blocks(message: dict[str, Any]) -> list[Block]:
    blocks = _thinking_blocks(message.get("thinking_blocks"))
    blocks.extend(content_blocks(message.get("content")))
    calls = message.get("tool_calls")
    if isinstance(calls, list):
        blocks.extend(_tool_use(call) for call in calls)
    return blocks


def _thinking_blocks(raw: Any) -> list[Block]:
    if not isinstance(raw, list):
        return []
    return [
        dict(block)
        for block in raw
        if isinstance(block, dict)
        and (
            (block.get("type") == "thinking" and block.get("signature"))
            or (block.get("type") == "redacted_thinking" and block.get("data"))
        )
    ]


def _tool_use(call: Any) -> Block:
    """A ``tool_use`` block; arguments that are not a JSON object become ``{}``.

    Claude requires ``input`` to be an object. Unparseable arguments come from a call that
    was cut off (``finish_reason: length``); the tool message that follows tells the model
    what became of it, so an empty input keeps the conversation valid and loses nothing
    the model could use.
    """
    if not isinstance(call, dict):
        raise InvalidRequest("tool_calls entries must be objects")
    function = call.get("function")
    if not isinstance(function, dict) or not function.get("name"):
        raise InvalidRequest("tool_calls entries need a function name")
    return {
        "type": "tool_use",
        "id": claude_id(call.get("id")),
        "name": function["name"],
        "input": _arguments(function.get("arguments")),
    }


def _arguments(arguments: Any) -> dict[str, Any]:
    if isinstance(arguments, dict):
        return arguments
    if not isinstance(arguments, str | bytes) or not arguments:
        return {}
    try:
        parsed = orjson.loads(arguments)
    except orjson.JSONDecodeError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def without_thinking(turns: list[Turn]) -> list[Turn]:
    """``turns`` without thinking blocks (turns left empty dropped, neighbours re-merged)."""
    if not any(block["type"] in THINKING_TYPES for turn in turns for block in turn["content"]):
        return turns
    out: list[Turn] = []
    for turn in turns:
        blocks = [block for block in turn["content"] if block["type"] not in THINKING_TYPES]
        _append(out, turn["role"], blocks)
    return out


def _append(turns: list[Turn], role: str, blocks: list[Block]) -> None:
    """Add ``blocks`` as a turn of ``role``, merged into the last turn when it has that role."""
    if not blocks:
        return
    if turns and turns[-1]["role"] == role:
        turns[-1]["content"].extend(blocks)
    else:
        turns.append({"role": role, "content": blocks})


def _strip_prefill(turn: Turn) -> None:
    """Anthropic rejects a final assistant turn ending with whitespace."""
    if turn["role"] != "assistant":
        return
    last = turn["content"][-1]
    if last["type"] == "text":
        last["text"] = last["text"].rstrip()
