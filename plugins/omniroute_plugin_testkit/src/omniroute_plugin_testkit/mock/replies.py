"""The mock's deterministic "model": what it answers, whatever the wire format.

Tests through a gateway must prove that the client's words reached the upstream and the
upstream's words came back, so the answer is derived from the request instead of canned:

* after the last user turn a tool result arrived → ``"tool result: <results>"``;
* otherwise, when callable tools were offered → a call to the first of them, with arguments
  built from its JSON schema (strings get the user's text, numbers its word count);
* otherwise → ``"echo: <last user text>"``.

Token counts are word counts (prompt: every turn; completion: the answer, or the call's
arguments JSON), and ``max_tokens`` truncates the answer to that many words, so usage and
``length`` stops are predictable too. Format modules turn their messages into ``Turn`` and
``Tool`` records and render the ``Reply`` in their own shape.

Thinking is derived from the prompt the same way (``thinking_text``), and the opaque tokens
APIs attach to reasoning (Anthropic's thinking ``signature``, Gemini's ``thoughtSignature``)
are HMACs of what they cover (``signature``), so a mock can tell a replayed token from an
edited, moved or invented one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Turn:
    """One message reduced to what the rules read; ``role`` is system/user/assistant/tool."""

    role: str
    text: str


@dataclass(frozen=True, slots=True)
class Tool:
    """A callable tool: its name and JSON-schema parameters."""

    name: str
    parameters: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A call the mock decided to make; ``arguments`` is JSON text, ``id`` is stable."""

    id: str
    name: str
    arguments: str


@dataclass(frozen=True, slots=True)
class Reply:
    """The answer: either ``text`` or a ``tool_call``; ``truncated`` when max_tokens cut it."""

    text: str | None
    tool_call: ToolCall | None
    prompt_tokens: int
    completion_tokens: int
    truncated: bool = False


def count_words(text: str) -> int:
    """The mock's token count: whitespace-separated words."""
    return len(text.split())


def split_words(text: str) -> list[str]:
    """``text`` in word-sized pieces that concatenate back to it, for stream deltas."""
    return re.findall(r"\S+\s*", text)


def split_fixed(text: str, size: int = 8) -> list[str]:
    """``text`` in pieces of ``size`` characters, for streamed tool-call arguments."""
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def reply_to(turns: Sequence[Turn], tools: Sequence[Tool], max_tokens: int | None) -> Reply:
    """Apply the rules of this module to a conversation.

    ``tools`` holds only the tools the request allows the model to call (empty when tool
    choice is ``none``, just the forced one when a tool is forced).
    """
    prompt_tokens = sum(count_words(turn.text) for turn in turns)
    last_user = max((i for i, turn in enumerate(turns) if turn.role == "user"), default=-1)
    user_text = turns[last_user].text if last_user >= 0 else ""
    results = [turn.text for turn in turns[last_user + 1 :] if turn.role == "tool"]
    if not results and tools:
        call = _call(tools[0], user_text)
        return Reply(None, call, prompt_tokens, max(1, count_words(call.arguments)))
    text = f"tool result: {'; '.join(results)}" if results else f"echo: {user_text}"
    words = text.split()
    if max_tokens is not None and len(words) > max_tokens:
        return Reply(" ".join(words[:max_tokens]), None, prompt_tokens, max_tokens, True)
    return Reply(text, None, prompt_tokens, len(words))


def thinking_text(turns: Sequence[Turn]) -> str:
    """The mock's reasoning: derived from the prompt so tests can tell it reached the client."""
    user = next((turn.text for turn in reversed(turns) if turn.role == "user"), "")
    return f"The user wrote: {user}"


def apply_stop_sequences(reply: Reply, sequences: Any) -> tuple[str | None, Reply]:
    """The first stop sequence the text reaches, and the reply cut just before it."""
    if reply.text is None or not isinstance(sequences, list):
        return None, reply
    hits = [(reply.text.find(s), s) for s in sequences if isinstance(s, str) and s in reply.text]
    if not hits:
        return None, reply
    position, sequence = min(hits)
    text = reply.text[:position]
    return sequence, Reply(text, None, reply.prompt_tokens, count_words(text))


def signature(purpose: str, text: str) -> bytes:
    """The HMAC-SHA256 of ``text`` under the mock's key for ``purpose`` (``thinking`` …).

    Deterministic, so a test can compute the token a mock issues, and unforgeable without
    the key in practice, so a gateway that invents or moves a token is caught.
    """
    key = f"omniroute-testkit-mock-{purpose}".encode()
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def _call(tool: Tool, user_text: str) -> ToolCall:
    properties = tool.parameters.get("properties")
    arguments: dict[str, Any] = {}
    if isinstance(properties, Mapping):
        for name, schema in properties.items():
            arguments[str(name)] = _value_for(schema, user_text)
    text = json.dumps(arguments)
    digest = hashlib.sha256(f"{tool.name}:{text}".encode()).hexdigest()[:24]
    return ToolCall(id=f"call_{digest}", name=tool.name, arguments=text)


def _value_for(schema: Any, user_text: str) -> Any:
    if not isinstance(schema, Mapping):
        return user_text
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return enum[0]
    kind = schema.get("type")
    if kind in ("integer", "number"):
        return count_words(user_text)
    if kind == "boolean":
        return True
    if kind == "array":
        return []
    if kind == "object":
        return {}
    return user_text
