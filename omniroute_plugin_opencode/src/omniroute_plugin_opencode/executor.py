"""The ``opencode`` executor: one base URL, a path per wire format.

``claude`` models go to ``{base}/messages``, ``openai-responses`` models to
``{base}/responses`` and everything else to ``{base}/chat/completions``. OpenCode's own
``x-opencode-*`` headers are forwarded (the session is taken from ``X-Session-Id`` when the
client sent none), ``client_metadata`` is dropped (OpenCode rejects it), and with
``OPENCODE_SYNTHESIZE_CLI_HEADERS`` on, requests carry the identity of the opencode CLI
(Cloudflare in front of OpenCode refuses some server traffic without it).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from omniroute import Body, Candidate, UpstreamRequest, chat_body, with_stream_flag

_NO_HEADERS: Mapping[str, str] = {}
_PATHS = {"claude": "messages", "openai-responses": "responses"}
_FORWARDED = ("x-opencode-session", "x-opencode-request", "x-opencode-project", "x-opencode-client")
_TRUE = ("1", "true", "yes", "on")


def opencode_headers(client_headers: Mapping[str, str]) -> dict[str, str]:
    """The ``x-opencode-*`` headers to send, and the CLI identity when configured."""
    headers = {name: client_headers[name] for name in _FORWARDED if client_headers.get(name)}
    session = client_headers.get("x-session-id") or client_headers.get("x-session-affinity")
    if session and "x-opencode-session" not in headers:
        headers["x-opencode-session"] = session
    if os.environ.get("OPENCODE_SYNTHESIZE_CLI_HEADERS", "").lower() in _TRUE:
        headers["User-Agent"] = os.environ.get("OPENCODE_USER_AGENT", "opencode-cli/1.0.0")
        headers.setdefault("x-opencode-client", os.environ.get("OPENCODE_CLIENT", "cli"))
        headers.setdefault("x-opencode-project", os.environ.get("OPENCODE_PROJECT", "default"))
    return headers


class OpenCodeExecutor:
    name = "opencode"

    def build_request(
        self,
        candidate: Candidate,
        body: Body,
        stream: bool,
        timeout: float,
        client_headers: Mapping[str, str] = _NO_HEADERS,
    ) -> UpstreamRequest:
        fmt = candidate.target.format
        body = {key: value for key, value in body.items() if key != "client_metadata"}
        if fmt == "openai":
            body = chat_body(body, stream)
        elif fmt != "claude":
            body = with_stream_flag(body, stream)
        headers = opencode_headers(client_headers)
        if fmt == "claude" and client_headers.get("anthropic-beta"):
            headers["anthropic-beta"] = client_headers["anthropic-beta"]
        url = f"{candidate.base_url}/{_PATHS.get(fmt, 'chat/completions')}"
        return UpstreamRequest.post_json(url, body, stream=stream, timeout=timeout, headers=headers)
