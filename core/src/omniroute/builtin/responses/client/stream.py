"""Chat ``chat.completion.chunk`` stream → Responses stream events.

The ``openai`` SDK rebuilds the response from the events and checks their order:
``response.created`` first, each item's events between its ``output_item.added`` and
``output_item.done``, and ``response.completed`` (or ``response.incomplete``) last with the
whole response. Every event carries ``sequence_number`` 0, 1, 2…

A Chat stream has no items, only deltas: reasoning, text and each tool call (by its
``index``) become items. Reasoning and text carry no index, so a change of kind closes the
open one and a later piece opens a new item. Tool-call items stay open until the finish
reason, because an upstream may interleave the fragments of parallel calls and a fragment
after ``output_item.done`` would be lost to every client. Finishing waits for usage: the
finish chunk comes before the usage-only chunk the gateway asks upstreams for, and
``response.completed`` must carry the totals.
"""

from __future__ import annotations

from typing import Any

from omniroute import sse_frame

from ..mapping import status_of
from .events import Event, Kind, StreamItem, closed, delta, opened
from .output import (
    arguments_text,
    call_id,
    created_at,
    envelope,
    item_id,
    reasoning_of,
    response_error,
    response_id,
    usage_object,
)

_BROKEN = "the upstream stream ended before the answer was complete"
_PREFIXES = {"reasoning": "rs", "message": "msg", "function_call": "fc"}


