"""One output item of a Responses stream and the events it goes through.

Every item opens with ``response.output_item.added`` and closes with
``response.output_item.done`` carrying the finished item; in between each kind has its own
events, exactly as OpenAI sends them:

* reasoning: ``reasoning_summary_part.added``, ``reasoning_summary_text.delta``…,
  ``reasoning_summary_text.done``, ``reasoning_summary_part.done``;
* message: ``content_part.added`` (an empty ``output_text``), ``output_text.delta``…,
  ``output_text.done``, ``content_part.done``;
* function call: ``function_call_arguments.delta``…, ``function_call_arguments.done``.

The builders return payloads without ``sequence_number``; the stream numbers them as it
sends them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .output import Item, Status, function_call_item, message_item, output_text, reasoning_item

Event = dict[str, Any]
Kind = Literal["reasoning", "message", "function_call"]


@dataclass(slots=True)
class StreamItem:
    """An item as far as the stream got: ``text`` is the reasoning, the message text or the
    call's arguments so far."""

    kind: Kind
    index: int
    id: str
    call_id: str = ""
    name: str = ""
    text: str = ""
    status: Status = "in_progress"

    def snapshot(self) -> Item:
        if self.kind == "reasoning":
            return reasoning_item(self.id, self.text)
        if self.kind == "message":
            return message_item(self.id, self.text, self.status)
        return function_call_item(self.id, self.call_id, self.name, self.text, self.status)


def opened(item: StreamItem) -> list[Event]:
    if item.kind == "reasoning":
        added = reasoning_item(item.id, "")
    elif item.kind == "message":
        added = message_item(item.id, None, "in_progress")
    else:
        added = function_call_item(item.id, item.call_id, item.name, "", "in_progress")
    events = [{"type": "response.output_item.added", "output_index": item.index, "item": added}]
    if item.kind == "reasoning":
        part = {"type": "summary_text", "text": ""}
        events.append(_summary(item, "response.reasoning_summary_part.added", part=part))
    elif item.kind == "message":
        events.append(_content(item, "response.content_part.added", part=output_text("")))
    return events


def delta(item: StreamItem, piece: str) -> Event:
    if item.kind == "reasoning":
        return _summary(item, "response.reasoning_summary_text.delta", delta=piece)
    if item.kind == "message":
        return _content(item, "response.output_text.delta", delta=piece, logprobs=[])
    return _of(item, "response.function_call_arguments.delta", delta=piece)


def closed(item: StreamItem) -> list[Event]:
    """The closing events, the finished item last (``status`` set by the caller)."""
    text = item.text
    if item.kind == "reasoning":
        part = {"type": "summary_text", "text": text}
        events = [
            _summary(item, "response.reasoning_summary_text.done", text=text),
            _summary(item, "response.reasoning_summary_part.done", part=part),
        ]
    elif item.kind == "message":
        events = [
            _content(item, "response.output_text.done", text=text, logprobs=[]),
            _content(item, "response.content_part.done", part=output_text(text)),
        ]
    else:
        events = [_of(item, "response.function_call_arguments.done", arguments=text)]
    done = {"type": "response.output_item.done", "output_index": item.index}
    events.append({**done, "item": item.snapshot()})
    return events


def _of(item: StreamItem, kind: str, **fields: Any) -> Event:
    return {"type": kind, "item_id": item.id, "output_index": item.index, **fields}


def _summary(item: StreamItem, kind: str, **fields: Any) -> Event:
    return _of(item, kind, summary_index=0, **fields)


def _content(item: StreamItem, kind: str, **fields: Any) -> Event:
    return _of(item, kind, content_index=0, **fields)
