"""OpenAI Chat request → Anthropic Messages request.

The Claude body is built from an allowlist: Anthropic rejects unknown top-level fields, so
OpenAI-only ones (``n``, ``logprobs``, ``presence_penalty``, ``seed``, ``stream_options``,
``store``, ``service_tier``, ``metadata``…) are never copied. Decisions this module makes:

* ``max_tokens`` is required by Anthropic. ``max_completion_tokens`` wins over ``max_tokens``;
  without either the request gets ``DEFAULT_MAX_TOKENS`` (8192: every current Claude model
  and the Claude-format providers accept it, and OpenAI clients that set no limit expect a
  complete answer, not Anthropic's SDK-example 1024). Thinking adds room (``thinking``).
* Sampling: ``temperature`` is clamped to Claude's 0 to 1 range; ``top_p`` is sent only
  without ``temperature`` (Claude 4.5 models reject both together); none of ``temperature``,
  ``top_p``, ``top_k`` is sent with thinking on or to models that reject them all (Claude
  4.7 on, see ``models``). OpenAI clients often send a temperature by habit, and a 400 for
  it would make those models unusable from them.
* ``response_format`` ``json_object``/``json_schema`` becomes a system instruction (with the
  schema): every Claude-format upstream honours an instruction, not all have structured
  output.
* ``user`` (or its successor ``safety_identifier``) becomes ``metadata.user_id``.
"""

from __future__ import annotations

from typing import Any

import orjson

from omniroute import Body, InvalidRequest

from ..mapping import claude_tool_choice
from .content import Block
from .messages import claude_messages
from .models import rejects_sampling
from .thinking import apply_thinking

DEFAULT_MAX_TOKENS = 8192

_JSON_INSTRUCTION = (
    "Respond only with valid JSON{what}. Do not wrap it in Markdown code fences and do not "
    "add any text before or after it."
)


def to_claude(body: Body, model: str) -> Body:
    """The Anthropic Messages request for the OpenAI Chat request ``body``."""
    system, messages = claude_messages(body.get("messages"))
    system.extend(_response_format(body.get("response_format")))
    out: Body = {"model": model, "messages": messages}
    if system:
        out["system"] = system
    tools, choice = _tools(body)
    if tools:
        out["tools"] = tools
    if choice:
        out["tool_choice"] = choice
    thinking = apply_thinking(out, body, _max_tokens(body), DEFAULT_MAX_TOKENS)
    if not thinking and not rejects_sampling(model):
        _sampling(out, body)
    stop = _stop_sequences(body.get("stop"))
    if stop:
        out["stop_sequences"] = stop
    user = body.get("user") or body.get("safety_identifier")
    if isinstance(user, str) and user:
        out["metadata"] = {"user_id": user}
    if body.get("stream") is True:
        out["stream"] = True
    return out


def _max_tokens(body: Body) -> int | None:
    """The client's output limit, if it set a usable one."""
    for key in ("max_completion_tokens", "max_tokens"):
        value = body.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return None


def _sampling(out: Body, body: Body) -> None:
    temperature = body.get("temperature")
    if isinstance(temperature, int | float) and not isinstance(temperature, bool):
        out["temperature"] = min(max(float(temperature), 0.0), 1.0)
    elif isinstance(body.get("top_p"), int | float):
        out["top_p"] = body["top_p"]
    if isinstance(body.get("top_k"), int):
        out["top_k"] = body["top_k"]


def _tools(body: Body) -> tuple[list[Block], dict[str, Any] | None]:
    """Claude ``tools`` and ``tool_choice``; ``tool_choice: "none"`` sends no tools at all."""
    raw = body.get("tools")
    if not isinstance(raw, list) or not raw:
        return [], None
    choice = claude_tool_choice(body.get("tool_choice"))
    if choice is None:
        return [], None
    if body.get("parallel_tool_calls") is False:
        choice["disable_parallel_tool_use"] = True
    elif "tool_choice" not in body:
        choice = None  # Claude's default is auto already
    return [_tool(tool) for tool in raw], choice


def _tool(tool: Any) -> Block:
    """``{"type": "function", "function": {...}}`` → ``{name, description, input_schema}``.

    Other entries are taken to be Claude-native tools (``web_search_20250305``…) and go
    through as they are.
    """
    if not isinstance(tool, dict):
        raise InvalidRequest("tools entries must be objects")
    if tool.get("type") != "function":
        return tool
    function = tool.get("function")
    if not isinstance(function, dict) or not function.get("name"):
        raise InvalidRequest("function tools need a function name")
    schema = function.get("parameters")
    schema = dict(schema) if isinstance(schema, dict) else {}
    schema.setdefault("type", "object")  # Claude requires an object schema
    if schema["type"] == "object":
        schema.setdefault("properties", {})
    out: Block = {"name": function["name"], "input_schema": schema}
    if function.get("description"):
        out["description"] = function["description"]
    if "cache_control" in tool:
        out["cache_control"] = tool["cache_control"]
    return out


def _stop_sequences(stop: Any) -> list[str]:
    if isinstance(stop, str):
        stop = [stop]
    if not isinstance(stop, list):
        return []
    return [s for s in stop if isinstance(s, str) and s]


def _response_format(response_format: Any) -> list[Block]:
    if not isinstance(response_format, dict):
        return []
    kind = response_format.get("type")
    if kind == "json_object":
        what = ""
    elif kind == "json_schema":
        spec = response_format.get("json_schema")
        spec = spec if isinstance(spec, dict) else {}
        name = f" named {spec['name']!r}" if spec.get("name") else ""
        schema = orjson.dumps(spec.get("schema", {})).decode()
        what = f" matching this JSON schema{name}: {schema}"
    else:
        return []
    return [{"type": "text", "text": _JSON_INSTRUCTION.format(what=what)}]
