"""Gemini ``Schema`` (an OpenAPI 3.0 subset) → JSON Schema for OpenAI tools and outputs.

The two differ in a few spellings a JSON-Schema validator would reject or misread: types are
upper-case enum names (``STRING``), null is ``nullable: true`` instead of a ``null`` type,
``example`` is singular, and ``propertyOrdering`` is Gemini's own. Everything else (``format``,
``enum``, bounds, ``required``, ``description``) means the same in both and is kept.
``parametersJsonSchema`` and ``responseJsonSchema`` are JSON Schema already and never come
here.
"""

from __future__ import annotations

from typing import Any

_FIELDS = {
    "any_of": "anyOf",
    "max_items": "maxItems",
    "min_items": "minItems",
    "max_length": "maxLength",
    "min_length": "minLength",
    "max_properties": "maxProperties",
    "min_properties": "minProperties",
    "property_ordering": "propertyOrdering",
}
"""snake_case spellings of Schema fields (the REST API accepts both) → their JSON-Schema names.
Only the schema's own keys are renamed, never the names under ``properties``."""

_DROPPED = frozenset({"nullable", "propertyOrdering"})


def json_schema(schema: Any) -> Any:
    """The JSON Schema for a Gemini ``Schema``; anything not an object is returned unchanged."""
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for raw_key, value in schema.items():
        key = _FIELDS.get(str(raw_key), str(raw_key))
        if key in _DROPPED:
            continue
        if key == "type":
            kind = _type(value)
            if kind is not None:
                out["type"] = kind
        elif key == "properties" and isinstance(value, dict):
            out["properties"] = {name: json_schema(sub) for name, sub in value.items()}
        elif key == "items":
            out["items"] = json_schema(value)
        elif key == "anyOf" and isinstance(value, list):
            out["anyOf"] = [json_schema(sub) for sub in value]
        elif key == "example":
            out["examples"] = [value]
        else:
            out[key] = value
    if schema.get("nullable") is True:
        _allow_null(out)
    return out


def _type(value: Any) -> Any:
    """``STRING`` → ``string``; ``TYPE_UNSPECIFIED`` → None (no constraint); a JSON-Schema
    type list, which some clients send, is lower-cased item by item."""
    if isinstance(value, str):
        lowered = value.lower()
        return None if lowered == "type_unspecified" else lowered
    if isinstance(value, list):
        return [item.lower() if isinstance(item, str) else item for item in value]
    return value


def _allow_null(out: dict[str, Any]) -> None:
    """``nullable: true`` in JSON-Schema terms: ``null`` joins the type (or the ``anyOf``),
    and an ``enum`` must list ``None`` too, or a null value would still fail it."""
    kind = out.get("type")
    if isinstance(kind, str) and kind != "null":
        out["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        out["type"] = [*kind, "null"]
    elif kind is None and isinstance(out.get("anyOf"), list):
        out["anyOf"] = [*out["anyOf"], {"type": "null"}]
    enum = out.get("enum")
    if isinstance(enum, list) and None not in enum:
        out["enum"] = [*enum, None]
