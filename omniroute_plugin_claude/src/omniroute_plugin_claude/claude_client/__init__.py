"""Claude-format clients served by OpenAI Chat upstreams (the ``claude -> openai`` translator)."""

from .translator import ClaudeClientTranslator

__all__ = ["ClaudeClientTranslator"]
