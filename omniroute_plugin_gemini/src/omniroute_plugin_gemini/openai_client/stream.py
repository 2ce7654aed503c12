"""Gemini ``streamGenerateContent?alt=sse`` → OpenAI ``chat.completion.chunk`` SSE.

Every upstream event is a whole ``GenerateContentResponse`` holding the next parts of each
candidate, and each is answered at once:

* the first event of a candidate → its role chunk (the chunk id comes from ``responseId``);
* thought text → a ``reasoning_content`` delta; text → a ``content`` delta, carrying the
  answer's thought signature (``extra_content``) the first time one arrives; function
  calls → one ``tool_calls`` delta with each call whole (index counted per choice, id,
  name, the complete arguments and the call's signature), since Gemini never splits a call;
* ``finishReason`` → that choice's finish chunk (``tool_calls`` when it made calls);
* ``usageMetadata`` is remembered (each event repeats the running totals, the last is final);
* a prompt blocked before any candidate (``promptFeedback.blockReason``) → a refusal and a
  ``content_filter`` finish;
* ``{"error": …}`` (Gemini reports failures mid-stream this way) → an OpenAI error frame, and
  the stream ends.

Gemini streams have no end marker: the upstream just stops. ``finish`` then sends the usage
chunk (when the client asked for it) and ``[DONE]``. A stream that stopped before every
choice had its finish reason was cut off: it ends with an error frame instead, because a
finish chunk would make a truncated answer look complete.

Delta chunks are framed from bytes prepared once per stream, so a chunk costs one
``orjson.dumps`` of its delta: this runs for every token of every stream.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import orjson

from omniroute import Body, sse_frame

from ..mapping import finish_reason, usage_from_gemini
from . import signatures
from .answer import CallIds, openai_usage, read_parts
from .response import blocked_refusal

DONE_FRAME = b"data: [DONE]\n\n"
TRUNCATED = "the upstream stream ended before Gemini reported why it finished"

_OPEN_CHUNK = b'data: {"id":%b,"object":"chat.completion.chunk","created":%d,"model":%b,'
_OPEN_CHOICE = b'"choices":[{"index":%d,"delta":'
_CLOSE_CHOICE = b',"finish_reason":%b}]}\n\n'
_NULL = b"null"


class _Choice:
    """What one choice needs remembered between events."""

    __slots__ = ("finished", "signed", "tools")

    def __init__(self) -> None:
        self.tools = 0
        self.signed = False
        self.finished = False


class OpenAIClientStream:
    """The per-request state machine; ``feed`` and ``finish`` return complete SSE frames."""

    __slots__ = (
        "_choices",
        "_created",
        "_done",
        "_head",
        "_id",
        "_ids",
        "_include_usage",
        "_model",
        "_usage",
    )

    def __init__(self, model: str, include_usage: bool) -> None:
        self._model = model
        self._include_usage = include_usage
        self._created = int(time.time())
        self._id = ""
        self._head = b""
        self._ids: CallIds | None = None
        self._choices: dict[int, _Choice] = {}
        self._usage: Any = None
        self._done = False

    def feed(self, event: str | None, data: Body | None) -> list[bytes]:
        if data is None or self._done:
            return []
        error = data.get("error")
        if isinstance(error, dict):
            return self._error(error.get("status") or "upstream_error", error.get("message"))
        if self._ids is None:
            self._ids = self._start(data.get("responseId"))
        if "usageMetadata" in data:
            self._usage = data["usageMetadata"]
        candidates = data.get("candidates")
        if isinstance(candidates, list) and candidates:
            frames: list[bytes] = []
            for position, candidate in enumerate(candidates):
                if isinstance(candidate, dict):
                    frames.extend(self._candidate(candidate, position, self._ids))
            return frames
        refusal = blocked_refusal(data.get("promptFeedback"))
        return self._blocked(refusal) if refusal is not None else []

    def finish(self) -> list[bytes]:
        if self._done:
            return []
        if not self._choices or not all(c.finished for c in self._choices.values()):
            return self._error("upstream_error", TRUNCATED)
        self._done = True
        frames: list[bytes] = []
        usage = usage_from_gemini(self._usage)
        if self._include_usage and usage is not None:
            frames.append(self._frame(choices=[], usage=openai_usage(usage)))
        frames.append(DONE_FRAME)
        return frames

    def _start(self, response_id: Any) -> CallIds:
        """Fix the chunk id from the first event's ``responseId`` and prepare the chunk head."""
        valid = isinstance(response_id, str) and response_id
        self._id = f"chatcmpl-{response_id if valid else uuid.uuid4().hex}"
        ids = orjson.dumps(self._id)
        self._head = _OPEN_CHUNK % (ids, self._created, orjson.dumps(self._model))
        return CallIds(response_id)

    def _chunk(self, index: int, delta: dict[str, Any], finish: str | None = None) -> bytes:
        reason = _NULL if finish is None else orjson.dumps(finish)
        return self._head + _OPEN_CHOICE % index + orjson.dumps(delta) + _CLOSE_CHOICE % reason

    def _frame(self, **fields: Any) -> bytes:
        """A chunk without a delta choice (the usage chunk)."""
        head = {"id": self._id, "object": "chat.completion.chunk", "created": self._created}
        return sse_frame({**head, "model": self._model, **fields})

    def _open(self, index: int, frames: list[bytes]) -> _Choice:
        """The state of choice ``index``, sending its role chunk when it is new."""
        choice = self._choices.get(index)
        if choice is None:
            choice = self._choices[index] = _Choice()
            frames.append(self._chunk(index, {"role": "assistant", "content": ""}))
        return choice

    def _candidate(self, candidate: Body, position: int, ids: CallIds) -> list[bytes]:
        index = candidate.get("index")
        if not isinstance(index, int):
            index = position
        frames: list[bytes] = []
        choice = self._open(index, frames)
        if choice.finished:
            return frames
        pieces = read_parts(candidate, ids)
        if pieces.reasoning:
            frames.append(self._chunk(index, {"reasoning_content": "".join(pieces.reasoning)}))
        delta: dict[str, Any] = {}
        if pieces.content:
            delta["content"] = "".join(pieces.content)
        if pieces.signature is not None and not choice.signed:
            choice.signed = True
            delta["extra_content"] = signatures.extra_content(pieces.signature)
        if delta:
            frames.append(self._chunk(index, delta))
        if pieces.tool_calls:
            calls = []
            for call in pieces.tool_calls:
                calls.append({"index": choice.tools, **call})
                choice.tools += 1
            frames.append(self._chunk(index, {"tool_calls": calls}))
        reason = finish_reason(candidate.get("finishReason"), choice.tools > 0)
        if reason is not None:
            choice.finished = True
            frames.append(self._chunk(index, {}, reason))
        return frames

    def _blocked(self, refusal: str) -> list[bytes]:
        frames: list[bytes] = []
        choice = self._open(0, frames)
        choice.finished = True
        frames.append(self._chunk(0, {"refusal": refusal}))
        frames.append(self._chunk(0, {}, "content_filter"))
        return frames

    def _error(self, kind: str, message: Any) -> list[bytes]:
        self._done = True
        text = message if isinstance(message, str) and message else "the upstream failed"
        return [sse_frame({"error": {"message": text, "type": kind, "code": kind, "param": None}})]
