"""Gemini ``generateContent`` request → OpenAI Chat request (everything but the messages).

The output is built from an allowlist: Gemini-only fields (``safetySettings``,
``cachedContent``, ``topK``, ``responseModalities``, ``speechConfig``, ``labels`` …) have no
OpenAI meaning, and a strict OpenAI server answers 400 to unknown ones. A cached content is
Gemini server state an OpenAI upstream cannot read, so its context is lost; the client
chose a non-Gemini model for it.

The model is not in a Gemini body (it is in the URL); the gateway passes the upstream's
model id. Neither is the stream flag: it is the URL's ``:streamGenerateContent``, and the
executor sets ``stream`` on the upstream request.
"""

from __future__ import annotations

from typing import Any

from ..mapping import effort_of_budget, openai_tool_choice
from .contents import openai_messages
from .schema import json_schema
from .wire import pick, pick_dict, pick_list

_EFFORT_OF_LEVEL = {
    "minimal": "low",
    "low": "low",
    "medium": "medium",
    "high": "high",
    "xhigh": "high",
}
"""Gemini 3 ``thinkingLevel`` → ``reasoning_effort``. ``minimal`` becomes ``low``, as its
budget does in ``effort_of_budget``, and ``xhigh`` becomes ``high``: only some OpenAI models
accept ``minimal`` or ``xhigh``, and the rest answer 400."""

_FORCED_MODES = ("ANY", "VALIDATED")
"""Modes in which ``allowedFunctionNames`` restricts the callable functions."""


def openai_request(body: dict[str, Any], model: str) -> dict[str, Any]:
    """The OpenAI Chat body for the Gemini ``body``, addressed to ``model``."""
    out: dict[str, Any] = {"model": model}
    messages = openai_messages(pick(body, "contents"))
    system = system_text(pick(body, "systemInstruction"))
    out["messages"] = [{"role": "system", "content": system}, *messages] if system else messages
    _generation(pick_dict(body, "generationConfig"), out)
    _tools(body, out)
    return out


def system_text(instruction: Any) -> str:
    """The system prompt of a ``systemInstruction``: a ``Content`` (its role is ignored), a
    bare part, a list of parts, or a plain string; text parts joined by newlines."""
    if isinstance(instruction, str):
        return instruction
    if isinstance(instruction, dict):
        parts = pick(instruction, "parts")
        parts = parts if isinstance(parts, list) else [instruction]
    elif isinstance(instruction, list):
        parts = instruction
    else:
        return ""
    texts = [
        part if isinstance(part, str) else pick(part, "text") if isinstance(part, dict) else None
        for part in parts
    ]
    return "\n".join(text for text in texts if isinstance(text, str) and text)


# -- generationConfig -----------------------------------------------------------------------


def _generation(config: dict[str, Any], out: dict[str, Any]) -> None:
    """Sampling, limits, thinking and structured output.

    ``topK`` has no OpenAI equivalent and is dropped; ``candidateCount`` becomes ``n`` only
    above 1, since some OpenAI-compatible servers reject ``n`` altogether. With thinking
    requested, ``temperature`` and ``topP`` are left out: OpenAI's reasoning models reject
    them (Gemini CLI always sends ``temperature: 0``), and Gemini's thinking models ignore
    most of their effect anyway.
    """
    effort = _reasoning_effort(pick_dict(config, "thinkingConfig"))
    if effort is not None:
        out["reasoning_effort"] = effort
    else:
        _number(config, "temperature", out, "temperature")
        _number(config, "topP", out, "top_p")
    _number(config, "presencePenalty", out, "presence_penalty")
    _number(config, "frequencyPenalty", out, "frequency_penalty")
    for source, target in (("maxOutputTokens", "max_tokens"), ("seed", "seed")):
        value = pick(config, source)
        if isinstance(value, int) and not isinstance(value, bool):
            out[target] = value
    count = pick(config, "candidateCount")
    if isinstance(count, int) and count > 1:
        out["n"] = count
    stops = [stop for stop in pick_list(config, "stopSequences") if isinstance(stop, str)]
    if stops:
        out["stop"] = stops
    response_format = _response_format(config)
    if response_format is not None:
        out["response_format"] = response_format


def _number(config: dict[str, Any], source: str, out: dict[str, Any], target: str) -> None:
    value = pick(config, source)
    if isinstance(value, int | float) and not isinstance(value, bool):
        out[target] = value


