"""Gemini ``Part`` objects → OpenAI Chat content parts (media, files, code).

OpenAI Chat takes images (``image_url``, a data URL or an http URL), PDFs (``file`` with a
data URL) and wav/mp3 audio (``input_audio``) inline; nothing else. Media an OpenAI upstream
cannot take, and URIs it cannot fetch (``gs://``, the Gemini Files API, which needs Google
credentials), become a short text note naming them, so the model knows something was
attached rather than silently seeing less than the user sent.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from .wire import pick

Part = dict[str, Any]

_AUDIO_FORMATS = {
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/wave": "wav",
    "audio/mp3": "mp3",
    "audio/mpeg": "mp3",
}
_TEXT_TYPES = ("text/", "application/json", "application/xml")
_FILES_API = "https://generativelanguage.googleapis.com/"
_URL_SAFE = str.maketrans("-_", "+/")


def content_part(part: dict[str, Any]) -> Part | None:
    """The OpenAI content part for one non-function Gemini part; None when it carries nothing
    (thought parts included: reasoning is not user content)."""
    if pick(part, "thought") is True:
        return None
    text = pick(part, "text")
    if isinstance(text, str):
        return _text(text)
    inline = pick(part, "inlineData")
    if isinstance(inline, dict):
        return _inline(inline)
    file = pick(part, "fileData")
    if isinstance(file, dict):
        return _file(file)
    code = code_text(part)
    return _text(code) if code else None


def code_text(part: dict[str, Any]) -> str:
    """Gemini code-execution parts as text (a fenced block, or the run's output), so a
    conversation that used Gemini's code tool keeps that context on another model."""
    code = pick(part, "executableCode")
    if isinstance(code, dict) and isinstance(code.get("code"), str):
        language = str(code.get("language") or "").lower().replace("language_unspecified", "")
        return f"```{language}\n{code['code']}\n```"
    result = pick(part, "codeExecutionResult")
    if isinstance(result, dict):
        return f"Output ({result.get('outcome') or 'OUTCOME_OK'}):\n{result.get('output') or ''}"
    return ""


def _text(text: str) -> Part | None:
    return {"type": "text", "text": text} if text else None


def _inline(blob: dict[str, Any]) -> Part | None:
    """Inline bytes by media type: images, PDFs and wav/mp3 audio go as OpenAI parts, text
    files as their decoded text; anything else (video, other audio, office files) as a note."""
    mime = str(pick(blob, "mimeType") or "").lower()
    data = pick(blob, "data")
    if not isinstance(data, str) or not data:
        return None
    data = _standard_base64(data)
    if mime.startswith("image/"):
        return {"type": "image_url", "image_url": {"url": f"data:{mime};base64,{data}"}}
    if mime == "application/pdf":
        name = pick(blob, "displayName")
        return {
            "type": "file",
            "file": {
                "filename": name if isinstance(name, str) and name else "document.pdf",
                "file_data": f"data:{mime};base64,{data}",
            },
        }
    if mime in _AUDIO_FORMATS:
        audio = {"data": data, "format": _AUDIO_FORMATS[mime]}
        return {"type": "input_audio", "input_audio": audio}
    if mime.startswith(_TEXT_TYPES):
        decoded = _decode(data)
        if decoded is not None:
            return _text(decoded)
    return _text(f"[attachment of type {mime or 'unknown'} omitted: not supported here]")


def _file(file: dict[str, Any]) -> Part | None:
    """A file URI: a public http(s) image stays a URL the upstream fetches itself; anything
    else (``gs://``, Files API URIs, non-image URLs) is named in a note."""
    uri = pick(file, "fileUri")
    if not isinstance(uri, str) or not uri:
        return None
    mime = str(pick(file, "mimeType") or "").lower()
    public = uri.startswith(("http://", "https://")) and not uri.startswith(_FILES_API)
    if public and (not mime or mime.startswith("image/")):
        return {"type": "image_url", "image_url": {"url": uri}}
    kind = f" ({mime})" if mime else ""
    return _text(f"[file {uri}{kind}: not readable by this model]")


def _standard_base64(data: str) -> str:
    """``data`` in the standard base64 alphabet. The Python SDK encodes bytes URL-safe
    (``-``/``_``), which Gemini accepts but data-URL decoders on the OpenAI side reject."""
    if "-" in data or "_" in data:
        return data.translate(_URL_SAFE)
    return data


def _decode(data: str) -> str | None:
    try:
        return base64.b64decode(data, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
