"""JSON Schema → the OpenAPI 3.0 subset Gemini accepts in ``parameters`` and ``responseSchema``.

Gemini parses schemas into a fixed message and refuses (400) any keyword it does not know,
which is most of what MCP servers and Pydantic emit. The schema is rebuilt from an
allowlist, turning what can be expressed into Gemini's terms first:

* ``$ref`` into ``$defs``/``definitions`` is inlined (sibling keywords win); a reference
  back into its own expansion (a recursive type) or to nothing the schema defines becomes a
  bare ``{"type": "object"}``;
* ``allOf`` is merged into one schema (properties and ``required`` united);
* ``oneOf`` becomes ``anyOf``; a ``null`` branch of ``anyOf``, a ``"null"`` in a type list and
  ``null`` in an ``enum`` become ``nullable: true``; a single remaining branch is inlined;
  a type list of several types becomes ``anyOf`` of one branch per type;
* ``const`` becomes a one-value ``enum``. Gemini takes ``enum`` on strings only, so the
  values of other types' enums move into the description ("Allowed values: …");
* ``format`` is kept only where Gemini defines it (strings: ``enum``, ``date-time``;
  numbers: ``float``, ``double``; integers: ``int32``, ``int64``);
* a missing ``type`` is inferred from ``properties`` (object), ``items`` (array) or
  ``enum`` (string); an array without ``items`` (Gemini: "items: missing field") gets
  string items; ``required`` keeps only declared properties.

Everything else (``additionalProperties``, ``$schema``, ``default``, ``examples``,
``patternProperties``, ``not``, conditionals…) is left out: it constrained what the client
would accept, and the tool still validates what it receives.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

_KEEP = (
    "type",
    "title",
    "description",
    "nullable",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "propertyOrdering",
)
_FORMATS = {
    "string": ("enum", "date-time"),
    "number": ("float", "double"),
    "integer": ("int32", "int64"),
}
_OPAQUE: Schema = {"type": "object"}
"""What a reference that cannot be inlined (recursive or unresolvable) becomes."""
_STRING_ITEMS: Schema = {"type": "string"}


def gemini_schema(schema: Any) -> Schema:
    """A Gemini schema for the JSON Schema ``schema`` (``{}`` for anything but an object)."""
    if not isinstance(schema, dict):
        return {}
    defs: dict[str, Any] = {}
    for key in ("definitions", "$defs"):
        if isinstance(schema.get(key), dict):
            defs.update(schema[key])
    return _clean(schema, defs, frozenset())


def parameters_schema(schema: Any) -> Schema | None:
    """The ``parameters`` of a function declaration, or None when it takes no arguments.

    Gemini wants an object schema there, and refuses one without properties ("should be
    non-empty for OBJECT type"), so a function without arguments declares no parameters.
    """
    cleaned = gemini_schema(schema)
    if not cleaned.get("properties"):
        return None
    cleaned.setdefault("type", "object")
    return cleaned


def _clean(node: Schema, defs: dict[str, Any], seen: frozenset[str]) -> Schema:
    ref = node.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        target = defs.get(name)
        if name in seen or not isinstance(target, dict):
            return {**_OPAQUE, **_clean(siblings, defs, seen)}
        return _clean({**target, **siblings}, defs, seen | {name})
    if isinstance(node.get("type"), list):
        return _type_list(node, node["type"], defs, seen)
    out: Schema = {key: node[key] for key in _KEEP if key in node}
    _any_of(out, node, defs, seen)
    _enum(out, node)
    _children(out, node, defs, seen)
    _infer_type(out)
    kind = out.get("type")
    if node.get("format") in _FORMATS.get(kind if isinstance(kind, str) else "", ()):
        out["format"] = node["format"]
    for part in node.get("allOf") or ():
        if isinstance(part, dict):
            _merge(out, _clean(part, defs, seen))
    return out


def _type_list(
    node: Schema, kinds: list[Any], defs: dict[str, Any], seen: frozenset[str]
) -> Schema:
    """A type list: ``"null"`` → nullable; several other types → one branch per type."""
    others = [kind for kind in kinds if kind != "null"]
    if len(others) == 1:
        out = _clean({**node, "type": others[0]}, defs, seen)
    else:
        out = {key: node[key] for key in ("title", "description") if key in node}
        rest = {k: v for k, v in node.items() if k not in ("type", "title", "description")}
        if others:
            out["anyOf"] = [_clean({**rest, "type": kind}, defs, seen) for kind in others]
    if len(others) < len(kinds):
        out["nullable"] = True
    return out


def _any_of(out: Schema, node: Schema, defs: dict[str, Any], seen: frozenset[str]) -> None:
    branches = node.get("anyOf", node.get("oneOf"))
    if not isinstance(branches, list):
        return
    cleaned = []
    for branch in branches:
        if not isinstance(branch, dict):
            continue
        if branch.get("type") == "null":
            out["nullable"] = True
        else:
            cleaned.append(_clean(branch, defs, seen))
    if len(cleaned) == 1:
        _merge(out, cleaned[0])
    elif cleaned:
        out["anyOf"] = cleaned


def _enum(out: Schema, node: Schema) -> None:
    values = node.get("enum")
    if "const" in node:
        values = [node["const"]]
    if not isinstance(values, list):
        return
    if None in values:
        out["nullable"] = True
        values = [value for value in values if value is not None]
    if not values:
        return
    if out.get("type", "string") == "string" and all(isinstance(v, str) for v in values):
        out["enum"] = values
        return
    allowed = "Allowed values: " + ", ".join(_literal(value) for value in values)
    description = out.get("description")
    out["description"] = f"{description}\n{allowed}" if description else allowed


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _children(out: Schema, node: Schema, defs: dict[str, Any], seen: frozenset[str]) -> None:
    properties = node.get("properties")
    if isinstance(properties, dict):
        out["properties"] = {
            name: _clean(sub, defs, seen)
            for name, sub in properties.items()
            if isinstance(sub, dict)
        }
        required = node.get("required")
        if isinstance(required, list):
            kept = [name for name in required if name in out["properties"]]
            if kept:
                out["required"] = kept
    items = node.get("items", node.get("prefixItems"))
    if isinstance(items, dict):
        out["items"] = _clean(items, defs, seen)
    elif isinstance(items, list) and items:
        branches = [_clean(item, defs, seen) for item in items if isinstance(item, dict)]
        out["items"] = branches[0] if len(branches) == 1 else {"anyOf": branches}
    elif out.get("type") == "array":
        out["items"] = dict(_STRING_ITEMS)


def _infer_type(out: Schema) -> None:
    if "type" in out or "anyOf" in out:
        return
    if "properties" in out:
        out["type"] = "object"
    elif "items" in out:
        out["type"] = "array"
    elif "enum" in out:
        out["type"] = "string"


def _merge(out: Schema, other: Schema) -> None:
    """Fold a cleaned schema into ``out``: properties and ``required`` united, ``out``'s own
    keywords kept where both have one."""
    properties = other.get("properties")
    if properties:
        out["properties"] = {**properties, **out.get("properties", {})}
    required = other.get("required")
    if required:
        out["required"] = list(dict.fromkeys([*out.get("required", ()), *required]))
    for key, value in other.items():
        out.setdefault(key, value)
