"""Gemini-format clients served by OpenAI Chat upstreams (the ``gemini -> openai`` translator)."""

from .translator import GeminiClientTranslator

__all__ = ["GeminiClientTranslator"]
