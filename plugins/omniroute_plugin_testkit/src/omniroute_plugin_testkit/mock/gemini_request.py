"""What the Gemini API checks after parsing a request, and what the mock's model reads from it.

The parsed request (``gemini_proto.py``) is checked the way the real API checks it, with its
messages where they are known: ``contents`` present, no empty ``parts``, roles ``user`` and
``model`` only, every part carrying data; a function call turn right after a user turn and
answered by the next turn with as many function responses (same names, same ids when the
calls had ids); function declarations named as Google requires, arrays with ``items`` and
``required`` naming declared properties; the thinking budget in the model's range (Gemini
2.5 Pro cannot stop thinking, ``thinkingLevel`` is Gemini 3 only). Consecutive turns of one
role are accepted, as the real API accepts them (gateways may still merge them).

Thought signatures are HMACs (``thought_signature``): a function call part's is bound to its
name and arguments, so a signature moved to another call or kept after the arguments were
edited fails; text parts share one. Every signature in the request must be one the mock
issued for such a part ("Corrupted thought signature."), except the two bypass values Google
documents; and for Gemini 3 models (``strict``) the first function call of each step in the
current turn must carry one, as the real API requires. The current turn starts after the
last user turn that is not only function responses.
"""

from __future__ import annotations

import base64
import hmac
import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .gemini_proto import PART_DATA, decode_bytes
from .replies import Tool, Turn, count_words, signature
from .wire import MockError

THOUGHT_SIGNATURE_DOCS = "https://ai.google.dev/gemini-api/docs/thought-signatures"
BYPASS_SIGNATURES = frozenset(
    {"skip_thought_signature_validator", "context_engineering_is_the_way_to_go"}
)
"""Values Google documents for replaying function calls that never had a signature (history
from another model); the API accepts them in place of a real signature."""
ROLES = ("user", "model")
FUNCTION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.:-]{0,63}")
RESULT_KEYS = ("output", "result", "content", "text")
"""Where the mock looks first for a function response's text (clients wrap results in one
of these); otherwise every string in the response counts."""


def _rejected(path: str, text: str) -> MockError:
    """A semantic check failing, in the API's ``* Request.field: reason`` style."""
    return MockError(400, f"* GenerateContentRequest.{path}: {text}\n")


# -- thought signatures ----------------------------------------------------------------------


def _signed_payload(part: Mapping[str, Any]) -> str | None:
    """What a part's signature covers: a function call's name and arguments; for text parts
    only that it is one (clients rightly replay streamed text split as it arrived, so the
    signature on its last piece cannot be bound to that piece's words)."""
    call = part.get("functionCall")
    if isinstance(call, Mapping):
        args = json.dumps(call.get("args") or {}, sort_keys=True, separators=(",", ":"))
        return f"functionCall:{call.get('name')}:{args}"
    return "text" if isinstance(part.get("text"), str) else None


def thought_signature(part: Mapping[str, Any]) -> str:
    """The ``thoughtSignature`` the mock gives (and accepts) for ``part``: a function call
    part (``{"functionCall": {"name", "args"}}``, bound to both) or a text part.

    Tests building a Gemini conversation by hand use it to replay a valid signature.
    """
    payload = _signed_payload(part)
    if payload is None:
        raise ValueError("only function call and text parts carry the mock's signatures")
    return base64.b64encode(signature("thought", payload)).decode()


def _valid_signature(part: Mapping[str, Any], presented: str) -> bool:
    if presented in BYPASS_SIGNATURES:
        return True
    raw = decode_bytes(presented)
    if raw is not None and raw.decode(errors="replace") in BYPASS_SIGNATURES:
        return True  # an SDK sent the documented value as bytes (base64 on the wire)
    payload = _signed_payload(part)
    if payload is None:
        return True  # parts the mock never signs: nothing to compare with
    return raw is not None and hmac.compare_digest(raw, signature("thought", payload))


# -- model families --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ModelRules:
    """What a model family allows, read from the model name as Google's docs describe it.

    ``thinking_required``: the model always thinks (2.5 Pro, Gemini 3); ``budget``: the
    accepted ``thinkingBudget`` range besides -1 (dynamic) and 0 (off, when allowed);
    ``gemini3``: ``thinkingLevel`` accepted, function calls answered with ids and their
    thought signatures required on replay.
    """

    thinking_required: bool
    budget: tuple[int, int]
    gemini3: bool

    @classmethod
    def of(cls, model: str) -> ModelRules:
        name = model.lower().removeprefix("models/")
        if name.startswith("gemini-3"):
            return cls(True, (128, 32768), True)
        if "flash-lite" in name:
            return cls(False, (512, 24576), False)
        if "2.5-pro" in name:
            return cls(True, (128, 32768), False)
        return cls(False, (1, 24576), False)


