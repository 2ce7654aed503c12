"""The ``claude -> openai`` translator: Anthropic Messages clients on OpenAI Chat upstreams.

Claude Code and the ``anthropic`` SDK talk to the gateway in Anthropic's format; any
provider that speaks OpenAI Chat can then serve them. Requests go out as OpenAI Chat, and
answers and streams come back as Anthropic messages and events.
"""

from __future__ import annotations

from typing import Any

from .request import openai_request
from .response import claude_message
from .stream import ClaudeStream


class ClaudeClientTranslator:
    """Stateless: one instance serves every request; ``stream`` makes the per-stream state."""

    source = "claude"
    target = "openai"

    def request(self, body: dict[str, Any], model: str) -> dict[str, Any]:
        return openai_request(body, model)

    def response(self, body: dict[str, Any], model: str) -> dict[str, Any]:
        return claude_message(body, model)

    def stream(self, model: str, include_usage: bool) -> ClaudeStream:
        """Anthropic streams always report usage, so ``include_usage`` changes nothing."""
        return ClaudeStream(model)
