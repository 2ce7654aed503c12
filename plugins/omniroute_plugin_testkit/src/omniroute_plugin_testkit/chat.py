"""OpenAI Chat stream chunks built by hand, for scripting an upstream in translator tests.

Every translator whose upstream speaks the hub format is tested by feeding it such chunks;
building them in one place keeps their shape (ids, indexes, tool-call deltas) the same in
every plugin's tests.
"""

from __future__ import annotations

from typing import Any


def chat_chunk(delta: dict[str, Any] | None = None, finish: str | None = None) -> dict[str, Any]:
    """A ``chat.completion.chunk`` with one choice carrying ``delta`` and ``finish``."""
    return {
        "id": "chatcmpl-sdk",
        "object": "chat.completion.chunk",
        "choices": [{"index": 0, "delta": delta or {}, "finish_reason": finish}],
    }


def tool_call_delta(
    index: int, args: str, id: str | None = None, name: str | None = None
) -> dict[str, Any]:
    """One ``delta.tool_calls`` item: the first piece of a call has ``id`` and ``name``,
    later pieces only more ``arguments``."""
    function: dict[str, Any] = {"arguments": args}
    if name:
        function["name"] = name
    item: dict[str, Any] = {"index": index, "function": function}
    if id:
        item["id"] = id
        item["type"] = "function"
    return item
