"""OpenAI chunk stream → Gemini ``alt=sse`` stream, one state machine per stream.

Every Gemini frame is a whole ``GenerateContentResponse`` (``data: {…}``, no event names,
no ``[DONE]``). Text and reasoning deltas go out as they arrive, one frame per upstream
chunk. Function calls cannot: OpenAI streams their arguments in pieces, Gemini sends each
``functionCall`` part whole, so calls are buffered and released when complete. The last
frame carries ``finishReason`` and ``usageMetadata``; it waits for the usage chunk the
gateway asks OpenAI upstreams for, which comes after the finish chunk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from omniroute import sse_frame

from ..mapping import gemini_finish_reason
from .common import (
    EMPTY_TEXT,
    Part,
    call_id_of,
    function_call_part,
    gemini_error,
    reasoning_of,
    response_id,
    thought_part,
    usage_metadata,
)

_BROKEN = {"code": 502, "message": "the upstream stream ended before the answer was complete"}


@dataclass(slots=True)
class _Call:
    key: int
    id: str
    name: str
    args: list[str] = field(default_factory=list)
    superseded: bool = False
    """The upstream started another call under this call's ``index``, so this one is over."""

    def complete(self) -> bool:
        """True when no later fragment can belong to this call: it was superseded, or its
        arguments already form a JSON object (text after a closed object is never valid)."""
        if self.superseded:
            return True
        try:
            return isinstance(orjson.loads("".join(self.args)), dict)
        except orjson.JSONDecodeError:
            return False


@dataclass(slots=True)
class _Candidate:
    """The state of one choice (``n`` > 1 streams several, told apart by ``index``)."""

    index: int
    finish: str | None = None
    pending: list[_Call] = field(default_factory=list)
    sent: set[int] = field(default_factory=set)
    keys: dict[str, int] = field(default_factory=dict)
    """The key of each upstream call id, for upstreams that omit ``index``."""
    top_key: int = -1
    signed: bool = False

    def tool_delta(self, call: dict[str, Any]) -> list[Part]:
        """Buffer one tool-call delta; return the calls it shows to be complete.

        A delta that starts a new call means the upstream moved on, so the calls before it
        are released, in order, as far as their arguments are complete JSON: an upstream
        interleaving fragments of several calls never has a call cut short. A second call
        reusing an ``index`` (with a new id and a name) supersedes the first. A fragment for
        a call already sent cannot be added to it and is ignored.
        """
        function = call.get("function")
        function = function if isinstance(function, dict) else {}
        call_id = call.get("id") if isinstance(call.get("id"), str) and call["id"] else None
        name = function.get("name") if isinstance(function.get("name"), str) else None
        key = self._key(call.get("index"), call_id)
        current = next((c for c in reversed(self.pending) if c.key == key), None)
        if current is None:
            starts = key not in self.sent or bool(name)
        else:
            starts = bool(call_id and name) and call_id != current.id
            current.superseded = starts
        out: list[Part] = []
        if starts:
            out = self.release(everything=False)
            current = _Call(key, call_id_of(call_id), name or "")
            self.pending.append(current)
            self.keys[current.id] = key
            self.top_key = max(self.top_key, key)
        if current is None:
            return out
        fragment = function.get("arguments")
        if isinstance(fragment, dict):
            fragment = orjson.dumps(fragment).decode()
        if isinstance(fragment, str) and fragment:
            current.args.append(fragment)
        return out

    def release(self, everything: bool) -> list[Part]:
        """``functionCall`` parts for the buffered calls: all of them at the end of the
        choice, else the leading ones that are complete. The first call of the turn carries
        the skip signature (see ``common.function_call_part``)."""
        out: list[Part] = []
        while self.pending and (everything or self.pending[0].complete()):
            call = self.pending.pop(0)
            self.sent.add(call.key)
            out.append(function_call_part(call.id, call.name, "".join(call.args), not self.signed))
            self.signed = True
        return out

    def final(self) -> dict[str, Any]:
        """The candidate of the last frame: its finish reason, and the calls still buffered
        when ``[DONE]`` came without one."""
        parts = self.release(everything=True) or [EMPTY_TEXT]
        return {
            "content": {"role": "model", "parts": parts},
            "finishReason": gemini_finish_reason(self.finish) or "STOP",
            "index": self.index,
        }

    def _key(self, index: Any, call_id: str | None) -> int:
        """The OpenAI ``index`` of a tool-call delta; for upstreams that omit it, the call with
        the same id, a fresh key for a new id, or else the latest call."""
        if isinstance(index, int):
            return index
        if call_id is not None:
            return self.keys.get(call_id, self.top_key + 1)
        return max(self.top_key, 0)


