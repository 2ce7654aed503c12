"""OpenAI Chat clients on Responses API upstreams: the ``openai -> openai-responses`` translator.

``request`` turns a Chat Completions body into a Responses body, ``response`` and ``stream``
turn the Responses answer back into ``chat.completion`` and ``chat.completion.chunk`` SSE.
``accumulate_response`` folds a whole Responses stream into its final ``response`` object,
for upstreams that only stream (Codex). Rules shared with the reverse direction (finish
reasons, usage, tool choice) live in ``omniroute.builtin.responses.mapping``.
"""

from .accumulate import accumulate_response
from .translator import ResponsesUpstreamTranslator

__all__ = ["ResponsesUpstreamTranslator", "accumulate_response"]
