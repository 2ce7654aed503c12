"""Claude Messages request → OpenAI Chat request (everything but the message list).

The output is built from an allowlist rather than by copying the input: Anthropic-only
fields (``top_k``, ``cache_control``, ``container``, ``mcp_servers``, betas) would make a
strict OpenAI server answer 400, so only fields with an OpenAI meaning are written.
"""

from __future__ import annotations

from typing import Any

from ..mapping import effort_of_budget, openai_tool_choice
from .messages import openai_messages

BILLING_HEADER = "x-anthropic-billing-header:"
"""Claude Code starts its system prompt with this line; its ``cch=`` hash changes on every
request, which defeats the prefix caching of OpenAI-side servers, and it means nothing to a
model. It is removed."""

_EFFORTS = {"low": "low", "medium": "medium", "high": "high", "max": "high", "xhigh": "high"}


def openai_request(body: dict[str, Any], model: str) -> dict[str, Any]:
    """The OpenAI Chat body for the Claude Messages ``body``, addressed to ``model``."""
    out: dict[str, Any] = {"model": model}
    messages = openai_messages(body.get("messages"))
    system = _system_text(body.get("system"))
    out["messages"] = [{"role": "system", "content": system}, *messages] if system else messages
    if isinstance(body.get("max_tokens"), int):
        out["max_tokens"] = body["max_tokens"]
    effort = _reasoning_effort(body)
    if effort is not None:
        out["reasoning_effort"] = effort
    if not _thinking_on(body):
        # With thinking on, Anthropic allows only near-default sampling, and reasoning
        # models on the OpenAI side reject temperature and top_p outright.
        for key in ("temperature", "top_p"):
            if isinstance(body.get(key), int | float):
                out[key] = body[key]
    stops = body.get("stop_sequences")
    if isinstance(stops, list) and stops:
        out["stop"] = stops
    _tools(body, out)
    response_format = _response_format(body)
    if response_format is not None:
        out["response_format"] = response_format
    metadata = body.get("metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("user_id"), str):
        out["user"] = metadata["user_id"]
    if body.get("stream") is True:
        out["stream"] = True
        out["stream_options"] = {"include_usage": True}
    return out


def _system_text(system: Any) -> str:
    """One system string from Claude's string or text blocks (``cache_control`` dropped)."""
    if isinstance(system, str):
        texts = [system]
    elif isinstance(system, list):
        texts = [
            block["text"]
            for block in system
            if isinstance(block, dict) and isinstance(block.get("text"), str)
        ]
    else:
        return ""
    kept = []
    for text in texts:
        if text.startswith(BILLING_HEADER):
            text = text.partition("\n")[2].lstrip("\n")
        if text:
            kept.append(text)
    return "\n".join(kept)


def _thinking_on(body: dict[str, Any]) -> bool:
    thinking = body.get("thinking")
    return isinstance(thinking, dict) and thinking.get("type") in ("enabled", "adaptive")


def _reasoning_effort(body: dict[str, Any]) -> str | None:
    """``reasoning_effort`` from ``thinking.budget_tokens``, or from ``output_config.effort``
    (adaptive thinking, or Anthropic's effort control on its own); none when thinking is
    disabled, so the upstream's default applies."""
    thinking = body.get("thinking")
    if isinstance(thinking, dict):
        if thinking.get("type") == "disabled":
            return None
        budget = thinking.get("budget_tokens")
        if thinking.get("type") == "enabled" and isinstance(budget, int):
            return effort_of_budget(budget)
    config = body.get("output_config")
    effort = config.get("effort") if isinstance(config, dict) else None
    return _EFFORTS.get(effort) if isinstance(effort, str) else None


def _tools(body: dict[str, Any], out: dict[str, Any]) -> None:
    """Function tools, ``tool_choice`` and ``parallel_tool_calls``.

    Anthropic server tools (``web_search_20250305``, ``code_execution_…``, ``bash_…``: any
    tool with a ``type`` other than ``custom``) run inside Anthropic's API or have schemas only
    Anthropic knows, so an OpenAI upstream cannot serve them: they are dropped, and a
    ``tool_choice`` naming one falls back to ``auto``. OpenAI rejects ``tool_choice`` and
    ``parallel_tool_calls`` without tools, so both follow the tools.
    """
    tools = body.get("tools")
    functions = (
        [_function(tool) for tool in tools if _is_custom(tool)] if isinstance(tools, list) else []
    )
    if not functions:
        return
    out["tools"] = functions
    choice = body.get("tool_choice")
    if isinstance(choice, dict):
        mapped = openai_tool_choice(choice)
        if isinstance(mapped, dict):
            names = {f["function"]["name"] for f in functions}
            mapped = mapped if mapped["function"]["name"] in names else "auto"
        out["tool_choice"] = mapped
        if choice.get("disable_parallel_tool_use") is True:
            out["parallel_tool_calls"] = False


def _is_custom(tool: Any) -> bool:
    return (
        isinstance(tool, dict) and tool.get("type") in (None, "custom") and bool(tool.get("name"))
    )


def _function(tool: dict[str, Any]) -> dict[str, Any]:
    schema = tool.get("input_schema")
    function: dict[str, Any] = {"name": tool["name"]}
    if isinstance(tool.get("description"), str) and tool["description"]:
        function["description"] = tool["description"]
    function["parameters"] = (
        schema if isinstance(schema, dict) else {"type": "object", "properties": {}}
    )
    return {"type": "function", "function": function}


def _response_format(body: dict[str, Any]) -> dict[str, Any] | None:
    """Anthropic structured output (``output_config.format``, or the older ``output_format``)
    → OpenAI ``response_format`` ``json_schema``."""
    config = body.get("output_config")
    spec = config.get("format") if isinstance(config, dict) else None
    if not isinstance(spec, dict):
        spec = body.get("output_format")
    if not isinstance(spec, dict) or spec.get("type") != "json_schema":
        return None
    schema = spec.get("schema")
    if not isinstance(schema, dict):
        return None
    return {"type": "json_schema", "json_schema": {"name": "output", "schema": schema}}
