"""Claude ``messages`` → OpenAI Chat ``messages``.

The two shapes disagree about where things live: Claude puts tool results inside the user
turn and reasoning inside the assistant turn as blocks; OpenAI wants ``tool`` messages right
after the assistant's ``tool_calls`` and reasoning in ``reasoning_content``. Everything the
OpenAI side has no field for (``cache_control``, signatures, server-tool blocks) is dropped
here, so the translated body is a clean OpenAI shape strict servers accept.
"""

from __future__ import annotations

from typing import Any

import orjson

Message = dict[str, Any]
Part = dict[str, Any]


def openai_messages(messages: Any) -> list[Message]:
    """The OpenAI message list for a Claude ``messages`` array (non-dict entries skipped)."""
    out: list[Message] = []
    if not isinstance(messages, list):
        return out
    for message in messages:
        if not isinstance(message, dict):
            continue
        content = message.get("content")
        if message.get("role") == "assistant":
            converted = _assistant(content)
            if converted is not None:
                out.append(converted)
        else:
            out.extend(_user(content))
    return out


# -- user turns -----------------------------------------------------------------------------


def _user(content: Any) -> list[Message]:
    """Tool messages for the turn's ``tool_result`` blocks, then one user message for the rest.

    Tool messages go first because OpenAI requires them directly after the assistant message
    whose ``tool_calls`` they answer; text the client put next to the results (Claude Code's
    reminders) follows them. Images returned by a tool cannot ride on an OpenAI tool message,
    so they open the user message, and the tool message says so.
    """
    if isinstance(content, str):
        return [{"role": "user", "content": content}]
    if not isinstance(content, list):
        return []
    tools: list[Message] = []
    moved_images: list[Part] = []
    parts: list[Part] = []
    for block in content:
        if not isinstance(block, dict):
            continue
        if block.get("type") == "tool_result":
            message, images = _tool_result(block)
            tools.append(message)
            moved_images.extend(images)
        else:
            part = _user_part(block)
            if part is not None:
                parts.append(part)
    parts = moved_images + parts
    if parts:
        tools.append({"role": "user", "content": _collapse(parts)})
    return tools


def _user_part(block: dict[str, Any]) -> Part | None:
    """The OpenAI content part for one Claude user block, or None when it has no equivalent."""
    kind = block.get("type")
    if kind == "text":
        text = block.get("text")
        return {"type": "text", "text": text} if isinstance(text, str) and text else None
    if kind == "image":
        return _image(block.get("source"))
    if kind == "document":
        return _document(block)
    return None


def _image(source: Any) -> Part | None:
    """Base64 images become data URLs and URL images stay URLs (Files API ids cannot move)."""
    if not isinstance(source, dict):
        return None
    if source.get("type") == "base64":
        url = f"data:{source.get('media_type') or 'image/png'};base64,{source.get('data') or ''}"
    elif source.get("type") == "url" and source.get("url"):
        url = source["url"]
    else:
        return None
    return {"type": "image_url", "image_url": {"url": url}}


def _document(block: dict[str, Any]) -> Part | None:
    """A base64 PDF becomes an OpenAI ``file`` part (the only way Chat takes a PDF inline);
    plain-text and content documents become text; a URL, which a ``file`` part cannot hold,
    becomes a text note naming it so the model at least knows what was referenced."""
    source = block.get("source")
    if not isinstance(source, dict):
        return None
    title = block.get("title") if isinstance(block.get("title"), str) else None
    kind = source.get("type")
    if kind == "base64":
        media = source.get("media_type") or "application/pdf"
        return {
            "type": "file",
            "file": {
                "filename": title or "document.pdf",
                "file_data": f"data:{media};base64,{source.get('data') or ''}",
            },
        }
    if kind == "text":
        text = str(source.get("data") or "")
    elif kind == "content":
        text = _flatten_text(source.get("content"))
    elif kind == "url":
        text = f"[document: {source.get('url')}]"
    else:
        return None
    if title:
        text = f"{title}\n\n{text}"
    return {"type": "text", "text": text} if text else None


def _tool_result(block: dict[str, Any]) -> tuple[Message, list[Part]]:
    content = block.get("content")
    images: list[Part] = []
    if isinstance(content, list):
        for item in content:
            if isinstance(item, dict) and item.get("type") == "image":
                image = _image(item.get("source"))
                if image is not None:
                    images.append(image)
    text = _flatten_text(content)
    if images:
        note = f"[{len(images)} image(s) returned; attached to the next user message]"
        text = f"{text}\n{note}" if text else note
    if block.get("is_error") is True:
        text = f"Error: {text}" if text else "Error"
    message = {"role": "tool", "tool_call_id": str(block.get("tool_use_id") or ""), "content": text}
    return message, images


def _flatten_text(content: Any) -> str:
    """The text of a string or a block list (text blocks joined by newlines)."""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    texts = [
        item["text"]
        for item in content
        if isinstance(item, dict)
        and item.get("type") == "text"
        and isinstance(item.get("text"), str)
    ]
    return "\n".join(texts)


def _collapse(parts: list[Part]) -> str | list[Part]:
    """Text-only content as one string: many OpenAI-compatible servers accept only strings."""
    if all(part["type"] == "text" for part in parts):
        return "\n".join(part["text"] for part in parts)
    return parts


# -- assistant turns ------------------------------------------------------------------------


def _assistant(content: Any) -> Message | None:
    """One assistant message: text joined, ``tool_use`` as ``tool_calls``, reasoning apart.

    Only *unsigned* thinking (``signature`` empty or missing) becomes ``reasoning_content``.
    Unsigned thinking is what this gateway made from an OpenAI-side upstream's reasoning, and
    such upstreams (DeepSeek, Kimi, Qwen) want it echoed. Signed thinking came from Anthropic:
    no OpenAI-side model can use it, and strict servers reject an unexpected
    ``reasoning_content``, so it is dropped, as are ``redacted_thinking`` blocks. An assistant
    turn with neither text nor tool calls carries nothing a model could continue from and is
    left out.
    """
    if isinstance(content, str):
        return {"role": "assistant", "content": content} if content else None
    if not isinstance(content, list):
        return None
    texts: list[str] = []
    reasoning: list[str] = []
    calls: list[dict[str, Any]] = []
    for block in content:
        if not isinstance(block, dict):
            continue
        kind = block.get("type")
        if kind == "text" and isinstance(block.get("text"), str):
            texts.append(block["text"])
        elif kind == "tool_use":
            calls.append(_tool_call(block))
        elif (
            kind == "thinking"
            and not block.get("signature")
            and isinstance(block.get("thinking"), str)
        ):
            reasoning.append(block["thinking"])
    text = "\n".join(t for t in texts if t)
    if not text and not calls:
        return None
    message: Message = {"role": "assistant", "content": text or None}
    if calls:
        message["tool_calls"] = calls
    if any(reasoning):
        message["reasoning_content"] = "\n".join(r for r in reasoning if r)
    return message


def _tool_call(block: dict[str, Any]) -> dict[str, Any]:
    arguments = block.get("input")
    return {
        "id": str(block.get("id") or ""),
        "type": "function",
        "function": {
            "name": str(block.get("name") or ""),
            "arguments": orjson.dumps(arguments if isinstance(arguments, dict) else {}).decode(),
        },
    }
