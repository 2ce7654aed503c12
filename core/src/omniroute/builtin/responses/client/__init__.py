"""Responses API clients served by OpenAI Chat upstreams (the ``openai-responses -> openai``
translator)."""

from .translator import ResponsesClientTranslator

__all__ = ["ResponsesClientTranslator"]
