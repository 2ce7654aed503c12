"""The ``openai -> openai-responses`` translator: OpenAI Chat clients on Responses upstreams."""

from __future__ import annotations

from omniroute import Body

from .request import to_responses
from .response import to_chat
from .stream import ResponsesChatStream


class ResponsesUpstreamTranslator:
    """OpenAI Chat requests to Responses requests, and Responses answers back to Chat.

    Serves OpenAI's ``/v1/responses``, Codex's ChatGPT backend and OpenCode's Responses-format
    models, and through the hub every other client format. Stateless: every stream gets its
    own ``ResponsesChatStream``.
    """

    source = "openai"
    target = "openai-responses"

    def request(self, body: Body, model: str) -> Body:
        return to_responses(body, model)

    def response(self, body: Body, model: str) -> Body:
        return to_chat(body, model)

    def stream(self, model: str, include_usage: bool) -> ResponsesChatStream:
        return ResponsesChatStream(model, include_usage)