# -- the prompt ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Prompt:
    """A checked request reduced to what the answer needs."""

    turns: list[Turn]
    tools: list[Tool]
    thinking: bool
    include_thoughts: bool
    max_output_tokens: int | None
    stop_sequences: list[str]


def prompt_of(request: Mapping[str, Any], model: str, *, vertex: bool, strict: bool) -> Prompt:
    """The prompt of a parsed ``GenerateContentRequest``, or the 400 the API sends.

    ``strict``: thought signatures are required on the current turn's function calls.
    """
    rules = ModelRules.of(model)
    generation = request.get("generationConfig") or {}
    thinking, include_thoughts = _thinking(generation.get("thinkingConfig") or {}, rules)
    contents = request.get("contents") or []
    _check_conversation(contents, vertex=vertex, strict=strict)
    turns = _system_turns(request.get("systemInstruction"))
    turns += [turn for content in contents for turn in _turns(content)]
    return Prompt(
        turns=turns,
        tools=_callable_tools(request.get("tools") or [], request.get("toolConfig") or {}),
        thinking=thinking,
        include_thoughts=include_thoughts,
        max_output_tokens=_max_output_tokens(generation),
        stop_sequences=list(generation.get("stopSequences") or []),
    )


def count_tokens(contents: Sequence[Mapping[str, Any]], system: Any = None) -> int:
    """What ``countTokens`` reports: the words of the system instruction and the contents."""
    turns = _system_turns(system) + [turn for content in contents for turn in _turns(content)]
    return sum(count_words(turn.text) for turn in turns)


def _max_output_tokens(generation: Mapping[str, Any]) -> int | None:
    limit = generation.get("maxOutputTokens")
    if limit is None or int(limit) == 0:
        return None  # proto3: zero is "not set"
    if int(limit) < 0:
        raise _rejected(
            "generation_config.max_output_tokens", "max_output_tokens must be positive."
        )
    return int(limit)


def _thinking(config: Mapping[str, Any], rules: ModelRules) -> tuple[bool, bool]:
    """Whether the model thinks, and whether it shows its thoughts, after the API's checks."""
    budget = config.get("thinkingBudget")
    level = config.get("thinkingLevel")
    level = None if level in (None, "THINKING_LEVEL_UNSPECIFIED") else level
    if level is not None and not rules.gemini3:
        raise MockError(400, "Thinking level is not supported for this model.")
    if level is not None and budget is not None:
        raise MockError(
            400, "You can only set one of thinking budget and thinking level, not both."
        )
    if budget is not None:
        budget = int(budget)
        low, high = rules.budget
        if budget == 0 and rules.thinking_required:
            raise MockError(400, "Budget 0 is invalid. This model only works in thinking mode.")
        if budget not in (-1, 0) and not low <= budget <= high:
            raise MockError(400, f"The thinking budget ({budget}) is invalid.")
    include = bool(config.get("includeThoughts"))
    thinking = rules.thinking_required or (
        budget != 0 and (budget is not None or level is not None or include)
    )
    return thinking, include and thinking


# -- the conversation ------------------------------------------------------------------------


def _role(content: Mapping[str, Any]) -> str:
    return content.get("role") or "user"  # an unset role is the user's


