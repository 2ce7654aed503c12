"""OpenAI ``chat.completion.chunk`` stream → Anthropic Messages SSE, one state machine per stream.

The Anthropic SDKs and Claude Code rebuild the message from the event sequence, so the order
is exact: ``message_start`` (+ ``ping``); per block ``content_block_start``,
``content_block_delta``…, ``content_block_stop``, blocks strictly one after another with
increasing ``index``; then ``message_delta`` (stop reason and the usage totals) and
``message_stop``. An OpenAI stream interleaves nothing of the kind: reasoning, text and each
tool call (by its ``index``) simply become separate blocks, a change of kind closing the open
block. Finishing waits for usage: the finish chunk comes before the usage-only chunk the
gateway asks upstreams for, and ``message_delta`` must carry the totals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from omniroute import sse_frame

from ..mapping import stop_reason
from .common import (
    arguments_text,
    claude_error,
    claude_usage_of,
    message_id,
    reasoning_of,
    tool_id,
)
from .think_tags import ThinkTagSplitter

Kind = Literal["thinking", "text", "tool"]

_BROKEN = "the upstream stream ended before the answer was complete"
_PING = sse_frame({"type": "ping"}, event="ping")
_STOP = sse_frame({"type": "message_stop"}, event="message_stop")


@dataclass(slots=True)
class _Tool:
    index: int
    id: str


class ClaudeStream:
    """Feed it each upstream OpenAI chunk (``None`` for ``[DONE]``); it returns Claude frames.

    Tool arguments are relayed fragment by fragment as ``input_json_delta``, as Anthropic
    does, and every fragment of a chunk is sent before that chunk's finish reason closes the
    block, so the last fragment is never lost. A fragment for a tool call whose block was
    already closed (an upstream interleaving calls) is still sent, under that block's index.
    """

    __slots__ = (
        "_done",
        "_finish",
        "_model",
        "_next_index",
        "_open",
        "_open_kind",
        "_open_tool",
        "_saw_tool",
        "_started",
        "_text",
        "_tools",
        "_usage",
    )

    def __init__(self, model: str) -> None:
        self._model = model
        self._started = False
        self._done = False
        self._next_index = 0
        self._open: int | None = None
        self._open_kind: Kind | None = None
        self._open_tool: int | None = None
        self._tools: dict[int, _Tool] = {}
        self._saw_tool = False
        self._finish: str | None = None
        self._usage: Any = None
        self._text = ThinkTagSplitter()

    def feed(self, event: str | None, data: dict[str, Any] | None) -> list[bytes]:
        if self._done:
            return []
        if data is None:
            return self._complete()
        if data.get("error") is not None and not data.get("choices"):
            return self._fail(claude_error(data["error"]))
        out = self._start(data.get("id"), data.get("usage")) if not self._started else []
        choice = _first_choice(data.get("choices"))
        if choice is not None:
            delta = choice.get("delta")
            if isinstance(delta, dict):
                out += self._delta(delta)
            finish = choice.get("finish_reason")
            if isinstance(finish, str) and finish:
                out += self._flush_text()
                out += self._close()
                self._finish = finish
        usage = data.get("usage")
        if isinstance(usage, dict):
            self._usage = usage
            if self._finish is not None:
                out += self._complete()
        return out

    def finish(self) -> list[bytes]:
        """The upstream ended: complete the message if it finished, else report a broken stream."""
        if self._done:
            return []
        if self._finish is not None:
            return self._complete()
        return self._fail({"type": "error", "error": {"type": "api_error", "message": _BROKEN}})

    # -- message level ------------------------------------------------------------------------

    def _start(self, upstream_id: Any, usage: Any) -> list[bytes]:
        self._started = True
        message: dict[str, Any] = {
            "id": message_id(upstream_id),
            "type": "message",
            "role": "assistant",
            "model": self._model,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": claude_usage_of(usage),
        }
        return [sse_frame({"type": "message_start", "message": message}, "message_start"), _PING]

    def _complete(self) -> list[bytes]:
        out = [] if self._started else self._start(None, None)
        out += self._flush_text()
        out += self._close()
        stop = stop_reason(self._finish) or "end_turn"
        if stop == "end_turn" and self._saw_tool:
            stop = "tool_use"  # some upstreams report "stop" after tool calls (#3980)
        delta = {
            "type": "message_delta",
            "delta": {"stop_reason": stop, "stop_sequence": None},
            "usage": claude_usage_of(self._usage),
        }
        out += [sse_frame(delta, "message_delta"), _STOP]
        self._done = True
        return out

    def _fail(self, error: dict[str, Any]) -> list[bytes]:
        """Close what is open and end with ``event: error`` (the SDKs raise it as an API error)."""
        out = self._flush_text() if self._started else []
        out += self._close()
        out.append(sse_frame(error, "error"))
        self._done = True
        return out

    # -- blocks -------------------------------------------------------------------------------

    def _delta(self, delta: dict[str, Any]) -> list[bytes]:
        out: list[bytes] = []
        reasoning = reasoning_of(delta)
        if reasoning:
            out += self._flush_text()
            out += self._append("thinking", reasoning)
        content = delta.get("content")
        if isinstance(content, str) and content:
            for kind, piece in self._text.feed(content):
                out += self._append(kind, piece)
        calls = delta.get("tool_calls")
        if isinstance(calls, list):
            for call in calls:
                if isinstance(call, dict):
                    out += self._tool_delta(call)
        return out

    def _append(self, kind: Literal["thinking", "text"], text: str) -> list[bytes]:
        out = [] if self._open_kind == kind else self._open_block(kind, _empty_block(kind))
        payload = (
            {"type": "thinking_delta", "thinking": text}
            if kind == "thinking"
            else {
                "type": "text_delta",
                "text": text,
            }
        )
        out.append(_delta_frame(self._open, payload))
        return out

    def _flush_text(self) -> list[bytes]:
        """Send content the think-tag splitter still holds, before another kind of block."""
        out: list[bytes] = []
        for kind, piece in self._text.flush():
            out += self._append(kind, piece)
        return out

    def _tool_delta(self, call: dict[str, Any]) -> list[bytes]:
        function = call.get("function")
        function = function if isinstance(function, dict) else {}
        call_id = call.get("id") if isinstance(call.get("id"), str) else None
        key = self._tool_key(call.get("index"), call_id)
        tool = self._tools.get(key)
        out: list[bytes] = []
        if tool is None or (call_id and call_id != tool.id and function.get("name")):
            # A new call; an upstream reusing an index for a second call gets a second block.
            out += self._flush_text()
            tool = _Tool(self._next_index, tool_id(call_id))
            name = str(function.get("name") or "")
            block = {"type": "tool_use", "id": tool.id, "name": name, "input": {}}
            out += self._open_block("tool", block, key)
            self._tools[key] = tool
            self._saw_tool = True
        fragment = arguments_text(function.get("arguments"))
        if fragment:
            out.append(
                _delta_frame(tool.index, {"type": "input_json_delta", "partial_json": fragment})
            )
        return out

    def _tool_key(self, index: Any, call_id: str | None) -> int:
        """The OpenAI ``index`` of a tool-call delta; for upstreams that omit it, the call with
        the same id, a fresh key for a new id, or else the call seen last."""
        if isinstance(index, int):
            return index
        if call_id:
            for key, tool in self._tools.items():
                if tool.id == call_id:
                    return key
            return max(self._tools, default=-1) + 1
        return self._open_tool if self._open_tool is not None else max(self._tools, default=0)

    def _open_block(
        self, kind: Kind, block: dict[str, Any], tool: int | None = None
    ) -> list[bytes]:
        out = self._close()
        self._open, self._open_kind, self._open_tool = self._next_index, kind, tool
        self._next_index += 1
        start = {"type": "content_block_start", "index": self._open, "content_block": block}
        out.append(sse_frame(start, "content_block_start"))
        return out

    def _close(self) -> list[bytes]:
        if self._open is None:
            return []
        frame = sse_frame({"type": "content_block_stop", "index": self._open}, "content_block_stop")
        self._open = self._open_kind = self._open_tool = None
        return [frame]


def _first_choice(choices: Any) -> dict[str, Any] | None:
    """Choice 0: a Claude message has one answer, so other choices (``n`` > 1) are ignored."""
    if not isinstance(choices, list):
        return None
    for choice in choices:
        if isinstance(choice, dict) and choice.get("index", 0) == 0:
            return choice
    return None


def _empty_block(kind: Literal["thinking", "text"]) -> dict[str, Any]:
    if kind == "thinking":
        return {"type": "thinking", "thinking": "", "signature": ""}
    return {"type": "text", "text": ""}


def _delta_frame(index: int | None, delta: dict[str, Any]) -> bytes:
    return sse_frame(
        {"type": "content_block_delta", "index": index, "delta": delta}, "content_block_delta"
    )
