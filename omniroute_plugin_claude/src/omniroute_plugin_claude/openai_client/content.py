"""OpenAI content parts → Claude content blocks.

OpenAI messages carry text, images (data or http URLs) and files as content parts; Claude
wants typed blocks whose binary payloads name their ``source``. Parts Claude cannot take
(audio, OpenAI file ids, non-base64 data URLs) are refused with a 400 that says why, rather
than dropped: a silently missing attachment gets the client an answer to another question.

Blank text is left out because Anthropic rejects text blocks without non-whitespace text. A
``cache_control`` marker on a part (the convention OpenRouter and LiteLLM clients use to ask
Anthropic for prompt caching) is kept on the block made from it.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from omniroute import PDF_MEDIA_TYPE, InvalidRequest, data_url, inline_file

Block = dict[str, Any]

_UPSTREAM = "Claude"


def content_blocks(content: Any) -> list[Block]:
    """The Claude blocks of an OpenAI ``content`` (a string, a list of parts, or null)."""
    if content is None:
        return []
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content.strip() else []
    if not isinstance(content, list):
        raise InvalidRequest("message content must be a string or an array of content parts")
    blocks = []
    for part in content:
        block = _part_block(part)
        if block is not None:
            blocks.append(block)
    return blocks


def _part_block(part: Any) -> Block | None:
    if isinstance(part, str):  # some clients send bare strings in content arrays
        return {"type": "text", "text": part} if part.strip() else None
    if not isinstance(part, dict):
        raise InvalidRequest("content parts must be objects")
    kind = part.get("type")
    block: Block | None
    if kind in ("text", "refusal"):
        text = part.get(kind)
        block = {"type": "text", "text": text} if isinstance(text, str) and text.strip() else None
    elif kind == "image_url":
        image = part.get("image_url")
        block = _image_block(image.get("url") if isinstance(image, dict) else image)
    elif kind == "file":
        block = _file_block(part.get("file"))
    elif kind == "document" or (kind == "image" and isinstance(part.get("source"), dict)):
        return dict(part)  # already a Claude block
    elif kind == "input_audio":
        raise InvalidRequest("Claude models do not accept audio input")
    else:
        raise InvalidRequest(f"content part type {kind!r} cannot be sent to a Claude model")
    if block is not None and "cache_control" in part:
        block["cache_control"] = part["cache_control"]
    return block


def _image_block(url: Any) -> Block:
    if not isinstance(url, str) or not url:
        raise InvalidRequest("image_url parts need a url")
    if url.startswith("data:"):
        media_type, data = data_url(url, _UPSTREAM)
        return {
            "type": "image",
            "source": {"type": "base64", "media_type": media_type, "data": data},
        }
    if url.startswith(("https://", "http://")):
        return {"type": "image", "source": {"type": "url", "url": url}}
    raise InvalidRequest("image_url must be an http(s) URL or a base64 data URL")


def _file_block(file: Any) -> Block:
    """A ``file`` part: PDFs become documents, images image blocks, plain text text documents
    (``omniroute.inline_file`` reads the part)."""
    media_type, payload = inline_file(file, _UPSTREAM)
    if media_type.startswith("image/"):
        return {
            "type": "image",
            "source": {"type": "base64", "media_type": media_type, "data": payload},
        }
    if media_type == PDF_MEDIA_TYPE:
        source = {"type": "base64", "media_type": PDF_MEDIA_TYPE, "data": payload}
    elif media_type == "text/plain":
        source = {"type": "text", "media_type": "text/plain", "data": _decode_text(payload)}
    else:
        raise InvalidRequest(f"Claude models cannot read {media_type} files")
    block: Block = {"type": "document", "source": source}
    if isinstance(file.get("filename"), str) and file["filename"]:
        block["title"] = file["filename"]
    return block


def _decode_text(payload: str) -> str:
    try:
        return base64.b64decode(payload, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidRequest("a text/plain file must be base64-encoded UTF-8") from exc
