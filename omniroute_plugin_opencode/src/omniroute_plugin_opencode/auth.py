"""``opencode`` auth: the credential header follows the model's wire format.

OpenCode's Anthropic-format endpoint reads ``x-api-key`` and answers a Bearer-only call with
401 "Missing API key"; its other endpoints read ``Authorization: Bearer``. A request carries
exactly one of the two. Without a key (OpenCode Zen's free models) it carries neither.
"""

from __future__ import annotations

from omniroute import Candidate, UpstreamRequest

ANTHROPIC_VERSION = "2023-06-01"


class OpenCodeAuth:
    name = "opencode"

    async def apply(self, request: UpstreamRequest, candidate: Candidate) -> None:
        key = candidate.connection.secret
        if candidate.target.format == "claude":
            request.headers["anthropic-version"] = ANTHROPIC_VERSION
            if key:
                request.headers["x-api-key"] = key
        elif key:
            request.headers["Authorization"] = f"Bearer {key}"
