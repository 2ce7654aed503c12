"""The ``codex`` executor: ``POST {base}/responses`` on the ChatGPT Codex backend.

The backend accepts only what Codex CLI sends: a stream, ``store: false``, and
``instructions``. Model ids may end in an effort (``gpt-5.2-codex-high``), which becomes
``reasoning.effort`` on the base model.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

from omniroute import Body, Candidate, UpstreamRequest

_NO_HEADERS: Mapping[str, str] = {}
_EFFORT_SUFFIX = re.compile(r"^(?P<model>.+)-(?P<effort>minimal|low|medium|high|xhigh)$")
_REJECTED = (
    "max_output_tokens",
    "temperature",
    "top_p",
    "user",
    "metadata",
    "safety_identifier",
    "stream_options",
)
"""Fields the Codex backend refuses (the account's plan sets limits and sampling)."""
DEFAULT_INSTRUCTIONS = (
    "You are Codex, a coding agent. Follow the user's instructions, keep answers concise, "
    "and use the provided tools when they help."
)


def codex_body(body: Body, model: str) -> Body:
    """``body`` as the Codex backend requires it, with an effort suffix moved into
    ``reasoning``."""
    out = {**body, "stream": True, "store": False}
    match = _EFFORT_SUFFIX.match(model)
    if match:
        out["model"] = match["model"]
        out["reasoning"] = {**(body.get("reasoning") or {}), "effort": match["effort"]}
    if not out.get("instructions"):
        out["instructions"] = DEFAULT_INSTRUCTIONS
    for field in _REJECTED:
        out.pop(field, None)
    return out


class CodexExecutor:
    name = "codex"
    stream_only: Literal[True] = True

    def build_request(
        self,
        candidate: Candidate,
        body: Body,
        stream: bool,
        timeout: float,
        client_headers: Mapping[str, str] = _NO_HEADERS,
    ) -> UpstreamRequest:
        headers = {"OpenAI-Beta": "responses=experimental", "originator": "codex_cli_rs"}
        session = client_headers.get("x-session-id") or client_headers.get("session_id")
        if session:
            headers["session_id"] = session
        return UpstreamRequest.post_json(
            f"{candidate.base_url}/responses",
            codex_body(body, candidate.target.model),
            stream=True,
            timeout=timeout,
            headers=headers,
        )
