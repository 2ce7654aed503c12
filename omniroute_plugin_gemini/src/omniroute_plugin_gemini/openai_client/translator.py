"""The ``openai -> gemini`` translator: OpenAI Chat clients served by Gemini upstreams."""

from __future__ import annotations

from omniroute import Body

from .request import to_gemini
from .response import to_openai
from .stream import OpenAIClientStream


class OpenAIClientTranslator:
    """OpenAI Chat requests to Gemini ``generateContent``, and Gemini answers back to OpenAI
    Chat. Stateless: every stream gets its own ``OpenAIClientStream``."""

    source = "openai"
    target = "gemini"

    def request(self, body: Body, model: str) -> Body:
        return to_gemini(body, model)

    def response(self, body: Body, model: str) -> Body:
        return to_openai(body, model)

    def stream(self, model: str, include_usage: bool) -> OpenAIClientStream:
        return OpenAIClientStream(model, include_usage)
