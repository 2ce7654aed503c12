"""Gemini answers on the wire: ``GenerateContentResponse`` bodies and their stream chunks.

Shaped like captures of the real API, including what gateways get wrong: a thought part
(``"thought": true``) before the answer when thoughts are requested; a ``thoughtSignature``
on the function call part (and, when the model thought, on the last text part, which in a
stream is the last piece); thinking
tokens that use up ``maxOutputTokens`` first, so a tight limit ends in ``MAX_TOKENS`` with
an empty answer (content without ``parts``); ``finishReason`` ``STOP`` for function calls.

Streams repeat ``usageMetadata`` on every chunk with *running* totals (thoughts counted from
the first chunk), so a gateway must keep the last value, not add them up; text arrives a word
per chunk, a function call whole, and the finish reason rides on the last chunk. SSE frames
end in ``\\r\\n\\r\\n`` and have no ``[DONE]`` sentinel, as Google sends them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .gemini_request import Prompt, thought_signature
from .replies import (
    apply_stop_sequences,
    count_words,
    reply_to,
    split_words,
    thinking_text,
)

SSE_END = b"\r\n\r\n"
FUNCTION_CALL_MESSAGE = "Model generated function call(s)."

Wrap = Callable[[dict[str, Any]], dict[str, Any]]
"""Puts one response in a dialect's envelope (Code Assist: ``{"response": …}``)."""


def sse_frame(payload: Any) -> bytes:
    """One SSE frame the way Google writes it (``": "`` after keys, CRLF line ends)."""
    return b"data: " + json.dumps(payload, separators=(",", ": ")).encode() + SSE_END


@dataclass(frozen=True, slots=True)
class Generated:
    """One answer before it is put on the wire."""

    thought: str | None
    """The thought summary shown to the client (``includeThoughts``), else None."""
    thought_tokens: int
    part: dict[str, Any] | None
    """The answer's text or ``functionCall`` part; None when the limit left no room."""
    finish: str
    prompt_tokens: int
    output_tokens: int

    @property
    def calls_function(self) -> bool:
        return self.part is not None and "functionCall" in self.part


def generate(prompt: Prompt, *, call_ids: bool, sign_calls: bool) -> Generated:
    """The mock model's answer to ``prompt`` (rules in ``replies.py``).

    ``call_ids``: give the function call an ``id`` (Gemini 3); ``sign_calls``: put a thought
    signature on it even when the model did not think (strict signatures on older models).
    """
    thought = thinking_text(prompt.turns) if prompt.thinking else None
    thought_tokens = count_words(thought) if thought else 0
    limit = prompt.max_output_tokens
    room = None if limit is None else max(0, limit - thought_tokens)
    reply = reply_to(prompt.turns, prompt.tools, room)
    _, reply = apply_stop_sequences(reply, prompt.stop_sequences)
    part: dict[str, Any] | None = None
    if reply.tool_call is not None:
        call: dict[str, Any] = {"name": reply.tool_call.name}
        call["args"] = json.loads(reply.tool_call.arguments)
        if call_ids:
            call["id"] = reply.tool_call.id
        part = {"functionCall": call}
        if sign_calls or prompt.thinking:
            part["thoughtSignature"] = thought_signature(part)
    elif reply.text:
        part = {"text": reply.text}
        if prompt.thinking:
            part["thoughtSignature"] = thought_signature(part)
    return Generated(
        thought=thought if prompt.include_thoughts else None,
        thought_tokens=thought_tokens,
        part=part,
        finish="MAX_TOKENS" if reply.truncated else "STOP",
        prompt_tokens=reply.prompt_tokens,
        output_tokens=reply.completion_tokens,
    )


def usage_metadata(
    prompt: int, candidates: int, thoughts: int, extra: Mapping[str, Any]
) -> dict[str, Any]:
    """``usageMetadata`` as Google reports it: zero counts left out, thoughts in the total."""
    usage: dict[str, Any] = {"promptTokenCount": prompt}
    if candidates:
        usage["candidatesTokenCount"] = candidates
    usage["totalTokenCount"] = prompt + candidates + thoughts
    usage["promptTokensDetails"] = [{"modality": "TEXT", "tokenCount": prompt}]
    if thoughts:
        usage["thoughtsTokenCount"] = thoughts
    return {**usage, **extra}


class Renderer:
    """Turns a ``Generated`` answer into one dialect's bodies.

    ``head`` closes every response (``modelVersion``, ``responseId``, Vertex's
    ``createTime``); ``usage_extra`` adds dialect fields to ``usageMetadata``; ``wrap`` puts
    each response in the dialect's envelope.
    """

    def __init__(self, head: Mapping[str, Any], usage_extra: Mapping[str, Any], wrap: Wrap):
        self.head = dict(head)
        self.usage_extra = dict(usage_extra)
        self.wrap = wrap

    def response(self, answer: Generated) -> dict[str, Any]:
        parts = [] if answer.thought is None else [{"text": answer.thought, "thought": True}]
        parts += [] if answer.part is None else [answer.part]
        return self._chunk(answer, parts, answer.output_tokens, last=True)

    def chunks(self, answer: Generated) -> list[dict[str, Any]]:
        """The stream of ``answer``: thought words, answer words (or the whole call), then
        the finish reason on the last chunk."""
        pieces: list[tuple[dict[str, Any], int]] = []
        if answer.thought is not None:
            pieces += [({"text": w, "thought": True}, 0) for w in split_words(answer.thought)]
        part = answer.part
        if part is not None and "text" in part:
            words = split_words(part["text"])
            emitted = 0
            for index, word in enumerate(words):
                emitted += count_words(word)
                piece: dict[str, Any] = {"text": word}
                if index == len(words) - 1 and "thoughtSignature" in part:
                    piece["thoughtSignature"] = part["thoughtSignature"]
                pieces.append((piece, emitted))
        elif part is not None:
            pieces.append((part, answer.output_tokens))
        if not pieces:
            return [self._chunk(answer, [], 0, last=True)]
        last = len(pieces) - 1
        return [
            self._chunk(answer, [piece], emitted, last=index == last)
            for index, (piece, emitted) in enumerate(pieces)
        ]

    def _chunk(
        self, answer: Generated, parts: list[dict[str, Any]], emitted: int, *, last: bool
    ) -> dict[str, Any]:
        content: dict[str, Any] = {"parts": parts, "role": "model"} if parts else {"role": "model"}
        candidate: dict[str, Any] = {"content": content}
        if last:
            candidate["finishReason"] = answer.finish
        candidate["index"] = 0
        if last and answer.calls_function:
            candidate["finishMessage"] = FUNCTION_CALL_MESSAGE
        usage = usage_metadata(
            answer.prompt_tokens, emitted, answer.thought_tokens, self.usage_extra
        )
        return self.wrap({"candidates": [candidate], "usageMetadata": usage, **self.head})
