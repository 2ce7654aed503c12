"""Reading a Gemini request whichever spelling of the field names the client chose.

The ``google-genai`` SDKs and Gemini CLI send camelCase (``inlineData``), but Google's REST
documentation writes snake_case (``inline_data``) in most of its curl examples, and the API
accepts both, so clients built from those examples send it. Every read of a Gemini field
goes through ``pick`` instead of normalising the whole body, which would also rewrite keys
that are user data (property names inside schemas, function arguments).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

_UPPER = re.compile(r"(?<!^)([A-Z])")


@lru_cache(maxsize=128)
def _snake(name: str) -> str:
    """``inlineData`` → ``inline_data``."""
    return _UPPER.sub(r"_\1", name).lower()


def pick(obj: Mapping[str, Any], name: str) -> Any:
    """``obj[name]`` for the camelCase ``name``, else the snake_case spelling, else None."""
    value = obj.get(name)
    return obj.get(_snake(name)) if value is None else value


def pick_dict(obj: Any, name: str) -> dict[str, Any]:
    """``pick`` for a field that must be an object; ``{}`` when absent or malformed."""
    value = pick(obj, name) if isinstance(obj, Mapping) else None
    return value if isinstance(value, dict) else {}


def pick_list(obj: Any, name: str) -> list[Any]:
    """``pick`` for a field that must be a list; ``[]`` when absent or malformed."""
    value = pick(obj, name) if isinstance(obj, Mapping) else None
    return value if isinstance(value, list) else []
