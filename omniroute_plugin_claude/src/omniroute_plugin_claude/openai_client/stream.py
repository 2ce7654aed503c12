"""Anthropic Messages SSE → OpenAI ``chat.completion.chunk`` SSE, one event at a time.

Each upstream event is answered at once (nothing is held back but the stop reason and usage,
which OpenAI reports at the end), so a tool call's last partial argument can never be lost
in a buffer. The mapping, event by event:

* ``message_start`` → the role chunk; the message id and model name every later chunk
  carries; input and cache usage;
* ``content_block_start``: ``thinking`` → ``reasoning_content: ""`` (marks where reasoning
  starts), ``redacted_thinking`` → a ``thinking_blocks`` entry, ``tool_use`` → the
  ``tool_calls`` entry with index (counted over tool calls only), id, name and empty
  arguments; text → nothing unless it carries text;
* ``content_block_delta``: ``text_delta`` → ``content``, ``thinking_delta`` →
  ``reasoning_content``, ``input_json_delta`` → the tool call's next ``arguments`` piece,
  ``signature_delta`` → a ``thinking_blocks`` entry with the block's whole text and its
  signature, which a client sends back to continue a tool loop with thinking on;
* ``content_block_stop`` → nothing, except for a tool call that received no argument pieces:
  it gets the input given at its start, else ``{}``, so clients can always parse arguments;
* ``message_delta`` → remembered stop reason and output usage;
* ``message_stop`` → the finish chunk, the usage chunk when the client asked for it, ``[DONE]``;
* ``error`` → an OpenAI error frame, and the stream ends; ``ping`` and unknown events →
  nothing.

A stream that ends without ``message_stop`` was cut off: ``finish`` reports that as an error
frame instead of a finish chunk that would make a truncated answer look complete.

Chunks are framed from bytes prepared once per stream (everything before the delta), so a
chunk costs one ``orjson.dumps`` of its delta: this runs for every token of every stream.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import orjson

from omniroute import Body, sse_frame

from ..mapping import finish_reason, openai_usage, usage_from_claude

DONE_FRAME = b"data: [DONE]\n\n"
_OPEN_CHUNK = b'data: {"id":%b,"object":"chat.completion.chunk","created":%d,"model":%b,'
_OPEN_DELTA = b'"choices":[{"index":0,"delta":'
_CLOSE_DELTA = b',"finish_reason":null}]}\n\n'

TRUNCATED = "the upstream stream ended before message_stop"


@dataclass(slots=True)
class _Block:
    """What a content block needs remembered until its ``content_block_stop``."""

    tool: int = -1
    """Index among the message's tool calls; -1 for a thinking block."""
    start_input: dict[str, Any] | None = None
    has_arguments: bool = False
    thinking: list[str] = field(default_factory=list)


