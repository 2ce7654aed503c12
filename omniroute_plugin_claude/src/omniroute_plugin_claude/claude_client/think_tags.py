"""Reasoning that arrives inside ``content`` as a leading ``<think>…</think>``.

Local servers without a reasoning parser (vLLM, llama.cpp, LM Studio with DeepSeek-R1, Qwen3,
MiniMax) put the model's reasoning in the content. A Claude client would show it as answer
text, so it is turned into a thinking block. Only a tag at the very start of the content
counts: a ``<think>`` later in an answer is the model writing about tags, not reasoning.
"""

from __future__ import annotations

from typing import Literal

OPEN = "<think>"
CLOSE = "</think>"

Piece = tuple[Literal["thinking", "text"], str]


def split_think(content: str) -> tuple[str, str]:
    """``(reasoning, text)`` of a whole content string."""
    stripped = content.lstrip()
    if not stripped.startswith(OPEN):
        return "", content
    reasoning, closed, text = stripped[len(OPEN) :].partition(CLOSE)
    return reasoning, text.lstrip() if closed else ""


class ThinkTagSplitter:
    """The streaming form of ``split_think``: content deltas in, thinking and text pieces out.

    A tag can be split across deltas, so the start of the content is held until it is known
    whether it opens with ``<think>``, and inside the reasoning a tail that could begin
    ``</think>`` is held until the next delta. Once plain text is flowing, deltas pass
    through untouched.
    """

    __slots__ = ("_held", "_state")

    def __init__(self) -> None:
        self._state: Literal["start", "thinking", "after", "text"] = "start"
        self._held = ""

    def feed(self, delta: str) -> list[Piece]:
        if self._state == "text":
            return [("text", delta)]
        if self._state == "thinking":
            return self._thinking(delta)
        if self._state == "after":
            return self._after(delta)
        self._held += delta
        head = self._held.lstrip()
        if len(head) < len(OPEN) and OPEN.startswith(head):
            return []  # still possibly the opening tag (or only whitespace so far)
        held, self._held = self._held, ""
        if head.startswith(OPEN):
            self._state = "thinking"
            return self._thinking(head[len(OPEN) :])
        self._state = "text"
        return [("text", held)]

    def flush(self) -> list[Piece]:
        """What is still held when the content ends (an unclosed tag keeps it as reasoning)."""
        held, self._held = self._held, ""
        if not held:
            return []
        return [("thinking" if self._state == "thinking" else "text", held)]

    def _thinking(self, delta: str) -> list[Piece]:
        text = self._held + delta
        end = text.find(CLOSE)
        if end >= 0:
            self._held = ""
            self._state = "after"
            out: list[Piece] = [("thinking", text[:end])] if end else []
            return out + self._after(text[end + len(CLOSE) :])
        keep = _partial_suffix(text, CLOSE)
        self._held = text[len(text) - keep :] if keep else ""
        emit = text[: len(text) - keep]
        return [("thinking", emit)] if emit else []

    def _after(self, delta: str) -> list[Piece]:
        """Skip the blank lines models put between ``</think>`` and the answer."""
        text = delta.lstrip()
        if not text:
            return []
        self._state = "text"
        return [("text", text)]


def _partial_suffix(text: str, tag: str) -> int:
    """Length of the longest end of ``text`` that is a proper start of ``tag``."""
    for size in range(min(len(tag) - 1, len(text)), 0, -1):
        if text.endswith(tag[:size]):
            return size
    return 0
