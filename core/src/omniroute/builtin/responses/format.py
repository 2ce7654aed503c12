"""The ``openai-responses`` wire format and its ``POST /v1/responses`` surface."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from omniroute import Body, GatewayError, Surface, Usage, sse_frame

from ..openai_format import bearer_or_header_key, openai_error_body
from .mapping import usage_from_responses
from .upstream import accumulate_response

_FINAL_EVENTS = frozenset({"response.completed", "response.incomplete", "response.failed"})


class ResponsesFormat:
    """Responses requests (``input`` + ``instructions``), ``response`` objects and the
    typed event stream. Usage arrives once, in the final ``response.*`` event."""

    name = "openai-responses"
    surfaces = (Surface("/v1/responses"),)

    def detect(self, body: Body) -> bool:
        return "input" in body and "messages" not in body

    def read_model(self, body: Body, path_params: Mapping[str, str]) -> str | None:
        model = body.get("model")
        return model if isinstance(model, str) and model else None

    def read_stream(self, body: Body, query: Mapping[str, str], path: str) -> bool:
        return body.get("stream") is True

    def wants_stream_usage(self, body: Body) -> bool:
        return True

    def read_api_key(self, headers: Mapping[str, str], query: Mapping[str, str]) -> str | None:
        return bearer_or_header_key(headers)

    def validate(self, body: Body) -> str | None:
        if not isinstance(body.get("input"), str | list):
            return "'input' must be a string or a list of input items"
        return None

    def set_model(self, body: Body, model: str) -> Body:
        if body.get("model") == model:
            return body
        return {**body, "model": model}

    def error_body(self, error: GatewayError) -> Body:
        return openai_error_body(error)

    def stream_error_event(self, error: GatewayError) -> bytes:
        event = {
            "type": "error",
            "code": error.code,
            "message": error.message,
            "param": None,
            "sequence_number": 0,
        }
        return sse_frame(event, event="error")

    def read_usage(self, body: Body) -> Usage | None:
        return usage_from_responses(body.get("usage"))

    def read_stream_usage(self, data: Body) -> Usage | None:
        if data.get("type") not in _FINAL_EVENTS:
            return None
        response = data.get("response")
        return usage_from_responses(response.get("usage")) if isinstance(response, dict) else None

    def is_usage_only(self, data: Body) -> bool:
        return False

    def accumulate(self, events: Sequence[Body | None]) -> Body:
        return accumulate_response(events)
