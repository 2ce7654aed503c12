"""OpenAI Chat ``messages`` → Responses ``instructions`` and ``input`` items.

* The system and developer messages that open the conversation become ``instructions``
  (joined by a blank line): Codex's backend requires ``instructions``, and every Responses
  upstream treats it as the top of the prompt. Later ones (harness reminders in the middle
  of a conversation) stay where they are as ``developer`` messages, the role every Responses
  model accepts in ``input``; hoisting them would move them out of their context.
* User messages become ``message`` items of ``input_text``, ``input_image`` and
  ``input_file`` parts. A part the Responses API has no place for (audio: its messages take
  none) is refused with a 400 that says why: a silently missing attachment gets the client
  an answer to another question.
* Assistant text and refusals become ``message`` items of ``output_text`` and ``refusal``
  parts, without ids: the shape Codex CLI sends, which both OpenAI's API and Codex's backend
  accept (an id would make a ``store: false`` upstream look the item up and fail). Earlier
  reasoning (``reasoning_content``) is not replayed: a Responses reasoning item needs the
  server's ``rs_`` id and encrypted content, which a Chat conversation never held.
* Each tool call becomes a ``function_call`` item, and the call's ``function_call_output``
  follows the calls of its turn, wherever the client put the tool message. A call the client
  never answered gets an output saying so and a tool message answering no call is dropped:
  the Responses API refuses a request with either.
"""

from __future__ import annotations

import hashlib
from typing import Any

from omniroute import InvalidRequest

Item = dict[str, Any]

MISSING_OUTPUT = "No result was provided for this tool call."
"""The ``function_call_output`` sent for a call the client never answered."""

MAX_CALL_ID = 64
"""The Responses API refuses longer ``call_id`` values (the original's 9router#396)."""

_SYSTEM_ROLES = ("system", "developer")


def responses_input(messages: Any) -> tuple[str | None, list[Item]]:
    """``(instructions, input items)`` for an OpenAI ``messages`` array."""
    if not isinstance(messages, list):
        raise InvalidRequest("'messages' must be an array")
    outputs = _tool_outputs(messages)
    instructions: list[str] = []
    items: list[Item] = []
    for message in messages:
        role = message.get("role")
        if role in _SYSTEM_ROLES:
            text = _text(message.get("content"))
            if not items:
                instructions.append(text)
            elif text:
                items.append(_message("developer", [{"type": "input_text", "text": text}]))
        elif role == "user":
            parts = _user_parts(message.get("content"))
            if parts:
                items.append(_message("user", parts))
        elif role == "assistant":
            calls = _assistant_items(message, items)
            items.extend(outputs.pop(id_) if id_ in outputs else _missing(id_) for id_ in calls)
        elif role != "tool":
            raise InvalidRequest(f"message role {role!r} cannot be sent to a Responses model")
    joined = "\n\n".join(text for text in instructions if text)
    return joined or None, items


def call_id(value: Any) -> str:
    """A ``call_id`` the Responses API accepts, the same for a call and its output.

    Ids longer than 64 characters (minted by other providers) keep their start and get a
    hash of the whole id, so two long ids sharing a prefix stay distinct.
    """
    if not isinstance(value, str) or not value:
        raise InvalidRequest("tool calls and tool messages need an id")
    if len(value) <= MAX_CALL_ID:
        return value
    digest = hashlib.sha256(value.encode()).hexdigest()[:16]
    return f"{value[: MAX_CALL_ID - 17]}_{digest}"


def _tool_outputs(messages: list[Any]) -> dict[str, Item]:
    """Every tool message as a ``function_call_output`` item, by call id (first one wins)."""
    outputs: dict[str, Item] = {}
    for message in messages:
        if not isinstance(message, dict):
            raise InvalidRequest("every message must be an object")
        if message.get("role") == "tool":
            id_ = call_id(message.get("tool_call_id"))
            output = {"type": "function_call_output", "call_id": id_}
            outputs.setdefault(id_, output | {"output": _text(message.get("content"))})
    return outputs


