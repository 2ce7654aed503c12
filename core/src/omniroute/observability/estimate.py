"""Token estimates for when no upstream counted: about four characters per token.

Used for ``count_tokens`` without a counting upstream and for usage records of answers
that carried no usage; both are marked as estimates wherever they are reported.
"""

from __future__ import annotations

import orjson

from ..types import Body

CHARS_PER_TOKEN = 4
_PROMPT_FIELDS = ("system", "messages", "tools", "input", "instructions", "contents")


def estimate_prompt_tokens(body: Body) -> int:
    """Tokens of the prompt parts of a request body in any wire format."""
    size = sum(len(orjson.dumps(body[key])) for key in _PROMPT_FIELDS if key in body)
    return max(1, size // CHARS_PER_TOKEN)
