"""Golden tests: JSON Schema → the OpenAPI subset Gemini takes in tools and ``responseSchema``.

Each input is a schema real clients send (Pydantic v2 models, zod-to-json-schema, MCP
servers). Every output is checked against Gemini's rules: only keywords its ``Schema``
message has, formats it defines, ``enum`` only on strings, ``items`` on every array,
``required`` naming declared properties, and the official SDK's ``Schema`` type.
"""

from __future__ import annotations

from typing import Any

import pytest
from google.genai import types

from omniroute_plugin_gemini.openai_client.schema import gemini_schema, parameters_schema

_ALLOWED = {
    "type",
    "format",
    "title",
    "description",
    "nullable",
    "enum",
    "items",
    "properties",
    "required",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "anyOf",
    "propertyOrdering",
}
_FORMATS = {
    "string": {"enum", "date-time"},
    "number": {"float", "double"},
    "integer": {"int32", "int64"},
}


def assert_gemini_schema(schema: dict[str, Any]) -> None:
    types.Schema.model_validate(schema)
    _walk(schema)


def _walk(schema: dict[str, Any]) -> None:
    assert set(schema) <= _ALLOWED, f"Gemini refuses {set(schema) - _ALLOWED}"
    kind = schema.get("type")
    assert kind is None or kind in {"string", "number", "integer", "boolean", "array", "object"}
    if "format" in schema:
        assert schema["format"] in _FORMATS.get(kind or "", set())
    if "enum" in schema:
        assert kind == "string"
        assert all(isinstance(v, str) for v in schema["enum"])
    if kind == "array":
        assert "items" in schema, "Gemini: items: missing field"
    for name in schema.get("required", ()):
        assert name in schema.get("properties", {})
    for sub in schema.get("properties", {}).values():
        _walk(sub)
    if "items" in schema:
        _walk(schema["items"])
    for sub in schema.get("anyOf", ()):
        _walk(sub)


def clean(schema: dict[str, Any]) -> dict[str, Any]:
    out = gemini_schema(schema)
    assert_gemini_schema(out)
    return out


def test_keywords_gemini_refuses_are_dropped() -> None:
    assert clean(
        {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "$id": "urn:x",
            "type": "object",
            "title": "Args",
            "description": "The arguments",
            "properties": {
                "path": {
                    "type": "string",
                    "minLength": 1,
                    "default": ".",
                    "examples": ["/tmp"],
                    "$comment": "x",
                    "format": "uri",
                },
                "count": {
                    "type": "integer",
                    "minimum": 1,
                    "exclusiveMaximum": 10,
                    "multipleOf": 1,
                    "format": "int32",
                },
                "when": {"type": "string", "format": "date-time", "readOnly": True},
                "ratio": {"type": "number", "format": "percent"},
            },
            "required": ["path", "ghost"],
            "additionalProperties": False,
            "patternProperties": {"^x-": {"type": "string"}},
            "not": {"required": ["y"]},
            "if": {},
            "then": {},
        }
    ) == {
        "type": "object",
        "title": "Args",
        "description": "The arguments",
        "properties": {
            "path": {"type": "string", "minLength": 1},
            "count": {"type": "integer", "minimum": 1, "format": "int32"},
            "when": {"type": "string", "format": "date-time"},
            "ratio": {"type": "number"},
        },
        "required": ["path"],
    }


def test_refs_are_inlined_with_sibling_keywords_winning() -> None:
    # Pydantic v2: nested models live in $defs; older tools use "definitions".
    assert clean(
        {
            "$defs": {
                "Address": {
                    "type": "object",
                    "title": "Address",
                    "properties": {"city": {"type": "string"}},
                    "required": ["city"],
                },
            },
            "definitions": {"Tag": {"type": "string", "enum": ["a", "b"]}},
            "type": "object",
            "properties": {
                "home": {"$ref": "#/$defs/Address", "description": "Where they live"},
                "tags": {"type": "array", "items": {"$ref": "#/definitions/Tag"}},
            },
        }
    ) == {
        "type": "object",
        "properties": {
            "home": {
                "type": "object",
                "title": "Address",
                "description": "Where they live",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
            "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
        },
    }


def test_recursive_and_unknown_refs_end_in_an_opaque_object() -> None:
    node = {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}},
        },
    }
    assert clean(
        {
            "$defs": {"Node": node},
            "type": "object",
            "properties": {
                "root": {"$ref": "#/$defs/Node"},
                "other": {"$ref": "https://example.com/schema.json", "description": "elsewhere"},
            },
        }
    ) == {
        "type": "object",
        "properties": {
            "root": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "children": {"type": "array", "items": {"type": "object"}},
                },
            },
            "other": {"type": "object", "description": "elsewhere"},
        },
    }


