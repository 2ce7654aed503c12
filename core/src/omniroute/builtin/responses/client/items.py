"""Responses ``input`` (a string or a list of items) → Chat ``messages``.

Responses keeps a conversation as a flat list of items: messages, and apart from them the
model's reasoning, each function call and each function result. Chat nests the calls and the
reasoning inside one assistant message and wants each result as a ``tool`` message right
after it. So consecutive assistant-side items (text, calls, the reasoning before them) are
gathered into one assistant message, and results become tool messages in order.

Items that only record work OpenAI's hosted tools did (``web_search_call``,
``code_interpreter_call``, ``mcp_call``… and their outputs) have no Chat equivalent and are
dropped; the request translator drops those tools too. An ``item_reference`` is refused: it
names an item the gateway never stored.
"""

from __future__ import annotations

from typing import Any

import orjson

from omniroute import InvalidRequest

from .parts import Part, chat_part, is_text, text_of, user_content

Message = dict[str, Any]

_ROLES = {"user": "user", "assistant": "assistant", "system": "system", "developer": "system"}
"""``developer`` becomes ``system``: Chat servers other than OpenAI's do not know the
developer role, and OpenAI treats a system message to a reasoning model as developer."""


def chat_messages(input_: Any) -> list[Message]:
    """The Chat message list for a Responses ``input`` (non-dict items skipped)."""
    if isinstance(input_, str):
        return [{"role": "user", "content": input_}]
    conversation = _Conversation()
    if isinstance(input_, list):
        for item in input_:
            if isinstance(item, dict):
                conversation.add(item)
    return conversation.finish()


class _Conversation:
    """Builds the message list item by item; see the module docstring for the grouping."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self._assistant: Message | None = None
        """The assistant message later calls and text of the same turn join."""
        self._reasoning: list[str] = []
        """Reasoning waiting for the assistant message it belongs to."""
        self._media: list[Part] = []
        """Images and files returned by tools, sent in a user message after the results."""

    def add(self, item: dict[str, Any]) -> None:
        kind = item.get("type") or ("message" if "role" in item else None)
        if kind != "function_call_output":
            self._send_media()
        if kind == "message":
            self._message(item)
        elif kind == "function_call":
            self._call(item)
        elif kind == "function_call_output":
            self._result(item)
        elif kind == "reasoning":
            self._reasoning_item(item)
        elif kind == "item_reference":
            raise InvalidRequest(
                "item_reference is not supported: the gateway stores no responses, "
                "send the full item"
            )

    def finish(self) -> list[Message]:
        self._send_media()
        return self.messages

    def _message(self, item: dict[str, Any]) -> None:
        role = _ROLES.get(str(item.get("role")), "user")
        content = item.get("content")
        if role == "assistant":
            text = text_of(content)
            if text:
                self._assistant_text(text)
            return
        self._end_turn()
        if role == "system":
            self.messages.append({"role": "system", "content": text_of(content)})
        else:
            self.messages.append({"role": "user", "content": user_content(content)})

    def _assistant_text(self, text: str) -> None:
        """Text joins the open assistant message unless it already made calls: text after a
        call belongs to a new turn."""
        message = self._assistant
        if message is None or "tool_calls" in message:
            message = self._open_assistant()
        message["content"] = f"{message['content']}\n{text}" if message["content"] else text
        self._attach_reasoning(message)

    def _call(self, item: dict[str, Any]) -> None:
        message = self._assistant or self._open_assistant()
        arguments = item.get("arguments")
        message.setdefault("tool_calls", []).append(
            {
                "id": str(item.get("call_id") or ""),
                "type": "function",
                "function": {
                    "name": str(item.get("name") or ""),
                    "arguments": arguments
                    if isinstance(arguments, str)
                    else orjson.dumps(arguments or {}).decode(),
                },
            }
        )
        self._attach_reasoning(message)

    def _end_turn(self) -> None:
        """A user, system or tool message ends the assistant's turn: later text and calls
        start a new assistant message, and reasoning that produced no output is dropped."""
        self._assistant = None
        self._reasoning = []

    def _open_assistant(self) -> Message:
        message: Message = {"role": "assistant", "content": None}
        self.messages.append(message)
        self._assistant = message
        return message

    def _attach_reasoning(self, message: Message) -> None:
        """Reasoning goes back as ``reasoning_content``, which DeepSeek, Kimi and Qwen
        thinking models want echoed with the turn that produced it."""
        if not self._reasoning:
            return
        earlier = message.get("reasoning_content")
        message["reasoning_content"] = "\n".join(
            [earlier, *self._reasoning] if earlier else self._reasoning
        )
        self._reasoning = []

    def _reasoning_item(self, item: dict[str, Any]) -> None:
        """Only reasoning this gateway made (no ``encrypted_content``) is echoed.

        A reasoning item with ``encrypted_content`` came from OpenAI itself: its real
        reasoning is sealed, its summary is not what any other model thought, and strict
        servers reject an unexpected ``reasoning_content``, so it is dropped.
        """
        if item.get("encrypted_content"):
            return
        text = _joined(item.get("content"), "reasoning_text") or _joined(
            item.get("summary"), "summary_text"
        )
        if text:
            self._reasoning.append(text)

    def _result(self, item: dict[str, Any]) -> None:
        self._end_turn()
        output = item.get("output")
        if isinstance(output, list):
            text = "\n".join(p["text"] for p in output if is_text(p))
            media = [
                part
                for p in output
                if isinstance(p, dict) and not is_text(p)
                for part in [chat_part(p)]
                if part is not None
            ]
            if media:
                # A Chat tool message carries text only; the media follow in a user message.
                note = f"[{len(media)} attachment(s) returned; sent in the next user message]"
                text = f"{text}\n{note}" if text else note
                self._media.extend(media)
        elif isinstance(output, str):
            text = output
        else:
            text = orjson.dumps(output).decode() if output is not None else ""
        tool_call_id = str(item.get("call_id") or "")
        self.messages.append({"role": "tool", "tool_call_id": tool_call_id, "content": text})

    def _send_media(self) -> None:
        if self._media:
            self.messages.append({"role": "user", "content": self._media})
            self._media = []


def _joined(parts: Any, kind: str) -> str:
    if not isinstance(parts, list):
        return ""
    texts = [
        p["text"]
        for p in parts
        if isinstance(p, dict) and p.get("type") == kind and isinstance(p.get("text"), str)
    ]
    return "\n".join(t for t in texts if t)
