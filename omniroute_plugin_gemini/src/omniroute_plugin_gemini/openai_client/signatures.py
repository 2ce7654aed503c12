"""Thought signatures across OpenAI turns.

Gemini returns an opaque ``thoughtSignature`` on parts of its answer and wants it back,
byte for byte, on the same part when the conversation continues; Gemini 3 refuses (400) a
current-turn function call sent back without one (the original's #1467 and #10211). OpenAI
messages have no such field, so the signature travels where Google's own OpenAI-compatible
endpoint puts it, which clients built for that endpoint already echo back:

* on a tool call: ``tool_calls[i].extra_content.google.thought_signature``, returned on its
  ``functionCall`` part;
* outside function calls (Gemini signs the last part of an answer without calls): on the
  message, ``extra_content.google.thought_signature``, returned on the turn's last text
  part, and dropped when the turn has no text (Gemini does not require those back; they only
  help it resume its reasoning). An answer carries at most one such signature; should
  Gemini sign several parts, the first is kept, because a streaming client concatenates
  repeated string fields.

A client that dropped the signatures (history rebuilt from storage, or moved over from
another provider) would get a 400 from Gemini 3, so ``fill_missing`` gives the first
function call of each step of the current turn Google's documented placeholder
(``mapping.SKIP_THOUGHT_SIGNATURE``), which tells Gemini to skip validation. Only where
needed: the placeholder costs the model its earlier reasoning, and older turns and other
models are not validated.
"""

from __future__ import annotations

from typing import Any

from ..mapping import SKIP_THOUGHT_SIGNATURE


def read(holder: Any) -> str | None:
    """The Gemini signature an OpenAI message or tool call carries, if any."""
    if not isinstance(holder, dict):
        return None
    extra = holder.get("extra_content")
    google = extra.get("google") if isinstance(extra, dict) else None
    signature = google.get("thought_signature") if isinstance(google, dict) else None
    return signature if isinstance(signature, str) and signature else None


def extra_content(signature: str) -> dict[str, Any]:
    """The ``extra_content`` value that carries ``signature`` on the OpenAI side."""
    return {"google": {"thought_signature": signature}}


def fill_missing(contents: list[dict[str, Any]]) -> None:
    """Give the unsigned first function call of each current-turn model step the placeholder.

    The current turn starts at the last user content that is not only function responses:
    every model content after it is one step of the turn Gemini validates.
    """
    start = 0
    for index, content in enumerate(contents):
        if content["role"] == "user" and any("functionResponse" not in p for p in content["parts"]):
            start = index
    for content in contents[start:]:
        if content["role"] != "model":
            continue
        call = next((p for p in content["parts"] if "functionCall" in p), None)
        if call is not None and "thoughtSignature" not in call:
            call["thoughtSignature"] = SKIP_THOUGHT_SIGNATURE
