"""The Gemini request schema as Google's front end parses it, with its parse errors.

Google parses a JSON body into protocol buffers before any model sees it, so the first thing
that refuses a gateway's translation is the proto schema: an unknown field name
(``additionalProperties`` in a tool schema, ``max_tokens`` at the top level), a list where one
value goes (``"type": ["string", "null"]``), a value of the wrong type, invalid base64 in a
``bytes`` field, two members of one oneof. ``ProtoReader`` parses with the same schema and
answers those mistakes with the real messages, which name the field by its snake_case path
(``tools[0].function_declarations[0].parameters.properties[2].value``: map entries by
position, as Google reports them).

Field names are accepted in camelCase or snake_case, as proto JSON allows, and the parsed
body comes out camelCase, so later checks read one spelling. ``Struct`` fields (function
call arguments, function responses, JSON-schema fields) are kept verbatim: their keys are
user data. The AI Studio and Vertex schemas differ where the real services differ (Vertex's
``Schema`` has ``additionalProperties``, ``ref`` and ``defs``; Gemini's does not).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .wire import MockError

# -- the vocabulary of the schema ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scalar:
    """A leaf type, named as Google's parse errors name it (``TYPE_INT32`` …)."""

    type_name: str
    accepts: Callable[[Any], bool]


@dataclass(frozen=True, slots=True)
class Enum:
    """An enum, accepted by name in any case (Google accepts ``"object"`` for ``OBJECT``)."""

    name: str
    values: frozenset[str]


@dataclass(slots=True)
class Message:
    """A message type; ``fields`` by camelCase name; ``oneof`` = (group name, members)."""

    name: str
    fields: dict[str, Field] = field(default_factory=dict)
    oneof: tuple[str, frozenset[str]] | None = None


@dataclass(frozen=True, slots=True)
class Field:
    kind: Scalar | Enum | Message
    repeated: bool = False
    map: bool = False
    """``map<string, kind>``: a JSON object whose values have ``kind``."""


def _is_int(value: Any) -> bool:
    if isinstance(value, str):
        return re.fullmatch(r"-?\d+", value) is not None  # int64 travels as a JSON string
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


STRING = Scalar("TYPE_STRING", lambda value: isinstance(value, str))
INT = Scalar("TYPE_INT32", _is_int)
FLOAT = Scalar("TYPE_FLOAT", _is_number)
BOOL = Scalar("TYPE_BOOL", lambda value: isinstance(value, bool))
BYTES = Scalar("TYPE_BYTES", lambda value: isinstance(value, str))
STRUCT = Scalar("type.googleapis.com/google.protobuf.Struct", lambda v: isinstance(v, dict))
VALUE = Scalar("type.googleapis.com/google.protobuf.Value", lambda value: True)


def _one(kind: Scalar | Enum | Message) -> Field:
    return Field(kind)


def _many(kind: Scalar | Enum | Message) -> Field:
    return Field(kind, repeated=True)


def _enum(name: str, *values: str) -> Field:
    return Field(Enum(name, frozenset(values)))


