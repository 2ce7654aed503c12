"""Responses content parts → Chat content parts.

Text, images (URL or data URL), files (inline data) and audio have a Chat counterpart. Files
API ids cannot move to another provider and Chat takes no file URL, so those are refused
rather than silently leaving the model without the file.
"""

from __future__ import annotations

from typing import Any

from omniroute import InvalidRequest

Part = dict[str, Any]

TEXT_PARTS = ("input_text", "output_text", "text")


def user_content(content: Any) -> str | list[Part]:
    """A string, or parts; text-only parts collapse into one string, which every
    OpenAI-compatible server accepts (many reject part lists)."""
    if isinstance(content, str):
        return content
    parts = (
        [part for p in content if isinstance(p, dict) for part in [chat_part(p)] if part]
        if isinstance(content, list)
        else []
    )
    if all(part["type"] == "text" for part in parts):
        return "\n".join(part["text"] for part in parts)
    return parts


def chat_part(part: dict[str, Any]) -> Part | None:
    """The Chat content part for a Responses input part, or None when Chat has none."""
    kind = part.get("type")
    if kind in TEXT_PARTS:
        text = part.get("text")
        return {"type": "text", "text": text} if isinstance(text, str) else None
    if kind == "input_image":
        if part.get("file_id"):
            raise InvalidRequest(
                "input_image with file_id is not supported: send image_url (a URL or data URL)"
            )
        url = part.get("image_url")
        if not isinstance(url, str) or not url:
            return None
        image: dict[str, Any] = {"url": url}
        if part.get("detail") in ("auto", "low", "high"):
            image["detail"] = part["detail"]
        return {"type": "image_url", "image_url": image}
    if kind == "input_file":
        return _file(part)
    if kind == "input_audio" and isinstance(part.get("input_audio"), dict):
        return {"type": "input_audio", "input_audio": part["input_audio"]}
    return None


def _file(part: dict[str, Any]) -> Part:
    if part.get("file_id"):
        raise InvalidRequest("input_file with file_id is not supported: send file_data")
    data = part.get("file_data")
    if not isinstance(data, str) or not data:
        raise InvalidRequest("input_file needs file_data: file_url is not supported")
    file: dict[str, Any] = {"file_data": data}
    if isinstance(part.get("filename"), str):
        file["filename"] = part["filename"]
    return {"type": "file", "file": file}


def text_of(content: Any) -> str:
    """The text of a string or a part list (system and assistant turns take text only;
    an assistant ``refusal`` part is kept as text)."""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    texts = [p["text"] if is_text(p) else p.get("refusal") for p in content if isinstance(p, dict)]
    return "\n".join(t for t in texts if isinstance(t, str) and t)


def is_text(part: Any) -> bool:
    return (
        isinstance(part, dict)
        and part.get("type") in TEXT_PARTS
        and isinstance(part.get("text"), str)
    )
