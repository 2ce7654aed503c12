"""The ``openai-responses -> openai`` translator: Responses API clients on Chat upstreams.

The ``openai`` SDK's ``client.responses`` and the Codex CLI talk to the gateway in the
Responses format; any provider that speaks Chat Completions can then serve them. Requests
go out as Chat, and answers and streams come back as Responses objects and events.

The gateway keeps no conversation state, so everything is translated statelessly: a request
that points at stored state (``previous_response_id``, ``conversation``, a stored ``prompt``,
``item_reference`` items) is refused with a 400 that says to send the full input, and every
answer says ``store: false``.
"""

from __future__ import annotations

from typing import Any

from .request import chat_request
from .response import responses_response
from .stream import ResponsesStream


class ResponsesClientTranslator:
    """Stateless: one instance serves every request; ``stream`` makes the per-stream state."""

    source = "openai-responses"
    target = "openai"

    def request(self, body: dict[str, Any], model: str) -> dict[str, Any]:
        return chat_request(body, model)

    def response(self, body: dict[str, Any], model: str) -> dict[str, Any]:
        return responses_response(body, model)

    def stream(self, model: str, include_usage: bool) -> ResponsesStream:
        """Responses streams always end with the usage in ``response.completed``, so
        ``include_usage`` changes nothing."""
        return ResponsesStream(model)
