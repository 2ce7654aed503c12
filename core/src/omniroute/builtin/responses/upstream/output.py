"""Reading Responses ``output`` items the way both the JSON and the stream translation do.

Keeping this in one place makes a streamed answer fold into exactly the message the
non-streamed answer would be: the same parts land in the same Chat fields, separated the
same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

SEPARATOR = "\n\n"
"""Put between two parts that land in one Chat field (a preamble message and the final
answer, two reasoning summary parts), so they do not run into each other."""

CHANNELS = {
    "output_text": "content",
    "refusal": "refusal",
    "summary_text": "reasoning_content",
    "reasoning_text": "reasoning_content",
}
"""The Chat message (or delta) field each kind of Responses part goes to."""


def item_parts(item: dict[str, Any]) -> Iterator[tuple[str, int, str]]:
    """``(part kind, index, text)`` of each text-bearing part of a message or reasoning item.

    The kind is a key of ``CHANNELS``; the index is the part's position in the item's
    ``content`` (or ``summary``), as stream events number it.
    """
    kind = item.get("type")
    if kind == "message":
        for index, part in enumerate(_list(item.get("content"))):
            if part.get("type") == "output_text":
                yield "output_text", index, _str(part.get("text"))
            elif part.get("type") == "refusal":
                yield "refusal", index, _str(part.get("refusal"))
    elif kind == "reasoning":
        for index, part in enumerate(_list(item.get("summary"))):
            yield "summary_text", index, _str(part.get("text"))
        for index, part in enumerate(_list(item.get("content"))):
            if part.get("type") == "reasoning_text":
                yield "reasoning_text", index, _str(part.get("text"))


def call_of(item: dict[str, Any]) -> tuple[str, str]:
    """``(id, name)`` of a ``function_call`` item; the Chat tool call id is its ``call_id``."""
    return _str(item.get("call_id") or item.get("id")), _str(item.get("name"))


def arguments_of(item: dict[str, Any]) -> str:
    """A finished call's arguments; ``{}`` for none, so a client can always parse them."""
    return _str(item.get("arguments")) or "{}"


def _list(value: Any) -> list[dict[str, Any]]:
    return [part for part in value if isinstance(part, dict)] if isinstance(value, list) else []


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""
