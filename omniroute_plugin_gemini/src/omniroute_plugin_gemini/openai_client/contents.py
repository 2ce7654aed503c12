"""OpenAI ``messages`` → Gemini ``systemInstruction`` parts and ``contents``.

Gemini's conversation rules, each of which answers one of its 400s or a failure of the
original:

* System and developer messages may appear anywhere in OpenAI; Gemini takes one
  ``systemInstruction``, so all of them are hoisted there (text only), in order.
* Roles are ``user`` and ``model`` and consecutive contents of one role are merged into
  one (the original sent them as they came; reference §12).
* Tool results are ``functionResponse`` parts in a user content, and Gemini wants exactly
  as many of them as the model content before made calls. So tool messages are not kept
  where the client put them: the results of an assistant message's calls are looked up
  among the tool messages that follow it (up to the next assistant message, so ids reused
  across turns still match the right call), and placed, in the order of the calls, in the
  user content right after it. Each takes its call's name, which Gemini matches on. A call
  the client never answered gets an error response; a tool message answering no call is
  dropped (OpenAI refuses those too).
* A tool result that is a JSON object is the response as it is (Gemini's ``response`` is
  "the function's output as a JSON object"); any other result is ``{"result": text}``.
* Contents may not be empty and the conversation starts with the user: empty assistant
  messages are dropped, and a user content ``"."`` is put first when the conversation
  would start with the model or has no contents at all (a system-only request).

Assistant tool calls become ``functionCall`` parts with parsed ``args``; thought signatures
go back on the parts they came from (``signatures``). Earlier reasoning
(``reasoning_content``) is not sent back: Gemini resumes its reasoning from the signatures,
not from thought text.
"""

from __future__ import annotations

from typing import Any

import orjson

from omniroute import InvalidRequest

from . import signatures
from .parts import Part, content_parts, text_of

Content = dict[str, Any]

MISSING_RESULT = "No result was provided for this tool call."
"""The error response sent for a call the client never answered."""

_SYSTEM_ROLES = ("system", "developer")


def gemini_contents(messages: Any, fill_signatures: bool) -> tuple[list[Part], list[Content]]:
    """``(systemInstruction parts, contents)`` for an OpenAI ``messages`` array.

    ``fill_signatures``: give unsigned current-turn function calls the placeholder signature
    (for models that validate signatures).
    """
    if not isinstance(messages, list):
        raise InvalidRequest("'messages' must be an array")
    system: list[Part] = []
    contents: list[Content] = []
    for index, message in enumerate(messages):
        if not isinstance(message, dict):
            raise InvalidRequest("every message must be an object")
        role = message.get("role")
        if role in _SYSTEM_ROLES:
            system.extend(_system_parts(message.get("content")))
        elif role == "user":
            _append(contents, "user", content_parts(message.get("content")))
        elif role == "assistant":
            calls = _calls(message.get("tool_calls"))
            _append(contents, "model", _model_parts(message, calls))
            if calls:
                _append(contents, "user", _responses(calls, messages[index + 1 :]))
        elif role != "tool":
            raise InvalidRequest(f"message role {role!r} cannot be sent to a Gemini model")
    if not contents or contents[0]["role"] != "user":
        contents.insert(0, {"role": "user", "parts": [{"text": "."}]})
    if fill_signatures:
        signatures.fill_missing(contents)
    return system, contents


def _system_parts(content: Any) -> list[Part]:
    parts = content_parts(content)
    if any("text" not in part for part in parts):
        raise InvalidRequest("system and developer messages can only carry text for Gemini")
    return parts


def _calls(raw: Any) -> list[dict[str, Any]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise InvalidRequest("'tool_calls' must be an array")
    for call in raw:
        function = call.get("function") if isinstance(call, dict) else None
        if not isinstance(function, dict) or not function.get("name"):
            raise InvalidRequest("tool_calls entries need a function name")
    return raw


def _model_parts(message: dict[str, Any], calls: list[dict[str, Any]]) -> list[Part]:
    parts = content_parts(message.get("content"))
    signature = signatures.read(message)
    texts = [part for part in parts if "text" in part]
    if signature is not None and texts:
        texts[-1]["thoughtSignature"] = signature
    for call in calls:
        function = call["function"]
        part: Part = {"functionCall": {"name": function["name"], "args": _arguments(function)}}
        call_signature = signatures.read(call)
        if call_signature is not None:
            part["thoughtSignature"] = call_signature
        parts.append(part)
    return parts


def _arguments(function: dict[str, Any]) -> dict[str, Any]:
    """Parsed ``arguments``; anything but a JSON object becomes ``{}``.

    Gemini requires ``args`` to be an object. Unparseable arguments come from a call that was
    cut off (``finish_reason: length``); the tool result that follows tells the model what
    became of it, so an empty object keeps the conversation valid and loses nothing the model
    could use.
    """
    arguments = function.get("arguments")
    if isinstance(arguments, dict):
        return arguments
    if not isinstance(arguments, str) or not arguments:
        return {}
    try:
        parsed = orjson.loads(arguments)
    except orjson.JSONDecodeError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _responses(calls: list[dict[str, Any]], following: list[Any]) -> list[Part]:
    """One ``functionResponse`` per call, from the tool messages before the next assistant."""
    results: dict[Any, Any] = {}
    for message in following:
        if not isinstance(message, dict) or message.get("role") == "assistant":
            break
        if message.get("role") == "tool":
            results.setdefault(message.get("tool_call_id"), message.get("content"))
    parts = []
    for call in calls:
        id_ = call.get("id")
        response = _response(results[id_]) if id_ in results else {"error": MISSING_RESULT}
        parts.append({"functionResponse": {"name": call["function"]["name"], "response": response}})
    return parts


def _response(content: Any) -> dict[str, Any]:
    text = text_of(content)
    try:
        parsed = orjson.loads(text)
    except orjson.JSONDecodeError:
        parsed = None
    return parsed if isinstance(parsed, dict) else {"result": text}


def _append(contents: list[Content], role: str, parts: list[Part]) -> None:
    """Add ``parts`` as a content of ``role``, merged into the last one when it has that role."""
    if not parts:
        return
    if contents and contents[-1]["role"] == role:
        contents[-1]["parts"].extend(parts)
    else:
        contents.append({"role": role, "parts": parts})
