"""The ``claude`` wire format (Anthropic Messages) and its inbound surfaces."""

from __future__ import annotations

from collections.abc import Mapping

from omniroute import Body, GatewayError, Surface, Usage, bearer_token, sse_frame

from .mapping import usage_from_claude

ANTHROPIC_VERSION = "2023-06-01"

_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    529: "overloaded_error",
}


def error_type(status: int) -> str:
    """Anthropic's error ``type`` for an HTTP status (what its SDK maps to exceptions)."""
    if status in _ERROR_TYPES:
        return _ERROR_TYPES[status]
    return "invalid_request_error" if 400 <= status < 500 else "api_error"


class ClaudeFormat:
    """Messages requests and responses, and their ``event:``-named SSE streams.

    Claude Code and the ``anthropic`` SDK send the gateway key as ``x-api-key``; some
    clients use ``Authorization: Bearer``; both are accepted.
    """

    name = "claude"
    surfaces = (
        Surface("/v1/messages"),
        Surface("/v1/messages/count_tokens", kind="count_tokens"),
    )

    def detect(self, body: Body) -> bool:
        return isinstance(body.get("messages"), list) and (
            "max_tokens" in body or isinstance(body.get("system"), list)
        )

    def read_model(self, body: Body, path_params: Mapping[str, str]) -> str | None:
        model = body.get("model")
        return model if isinstance(model, str) and model else None

    def read_stream(self, body: Body, query: Mapping[str, str], path: str) -> bool:
        return body.get("stream") is True

    def wants_stream_usage(self, body: Body) -> bool:
        return True  # Claude streams always carry usage

    def read_api_key(self, headers: Mapping[str, str], query: Mapping[str, str]) -> str | None:
        return headers.get("x-api-key") or bearer_token(headers)

    def validate(self, body: Body) -> str | None:
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            return "messages: at least one message is required"
        return None

    def set_model(self, body: Body, model: str) -> Body:
        if body.get("model") == model:
            return body
        return {**body, "model": model}

    def error_body(self, error: GatewayError) -> Body:
        return {
            "type": "error",
            "error": {"type": error_type(error.status), "message": error.message},
        }

    def stream_error_event(self, error: GatewayError) -> bytes:
        return sse_frame(self.error_body(error), event="error")

    def read_usage(self, body: Body) -> Usage | None:
        return usage_from_claude(body.get("usage"))

    def read_stream_usage(self, data: Body) -> Usage | None:
        kind = data.get("type")
        if kind == "message_start":
            message = data.get("message")
            return usage_from_claude(message.get("usage")) if isinstance(message, dict) else None
        if kind == "message_delta":
            return usage_from_claude(data.get("usage"))
        return None

    def is_usage_only(self, data: Body) -> bool:
        return False

    def token_count_body(self, tokens: int, source: str) -> Body:
        return {"input_tokens": tokens, "source": source}

    def read_token_count(self, body: Body) -> int | None:
        tokens = body.get("input_tokens")
        return tokens if isinstance(tokens, int) else None
