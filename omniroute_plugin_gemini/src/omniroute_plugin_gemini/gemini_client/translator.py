"""The ``gemini -> openai`` translator: Gemini clients on OpenAI Chat upstreams.

The ``google-genai`` SDKs and Gemini CLI talk to the gateway in Gemini's ``generateContent``
format; any provider that speaks OpenAI Chat can then serve them. Requests go out as OpenAI
Chat, and answers and streams come back as ``GenerateContentResponse`` objects.
"""

from __future__ import annotations

from typing import Any

from .request import openai_request
from .response import gemini_response
from .stream import GeminiStream


class GeminiClientTranslator:
    """Stateless: one instance serves every request; ``stream`` makes the per-stream state."""

    source = "gemini"
    target = "openai"

    def request(self, body: dict[str, Any], model: str) -> dict[str, Any]:
        return openai_request(body, model)

    def response(self, body: dict[str, Any], model: str) -> dict[str, Any]:
        return gemini_response(body, model)

    def stream(self, model: str, include_usage: bool) -> GeminiStream:
        """Gemini streams always report usage, so ``include_usage`` changes nothing."""
        return GeminiStream(model)
