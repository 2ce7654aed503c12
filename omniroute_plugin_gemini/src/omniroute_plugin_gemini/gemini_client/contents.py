"""Gemini ``contents`` → OpenAI Chat ``messages``.

Three differences shape this module:

* Turns. Gemini accepts consecutive turns of one role, and the ``google-genai`` chat helper
  produces them itself: a streamed answer is stored as one ``model`` content per chunk. They
  are merged first (the original's "consecutive roles" failures), and the text of a merged
  model turn is concatenated without separators, because its pieces are fragments of one
  answer. Distinct user parts stay distinct parts (joined by newlines when collapsed).
* Tool results. Gemini answers calls with ``functionResponse`` parts inside the next user
  turn and correlates them by name (``id`` is optional); OpenAI wants one ``tool`` message
  per call, right after the assistant message, carrying the call's ``id``. See ``_match``.
* Fields OpenAI has no place for: ``thoughtSignature`` (meaningful only to Gemini) is
  dropped; thought text becomes ``reasoning_content``, which reasoning models on the OpenAI
  side (DeepSeek, Kimi, Qwen) want echoed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from .parts import Part, code_text, content_part
from .wire import pick, pick_list

Message = dict[str, Any]

NO_RESULT = "No result was returned for this call."
"""Content of the ``tool`` message for a call the client never answered: OpenAI rejects an
assistant ``tool_calls`` message that is not followed by a result for each call."""


@dataclass(frozen=True, slots=True)
class _Call:
    id: str
    name: str


def openai_messages(contents: Any) -> list[Message]:
    """The OpenAI message list for a Gemini ``contents`` array (malformed entries skipped)."""
    out: list[Message] = []
    ordinal = itertools.count()
    pending: list[_Call] = []
    for role, parts in _turns(contents):
        if role == "model":
            message, pending = _assistant(parts, ordinal)
            if message is not None:
                out.append(message)
        else:
            _extend(out, _user(parts, pending))
            pending = []
    out += [_no_result(call) for call in pending]
    return out


def _extend(out: list[Message], messages: list[Message]) -> None:
    """Append a user turn's messages; a user message right after another one (the model turn
    between them gave no message) joins it, so roles still alternate."""
    if messages and out and out[-1]["role"] == "user" and messages[0]["role"] == "user":
        earlier, later = out.pop()["content"], messages[0]["content"]
        merged = {"role": "user", "content": _collapse(_listed(earlier) + _listed(later))}
        messages = [merged, *messages[1:]]
    out += messages


def _listed(content: str | list[Part]) -> list[Part]:
    return [{"type": "text", "text": content}] if isinstance(content, str) else content


def _turns(contents: Any) -> list[tuple[str, list[dict[str, Any]]]]:
    """``(role, parts)`` with consecutive same-role contents merged. Every role but ``model``
    is the user's (``function`` is the legacy role of tool-result turns)."""
    turns: list[tuple[str, list[dict[str, Any]]]] = []
    for content in contents if isinstance(contents, list) else ():
        if not isinstance(content, dict):
            continue
        parts = [part for part in pick_list(content, "parts") if isinstance(part, dict)]
        if not parts:
            continue
        role = "model" if content.get("role") == "model" else "user"
        if turns and turns[-1][0] == role:
            turns[-1][1].extend(parts)
        else:
            turns.append((role, parts))
    return turns


# -- model turns ----------------------------------------------------------------------------


def _assistant(
    parts: list[dict[str, Any]], ordinal: Iterator[int]
) -> tuple[Message | None, list[_Call]]:
    """One assistant message and the calls it made. A turn with neither text nor calls (only
    thoughts, or only media OpenAI cannot replay) gives no message: OpenAI rejects an
    assistant message without both."""
    texts: list[str] = []
    reasoning: list[str] = []
    calls: list[dict[str, Any]] = []
    for part in parts:
        call = pick(part, "functionCall")
        if isinstance(call, dict):
            calls.append(_tool_call(call, next(ordinal)))
            continue
        text = pick(part, "text")
        if isinstance(text, str):
            (reasoning if pick(part, "thought") is True else texts).append(text)
        elif code := code_text(part):
            texts.append(f"\n{code}\n")
    content = "".join(texts)
    if not content and not calls:
        return None, []
    message: Message = {"role": "assistant", "content": content or None}
    if calls:
        message["tool_calls"] = calls
    if any(reasoning):
        message["reasoning_content"] = "".join(reasoning)
    made = [_Call(call["id"], call["function"]["name"]) for call in calls]
    return message, made


