"""OpenAI Chat Completions as api.openai.com speaks it: the mock's ``openai`` wire format.

Shapes follow the real API closely enough that the official ``openai`` SDK parses every
answer, including what gateways tend to get wrong: ``usage: null`` on each stream chunk and a
final usage chunk with empty ``choices`` only when ``stream_options.include_usage`` is set,
tool calls streamed by index with the arguments spread over several chunks, and the 400s the
real API sends for a missing model or messages or ``stream_options`` without ``stream``.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Mapping, Sequence
from typing import Any

from .replies import Reply, Tool, Turn, reply_to, split_fixed, split_words
from .wire import (
    Answer,
    Exchange,
    JsonAnswer,
    MockError,
    Route,
    StreamAnswer,
    bearer_token,
    body_model,
)

ROLES = frozenset({"system", "developer", "user", "assistant", "tool", "function"})
_ERROR_TYPES = {401: "invalid_request_error", 403: "permission_error", 429: "requests"}
_ERROR_CODES = {401: "invalid_api_key", 404: "not_found", 429: "rate_limit_exceeded"}


DONE = b"data: [DONE]\n\n"
INVALID_JSON = (
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
    "using your HTTP library correctly.)"
)


def openai_error(
    status: int, message: str, *, code: str | None = None, param: str | None = None
) -> dict[str, Any]:
    """An error as every api.openai.com endpoint sends it (Chat Completions, Responses)."""
    kind = _ERROR_TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")
    code = code or _ERROR_CODES.get(status)
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


def _frame(payload: Any) -> bytes:
    return b"data: " + json.dumps(payload, separators=(",", ":")).encode() + b"\n\n"


class OpenAIChat:
    """``POST /v1/chat/completions`` (JSON and SSE) and ``GET /v1/models``."""

    name = "openai"
    base_path = "/v1"
    garbage_event = b"data: {this is not json\n\n"

    def __init__(self) -> None:
        self._ids = itertools.count(1)

    @property
    def routes(self) -> Sequence[Route]:
        return (
            Route("POST", "/v1/chat/completions", self.chat_completions),
            Route("GET", "/v1/models", self.list_models),
        )

    def read_key(self, headers: Mapping[str, str], query: Mapping[str, str]) -> str | None:
        return bearer_token(headers)

    def read_model(self, exchange: Exchange) -> str | None:
        return body_model(exchange)

    def error_body(
        self, status: int, message: str, *, code: str | None = None, param: str | None = None
    ) -> Any:
        return openai_error(status, message, code=code, param=param)

    def list_models(self, exchange: Exchange) -> Answer:
        data = [
            {"id": model, "object": "model", "created": 0, "owned_by": "omniroute-mock"}
            for model in exchange.models
        ]
        return JsonAnswer({"object": "list", "data": data})

    def chat_completions(self, exchange: Exchange) -> Answer:
        body = _validated(exchange)
        turns = [_turn(message) for message in body["messages"]]
        limit = body.get("max_completion_tokens", body.get("max_tokens"))
        reply = reply_to(turns, _callable_tools(body), limit if isinstance(limit, int) else None)
        head = {
            "id": f"chatcmpl-mock{next(self._ids)}",
            "created": int(time.time()),
            "model": body["model"],
            "system_fingerprint": "fp_omniroute_mock",
        }
        if body.get("stream"):
            options = body.get("stream_options") or {}
            return StreamAnswer(_stream(head, reply, bool(options.get("include_usage"))))
        return JsonAnswer(_completion(head, reply))


def _validated(exchange: Exchange) -> dict[str, Any]:
    """The body, or the 400 the real API sends for it."""
    body = exchange.body
    if not exchange.valid_json or not isinstance(body, dict):
        raise MockError(400, INVALID_JSON)
    if not isinstance(body.get("model"), str) or not body["model"]:
        raise MockError(400, "you must provide a model parameter")
    messages = body.get("messages")
    if messages is None:
        raise MockError(
            400,
            "Missing required parameter: 'messages'.",
            code="missing_required_parameter",
            param="messages",
        )
    if not isinstance(messages, list) or not messages:
        raise MockError(
            400,
            "Invalid 'messages': empty array. Expected an array with minimum length 1.",
            code="empty_array",
            param="messages",
        )
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in ROLES:
            raise MockError(
                400,
                f"Invalid value for 'messages[{index}].role'.",
                code="invalid_value",
                param=f"messages[{index}].role",
            )
        if message["role"] == "tool" and not message.get("tool_call_id"):
            raise MockError(
                400,
                f"Missing parameter 'tool_call_id' in 'messages[{index}]'.",
                code="missing_required_parameter",
                param=f"messages[{index}].tool_call_id",
            )
    if "stream" in body and not isinstance(body["stream"], bool):
        raise MockError(400, "Invalid type for 'stream': expected a boolean.", param="stream")
    if body.get("stream_options") is not None and not body.get("stream"):
        raise MockError(
            400,
            "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
            param="stream_options",
        )
    return body


def _text(content: Any) -> str:
    """Message content as plain text; non-text parts (images, audio) show as ``[type]``."""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    pieces = []
    for part in content:
        if isinstance(part, dict) and part.get("type") == "text":
            pieces.append(str(part.get("text", "")))
        elif isinstance(part, dict):
            pieces.append(f"[{part.get('type')}]")
    return " ".join(pieces)


def _turn(message: dict[str, Any]) -> Turn:
    role = {"developer": "system", "function": "tool"}.get(message["role"], message["role"])
    return Turn(role, _text(message.get("content")))


def _callable_tools(body: dict[str, Any]) -> list[Tool]:
    """The tools the request lets the model call, honouring ``tool_choice``."""
    tools = []
    for index, entry in enumerate(body.get("tools") or []):
        function = entry.get("function") if isinstance(entry, dict) else None
        if not isinstance(function, dict) or not isinstance(function.get("name"), str):
            raise MockError(
                400,
                f"Missing required parameter: 'tools[{index}].function.name'.",
                code="missing_required_parameter",
                param=f"tools[{index}].function.name",
            )
        tools.append(Tool(function["name"], function.get("parameters") or {}))
    choice = body.get("tool_choice")
    if choice == "none":
        return []
    if isinstance(choice, dict):
        forced = (choice.get("function") or {}).get("name")
        chosen = [tool for tool in tools if tool.name == forced]
        if not chosen:
            raise MockError(
                400,
                f"Invalid value for 'tool_choice': no tool named {forced!r}.",
                param="tool_choice",
            )
        return chosen
    return tools


def _finish_reason(reply: Reply) -> str:
    if reply.tool_call is not None:
        return "tool_calls"
    return "length" if reply.truncated else "stop"


def _usage(reply: Reply) -> dict[str, int]:
    return {
        "prompt_tokens": reply.prompt_tokens,
        "completion_tokens": reply.completion_tokens,
        "total_tokens": reply.prompt_tokens + reply.completion_tokens,
    }


def _completion(head: dict[str, Any], reply: Reply) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.text, "refusal": None}
    if reply.tool_call is not None:
        call = reply.tool_call
        message["tool_calls"] = [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": call.arguments},
            }
        ]
    choice = {
        "index": 0,
        "message": message,
        "logprobs": None,
        "finish_reason": _finish_reason(reply),
    }
    return {
        "id": head["id"],
        "object": "chat.completion",
        **head,
        "choices": [choice],
        "usage": _usage(reply),
    }


def _stream(head: dict[str, Any], reply: Reply, include_usage: bool) -> list[bytes]:
    envelope = {"id": head["id"], "object": "chat.completion.chunk", **head}

    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        payload: dict[str, Any] = {**envelope, "choices": [choice]}
        if include_usage:
            payload["usage"] = None
        return _frame(payload)

    if reply.tool_call is not None:
        call = reply.tool_call
        call_head = {
            "index": 0,
            "id": call.id,
            "type": "function",
            "function": {"name": call.name, "arguments": ""},
        }
        events = [chunk({"role": "assistant", "content": None, "tool_calls": [call_head]})]
        events += [
            chunk({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]})
            for piece in split_fixed(call.arguments)
        ]
    else:
        events = [chunk({"role": "assistant", "content": "", "refusal": None})]
        events += [chunk({"content": piece}) for piece in split_words(reply.text or "")]
    events.append(chunk({}, _finish_reason(reply)))
    if include_usage:
        events.append(_frame({**envelope, "choices": [], "usage": _usage(reply)}))
    events.append(DONE)
    return events
