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

from omniroute import InvalidRequest

Block = dict[str, Any]

_PDF = "application/pdf"


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
        media_type, data = _data_url(url)
        return {
            "type": "image",
            "source": {"type": "base64", "media_type": media_type, "data": data},
        }
    if url.startswith(("https://", "http://")):
        return {"type": "image", "source": {"type": "url", "url": url}}
    raise InvalidRequest("image_url must be an http(s) URL or a base64 data URL")


def _file_block(file: Any) -> Block:
    """A ``file`` part: PDFs become documents, images image blocks, plain text text documents.

    OpenAI's ``file_data`` is a data URL; a bare base64 string is taken as a PDF, the only
    type OpenAI itself accepts there.
    """
    if not isinstance(file, dict):
        raise InvalidRequest("file parts need a file object")
    data = file.get("file_data")
    if not isinstance(data, str) or not data:
        if file.get("file_id"):
            raise InvalidRequest(
                "file_id refers to OpenAI's file storage, which Claude cannot read; "
                "send the file inline as file_data"
            )
        raise InvalidRequest("file parts need file_data")
    media_type, payload = _data_url(data) if data.startswith("data:") else (_PDF, data)
    if media_type.startswith("image/"):
        return {
            "type": "image",
            "source": {"type": "base64", "media_type": media_type, "data": payload},
        }
    if media_type == _PDF:
        source = {"type": "base64", "media_type": _PDF, "data": payload}
    elif media_type == "text/plain":
        source = {"type": "text", "media_type": "text/plain", "data": _decode_text(payload)}
    else:
        raise InvalidRequest(f"Claude models cannot read {media_type} files")
    block: Block = {"type": "document", "source": source}
    if isinstance(file.get("filename"), str) and file["filename"]:
        block["title"] = file["filename"]
    return block


def _data_url(url: str) -> tuple[str, str]:
    """``(media type, base64 data)`` of a ``data:`` URL."""
    header, comma, data = url[5:].partition(",")
    params = header.split(";")
    if not comma or "base64" not in params[1:] or not params[0]:
        raise InvalidRequest("data URLs sent to Claude must be base64 with a media type")
    return params[0].lower(), data


def _decode_text(payload: str) -> str:
    try:
        return base64.b64decode(payload, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidRequest("a text/plain file must be base64-encoded UTF-8") from exc