def _reasoning_effort(thinking: dict[str, Any]) -> str | None:
    """``reasoning_effort`` from ``thinkingBudget`` (via the shared budget table; -1, dynamic,
    is ``medium``) or Gemini 3's ``thinkingLevel``.

    A budget of 0 (thinking off) sends no effort at all: ``none`` is accepted only by a few
    OpenAI models and is a 400 on the rest, and a model that does not think ignores the
    omission. The original forwarded the zero and broke requests (reference §12).
    ``includeThoughts`` has no OpenAI switch; reasoning an upstream returns is always
    passed on as thought parts.
    """
    budget = pick(thinking, "thinkingBudget")
    if isinstance(budget, int) and not isinstance(budget, bool):
        return None if budget == 0 else effort_of_budget(budget)
    level = pick(thinking, "thinkingLevel")
    return _EFFORT_OF_LEVEL.get(level.lower()) if isinstance(level, str) else None


def _response_format(config: dict[str, Any]) -> dict[str, Any] | None:
    """JSON mode: ``responseMimeType: application/json`` with ``responseJsonSchema`` (JSON
    Schema, passed as is) or ``responseSchema`` (converted) → ``json_schema``; without a
    schema → ``json_object``. Other MIME types (``text/x.enum``) have no OpenAI form."""
    mime = pick(config, "responseMimeType")
    if not isinstance(mime, str) or not mime.lower().startswith("application/json"):
        return None
    schema = pick(config, "responseJsonSchema")
    if not isinstance(schema, dict):
        schema = json_schema(pick(config, "responseSchema"))
    if not isinstance(schema, dict):
        return {"type": "json_object"}
    return {"type": "json_schema", "json_schema": {"name": "response", "schema": schema}}


# -- tools ----------------------------------------------------------------------------------


def _tools(body: dict[str, Any], out: dict[str, Any]) -> None:
    """Function declarations as OpenAI tools, and ``toolConfig`` as ``tool_choice``.

    Gemini's built-in tools (``googleSearch``, ``codeExecution``, ``urlContext``,
    ``fileSearch``, ``googleMaps`` …) run inside Google's API, so an OpenAI upstream cannot
    serve them: they are dropped. ``allowedFunctionNames`` (with mode ``ANY`` or
    ``VALIDATED``) narrows the tool list, OpenAI's only way to allow several named
    functions. OpenAI rejects ``tool_choice`` without tools, so it follows them.
    """
    declarations = [
        declaration
        for tool in pick_list(body, "tools")
        for declaration in pick_list(tool, "functionDeclarations")
        if isinstance(declaration, dict) and isinstance(declaration.get("name"), str)
    ]
    calling = pick_dict(pick_dict(body, "toolConfig"), "functionCallingConfig")
    mode = str(pick(calling, "mode") or "AUTO").upper()
    allowed = [name for name in pick_list(calling, "allowedFunctionNames") if isinstance(name, str)]
    if mode in _FORCED_MODES and allowed:
        narrowed = [d for d in declarations if d["name"] in allowed]
        declarations = narrowed or declarations
    if not declarations:
        return
    out["tools"] = [_function(declaration) for declaration in declarations]
    if not calling:
        return
    choice = openai_tool_choice({"mode": mode, "allowedFunctionNames": allowed})
    declared = {declaration["name"] for declaration in declarations}
    if isinstance(choice, dict) and choice["function"]["name"] not in declared:
        choice = "required"  # a forced call to a function that was never declared
    out["tool_choice"] = choice


def _function(declaration: dict[str, Any]) -> dict[str, Any]:
    """An OpenAI function tool; ``parametersJsonSchema`` is JSON Schema already, while
    ``parameters`` is Gemini's OpenAPI subset and is converted. A declaration without
    parameters gets an empty object schema, which every OpenAI-side server accepts."""
    function: dict[str, Any] = {"name": declaration["name"]}
    description = declaration.get("description")
    if isinstance(description, str) and description:
        function["description"] = description
    schema = pick(declaration, "parametersJsonSchema")
    if not isinstance(schema, dict):
        schema = json_schema(pick(declaration, "parameters"))
    function["parameters"] = (
        schema if isinstance(schema, dict) else {"type": "object", "properties": {}}
    )
    return {"type": "function", "function": function}
