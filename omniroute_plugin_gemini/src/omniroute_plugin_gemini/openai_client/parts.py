"""OpenAI content parts → Gemini ``parts``.

Text stays text. Binary content goes inline (``inlineData``: base64 with its MIME type) when
the client sent the bytes, and by reference (``fileData``: a URI with its MIME type) when it
sent a URL, which Gemini fetches itself (http(s) URLs, ``gs://`` objects, Files API URIs).
A URL's MIME type is guessed from its extension; an ``image_url`` whose extension says
nothing is declared ``image/jpeg``: the part is an image by definition, Gemini requires a
type, and it reads the actual format from the bytes.

Parts Gemini cannot take (OpenAI file ids, data URLs that are not base64) are refused with
a 400 that says why, rather than dropped: a silently missing attachment gets the client an
answer to another question. Empty text is left out: Gemini refuses empty text parts.
"""

from __future__ import annotations

import mimetypes
from typing import Any
from urllib.parse import urlsplit

from omniroute import InvalidRequest, data_url, inline_file

Part = dict[str, Any]

_UPSTREAM = "Gemini"
_DEFAULT_IMAGE = "image/jpeg"
_URL_SCHEMES = ("https://", "http://", "gs://")


def content_parts(content: Any) -> list[Part]:
    """The Gemini parts of an OpenAI ``content`` (a string, a list of parts, or null)."""
    if content is None:
        return []
    if isinstance(content, str):
        return [{"text": content}] if content else []
    if not isinstance(content, list):
        raise InvalidRequest("message content must be a string or an array of content parts")
    parts = []
    for item in content:
        part = _part(item)
        if part is not None:
            parts.append(part)
    return parts


def text_of(content: Any) -> str:
    """The text of a content that may only hold text (tool results)."""
    parts = content_parts(content)
    if any("text" not in part for part in parts):
        raise InvalidRequest("tool messages can only carry text for Gemini")
    return "".join(part["text"] for part in parts)


def _part(item: Any) -> Part | None:
    if isinstance(item, str):  # some clients send bare strings in content arrays
        return {"text": item} if item else None
    if not isinstance(item, dict):
        raise InvalidRequest("content parts must be objects")
    kind = item.get("type")
    if kind in ("text", "refusal"):
        text = item.get(kind)
        return {"text": text} if isinstance(text, str) and text else None
    if kind == "image_url":
        image = item.get("image_url")
        return _image(image.get("url") if isinstance(image, dict) else image)
    if kind == "input_audio":
        return _audio(item.get("input_audio"))
    if kind == "file":
        return _file(item.get("file"))
    raise InvalidRequest(f"content part type {kind!r} cannot be sent to a Gemini model")


def _image(url: Any) -> Part:
    if not isinstance(url, str) or not url:
        raise InvalidRequest("image_url parts need a url")
    if url.startswith("data:"):
        mime_type, data = data_url(url, _UPSTREAM)
        return {"inlineData": {"mimeType": mime_type, "data": data}}
    if url.startswith(_URL_SCHEMES):
        guessed, _ = mimetypes.guess_type(urlsplit(url).path)
        return {"fileData": {"mimeType": guessed or _DEFAULT_IMAGE, "fileUri": url}}
    raise InvalidRequest("image_url must be an http(s) or gs:// URL or a base64 data URL")


def _audio(audio: Any) -> Part:
    """``input_audio`` (base64 plus a format such as ``wav`` or ``mp3``) → inline audio."""
    if not isinstance(audio, dict) or not audio.get("data") or not audio.get("format"):
        raise InvalidRequest("input_audio parts need data and a format")
    return {"inlineData": {"mimeType": f"audio/{audio['format']}", "data": audio["data"]}}


def _file(file: Any) -> Part:
    """A ``file`` part: OpenAI's ``file_data`` is a data URL; a bare base64 string is taken
    as a PDF, the only type OpenAI itself accepts there."""
    mime_type, payload = inline_file(file, _UPSTREAM)
    return {"inlineData": {"mimeType": mime_type, "data": payload}}
