"""OpenAI Chat request → Responses request (everything but the conversation, see ``items``).

The body is built from an allowlist: Responses upstreams (Codex's backend above all) answer
400 to fields they do not know. Decisions this module makes:

* ``store`` is always false: the gateway is stateless, and an upstream that stored the
  answer would expect ``previous_response_id`` chaining a Chat client never does. Usage
  needs nothing: Responses streams always report it in ``response.completed``.
* ``max_completion_tokens`` (else ``max_tokens``) becomes ``max_output_tokens``, raised to
  the API's minimum of 16: clients probing a model with ``max_tokens: 1`` would get a 400.
* ``reasoning_effort`` becomes ``reasoning.effort`` with ``summary: "auto"``, so the
  reasoning comes back as ``reasoning_content`` the way it does from every other upstream
  (OpenAI's own Chat API shows none). ``"none"`` asks for no summary.
* ``response_format`` and ``verbosity`` become ``text.format`` and ``text.verbosity``.
* Function tools are flattened and keep Chat's non-strict default: Responses defaults
  ``strict`` to true, which would reject the many client schemas that are not strict-ready.
  Other tools (Chat ``custom`` tools) and a ``tool_choice`` that is not a string or a named
  function (``allowed_tools``) are left out, so the upstream's ``auto`` applies. Without
  tools, ``tool_choice`` and ``parallel_tool_calls`` are left out too.
* Not supported by the Responses API, so dropped: ``stop``, ``seed``, ``logprobs``,
  ``top_logprobs``, ``presence_penalty``, ``frequency_penalty``, ``logit_bias``,
  ``stream_options``. ``n`` above 1 is refused with a 400 rather than answered with one
  choice a client indexing ``choices[1]`` would not find.
"""

from __future__ import annotations

from typing import Any

from omniroute import Body, InvalidRequest

from ..mapping import responses_tool_choice
from .items import responses_input

MIN_OUTPUT_TOKENS = 16
"""The smallest ``max_output_tokens`` the Responses API accepts."""

_PASSED_THROUGH = (
    ("temperature", (int, float)),
    ("top_p", (int, float)),
    ("metadata", dict),
    ("user", str),
    ("safety_identifier", str),
    ("prompt_cache_key", str),
    ("prompt_cache_retention", str),
    ("service_tier", str),
)


def to_responses(body: Body, model: str) -> Body:
    """The Responses request for the OpenAI Chat request ``body``, addressed to ``model``."""
    _refuse_choices(body.get("n"))
    instructions, items = responses_input(body.get("messages"))
    out: Body = {"model": model}
    if instructions:
        out["instructions"] = instructions
    out["input"] = items
    _tools(body, out)
    limit = _max_tokens(body)
    if limit is not None:
        out["max_output_tokens"] = max(limit, MIN_OUTPUT_TOKENS)
    for key, kinds in _PASSED_THROUGH:
        value = body.get(key)
        if isinstance(value, kinds) and not isinstance(value, bool):
            out[key] = value
    effort = body.get("reasoning_effort")
    if isinstance(effort, str) and effort:
        out["reasoning"] = (
            {"effort": effort} if effort == "none" else {"effort": effort, "summary": "auto"}
        )
    text = _text_config(body)
    if text:
        out["text"] = text
    out["store"] = False
    if body.get("stream") is True:
        out["stream"] = True
    return out


def _refuse_choices(n: Any) -> None:
    if isinstance(n, int) and not isinstance(n, bool) and n > 1:
        raise InvalidRequest("n > 1 is not supported by Responses API models; ask once per choice")


def _max_tokens(body: Body) -> int | None:
    for key in ("max_completion_tokens", "max_tokens"):
        value = body.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return None


def _tools(body: Body, out: Body) -> None:
    raw = body.get("tools")
    tools = [_tool(tool) for tool in raw if _is_function(tool)] if isinstance(raw, list) else []
    if not tools:
        return
    out["tools"] = tools
    choice = responses_tool_choice(body.get("tool_choice"))
    names = {tool["name"] for tool in tools}
    if isinstance(choice, str) or (
        isinstance(choice, dict)
        and choice.get("type") == "function"
        and choice.get("name") in names
    ):
        out["tool_choice"] = choice
    if isinstance(body.get("parallel_tool_calls"), bool):
        out["parallel_tool_calls"] = body["parallel_tool_calls"]


def _is_function(tool: Any) -> bool:
    return isinstance(tool, dict) and tool.get("type") == "function"


def _tool(tool: dict[str, Any]) -> dict[str, Any]:
    """``{"type": "function", "function": {...}}`` → ``{"type": "function", "name", ...}``."""
    function = tool.get("function")
    if not isinstance(function, dict) or not function.get("name"):
        raise InvalidRequest("function tools need a function name")
    parameters = function.get("parameters")
    out: dict[str, Any] = {
        "type": "function",
        "name": function["name"],
        "parameters": parameters if isinstance(parameters, dict) else _no_parameters(),
        "strict": function.get("strict") is True,
    }
    if isinstance(function.get("description"), str) and function["description"]:
        out["description"] = function["description"]
    return out


def _no_parameters() -> dict[str, Any]:
    """The schema of a function without parameters (Chat allows leaving it out)."""
    return {"type": "object", "properties": {}}


def _text_config(body: Body) -> dict[str, Any]:
    """``text.format`` from ``response_format`` and ``text.verbosity`` from ``verbosity``."""
    text: dict[str, Any] = {}
    text_format = _format(body.get("response_format"))
    if text_format is not None:
        text["format"] = text_format
    if isinstance(body.get("verbosity"), str):
        text["verbosity"] = body["verbosity"]
    return text


def _format(response_format: Any) -> dict[str, Any] | None:
    """The ``text.format`` of a Chat ``response_format`` (the schema moves up a level).

    Chat makes a ``json_schema``'s schema optional, Responses requires one: plain JSON mode
    is what such a request can still get.
    """
    if not isinstance(response_format, dict):
        return None
    kind = response_format.get("type")
    if kind in ("text", "json_object"):
        return {"type": kind}
    if kind != "json_schema":
        return None
    spec = response_format.get("json_schema")
    if not isinstance(spec, dict) or not isinstance(spec.get("schema"), dict):
        return {"type": "json_object"}
    optional = {key: spec[key] for key in ("description", "strict") if spec.get(key) is not None}
    return {
        "type": "json_schema",
        "name": spec.get("name") or "response",
        "schema": spec["schema"],
    } | optional