class ResponsesStream:
    """Feed it each upstream Chat chunk (``None`` for ``[DONE]``); it returns Responses frames.

    An upstream error chunk, or an upstream that stops without a finish reason or
    ``[DONE]``, ends the stream with ``response.failed`` carrying the partial output and an
    ``error``: the event OpenAI itself ends a failed generation with, which Codex reads (and
    retries on ``rate_limit_exceeded``) and after which the SDK's ``get_final_response``
    raises.
    """

    __slots__ = (
        "_calls",
        "_created",
        "_done",
        "_finish",
        "_id",
        "_items",
        "_last_call",
        "_model",
        "_open",
        "_sequence",
        "_usage",
    )

    def __init__(self, model: str) -> None:
        self._model = model
        self._id: str | None = None
        self._created = 0
        self._sequence = 0
        self._items: list[StreamItem] = []
        self._open: StreamItem | None = None
        """The open reasoning or message item."""
        self._calls: dict[int, StreamItem] = {}
        """Tool-call items by the upstream's call index."""
        self._last_call: int | None = None
        self._finish: str | None = None
        self._usage: Any = None
        self._done = False

    def feed(self, event: str | None, data: dict[str, Any] | None) -> list[bytes]:
        if self._done:
            return []
        if data is None:
            return self._complete()
        out = self._start(data) if self._id is None else []
        if data.get("error") is not None and not data.get("choices"):
            return out + self._fail(response_error(data["error"]))
        choice = _first_choice(data.get("choices"))
        if choice is not None and self._finish is None:
            update = choice.get("delta")
            if isinstance(update, dict):
                out += self._delta(update)
            finish = choice.get("finish_reason")
            if isinstance(finish, str) and finish:
                self._finish = finish
                out += self._close_all()
        usage = data.get("usage")
        if isinstance(usage, dict):
            self._usage = usage
            if self._finish is not None:
                out += self._complete()
        return out

    def finish(self) -> list[bytes]:
        """The upstream ended: complete the response if it finished, else fail it."""
        if self._done:
            return []
        if self._finish is not None:
            return self._complete()
        out = [] if self._id is not None else self._start({})
        return out + self._fail({"code": "server_error", "message": _BROKEN})

    # -- response level -----------------------------------------------------------------------

    def _start(self, data: dict[str, Any]) -> list[bytes]:
        self._id = response_id(data.get("id"))
        self._created = created_at(data.get("created"))
        response = envelope(self._id, self._created, self._model, "in_progress", [])
        return [
            self._emit({"type": "response.created", "response": response}),
            self._emit({"type": "response.in_progress", "response": response}),
        ]

    def _complete(self) -> list[bytes]:
        """``[DONE]`` without a finish reason still ends the answer normally: the upstream
        said it is complete."""
        out = self._start({}) if self._id is None else []
        if self._finish is None:
            self._finish = "stop"
            out += self._close_all()
        status, incomplete = status_of(self._finish)
        response = self._response(status, usage=usage_object(self._usage), incomplete=incomplete)
        out.append(self._emit({"type": f"response.{status}", "response": response}))
        self._done = True
        return out

    def _fail(self, error: dict[str, str]) -> list[bytes]:
        for item in self._items:
            if item.status == "in_progress":
                item.status = "incomplete"
        response = self._response("failed", usage=usage_object(self._usage), error=error)
        self._done = True
        return [self._emit({"type": "response.failed", "response": response})]

    def _response(self, status: str, **fields: Any) -> dict[str, Any]:
        assert self._id is not None
        output = [item.snapshot() for item in self._items]
        return envelope(self._id, self._created, self._model, status, output, **fields)

    def _emit(self, event: Event) -> bytes:
        event["sequence_number"] = self._sequence
        self._sequence += 1
        return sse_frame(event, event=event["type"])

    # -- items --------------------------------------------------------------------------------

    def _delta(self, update: dict[str, Any]) -> list[bytes]:
        out: list[bytes] = []
        reasoning = reasoning_of(update)
        if reasoning:
            out += self._append("reasoning", reasoning)
        for key in ("content", "refusal"):
            text = update.get(key)
            if isinstance(text, str) and text:
                out += self._append("message", text)
        calls = update.get("tool_calls")
        if isinstance(calls, list):
            for call in calls:
                if isinstance(call, dict):
                    out += self._call_delta(call)
        return out

    def _append(self, kind: Kind, text: str) -> list[bytes]:
        out: list[bytes] = []
        item = self._open
        if item is None or item.kind != kind:
            out += self._close_open()
            item = self._open = self._new_item(kind)
            out += [self._emit(event) for event in opened(item)]
        item.text += text
        out.append(self._emit(delta(item, text)))
        return out

    def _call_delta(self, call: dict[str, Any]) -> list[bytes]:
        function = call.get("function")
        function = function if isinstance(function, dict) else {}
        upstream_id = call.get("id") if isinstance(call.get("id"), str) else None
        name = function.get("name")
        name = name if isinstance(name, str) else ""
        key = self._call_key(call.get("index"), upstream_id)
        self._last_call = key
        item = self._calls.get(key)
        out: list[bytes] = []
        if item is None or (upstream_id and upstream_id != item.call_id and name):
            # A new call; an upstream reusing an index for a second call gets a second item.
            out += self._close_open()
            item = self._new_item("function_call", call_id(upstream_id), name)
            self._calls[key] = item
            out += [self._emit(event) for event in opened(item)]
        elif name and not item.name:
            item.name = name
        fragment = arguments_text(function.get("arguments"))
        if fragment:
            item.text += fragment
            out.append(self._emit(delta(item, fragment)))
        return out

    def _call_key(self, index: Any, upstream_id: str | None) -> int:
        """The Chat ``index`` of a tool-call delta; for upstreams that omit it, the call with
        the same id, a fresh key for a new id, or else the call seen last."""
        if isinstance(index, int):
            return index
        if upstream_id:
            for key, item in self._calls.items():
                if item.call_id == upstream_id:
                    return key
            return max(self._calls, default=-1) + 1
        return self._last_call if self._last_call is not None else 0

    def _new_item(self, kind: Kind, call: str = "", name: str = "") -> StreamItem:
        assert self._id is not None
        index = len(self._items)
        item = StreamItem(kind, index, item_id(_PREFIXES[kind], self._id, index), call, name)
        self._items.append(item)
        return item

    def _close_open(self) -> list[bytes]:
        item, self._open = self._open, None
        return self._close(item) if item is not None else []

    def _close_all(self) -> list[bytes]:
        """At the finish reason: the open text or reasoning, then every call, in order."""
        out = self._close_open()
        for item in self._items:
            if item.status == "in_progress":
                out += self._close(item)
        return out

    def _close(self, item: StreamItem) -> list[bytes]:
        out: list[bytes] = []
        if item.kind == "function_call" and not item.text:
            # Clients parse the arguments as JSON; an argument-less call is "{}", not "".
            item.text = "{}"
            out.append(self._emit(delta(item, item.text)))
        item.status = "completed" if status_of(self._finish)[0] == "completed" else "incomplete"
        out += [self._emit(event) for event in closed(item)]
        return out


def _first_choice(choices: Any) -> dict[str, Any] | None:
    """Choice 0: a response has one answer, so other choices (``n`` > 1) are ignored."""
    if not isinstance(choices, list):
        return None
    for choice in choices:
        if isinstance(choice, dict) and choice.get("index", 0) == 0:
            return choice
    return None
