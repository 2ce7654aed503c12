"""OpenAI Chat request → Gemini ``generateContent`` request.

The Gemini body is built from an allowlist (Gemini refuses unknown fields) and never names
the model: the executor puts it in the URL. The model id still steers two rules, thought
signature placeholders and how thinking is switched off (``models``).

Tools become one ``functionDeclarations`` tool, each declaration with a cleaned schema
(``schema``); ``tool_choice`` becomes ``toolConfig.functionCallingConfig`` through
``mapping.function_calling_config`` and is sent only with tools (Gemini refuses a calling
mode with nothing to call). Tool types other than ``function`` are refused: Gemini has no
counterpart to OpenAI's hosted tools.
"""

from __future__ import annotations

from typing import Any

from omniroute import Body, InvalidRequest

from ..mapping import function_calling_config
from .contents import gemini_contents
from .generation import generation_config
from .models import requires_signatures
from .schema import parameters_schema


def to_gemini(body: Body, model: str) -> Body:
    """The Gemini request for the OpenAI Chat request ``body`` sent to ``model``."""
    system, contents = gemini_contents(body.get("messages"), requires_signatures(model))
    out: Body = {"contents": contents}
    if system:
        out["systemInstruction"] = {"parts": system}
    declarations = _declarations(body.get("tools"))
    if declarations:
        out["tools"] = [{"functionDeclarations": declarations}]
        config = function_calling_config(body.get("tool_choice"))
        if config is not None:
            out["toolConfig"] = {"functionCallingConfig": config}
    generation = generation_config(body, model)
    if generation:
        out["generationConfig"] = generation
    return out


def _declarations(tools: Any) -> list[dict[str, Any]]:
    if tools is None:
        return []
    if not isinstance(tools, list):
        raise InvalidRequest("'tools' must be an array")
    return [_declaration(tool) for tool in tools]


def _declaration(tool: Any) -> dict[str, Any]:
    """``{"type": "function", "function": {...}}`` → ``{name, description?, parameters?}``."""
    if not isinstance(tool, dict) or tool.get("type") != "function":
        kind = tool.get("type") if isinstance(tool, dict) else None
        raise InvalidRequest(f"tool type {kind!r} cannot be sent to a Gemini model")
    function = tool.get("function")
    if not isinstance(function, dict) or not function.get("name"):
        raise InvalidRequest("function tools need a function name")
    out: dict[str, Any] = {"name": function["name"]}
    if function.get("description"):
        out["description"] = function["description"]
    parameters = parameters_schema(function.get("parameters"))
    if parameters is not None:
        out["parameters"] = parameters
    return out