def decode_bytes(value: str) -> bytes | None:
    """A proto ``bytes`` value: standard or URL-safe base64, padding optional (as Google's
    parser takes it, and as SDKs differ in what they send); None when it is not base64."""
    text = value.strip()
    text += "=" * (-len(text) % 4)
    try:
        return base64.b64decode(text.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        return None


# -- the messages ----------------------------------------------------------------------------

SCHEMA_TYPES = (
    "TYPE_UNSPECIFIED",
    "STRING",
    "NUMBER",
    "INTEGER",
    "BOOLEAN",
    "ARRAY",
    "OBJECT",
    "NULL",
)
PART_DATA = (
    "text",
    "inlineData",
    "fileData",
    "functionCall",
    "functionResponse",
    "executableCode",
    "codeExecutionResult",
    "toolCall",
    "toolResponse",
)
"""The members of ``Part``'s ``data`` oneof: exactly one must be set."""


def _schema(vertex: bool) -> Message:
    """``Schema``, the OpenAPI subset function parameters must use."""
    schema = Message("Schema")
    schema.fields = {
        "type": _enum("Type", *SCHEMA_TYPES),
        "format": _one(STRING),
        "title": _one(STRING),
        "description": _one(STRING),
        "nullable": _one(BOOL),
        "enum": _many(STRING),
        "maxItems": _one(INT),
        "minItems": _one(INT),
        "properties": Field(schema, map=True),
        "required": _many(STRING),
        "minProperties": _one(INT),
        "maxProperties": _one(INT),
        "minLength": _one(INT),
        "maxLength": _one(INT),
        "pattern": _one(STRING),
        "example": _one(VALUE),
        "anyOf": _many(schema),
        "propertyOrdering": _many(STRING),
        "default": _one(VALUE),
        "items": _one(schema),
        "minimum": _one(FLOAT),
        "maximum": _one(FLOAT),
    }
    if vertex:
        schema.fields |= {
            "additionalProperties": _one(VALUE),
            "ref": _one(STRING),
            "defs": Field(schema, map=True),
        }
    return schema


def _part() -> Message:
    blob = Message("Blob", {"mimeType": _one(STRING), "data": _one(BYTES)})
    file = Message(
        "FileData",
        {"mimeType": _one(STRING), "fileUri": _one(STRING), "displayName": _one(STRING)},
    )
    call = Message(
        "FunctionCall",
        {
            "id": _one(STRING),
            "name": _one(STRING),
            "args": _one(STRUCT),
            "partialArgs": _many(STRUCT),
            "willContinue": _one(BOOL),
        },
    )
    response = Message(
        "FunctionResponse",
        {
            "id": _one(STRING),
            "name": _one(STRING),
            "response": _one(STRUCT),
            "parts": _many(STRUCT),
            "willContinue": _one(BOOL),
            "scheduling": _enum(
                "Scheduling", "SCHEDULING_UNSPECIFIED", "SILENT", "WHEN_IDLE", "INTERRUPT"
            ),
        },
    )
    code = Message(
        "ExecutableCode", {"id": _one(STRING), "language": _one(STRING), "code": _one(STRING)}
    )
    result = Message(
        "CodeExecutionResult", {"id": _one(STRING), "outcome": _one(STRING), "output": _one(STRING)}
    )
    return Message(
        "Part",
        {
            "text": _one(STRING),
            "thought": _one(BOOL),
            "thoughtSignature": _one(BYTES),
            "inlineData": _one(blob),
            "fileData": _one(file),
            "functionCall": _one(call),
            "functionResponse": _one(response),
            "executableCode": _one(code),
            "codeExecutionResult": _one(result),
            "toolCall": _one(STRUCT),
            "toolResponse": _one(STRUCT),
            "videoMetadata": _one(STRUCT),
            "partMetadata": _one(STRUCT),
            "mediaResolution": _one(VALUE),
        },
        oneof=("data", frozenset(PART_DATA)),
    )


@dataclass(frozen=True, slots=True)
class Schemas:
    """The request messages of one service (AI Studio and Code Assist, or Vertex)."""

    generate: Message
    count_tokens: Message
    code_assist: Message
    code_assist_count: Message


def _schemas(vertex: bool) -> Schemas:
    schema = _schema(vertex)
    content = Message("Content", {"role": _one(STRING), "parts": _many(_part())})
    declaration = Message(
        "FunctionDeclaration",
        {
            "name": _one(STRING),
            "description": _one(STRING),
            "parameters": _one(schema),
            "parametersJsonSchema": _one(VALUE),
            "response": _one(schema),
            "responseJsonSchema": _one(VALUE),
            "behavior": _enum("Behavior", "UNSPECIFIED", "BLOCKING", "NON_BLOCKING"),
        },
    )
    tool_fields = {"functionDeclarations": _many(declaration)}
    server_tools = (
        "googleSearch",
        "googleSearchRetrieval",
        "codeExecution",
        "urlContext",
        "computerUse",
        "fileSearch",
        "googleMaps",
        "retrieval",
        "enterpriseWebSearch",
    )
    tool_fields |= {name: _one(STRUCT) for name in server_tools}
    tool = Message("Tool", tool_fields)
    calling = Message(
        "FunctionCallingConfig",
        {
            "mode": _enum("Mode", "MODE_UNSPECIFIED", "AUTO", "ANY", "NONE", "VALIDATED"),
            "allowedFunctionNames": _many(STRING),
        },
    )
    tool_config = Message(
        "ToolConfig",
        {"functionCallingConfig": _one(calling), "retrievalConfig": _one(STRUCT)},
    )
    thinking = Message(
        "ThinkingConfig",
        {
            "includeThoughts": _one(BOOL),
            "thinkingBudget": _one(INT),
            "thinkingLevel": _enum(
                "ThinkingLevel", "THINKING_LEVEL_UNSPECIFIED", "MINIMAL", "LOW", "MEDIUM", "HIGH"
            ),
        },
    )
    generation = Message(
        "GenerationConfig",
        {
            "stopSequences": _many(STRING),
            "responseMimeType": _one(STRING),
            "responseSchema": _one(schema),
            "responseJsonSchema": _one(VALUE),
            "responseModalities": _many(STRING),
            "candidateCount": _one(INT),
            "maxOutputTokens": _one(INT),
            "temperature": _one(FLOAT),
            "topP": _one(FLOAT),
            "topK": _one(INT),
            "seed": _one(INT),
            "presencePenalty": _one(FLOAT),
            "frequencyPenalty": _one(FLOAT),
            "responseLogprobs": _one(BOOL),
            "logprobs": _one(INT),
            "enableEnhancedCivicAnswers": _one(BOOL),
            "speechConfig": _one(STRUCT),
            "thinkingConfig": _one(thinking),
            "imageConfig": _one(STRUCT),
            "mediaResolution": _one(STRING),
        },
    )
    safety = Message(
        "SafetySetting",
        {"category": _one(STRING), "threshold": _one(STRING), "method": _one(STRING)},
    )
    request_fields = {
        "model": _one(STRING),
        "contents": _many(content),
        "systemInstruction": _one(content),
        "tools": _many(tool),
        "toolConfig": _one(tool_config),
        "safetySettings": _many(safety),
        "generationConfig": _one(generation),
        "cachedContent": _one(STRING),
    }
    if vertex:
        request_fields["labels"] = _one(STRUCT)
    generate = Message("GenerateContentRequest", request_fields)
    inner = Message(
        "GenerateContentRequest",
        {**request_fields, "sessionId": _one(STRING), "labels": _one(STRUCT)},
    )
    code_assist = Message(
        "CAGenerateContentRequest",
        {
            "model": _one(STRING),
            "project": _one(STRING),
            "userPromptId": _one(STRING),
            "request": _one(inner),
            "requestId": _one(STRING),
            "userAgent": _one(STRING),
            "requestType": _one(STRING),
            "enabledCreditTypes": _many(STRING),
        },
    )
    if vertex:
        count = Message(
            "CountTokensRequest",
            {
                "model": _one(STRING),
                "contents": _many(content),
                "systemInstruction": _one(content),
                "tools": _many(tool),
                "generationConfig": _one(generation),
                "instances": _many(VALUE),
            },
        )
    else:
        count = Message(
            "CountTokensRequest",
            {"contents": _many(content), "generateContentRequest": _one(generate)},
        )
    code_assist_count = Message(
        "CountTokenRequest",
        {
            "request": _one(
                Message("CountTokensRequest", {"model": _one(STRING), "contents": _many(content)})
            )
        },
    )
    return Schemas(generate, count, code_assist, code_assist_count)


GEMINI = _schemas(vertex=False)
"""The Gemini API (AI Studio, ``google.ai.generativelanguage.v1beta``) and Code Assist."""
VERTEX = _schemas(vertex=True)
"""Vertex AI (``google.cloud.aiplatform.v1``)."""


# -- parsing ---------------------------------------------------------------------------------


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def invalid_json() -> MockError:
    return MockError(400, "Invalid JSON payload received. Unexpected token.")


class ProtoReader:
    """Parses a JSON body against a message, as Google's front end does.

    ``package`` is the proto package the service's errors name types with.
    """

    def __init__(self, package: str) -> None:
        self.package = package

    def read(self, value: Any, message: Message, path: str = "") -> dict[str, Any]:
        """``value`` with camelCase names, or the ``MockError`` the real parser raises."""
        if not isinstance(value, dict):
            if not path:
                raise invalid_json()
            raise self._invalid_value(path, self._type_name(message), value)
        out: dict[str, Any] = {}
        oneof_member: str | None = None
        for key, item in value.items():
            name = camel(str(key))
            spec = message.fields.get(name)
            if spec is None:
                where = f" at '{path}'" if path else ""
                unknown = f'Unknown name "{key}"{where}: Cannot find field.'
                raise MockError(400, f"Invalid JSON payload received. {unknown}", param=path)
            if item is None:
                continue  # JSON null is "not set" in proto JSON
            where = f"{path}.{snake(name)}" if path else snake(name)
            if message.oneof is not None and name in message.oneof[1]:
                if oneof_member is not None:
                    raise MockError(
                        400,
                        f"Invalid JSON payload received. Oneof field '{message.oneof[0]}' is "
                        f"already set. Cannot set '{name}'",
                        param=where,
                    )
                oneof_member = name
            out[name] = self._field(item, spec, where)
        return out

    def _field(self, value: Any, spec: Field, path: str) -> Any:
        if spec.repeated:
            if not isinstance(value, list):
                raise self._invalid_value(path, self._type_name(spec.kind), value)
            return [self._single(item, spec.kind, f"{path}[{i}]") for i, item in enumerate(value)]
        if isinstance(value, list):
            raise MockError(
                400,
                "Invalid JSON payload received. Proto field is not repeating, cannot start list.",
                param=path,
            )
        if spec.map:
            if not isinstance(value, dict):
                raise self._invalid_value(path, self._type_name(spec.kind), value)
            return {
                key: self._single(item, spec.kind, f"{path}[{i}].value")
                for i, (key, item) in enumerate(value.items())
            }
        return self._single(value, spec.kind, path)

    def _single(self, value: Any, kind: Scalar | Enum | Message, path: str) -> Any:
        if isinstance(kind, Message):
            return self.read(value, kind, path)
        if isinstance(kind, Enum):
            if isinstance(value, str) and value.upper() in kind.values:
                return value.upper()
            if _is_int(value) and not isinstance(value, str):
                return value
            raise self._invalid_value(path, self._type_name(kind), value)
        if not kind.accepts(value):
            raise self._invalid_value(path, kind.type_name, value)
        if kind is BYTES and decode_bytes(value) is None:
            raise MockError(
                400,
                f"Invalid value at '{path}' (TYPE_BYTES), Base64 decoding failed for "
                f"{json.dumps(value)}",
                param=path,
            )
        return value

    def _type_name(self, kind: Scalar | Enum | Message) -> str:
        if isinstance(kind, Scalar):
            return kind.type_name
        return f"type.googleapis.com/{self.package}.{kind.name}"

    @staticmethod
    def _invalid_value(path: str, type_name: str, value: Any) -> MockError:
        shown = json.dumps(value)
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
        return MockError(400, f"Invalid value at '{path}' ({type_name}), {shown}", param=path)