def test_null_branches_and_null_types_become_nullable() -> None:
    assert clean(
        {
            "$defs": {"Pet": {"type": "object", "properties": {"name": {"type": "string"}}}},
            "type": "object",
            "properties": {
                # Pydantic v2 Optional[str] and Optional[Model]
                "nick": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
                "pet": {"anyOf": [{"$ref": "#/$defs/Pet"}, {"type": "null"}], "title": "Pet"},
                # zod .nullable() and JSON Schema type lists
                "age": {"type": ["integer", "null"], "minimum": 0},
                "note": {"oneOf": [{"type": "null"}, {"type": "string", "maxLength": 9}]},
                "color": {"type": "string", "enum": ["red", None]},
                "nothing": {"type": ["null"], "description": "always null"},
            },
        }
    ) == {
        "type": "object",
        "properties": {
            "nick": {"type": "string", "nullable": True},
            "pet": {
                "type": "object",
                "title": "Pet",
                "nullable": True,
                "properties": {"name": {"type": "string"}},
            },
            "age": {"type": "integer", "minimum": 0, "nullable": True},
            "note": {"type": "string", "maxLength": 9, "nullable": True},
            "color": {"type": "string", "enum": ["red"], "nullable": True},
            "nothing": {"description": "always null", "nullable": True},
        },
    }


def test_unions_stay_any_of() -> None:
    assert clean(
        {
            "type": "object",
            "properties": {
                "id": {"type": ["string", "integer", "null"], "description": "An id"},
                "shape": {
                    "oneOf": [
                        {"type": "object", "properties": {"r": {"type": "number"}}},
                        {"type": "object", "properties": {"w": {"type": "number"}}},
                    ]
                },
            },
        }
    ) == {
        "type": "object",
        "properties": {
            "id": {
                "description": "An id",
                "anyOf": [{"type": "string"}, {"type": "integer"}],
                "nullable": True,
            },
            "shape": {
                "anyOf": [
                    {"type": "object", "properties": {"r": {"type": "number"}}},
                    {"type": "object", "properties": {"w": {"type": "number"}}},
                ]
            },
        },
    }


def test_all_of_is_merged() -> None:
    assert clean(
        {
            "$defs": {
                "Base": {
                    "type": "object",
                    "properties": {"id": {"type": "string"}},
                    "required": ["id"],
                }
            },
            "allOf": [
                {"$ref": "#/$defs/Base"},
                {"properties": {"size": {"type": "integer"}}, "required": ["size"]},
            ],
            "description": "Sized thing",
        }
    ) == {
        "description": "Sized thing",
        "type": "object",
        "properties": {"id": {"type": "string"}, "size": {"type": "integer"}},
        "required": ["id", "size"],
    }


def test_const_and_enums_gemini_takes_only_on_strings() -> None:
    assert clean(
        {
            "type": "object",
            "properties": {
                "kind": {"const": "circle"},
                "unit": {"type": "string", "enum": ["cm", "in"], "format": "enum"},
                "level": {"type": "integer", "enum": [1, 2, 3], "description": "How loud"},
                "flag": {"const": True},
                "mixed": {"enum": ["a", 1]},
            },
        }
    ) == {
        "type": "object",
        "properties": {
            "kind": {"type": "string", "enum": ["circle"]},
            "unit": {"type": "string", "enum": ["cm", "in"], "format": "enum"},
            "level": {"type": "integer", "description": "How loud\nAllowed values: 1, 2, 3"},
            "flag": {"description": "Allowed values: true"},
            "mixed": {"description": "Allowed values: a, 1"},
        },
    }


def test_missing_types_and_items_are_filled_in() -> None:
    assert clean(
        {
            "properties": {
                "list": {"type": "array"},
                "tuple": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "number"}]},
                "one": {"type": "array", "items": [{"type": "string"}]},
                "obj": {"properties": {"a": {"type": "boolean"}}},
                "arr": {"items": {"type": "string"}},
                "choice": {"enum": ["x", "y"]},
                "free": {"description": "anything"},
                "bad": "not a schema",
            }
        }
    ) == {
        "type": "object",
        "properties": {
            "list": {"type": "array", "items": {"type": "string"}},
            "tuple": {
                "type": "array",
                "items": {"anyOf": [{"type": "string"}, {"type": "number"}]},
            },
            "one": {"type": "array", "items": {"type": "string"}},
            "obj": {"type": "object", "properties": {"a": {"type": "boolean"}}},
            "arr": {"type": "array", "items": {"type": "string"}},
            "choice": {"type": "string", "enum": ["x", "y"]},
            "free": {"description": "anything"},
        },
    }


def test_property_names_that_look_like_keywords_are_kept() -> None:
    assert clean(
        {
            "type": "object",
            "properties": {"default": {"type": "string"}, "$ref": {"type": "integer"}},
            "required": ["default"],
        }
    ) == {
        "type": "object",
        "properties": {"default": {"type": "string"}, "$ref": {"type": "integer"}},
        "required": ["default"],
    }


def test_the_input_is_not_changed() -> None:
    schema: dict[str, Any] = {
        "$defs": {"A": {"type": "object", "properties": {"x": {"type": "string"}}}},
        "type": "object",
        "properties": {"a": {"$ref": "#/$defs/A"}, "b": {"type": ["string", "null"]}},
    }
    before = repr(schema)
    clean(schema)
    assert repr(schema) == before


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        (None, None),
        ({}, None),
        ({"type": "object", "properties": {}}, None),
        ({"type": "object", "additionalProperties": {"type": "string"}}, None),
        (
            {"properties": {"q": {"type": "string"}}},
            {"type": "object", "properties": {"q": {"type": "string"}}},
        ),
    ],
)
def test_function_parameters_are_an_object_with_properties_or_absent(
    schema: Any, expected: Any
) -> None:
    # Gemini: "parameters.properties: should be non-empty for OBJECT type".
    assert parameters_schema(schema) == expected
