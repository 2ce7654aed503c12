"""Rules of the hub format (OpenAI Chat Completions) that upstream executors share.

Any executor posting a Chat Completions body (the builtin ``openai-chat``, plugins whose
providers mix protocols such as OpenCode) must apply them the same way, so they live here.
"""

from __future__ import annotations

from .types import Body


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