def _calls(content: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [part["functionCall"] for part in content["parts"] if "functionCall" in part]


def _responses(content: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [part["functionResponse"] for part in content["parts"] if "functionResponse" in part]


def _check_conversation(
    contents: Sequence[Mapping[str, Any]], *, vertex: bool, strict: bool
) -> None:
    if not contents:
        raise _rejected("contents", "contents is not specified")
    for index, content in enumerate(contents):
        parts = content.get("parts") or []
        if not parts:
            raise _rejected(f"contents[{index}].parts", "contents.parts must not be empty.")
        if _role(content) not in ROLES:
            raise MockError(400, "Please use a valid role: user, model.")
        for number, part in enumerate(parts):
            _check_part(part, f"contents[{index}].parts[{number}]", vertex)
    _check_function_turns(contents)
    _check_signatures(contents, vertex=vertex, strict=strict)


def _check_part(part: Mapping[str, Any], path: str, vertex: bool) -> None:
    data = next((name for name in PART_DATA if name in part), None)
    if data == "text" and part["text"] == "" and "thoughtSignature" not in part:
        if vertex:
            raise MockError(
                400,
                "Unable to submit request because it has an empty text parameter. Add a value "
                "to the parameter and try again. Learn more: https://cloud.google.com/vertex-ai"
                "/generative-ai/docs/multimodal/send-chat-prompts-gemini",
            )
        data = None  # proto3 reads an empty string as "not set"
    if data is None:
        raise _rejected(
            f"{path}.data", "required oneof field 'data' must have one initialized field"
        )
    if data in ("functionCall", "functionResponse"):
        name = part[data].get("name")
        where = f"{path}.{'function_call' if data == 'functionCall' else 'function_response'}"
        if not name:
            raise _rejected(f"{where}.name", "Name cannot be empty.")


def _check_function_turns(contents: Sequence[Mapping[str, Any]]) -> None:
    """Function call turns follow a user turn; the next turn answers every call, by name and
    (when the calls have ids) by id."""
    for index, content in enumerate(contents):
        previous = contents[index - 1] if index else None
        calls = _calls(content)
        if calls and (previous is None or _role(previous) != "user"):
            raise MockError(
                400,
                "Please ensure that function call turn comes immediately after a user turn or "
                "after a function response turn.",
            )
        responses = _responses(content)
        expected = _calls(previous) if previous is not None else []
        if responses and not expected:
            raise MockError(
                400,
                "Please ensure that function response turn comes immediately after a function "
                "call turn.",
            )
        if expected and len(responses) != len(expected):
            raise MockError(
                400,
                "Please ensure that the number of function response parts is equal to the "
                "number of function call parts of the function call turn.",
            )
        if Counter(r["name"] for r in responses) != Counter(c["name"] for c in expected):
            raise MockError(
                400,
                "Please ensure that the names of the function response parts match the names "
                "of the function call parts of the function call turn.",
            )
        call_ids = {call["id"] for call in expected if call.get("id")}
        answered = {response["id"] for response in responses if response.get("id")}
        if call_ids != answered:
            raise MockError(
                400,
                "Please ensure that the ids of the function response parts match the ids of "
                "the function call parts of the function call turn.",
            )


def _check_signatures(contents: Sequence[Mapping[str, Any]], *, vertex: bool, strict: bool) -> None:
    for content in contents:
        for part in content["parts"]:
            presented = part.get("thoughtSignature")
            if presented is not None and not _valid_signature(part, presented):
                if vertex:
                    raise MockError(
                        400,
                        "Unable to submit request because Thought signature is not valid.. "
                        "Learn more: https://cloud.google.com/vertex-ai/generative-ai/docs/"
                        "model-reference/gemini",
                    )
                raise MockError(400, "Corrupted thought signature.")
    if not strict:
        return
    start = max(
        (
            index + 1
            for index, content in enumerate(contents)
            if _role(content) == "user"
            and any("functionResponse" not in part for part in content["parts"])
        ),
        default=0,
    )
    for index in range(start, len(contents)):
        first = next((p for p in contents[index]["parts"] if "functionCall" in p), None)
        if first is not None and "thoughtSignature" not in first:
            raise MockError(
                400,
                "Function call is missing a thought_signature in functionCall parts. This is "
                "required for tools to work correctly, and missing thought_signature may lead "
                "to degraded model performance. Additional data, function call "
                f"`default_api:{first['functionCall']['name']}` , position {index + 1}. Please "
                f"refer to {THOUGHT_SIGNATURE_DOCS} for more details.",
            )


def _system_turns(system: Any) -> list[Turn]:
    if not isinstance(system, Mapping):
        return []
    text = " ".join(part["text"] for part in system.get("parts") or [] if part.get("text"))
    return [Turn("system", text)] if text else []


def _turns(content: Mapping[str, Any]) -> list[Turn]:
    """A content as the mock's model reads it: user words (media as ``[mime/type]``), each
    function response as a tool turn, a model turn's visible text."""
    if _role(content) == "model":
        texts = [p["text"] for p in content["parts"] if p.get("text") and not p.get("thought")]
        return [Turn("assistant", " ".join(texts))]
    turns: list[Turn] = []
    words: list[str] = []
    for part in content["parts"]:
        if "functionResponse" in part:
            if words:
                turns.append(Turn("user", " ".join(words)))
                words = []
            turns.append(Turn("tool", _result_text(part["functionResponse"].get("response"))))
        elif part.get("text"):
            words.append(part["text"])
        elif "inlineData" in part or "fileData" in part:
            media = part.get("inlineData") or part.get("fileData") or {}
            words.append(f"[{media.get('mimeType') or 'media'}]")
    if words:
        turns.append(Turn("user", " ".join(words)))
    return turns


def _result_text(response: Any) -> str:
    """A function response's text: the value under a usual key, else every string in it."""
    if isinstance(response, str):
        return response
    if isinstance(response, Mapping):
        for key in RESULT_KEYS:
            if key in response:
                return _result_text(response[key])
        return " ".join(filter(None, (_result_text(value) for value in response.values())))
    if isinstance(response, list):
        return " ".join(filter(None, (_result_text(value) for value in response)))
    return "" if response is None else json.dumps(response)


# -- tools -----------------------------------------------------------------------------------


def _callable_tools(tools: Sequence[Mapping[str, Any]], config: Mapping[str, Any]) -> list[Tool]:
    """The declared functions the request lets the model call, honouring the calling mode."""
    declared: list[Tool] = []
    for index, tool in enumerate(tools):
        for number, declaration in enumerate(tool.get("functionDeclarations") or []):
            path = f"tools[{index}].function_declarations[{number}]"
            declared.append(_declaration(declaration, path))
    calling = config.get("functionCallingConfig") or {}
    mode = calling.get("mode") or "AUTO"
    allowed = calling.get("allowedFunctionNames") or []
    if allowed and mode not in ("ANY", "VALIDATED"):
        raise _rejected(
            "tool_config.function_calling_config.allowed_function_names",
            "allowed_function_names should only be set when the mode is ANY.",
        )
    if mode == "NONE":
        return []
    if allowed:
        return [tool for tool in declared if tool.name in allowed]
    return declared


def _declaration(declaration: Mapping[str, Any], path: str) -> Tool:
    name = declaration.get("name") or ""
    if not name:
        raise _rejected(f"{path}.name", "Name cannot be empty.")
    if not FUNCTION_NAME.fullmatch(name):
        raise _rejected(
            f"{path}.name",
            "Invalid function name. Must start with a letter or an underscore. Must be "
            "alphameric (a-z, A-Z, 0-9), underscores (_), dots (.), colons (:), or dashes (-), "
            "with a maximum length of 64.",
        )
    parameters = declaration.get("parameters")
    json_schema = declaration.get("parametersJsonSchema")
    if parameters is not None and json_schema is not None:
        raise _rejected(
            f"{path}.parameters", "parameters and parameters_json_schema are mutually exclusive."
        )
    if parameters is not None:
        _check_schema(parameters, f"{path}.parameters")
        return Tool(name, _lowered(parameters))
    if json_schema is not None and not isinstance(json_schema, Mapping):
        raise _rejected(f"{path}.parameters_json_schema", "must be a JSON object.")
    return Tool(name, json_schema or {})


def _check_schema(schema: Mapping[str, Any], path: str) -> None:
    """Google's checks on a parsed ``Schema`` (properties named, as its messages name them)."""
    properties = schema.get("properties") or {}
    if schema.get("type") == "ARRAY" and "items" not in schema:
        raise _rejected(f"{path}.items", "missing field.")
    for index, name in enumerate(schema.get("required") or []):
        if name not in properties:
            raise _rejected(f"{path}.required[{index}]", "property is not defined")
    for name, child in properties.items():
        _check_schema(child, f"{path}.properties[{name}]")
    if "items" in schema:
        _check_schema(schema["items"], f"{path}.items")
    for index, child in enumerate(schema.get("anyOf") or []):
        _check_schema(child, f"{path}.any_of[{index}]")


def _lowered(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A parsed ``Schema`` in JSON-schema spelling (``"type": "integer"``), which is what the
    shared reply rules read to build arguments."""
    out: dict[str, Any] = dict(schema)
    if isinstance(out.get("type"), str):
        out["type"] = out["type"].lower()
    if isinstance(out.get("properties"), Mapping):
        out["properties"] = {key: _lowered(value) for key, value in out["properties"].items()}
    if isinstance(out.get("items"), Mapping):
        out["items"] = _lowered(out["items"])
    return out
