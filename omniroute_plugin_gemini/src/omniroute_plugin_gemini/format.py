"""The ``gemini`` wire format (``generateContent``) and its ``/v1beta`` surfaces.

The model is part of the path, not the body (``/v1beta/models/{model}:generateContent``);
``{model:path}`` lets gateway-prefixed names such as ``gemini/gemini-2.5-pro`` through. The
``google-genai`` SDK streams with ``?alt=sse``; without it Gemini streams one JSON array,
which ``reframe_stream`` produces from the gateway's SSE frames.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence

from omniroute import Body, GatewayError, SSEDecoder, Surface, Usage, sse_frame

from .mapping import usage_from_gemini

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    413: "INVALID_ARGUMENT",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
_MODEL_PATHS = ("/v1beta/models/{model:path}", "/v1/models/{model:path}")
"""``google-genai`` defaults to ``v1``; Gemini CLI and older SDKs use ``v1beta``."""


def status_name(status: int) -> str:
    """The ``google.rpc.Code`` name Gemini reports for an HTTP status."""
    if status in _STATUS_NAMES:
        return _STATUS_NAMES[status]
    return "FAILED_PRECONDITION" if 400 <= status < 500 else "INTERNAL"


class GeminiFormat:
    name = "gemini"
    surfaces = (
        *(Surface(f"{path}:generateContent") for path in _MODEL_PATHS),
        *(Surface(f"{path}:streamGenerateContent") for path in _MODEL_PATHS),
        *(Surface(f"{path}:countTokens", kind="count_tokens") for path in _MODEL_PATHS),
        Surface("/v1beta/models", methods=("GET",), kind="list_models"),
    )

    def detect(self, body: Body) -> bool:
        return isinstance(body.get("contents"), list)

    def read_model(self, body: Body, path_params: Mapping[str, str]) -> str | None:
        model = path_params.get("model", "")
        return model.removeprefix("models/") or None

    def read_stream(self, body: Body, query: Mapping[str, str], path: str) -> bool:
        return path.endswith(":streamGenerateContent")

    def wants_stream_usage(self, body: Body) -> bool:
        return True

    def read_api_key(self, headers: Mapping[str, str], query: Mapping[str, str]) -> str | None:
        return headers.get("x-goog-api-key") or query.get("key") or None

    def validate(self, body: Body) -> str | None:
        contents = body.get("contents")
        if not isinstance(contents, list) or not contents:
            return "contents is not specified"
        return None

    def set_model(self, body: Body, model: str) -> Body:
        return body  # the model travels in the URL

    def error_body(self, error: GatewayError) -> Body:
        return {
            "error": {
                "code": error.status,
                "message": error.message,
                "status": status_name(error.status),
            }
        }

    def stream_error_event(self, error: GatewayError) -> bytes:
        return sse_frame(self.error_body(error))

    def read_usage(self, body: Body) -> Usage | None:
        return usage_from_gemini(body.get("usageMetadata"))

    def read_stream_usage(self, data: Body) -> Usage | None:
        return usage_from_gemini(data.get("usageMetadata"))

    def is_usage_only(self, data: Body) -> bool:
        return False

    def token_count_body(self, tokens: int, source: str) -> Body:
        return {"totalTokens": tokens}

    def read_token_count(self, body: Body) -> int | None:
        tokens = body.get("totalTokens")
        return tokens if isinstance(tokens, int) else None

    def model_list_body(self, models: Sequence[str]) -> Body:
        return {
            "models": [
                {
                    "name": f"models/{model}",
                    "displayName": model,
                    "supportedGenerationMethods": ["generateContent", "countTokens"],
                }
                for model in models
            ]
        }

    def reframe_stream(
        self, frames: AsyncIterator[bytes], query: Mapping[str, str]
    ) -> tuple[str, AsyncIterator[bytes]]:
        if query.get("alt") == "sse":
            return "text/event-stream", frames
        return "application/json", _json_array(frames)


async def _json_array(frames: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """Gemini's non-SSE stream: ``[`` + each response object, comma separated + ``]``."""
    decoder = SSEDecoder()
    separator = b"["
    async for frame in frames:
        for event in decoder.feed(frame):
            yield separator + event.data
            separator = b",\r\n"
    yield b"]" if separator != b"[" else b"[]"
