"""Golden tests: Gemini ``Schema`` (OpenAPI subset) → JSON Schema, for tools and JSON mode."""

from __future__ import annotations

from typing import Any

import pytest

from omniroute_plugin_gemini.gemini_client.schema import json_schema


def test_gemini_cli_style_declaration_golden() -> None:
    schema = {
        "type": "OBJECT",
        "description": "Arguments.",
        "properties": {
            "path": {"type": "STRING", "description": "A path.", "example": "/tmp"},
            "mode": {"type": "STRING", "format": "enum", "enum": ["r", "w"], "nullable": True},
            "limit": {"type": "INTEGER", "format": "int32", "minimum": 1, "maximum": 100},
            "ratio": {"type": "NUMBER", "format": "float", "nullable": True},
            "tags": {
                "type": "ARRAY",
                "items": {"type": "STRING", "maxLength": 20},
                "minItems": 1,
                "maxItems": 5,
            },
            "when": {"type": "STRING", "format": "date-time"},
            "either": {
                "anyOf": [{"type": "STRING"}, {"type": "INTEGER"}],
                "nullable": True,
            },
            "nested": {
                "type": "OBJECT",
                "properties": {"ok": {"type": "BOOLEAN", "default": False}},
                "required": ["ok"],
                "propertyOrdering": ["ok"],
                "minProperties": 1,
            },
        },
        "required": ["path"],
        "propertyOrdering": ["path", "mode"],
    }
    assert json_schema(schema) == {
        "type": "object",
        "description": "Arguments.",
        "properties": {
            "path": {"type": "string", "description": "A path.", "examples": ["/tmp"]},
            "mode": {"type": ["string", "null"], "format": "enum", "enum": ["r", "w", None]},
            "limit": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 100},
            "ratio": {"type": ["number", "null"], "format": "float"},
            "tags": {
                "type": "array",
                "items": {"type": "string", "maxLength": 20},
                "minItems": 1,
                "maxItems": 5,
            },
            "when": {"type": "string", "format": "date-time"},
            "either": {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]},
            "nested": {
                "type": "object",
                "properties": {"ok": {"type": "boolean", "default": False}},
                "required": ["ok"],
                "minProperties": 1,
            },
        },
        "required": ["path"],
    }


def test_snake_case_schema_fields_are_renamed_but_property_names_are_not() -> None:
    schema = {
        "type": "OBJECT",
        "properties": {
            "max_items": {"type": "ARRAY", "max_items": 3, "min_items": 1},
            "any_of": {"any_of": [{"type": "STRING"}], "min_length": 2},
        },
        "property_ordering": ["max_items"],
        "min_properties": 1,
        "max_properties": 9,
    }
    assert json_schema(schema) == {
        "type": "object",
        "properties": {
            "max_items": {"type": "array", "maxItems": 3, "minItems": 1},
            "any_of": {"anyOf": [{"type": "string"}], "minLength": 2},
        },
        "minProperties": 1,
        "maxProperties": 9,
    }


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "TYPE_UNSPECIFIED", "description": "x"}, {"description": "x"}),
        ({"type": "NULL"}, {"type": "null"}),
        ({"type": ["STRING", "NULL"]}, {"type": ["string", "null"]}),
        ({"type": ["string"], "nullable": True}, {"type": ["string", "null"]}),
        ({"type": ["string", "null"], "nullable": True}, {"type": ["string", "null"]}),
        ({"type": "NULL", "nullable": True}, {"type": "null"}),
        ({"nullable": True, "description": "any"}, {"description": "any"}),
        ({"nullable": False, "type": "STRING"}, {"type": "string"}),
        (
            {"enum": ["a", None], "nullable": True, "type": "STRING"},
            {"enum": ["a", None], "type": ["string", "null"]},
        ),
        ({"type": "OBJECT", "properties": "bad"}, {"type": "object", "properties": "bad"}),
        ("STRING", "STRING"),
        (None, None),
    ],
)
def test_edge_cases(schema: Any, expected: Any) -> None:
    assert json_schema(schema) == expected
