"""Rules of the hub format (OpenAI Chat Completions) that executors and translators share.

Any executor posting a Chat Completions body (the builtin ``openai-chat``, plugins whose
providers mix protocols such as OpenCode) must apply them the same way, and every translator
reading Chat messages reads their text and inline files the same way, so they live here.
"""

from __future__ import annotations

from typing import Any

from .errors import InvalidRequest
from .types import Body

PDF_MEDIA_TYPE = "application/pdf"
"""The type of a ``file_data`` given as bare base64: the only file type OpenAI accepts."""


def with_stream_flag(body: Body, stream: bool) -> Body:
    """``body`` whose ``stream`` field says ``stream``: clients of other formats say it in
    the URL (Gemini), not in the body."""
    if body.get("stream", False) is stream:
        return body
    return {**body, "stream": stream}


def chat_body(body: Body, stream: bool) -> Body:
    """A Chat Completions body ready to send: the stream flag set, and on streams
    ``stream_options.include_usage`` asked for so the gateway records real token counts (the
    extra usage chunk is hidden from clients that did not ask for it)."""
    body = with_stream_flag(body, stream)
    if not stream:
        return body
    options = body.get("stream_options")
    if isinstance(options, dict) and options.get("include_usage") is True:
        return body
    options = dict(options) if isinstance(options, dict) else {}
    options["include_usage"] = True
    return {**body, "stream_options": options}


def message_text(content: Any) -> str:
    """A Chat message's content as one string; some upstreams answer with a list of text
    parts instead of a string."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            part["text"]
            for part in content
            if isinstance(part, dict) and isinstance(part.get("text"), str)
        )
    return ""


def data_url(url: str, upstream: str) -> tuple[str, str]:
    """``(media type, base64 data)`` of a ``data:`` URL; ``upstream`` (a display name such as
    ``Claude``) names who cannot take any other kind in the 400."""
    header, comma, data = url[5:].partition(",")
    params = header.split(";")
    if not comma or "base64" not in params[1:] or not params[0]:
        raise InvalidRequest(f"data URLs sent to {upstream} must be base64 with a media type")
    return params[0].lower(), data


def inline_file(file: Any, upstream: str) -> tuple[str, str]:
    """``(media type, base64 data)`` of a Chat ``file`` part. OpenAI's ``file_data`` is a data
    URL, or bare base64 taken as a PDF; a ``file_id`` points into OpenAI's own storage, which
    ``upstream`` cannot read, so it is refused with a 400 saying what to send instead."""
    if not isinstance(file, dict):
        raise InvalidRequest("file parts need a file object")
    data = file.get("file_data")
    if not isinstance(data, str) or not data:
        if file.get("file_id"):
            raise InvalidRequest(
                f"file_id refers to OpenAI's file storage, which {upstream} cannot read; "
                "send the file inline as file_data"
            )
        raise InvalidRequest("file parts need file_data")
    return data_url(data, upstream) if data.startswith("data:") else (PDF_MEDIA_TYPE, data)