class GeminiStream:
    """Feed it each upstream OpenAI chunk (``None`` for ``[DONE]``); it returns Gemini frames.

    Ends with the final frame once every choice finished and usage arrived, on ``[DONE]``,
    or when the upstream ends after finishing. An upstream error chunk, or an upstream that
    ends before finishing, ends the stream with a Gemini ``{"error": …}`` frame, which the
    ``google-genai`` SDKs raise as an ``APIError``; calls still buffered then are incomplete
    and are not sent, so a client never runs a tool with truncated arguments.
    """

    __slots__ = ("_candidates", "_done", "_id", "_model", "_usage")

    def __init__(self, model: str) -> None:
        self._model = model
        self._id: str | None = None
        self._candidates: dict[int, _Candidate] = {}
        self._usage: Any = None
        self._done = False

    def feed(self, event: str | None, data: dict[str, Any] | None) -> list[bytes]:
        if self._done:
            return []
        if data is None:
            return self._complete()
        if data.get("error") is not None and not data.get("choices"):
            return self._fail(gemini_error(data["error"]))
        if self._id is None:
            self._id = response_id(data.get("id"))
        candidates: list[dict[str, Any]] = []
        choices = data.get("choices")
        for choice in choices if isinstance(choices, list) else ():
            if isinstance(choice, dict):
                candidate = self._choice(choice)
                if candidate is not None:
                    candidates.append(candidate)
        out = [self._frame(candidates)] if candidates else []
        usage = data.get("usage")
        if isinstance(usage, dict):
            self._usage = usage
            if self._finished():
                out += self._complete()
        return out

    def finish(self) -> list[bytes]:
        """The upstream ended: complete the answer if it finished, else report a broken stream."""
        if self._done:
            return []
        if self._finished():
            return self._complete()
        return self._fail(gemini_error(_BROKEN))

    def _choice(self, choice: dict[str, Any]) -> dict[str, Any] | None:
        """The candidate this choice's delta adds, or None when it adds nothing yet."""
        index = choice.get("index")
        index = index if isinstance(index, int) else 0
        state = self._candidates.setdefault(index, _Candidate(index))
        delta = choice.get("delta")
        delta = delta if isinstance(delta, dict) else {}
        parts: list[Part] = []
        reasoning = reasoning_of(delta)
        if reasoning:
            parts.append(thought_part(reasoning))
        content = delta.get("content")
        if isinstance(content, str) and content:
            parts.append({"text": content})
        calls = delta.get("tool_calls")
        for call in calls if isinstance(calls, list) else ():
            if isinstance(call, dict):
                parts += state.tool_delta(call)
        finish = choice.get("finish_reason")
        if isinstance(finish, str) and finish:
            parts += state.release(everything=True)
            state.finish = finish
        if not parts:
            return None
        return {"content": {"role": "model", "parts": parts}, "index": index}

    def _finished(self) -> bool:
        return bool(self._candidates) and all(
            state.finish is not None for state in self._candidates.values()
        )

    def _complete(self) -> list[bytes]:
        """The final frame: every candidate's finish reason, and the usage."""
        states = sorted(self._candidates.values(), key=lambda state: state.index)
        candidates = [state.final() for state in states or [_Candidate(0)]]
        self._done = True
        return [self._frame(candidates, usage_metadata(self._usage))]

    def _frame(self, candidates: list[dict[str, Any]], usage: Any = None) -> bytes:
        if self._id is None:
            self._id = response_id(None)
        body: dict[str, Any] = {"candidates": candidates}
        if usage is not None:
            body["usageMetadata"] = usage
        body["modelVersion"] = self._model
        body["responseId"] = self._id
        return sse_frame(body)

    def _fail(self, error: dict[str, Any]) -> list[bytes]:
        self._done = True
        return [sse_frame(error)]