def _tool_call(call: dict[str, Any], ordinal: int) -> dict[str, Any]:
    """An OpenAI tool call. Its id is the part's ``id`` when the client kept it (this
    gateway's answers carry the upstream's ``call_…`` id); otherwise ``call_<name>_<n>``,
    ``n`` counting the calls of the whole conversation, so the same history always yields
    the same ids and the upstream's prompt cache keeps matching."""
    name = str(pick(call, "name") or "")
    call_id = pick(call, "id")
    if not isinstance(call_id, str) or not call_id:
        call_id = f"call_{name}_{ordinal}"
    args = pick(call, "args")
    return {
        "id": call_id,
        "type": "function",
        "function": {
            "name": name,
            "arguments": orjson.dumps(args if isinstance(args, dict) else {}).decode(),
        },
    }


# -- user turns -----------------------------------------------------------------------------


def _user(parts: list[dict[str, Any]], pending: list[_Call]) -> list[Message]:
    """The ``tool`` messages answering ``pending`` (in call order, a placeholder for any call
    left unanswered), then one user message with the rest of the turn.

    Media a function returned (Gemini 3's ``functionResponse.parts``) cannot ride on an
    OpenAI tool message, so it opens the user message, and the tool message says so. A
    result that answers no call of the previous turn cannot be a ``tool`` message at all;
    it is kept as text in the user message rather than lost.
    """
    open_calls = list(pending)
    results: dict[str, Message] = {}
    moved: list[Part] = []
    content: list[Part] = []
    for part in parts:
        response = pick(part, "functionResponse")
        if not isinstance(response, dict):
            converted = content_part(part)
            if converted is not None:
                content.append(converted)
            continue
        text, attached = _result(response)
        call = _match(response, open_calls)
        if call is None:
            name = str(pick(response, "name") or "function")
            content.append({"type": "text", "text": f"[result of {name}] {text}"})
            content.extend(attached)
        else:
            results[call.id] = {"role": "tool", "tool_call_id": call.id, "content": text}
            moved.extend(attached)
    messages = [results.get(call.id) or _no_result(call) for call in pending]
    content = moved + content
    if content:
        messages.append({"role": "user", "content": _collapse(content)})
    return messages


def _match(response: dict[str, Any], open_calls: list[_Call]) -> _Call | None:
    """The call a ``functionResponse`` answers, taken out of ``open_calls``: the call with
    its ``id`` if it has one that matches, else the earliest open call of the same name.

    Matching by name in order is Gemini's own rule; the id comes first because it is exact
    when the client echoes it (Gemini CLI and the SDK do) and the same function was called
    twice. Gemini CLI invents ids for calls that had none, which then match no call, so the
    name rule still applies to them.
    """
    response_id = pick(response, "id")
    name = pick(response, "name")
    found = next((i for i, call in enumerate(open_calls) if call.id == response_id), None)
    if found is None:
        found = next((i for i, call in enumerate(open_calls) if call.name == name), None)
    return None if found is None else open_calls.pop(found)


def _result(response: dict[str, Any]) -> tuple[str, list[Part]]:
    """A tool message's text and the media parts the function returned.

    Gemini's convention is ``{"output": …}`` for a result and ``{"error": …}`` for a
    failure; a lone string output is passed as the plain text a model reads best, anything
    else as compact JSON.
    """
    body = pick(response, "response")
    if isinstance(body, dict) and list(body) == ["output"] and isinstance(body["output"], str):
        text = body["output"]
    elif isinstance(body, dict) and list(body) == ["error"]:
        error = body["error"]
        text = f"Error: {error if isinstance(error, str) else orjson.dumps(error).decode()}"
    elif body is None:
        text = ""
    else:
        text = orjson.dumps(body).decode()
    attached = [
        converted
        for part in pick_list(response, "parts")
        if isinstance(part, dict) and (converted := content_part(part)) is not None
    ]
    if attached:
        note = f"[{len(attached)} attachment(s) returned; sent with the next user message]"
        text = f"{text}\n{note}" if text else note
    return text, attached


def _no_result(call: _Call) -> Message:
    return {"role": "tool", "tool_call_id": call.id, "content": NO_RESULT}


def _collapse(parts: list[Part]) -> str | list[Part]:
    """Text-only content as one string: many OpenAI-compatible servers accept only strings."""
    if all(part["type"] == "text" for part in parts):
        return "\n".join(part["text"] for part in parts)
    return parts