class OpenAIClientStream:
    """The per-request state machine; ``feed`` and ``finish`` return complete SSE frames."""

    __slots__ = (
        "_blocks",
        "_created",
        "_done",
        "_head",
        "_id",
        "_include_usage",
        "_model",
        "_stop_reason",
        "_tools",
        "_usage",
    )

    def __init__(self, model: str, include_usage: bool) -> None:
        self._model = model
        self._include_usage = include_usage
        self._id = f"chatcmpl-{uuid.uuid4().hex}"  # replaced by the message id
        self._created = int(time.time())
        self._usage: dict[str, Any] = {}
        self._stop_reason: str | None = None
        self._blocks: dict[Any, _Block] = {}
        self._tools = 0
        self._done = False
        self._head = self._chunk_head()

    def feed(self, event: str | None, data: Body | None) -> list[bytes]:
        if data is None or self._done:
            return []
        kind = data.get("type") or event
        if kind == "content_block_delta":
            return self._block_delta(data)
        if kind == "content_block_start":
            return self._block_start(data)
        if kind == "content_block_stop":
            return self._block_stop(data)
        if kind == "message_start":
            return self._message_start(data)
        if kind == "message_delta":
            self._message_delta(data)
        elif kind == "message_stop":
            return self._message_stop()
        elif kind == "error":
            error = data.get("error")
            return self._error(error if isinstance(error, dict) else {})
        return []

    def finish(self) -> list[bytes]:
        if self._done:
            return []
        return self._error({"type": "upstream_error", "message": TRUNCATED})

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

    def _message_start(self, data: Body) -> list[bytes]:
        message = data.get("message")
        if isinstance(message, dict):
            self._id = message.get("id") or self._id
            self._model = message.get("model") or self._model
            self._head = self._chunk_head()
            self._add_usage(message.get("usage"))
        return [self._chunk({"role": "assistant", "content": ""})]

    def _block_start(self, data: Body) -> list[bytes]:
        block = data.get("content_block")
        if not isinstance(block, dict):
            return []
        kind = block.get("type")
        if kind == "text":
            text = block.get("text")
            return [self._chunk({"content": text})] if text else []
        if kind == "thinking":
            text = block.get("thinking") or ""
            self._blocks[data.get("index")] = _Block(thinking=[text])
            return [self._chunk({"reasoning_content": text})]
        if kind == "redacted_thinking":
            return [self._chunk({"thinking_blocks": [block]})]
        if kind == "tool_use":
            start_input = block.get("input")
            self._blocks[data.get("index")] = _Block(
                tool=self._tools, start_input=start_input if isinstance(start_input, dict) else None
            )
            call = {
                "index": self._tools,
                "id": block.get("id", ""),
                "type": "function",
                "function": {"name": block.get("name", ""), "arguments": ""},
            }
            self._tools += 1
            return [self._chunk({"tool_calls": [call]})]
        return []

    def _block_delta(self, data: Body) -> list[bytes]:
        delta = data.get("delta")
        if not isinstance(delta, dict):
            return []
        kind = delta.get("type")
        if kind == "text_delta":
            text = delta.get("text")
            return [self._chunk({"content": text})] if text else []
        block = self._blocks.get(data.get("index"))
        if block is None:
            return []
        if kind == "input_json_delta":
            piece = delta.get("partial_json")
            if not piece or block.tool < 0:
                return []
            block.has_arguments = True
            return [self._chunk({"tool_calls": [_arguments(block.tool, piece)]})]
        if kind == "thinking_delta":
            text = delta.get("thinking")
            if not text:
                return []
            block.thinking.append(text)
            return [self._chunk({"reasoning_content": text})]
        if kind == "signature_delta":
            signed = {
                "type": "thinking",
                "thinking": "".join(block.thinking),
                "signature": delta.get("signature", ""),
            }
            return [self._chunk({"thinking_blocks": [signed]})]
        return []

    def _block_stop(self, data: Body) -> list[bytes]:
        block = self._blocks.pop(data.get("index"), None)
        if block is None or block.tool < 0 or block.has_arguments:
            return []
        arguments = orjson.dumps(block.start_input).decode() if block.start_input else "{}"
        return [self._chunk({"tool_calls": [_arguments(block.tool, arguments)]})]

    def _message_delta(self, data: Body) -> None:
        delta = data.get("delta")
        if isinstance(delta, dict) and delta.get("stop_reason"):
            self._stop_reason = delta["stop_reason"]
        self._add_usage(data.get("usage"))

    def _message_stop(self) -> list[bytes]:
        self._done = True
        finish = finish_reason(self._stop_reason) or "stop"
        choice = {"index": 0, "delta": {}, "finish_reason": finish}
        frames = [self._frame(choices=[choice])]
        usage = usage_from_claude(self._usage)
        if self._include_usage and usage is not None:
            frames.append(self._frame(choices=[], usage=openai_usage(usage)))
        frames.append(DONE_FRAME)
        return frames

    def _add_usage(self, usage: Any) -> None:
        """Claude sends input usage at the start and cumulative counts in ``message_delta``."""
        if isinstance(usage, dict):
            self._usage.update((k, v) for k, v in usage.items() if v is not None)

    def _error(self, error: dict[str, Any]) -> list[bytes]:
        self._done = True
        kind = error.get("type") or "upstream_error"
        message = error.get("message") or "the upstream reported an error"
        error_body = {"message": message, "type": kind, "code": kind, "param": None}
        return [sse_frame({"error": error_body})]


def _arguments(index: int, piece: str) -> dict[str, Any]:
    return {"index": index, "function": {"arguments": piece}}
