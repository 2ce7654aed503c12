"""Responses SSE → OpenAI ``chat.completion.chunk`` SSE, one event at a time.

Each upstream event is answered at once; only the finish reason and usage wait for the end,
where OpenAI reports them. The mapping, event by event:

* ``response.created`` → the role chunk, and the response id, model and creation time every
  later chunk carries;
* ``response.output_text.delta`` → ``content``; ``response.refusal.delta`` → ``refusal``;
  ``response.reasoning_summary_text.delta`` and ``response.reasoning_text.delta`` →
  ``reasoning_content``. When a field receives a new part (a second message, the next summary
  part), a blank line goes first, as in the non-streamed answer (``output``);
* ``response.output_item.added`` of a ``function_call`` → the ``tool_calls`` entry with its
  index (counted over calls only), ``call_id``, name and empty arguments;
  ``response.function_call_arguments.delta`` → that call's next ``arguments`` piece;
* the ``.done`` events, ``response.output_item.done`` and the output of the final response
  → whatever their full text has beyond the pieces already sent (nothing, from OpenAI). This
  is what keeps a last piece from being lost, and serves upstreams that send only whole
  items; a call announced only when done is sent whole, and a call without arguments gets
  ``{}`` so clients can always parse them;
* ``response.completed`` / ``response.incomplete`` → the finish chunk (``stop``,
  ``tool_calls``, ``length``, ``content_filter``), the usage chunk when the client asked for
  it, ``[DONE]``;
* ``response.failed`` and ``error`` → an OpenAI error frame, and the stream ends; other
  events (``response.in_progress``, ``content_part.added``, hosted tool progress) → nothing.

A stream that ends without ``response.completed`` was cut off: ``finish`` reports that as an
error frame instead of a finish chunk that would make a truncated answer look complete.

Chunks are framed from bytes prepared once per stream (everything before the delta), so a
chunk costs one ``orjson.dumps`` of its delta: this runs for every token of every stream.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import orjson

from omniroute import Body, sse_frame

from ..mapping import chat_usage, finish_reason, usage_from_responses
from .output import CHANNELS, SEPARATOR, arguments_of, call_of, item_parts

DONE_FRAME = b"data: [DONE]\n\n"
TRUNCATED = "the upstream stream ended before response.completed"

_OPEN_CHUNK = b'data: {"id":%b,"object":"chat.completion.chunk","created":%d,"model":%b,'
_OPEN_DELTA = b'"choices":[{"index":0,"delta":'
_CLOSE_DELTA = b',"finish_reason":null}]}\n\n'

_TEXT_DELTAS = {
    "response.output_text.delta": ("output_text", "content_index"),
    "response.refusal.delta": ("refusal", "content_index"),
    "response.reasoning_summary_text.delta": ("summary_text", "summary_index"),
    "response.reasoning_text.delta": ("reasoning_text", "content_index"),
}
"""Delta event → (part kind, the field numbering the part)."""

_TEXT_DONES = {
    "response.output_text.done": ("output_text", "content_index", "text"),
    "response.refusal.done": ("refusal", "content_index", "refusal"),
    "response.reasoning_summary_text.done": ("summary_text", "summary_index", "text"),
    "response.reasoning_text.done": ("reasoning_text", "content_index", "text"),
}
"""Done event → (part kind, the field numbering the part, the field with the full text)."""

Key = tuple[Any, str, int]
"""A part of the answer: (output item, part kind, part index); arguments are part 0."""


class ResponsesChatStream:
    """The per-request state machine; ``feed`` and ``finish`` return complete SSE frames."""

    __slots__ = (
        "_calls",
        "_created",
        "_done",
        "_head",
        "_id",
        "_include_usage",
        "_last",
        "_model",
        "_sent",
        "_started",
    )

    def __init__(self, model: str, include_usage: bool) -> None:
        self._model = model
        self._include_usage = include_usage
        self._id = f"chatcmpl-{uuid.uuid4().hex}"  # replaced by the response id
        self._created = int(time.time())
        self._started = False
        self._done = False
        self._sent: dict[Key, int] = {}
        """Characters sent so far of each part."""
        self._last: dict[str, Key] = {}
        """The last part that sent text, per Chat field."""
        self._calls: dict[Any, int] = {}
        """Output item → its index among the tool calls."""
        self._head = self._chunk_head()

    def feed(self, event: str | None, data: Body | None) -> list[bytes]:
        if data is None or self._done:
            return []
        kind = data.get("type") or event or ""
        delta = _TEXT_DELTAS.get(kind)
        if delta is not None:
            return self._text(_part(data, *delta), data.get("delta"))
        if kind == "response.function_call_arguments.delta":
            return self._arguments(_item_key(data), data.get("delta"))
        done = _TEXT_DONES.get(kind)
        if done is not None:
            return self._rest(_part(data, done[0], done[1]), data.get(done[2]))
        if kind == "response.function_call_arguments.done":
            return self._rest_arguments(_item_key(data), data.get("arguments"))
        if kind in ("response.output_item.added", "response.output_item.done"):
            item = data.get("item")
            if not isinstance(item, dict):
                return []
            if kind == "response.output_item.added":
                return self._item_added(_item_key(data), item)
            return self._item_done(_item_key(data), item)
        if kind == "response.created":
            return self._response_created(data.get("response"))
        if kind in ("response.completed", "response.incomplete"):
            response = data.get("response")
            return self._finish(response if isinstance(response, dict) else {}, kind)
        if kind == "response.failed":
            response = data.get("response")
            error = response.get("error") if isinstance(response, dict) else None
            return self._error(error if isinstance(error, dict) else {})
        if kind == "error":
            error = data.get("error")
            return self._error(error if isinstance(error, dict) else data)
        return []

    def finish(self) -> list[bytes]:
        if self._done:
            return []
        return self._error({"message": TRUNCATED})

    # -- framing ----------------------------------------------------------------------------

    def _chunk_head(self) -> bytes:
        """Every byte of a delta chunk before the delta itself."""
        head = _OPEN_CHUNK % (orjson.dumps(self._id), self._created, orjson.dumps(self._model))
        return head + _OPEN_DELTA

    def _chunk(self, delta: dict[str, Any]) -> bytes:
        return self._head + orjson.dumps(delta) + _CLOSE_DELTA

    def _frame(self, **fields: Any) -> bytes:
        """A chunk with other ``choices`` than one delta (the finish and usage chunks)."""
        head = {"id": self._id, "object": "chat.completion.chunk", "created": self._created}
        return sse_frame({**head, "model": self._model, **fields})

    def _open(self) -> list[bytes]:
        """The role chunk, before anything else is sent."""
        if self._started:
            return []
        self._started = True
        return [self._chunk({"role": "assistant", "content": ""})]

    # -- events -----------------------------------------------------------------------------

    def _response_created(self, response: Any) -> list[bytes]:
        if isinstance(response, dict):
            self._id = response.get("id") or self._id
            self._model = response.get("model") or self._model
            if isinstance(response.get("created_at"), int):
                self._created = response["created_at"]
            self._head = self._chunk_head()
        return self._open()

    def _text(self, key: Key, piece: Any) -> list[bytes]:
        if not isinstance(piece, str) or not piece:
            return []
        self._sent[key] = self._sent.get(key, 0) + len(piece)
        channel = CHANNELS[key[1]]
        last = self._last.get(channel)
        if last != key:
            self._last[channel] = key
            if last is not None:
                piece = SEPARATOR + piece
        chunk = self._chunk({channel: piece})
        return [chunk] if self._started else [*self._open(), chunk]

    def _rest(self, key: Key, text: Any) -> list[bytes]:
        """What a finished part's full ``text`` has beyond the pieces already sent."""
        if not isinstance(text, str):
            return []
        return self._text(key, text[self._sent.get(key, 0) :])

    def _item_added(self, item_key: Any, item: dict[str, Any]) -> list[bytes]:
        if item.get("type") != "function_call":
            return []
        return self._start_call(item_key, item) + self._rest_arguments(
            item_key, item.get("arguments")
        )

    def _start_call(self, item_key: Any, item: dict[str, Any]) -> list[bytes]:
        if item_key in self._calls:
            return []
        index = self._calls[item_key] = len(self._calls)
        id_, name = call_of(item)
        call = {
            "index": index,
            "id": id_,
            "type": "function",
            "function": {"name": name, "arguments": ""},
        }
        return [*self._open(), self._chunk({"tool_calls": [call]})]

    def _arguments(self, item_key: Any, piece: Any) -> list[bytes]:
        index = self._calls.get(item_key)
        if index is None or not isinstance(piece, str) or not piece:
            return []  # a call never announced is sent whole when its item is done
        key = (item_key, "arguments", 0)
        self._sent[key] = self._sent.get(key, 0) + len(piece)
        call = {"index": index, "function": {"arguments": piece}}
        return [self._chunk({"tool_calls": [call]})]

    def _rest_arguments(self, item_key: Any, arguments: Any) -> list[bytes]:
        if not isinstance(arguments, str):
            return []
        return self._arguments(item_key, arguments[self._sent.get((item_key, "arguments", 0), 0) :])

    def _item_done(self, item_key: Any, item: dict[str, Any]) -> list[bytes]:
        if item.get("type") == "function_call":
            started = self._start_call(item_key, item)
            return started + self._rest_arguments(item_key, arguments_of(item))
        frames: list[bytes] = []
        for kind, index, text in item_parts(item):
            frames.extend(self._rest((item_key, kind, index), text))
        return frames

    def _finish(self, response: dict[str, Any], kind: str) -> list[bytes]:
        # An upstream that sends only the final response: it names the answer too.
        frames = [] if self._started else self._response_created(response)
        for index, item in enumerate(response.get("output") or ()):
            if isinstance(item, dict):
                frames.extend(self._item_done(index, item))
        self._done = True
        status = response.get("status") or kind.removeprefix("response.")
        details = response.get("incomplete_details")
        reason = details.get("reason") if isinstance(details, dict) else None
        finish = finish_reason(status, reason, bool(self._calls))
        frames.append(self._frame(choices=[{"index": 0, "delta": {}, "finish_reason": finish}]))
        usage = usage_from_responses(response.get("usage"))
        if self._include_usage and usage is not None:
            frames.append(self._frame(choices=[], usage=chat_usage(usage)))
        frames.append(DONE_FRAME)
        return frames

    def _error(self, error: dict[str, Any]) -> list[bytes]:
        """An OpenAI error frame; ``error`` is a Responses error (``code``, ``message``)."""
        self._done = True
        kind = error.get("type")
        body = {
            "message": error.get("message") or "the upstream reported an error",
            "type": kind if isinstance(kind, str) and kind != "error" else "upstream_error",
            "code": error.get("code") or "upstream_error",
            "param": error.get("param"),
        }
        return [sse_frame({"error": body})]


def _item_key(data: Body) -> Any:
    """The output item an event is about: its ``output_index``, which OpenAI's own SDK
    relies on too (it is the item's position in the final ``output``), else its id."""
    index = data.get("output_index")
    if isinstance(index, int):
        return index
    item = data.get("item")
    return data.get("item_id") or (item.get("id") if isinstance(item, dict) else None)


def _part(data: Body, kind: str, index_field: str) -> Key:
    index = data.get(index_field)
    return _item_key(data), kind, index if isinstance(index, int) else 0
