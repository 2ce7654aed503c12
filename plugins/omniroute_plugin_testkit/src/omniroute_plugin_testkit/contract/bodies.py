"""The OpenAI-format bodies the contract sends, and what must survive a translation.

Translators may legitimately reshape a body (content as a string or as text parts, extra
defaults, ids), so round trips are compared on essentials: roles and text, model, stream
flag, token limit, tool names and schemas, answer text, finish reason, usage, tool calls.
"""

from __future__ import annotations

import json
from typing import Any

from omniroute import Body

PROMPT = "contract check: hello upstream"
SYSTEM = "answer briefly"
TOOL = {
    "type": "function",
    "function": {
        "name": "lookup",
        "description": "Look something up",
        "parameters": {
            "type": "object",
            "properties": {"query": {"type": "string"}},
            "required": ["query"],
        },
    },
}


def chat_request(model: str, *, stream: bool = False, tools: bool = False) -> Body:
    body: Body = {
        "model": model,
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": PROMPT},
        ],
        "max_tokens": 64,
        "stream": stream,
    }
    if stream:
        body["stream_options"] = {"include_usage": True}
    if tools:
        body["tools"] = [TOOL]
    return body


def chat_response(model: str, *, tool_call: bool = False) -> Body:
    message: dict[str, Any] = {"role": "assistant", "content": f"echo: {PROMPT}"}
    finish = "stop"
    if tool_call:
        arguments = json.dumps({"query": PROMPT})
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_contract",
                    "type": "function",
                    "function": {"name": "lookup", "arguments": arguments},
                }
            ],
        }
        finish = "tool_calls"
    return {
        "id": "chatcmpl-contract",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {"prompt_tokens": 7, "completion_tokens": 5, "total_tokens": 12},
    }


def tool_conversation(model: str, call: dict[str, Any], result: str) -> Body:
    """The follow-up request answering ``call`` (an OpenAI tool call) with ``result``."""
    body = chat_request(model, tools=True)
    body["messages"] += [
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": call["id"], "content": result},
    ]
    return body


def streamed_tool_calls(chunks: list[Any]) -> list[dict[str, Any]]:
    """The tool calls of an OpenAI stream, merged by index as clients merge them: the id,
    type and name from the first delta of each call, the argument pieces concatenated."""
    calls: dict[int, dict[str, Any]] = {}
    for chunk in chunks:
        for choice in chunk["choices"]:
            for delta in choice["delta"].get("tool_calls") or []:
                call = calls.setdefault(
                    delta["index"],
                    {"id": None, "type": "function", "function": {"name": None, "arguments": ""}},
                )
                call["id"] = call["id"] or delta.get("id")
                function = delta.get("function") or {}
                call["function"]["name"] = call["function"]["name"] or function.get("name")
                call["function"]["arguments"] += function.get("arguments") or ""
    return [calls[index] for index in sorted(calls)]


def text_of(content: Any) -> str:
    """Message content as text, whether a string or a list of text parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return ""


def answer_tokens(usage: dict[str, Any]) -> int:
    """The completion tokens of the answer itself: a thinking model's reasoning tokens are
    part of ``completion_tokens`` and reported in ``completion_tokens_details``."""
    details = usage.get("completion_tokens_details") or {}
    return int(usage["completion_tokens"]) - int(details.get("reasoning_tokens") or 0)


def request_essentials(body: Body) -> dict[str, Any]:
    tools = [
        (tool["function"]["name"], tool["function"].get("parameters"))
        for tool in body.get("tools") or []
    ]
    return {
        "model": body.get("model"),
        "stream": bool(body.get("stream")),
        "max_tokens": body.get("max_tokens", body.get("max_completion_tokens")),
        "messages": [(m["role"], text_of(m.get("content"))) for m in body["messages"]],
        "tools": tools,
    }


def response_essentials(body: Body) -> dict[str, Any]:
    choice = body["choices"][0]
    message = choice["message"]
    calls = [
        (call["function"]["name"], json.loads(call["function"]["arguments"]))
        for call in message.get("tool_calls") or []
    ]
    usage = body.get("usage") or {}
    return {
        "text": text_of(message.get("content")),
        "finish_reason": choice.get("finish_reason"),
        "tool_calls": calls,
        "usage": (usage.get("prompt_tokens"), usage.get("completion_tokens")),
    }
