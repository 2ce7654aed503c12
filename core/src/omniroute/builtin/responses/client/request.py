"""Responses request → Chat Completions request (everything but the input items).

The output is built from an allowlist rather than by copying the input: Responses-only
fields (``include``, ``truncation``, ``background``, ``prompt_cache_key``, ``store``,
``metadata``, ``text.verbosity``, ``reasoning.summary``) would make a strict Chat server
answer 400, so only fields with a Chat meaning are written. ``background`` is served
synchronously, as the original gateway did.
"""

from __future__ import annotations

import re
from typing import Any

from omniroute import InvalidRequest

from ..mapping import chat_tool_choice
from .items import chat_messages

_STATEFUL = {
    "previous_response_id": "previous_response_id is not supported: send the full input",
    "conversation": "conversation is not supported: send the full input",
    "prompt": "prompt (a stored prompt template) is not supported: send instructions and input",
}
"""Fields that name state kept by OpenAI. The gateway stores no responses, and answering
without the referenced context would look like success while the model saw only part of the
conversation, so these are refused."""

_COMPLETION_TOKENS_MODEL = re.compile(r"(o\d|gpt-5)")
"""OpenAI's reasoning families, which reject ``max_tokens`` and take only
``max_completion_tokens``; every other Chat server knows ``max_tokens`` (many know nothing
else)."""


def chat_request(body: dict[str, Any], model: str) -> dict[str, Any]:
    """The Chat body for the Responses request ``body``, addressed to ``model``.

    Raises ``InvalidRequest`` for what a stateless gateway in front of a Chat upstream cannot
    honour (stored state, Files API ids, a ``tool_choice`` forcing a hosted tool).
    """
    for field, message in _STATEFUL.items():
        if body.get(field):
            raise InvalidRequest(message)
    out: dict[str, Any] = {"model": model}
    messages = chat_messages(body.get("input"))
    instructions = body.get("instructions")
    if isinstance(instructions, str) and instructions:
        messages.insert(0, {"role": "system", "content": instructions})
    out["messages"] = messages
    if isinstance(body.get("max_output_tokens"), int):
        out[_max_tokens_field(model)] = body["max_output_tokens"]
    for key in ("temperature", "top_p"):
        if isinstance(body.get(key), int | float):
            out[key] = body[key]
    if isinstance(body.get("user"), str):
        out["user"] = body["user"]
    reasoning = body.get("reasoning")
    if isinstance(reasoning, dict) and isinstance(reasoning.get("effort"), str):
        out["reasoning_effort"] = reasoning["effort"]
    _tools(body, out)
    response_format = _response_format(body.get("text"))
    if response_format is not None:
        out["response_format"] = response_format
    if body.get("stream") is True:
        out["stream"] = True
        out["stream_options"] = {"include_usage": True}
    return out


def _max_tokens_field(model: str) -> str:
    """``max_completion_tokens`` for OpenAI reasoning models, else ``max_tokens``.

    The model is the upstream's name, possibly behind a router prefix (``openai/o3``).
    """
    name = model.rsplit("/", 1)[-1].lower()
    return "max_completion_tokens" if _COMPLETION_TOKENS_MODEL.match(name) else "max_tokens"


def _tools(body: dict[str, Any], out: dict[str, Any]) -> None:
    """Function tools, ``tool_choice`` and ``parallel_tool_calls``.

    Hosted tools (``web_search``, ``file_search``, ``code_interpreter``, ``computer_use``,
    ``image_generation``, ``mcp``…) and custom (free-form) tools run inside OpenAI's API or
    need a grammar only OpenAI applies, so a Chat upstream cannot serve them: they are
    dropped, as the original gateway did. A ``tool_choice`` *forcing* one of them is refused
    instead, since answering without the tool would ignore an explicit order. Chat rejects
    ``tool_choice`` and ``parallel_tool_calls`` without tools, so both follow the tools.
    """
    tools = body.get("tools")
    functions = [_function(t) for t in tools if _is_function(t)] if isinstance(tools, list) else []
    choice = body.get("tool_choice")
    if isinstance(choice, dict) and choice.get("type") == "allowed_tools":
        allowed = choice.get("tools")
        names = (
            {t.get("name") for t in allowed if _is_function(t)}
            if isinstance(allowed, list)
            else set()
        )
        functions = [f for f in functions if f["function"]["name"] in names]
        choice = choice.get("mode")
    elif isinstance(choice, dict) and choice.get("type") != "function":
        raise InvalidRequest(
            f"tool_choice {choice.get('type')!r} forces a tool that a Chat Completions "
            "upstream cannot run; only function tools are supported"
        )
    if not functions:
        return
    out["tools"] = functions
    if choice is not None:
        out["tool_choice"] = chat_tool_choice(choice)
    if isinstance(body.get("parallel_tool_calls"), bool):
        out["parallel_tool_calls"] = body["parallel_tool_calls"]


def _is_function(tool: Any) -> bool:
    return isinstance(tool, dict) and tool.get("type") == "function" and bool(tool.get("name"))


def _function(tool: dict[str, Any]) -> dict[str, Any]:
    """A Chat function tool; Responses puts the fields on the tool, Chat one level down."""
    function: dict[str, Any] = {"name": tool["name"]}
    if isinstance(tool.get("description"), str) and tool["description"]:
        function["description"] = tool["description"]
    parameters = tool.get("parameters")
    function["parameters"] = (
        parameters if isinstance(parameters, dict) else {"type": "object", "properties": {}}
    )
    if isinstance(tool.get("strict"), bool):
        function["strict"] = tool["strict"]
    return {"type": "function", "function": function}


def _response_format(text: Any) -> dict[str, Any] | None:
    """``text.format`` → ``response_format``: Responses flattens the ``json_schema`` object
    that Chat nests; ``text`` (the default) needs no field."""
    spec = text.get("format") if isinstance(text, dict) else None
    if not isinstance(spec, dict):
        return None
    if spec.get("type") == "json_object":
        return {"type": "json_object"}
    if spec.get("type") != "json_schema":
        return None
    schema = spec.get("schema")
    json_schema: dict[str, Any] = {
        "name": spec.get("name") or "output",
        "schema": schema if isinstance(schema, dict) else {},
    }
    if isinstance(spec.get("description"), str):
        json_schema["description"] = spec["description"]
    if isinstance(spec.get("strict"), bool):
        json_schema["strict"] = spec["strict"]
    return {"type": "json_schema", "json_schema": json_schema}