def _missing(id_: str) -> Item:
    return {"type": "function_call_output", "call_id": id_, "output": MISSING_OUTPUT}


def _message(role: str, content: list[Item]) -> Item:
    return {"type": "message", "role": role, "content": content}


def _text(content: Any) -> str:
    """The text of a string or a list of text parts (system, developer and tool messages)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        raise InvalidRequest("message content must be a string or an array of content parts")
    texts = [part if isinstance(part, str) else _part_text(part) for part in content]
    return "\n".join(text for text in texts if text)


def _part_text(part: Any) -> str:
    if isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str):
        text: str = part["text"]
        return text
    raise InvalidRequest("system, developer and tool messages can only carry text parts")


def _user_parts(content: Any) -> list[Item]:
    if content is None:
        return []
    if isinstance(content, str):
        return [{"type": "input_text", "text": content}]
    if not isinstance(content, list):
        raise InvalidRequest("message content must be a string or an array of content parts")
    return [_user_part(part) for part in content]


def _user_part(part: Any) -> Item:
    if isinstance(part, str):  # some clients send bare strings in content arrays
        return {"type": "input_text", "text": part}
    if not isinstance(part, dict):
        raise InvalidRequest("content parts must be objects")
    kind = part.get("type")
    if kind == "text":
        return {"type": "input_text", "text": part.get("text") or ""}
    if kind == "image_url":
        image = part.get("image_url")
        image = image if isinstance(image, dict) else {"url": image}
        if not isinstance(image.get("url"), str) or not image["url"]:
            raise InvalidRequest("image_url parts need a url")
        return {
            "type": "input_image",
            "image_url": image["url"],
            "detail": image.get("detail") or "auto",
        }
    if kind == "file":
        file = part.get("file")
        fields = ("file_data", "file_id", "filename")
        kept = {key: file[key] for key in fields if isinstance(file, dict) and file.get(key)}
        if "file_data" not in kept and "file_id" not in kept:
            raise InvalidRequest("file parts need file_data or a file_id")
        return {"type": "input_file", **kept}
    raise InvalidRequest(f"content part type {kind!r} cannot be sent to a Responses model")


def _assistant_items(message: dict[str, Any], items: list[Item]) -> list[str]:
    """Append the assistant's message and ``function_call`` items; return the call ids."""
    content = message.get("content")
    raw = [content] if isinstance(content, str) else content if isinstance(content, list) else []
    parts = [part for part in map(_assistant_part, raw) if part is not None]
    if parts:
        items.append(_message("assistant", parts))
    calls = message.get("tool_calls")
    ids: list[str] = []
    for call in calls if isinstance(calls, list) else ():
        item = _function_call(call)
        items.append(item)
        ids.append(item["call_id"])
    return ids


def _assistant_part(part: Any) -> Item | None:
    """An ``output_text`` or ``refusal`` part; None for empty text and for other parts.

    Chat assistant content holds only text and refusals; anything else (images some clients
    echo back) has no place in a Responses output message and is left out.
    """
    if isinstance(part, str):
        part = {"type": "text", "text": part}
    if not isinstance(part, dict):
        return None
    if part.get("type") == "text" and isinstance(part.get("text"), str) and part["text"]:
        return {"type": "output_text", "text": part["text"]}
    if part.get("type") == "refusal" and isinstance(part.get("refusal"), str) and part["refusal"]:
        return {"type": "refusal", "refusal": part["refusal"]}
    return None


def _function_call(call: Any) -> Item:
    if not isinstance(call, dict):
        raise InvalidRequest("tool_calls entries must be objects")
    function = call.get("function")
    if not isinstance(function, dict) or not function.get("name"):
        raise InvalidRequest("tool_calls entries need a function name")
    arguments = function.get("arguments")
    return {
        "type": "function_call",
        "call_id": call_id(call.get("id")),
        "name": function["name"],
        "arguments": arguments if isinstance(arguments, str) and arguments else "{}",
    }
