"""OpenAI Chat clients on Claude upstreams: the ``openai -> claude`` translator.

``request`` turns a Chat Completions body into a Messages body, ``response`` and ``stream``
turn Claude's answer back into ``chat.completion`` and ``chat.completion.chunk`` SSE. The
field rules shared with the reverse direction (finish reasons, usage, tool choice, thinking
budgets) live in ``omniroute_plugin_claude.mapping``.
"""

from .translator import OpenAIClientTranslator

__all__ = ["OpenAIClientTranslator"]
