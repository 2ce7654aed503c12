"""OpenAI Chat clients on Gemini upstreams: the ``openai -> gemini`` translator.

``request`` turns a Chat Completions body into a ``generateContent`` body; ``response`` and
``stream`` turn Gemini's answer (JSON, or the SSE events of ``streamGenerateContent``) back
into ``chat.completion`` and ``chat.completion.chunk`` SSE. The field rules shared with the
reverse direction (finish reasons, usage, tool choice, thinking budgets) live in
``omniroute_plugin_gemini.mapping``; thought signatures travel in Google's own
OpenAI-compatible ``extra_content.google.thought_signature`` (``signatures``).
"""

from .translator import OpenAIClientTranslator

__all__ = ["OpenAIClientTranslator"]
