"""The ``openai`` wire format (Chat Completions): the hub every translator goes through."""

from __future__ import annotations

from collections.abc import Mapping

import orjson

from omniroute import Body, GatewayError, Surface, Usage, bearer_token


def bearer_or_header_key(headers: Mapping[str, str]) -> str | None:
    """The key from ``Authorization: Bearer …``, else from ``x-api-key``."""
    return bearer_token(headers) or headers.get("x-api-key") or None


def openai_error_body(error: GatewayError) -> Body:
    """OpenAI's error shape, which the Chat and Responses SDKs both parse."""
    return {
        "error": {
            "message": error.message,
            "type": error.type,
            "code": error.code,
            "param": None,
        }
    }


class OpenAIFormat:
    """Chat Completions requests, responses and ``chat.completion.chunk`` streams."""

    name = "openai"
    surfaces = (
        Surface("/v1/chat/completions"),
        Surface("/v1/providers/{provider}/chat/completions", provider_scoped=True),
    )

    def detect(self, body: Body) -> bool:
        return isinstance(body.get("messages"), list)

    def read_model(self, body: Body, path_params: Mapping[str, str]) -> str | None:
        model = body.get("model")
        return model if isinstance(model, str) and model else None

    def read_stream(self, body: Body, query: Mapping[str, str], path: str) -> bool:
        return body.get("stream") is True

    def wants_stream_usage(self, body: Body) -> bool:
        options = body.get("stream_options")
        return isinstance(options, dict) and options.get("include_usage") is True

    def read_api_key(self, headers: Mapping[str, str], query: Mapping[str, str]) -> str | None:
        return bearer_or_header_key(headers)

    def set_model(self, body: Body, model: str) -> Body:
        if body.get("model") == model:
            return body
        return {**body, "model": model}

    def validate(self, body: Body) -> str | None:
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            return "'messages' must be a non-empty array"
        return None

    def error_body(self, error: GatewayError) -> Body:
        return openai_error_body(error)

    def stream_error_event(self, error: GatewayError) -> bytes:
        return b"data: " + orjson.dumps(self.error_body(error)) + b"\n\n"

    def read_usage(self, body: Body) -> Usage | None:
        return Usage.from_openai(body.get("usage"))

    def read_stream_usage(self, data: Body) -> Usage | None:
        return Usage.from_openai(data.get("usage"))

    def is_usage_only(self, data: Body) -> bool:
        """A trailing chunk that carries usage and no choices."""
        return not data.get("choices") and data.get("usage") is not None
