"""A strict server-sent-events reader for assertions on streamed answers.

Tests must see the stream as a client does: frame by frame, with the exact ``data:``
payloads, so a gateway that merges, drops or reorders events fails. This reader follows the
SSE rules that matter for LLM APIs (``event:`` and ``data:`` fields, multi-line data, comment
lines, blank-line frame ends) and deliberately does no JSON recovery.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class SSEEvent:
    """One frame: its ``event:`` name (None when absent) and joined ``data:`` lines."""

    event: str | None
    data: str

    @property
    def done(self) -> bool:
        """The OpenAI end-of-stream sentinel ``data: [DONE]``."""
        return self.data == "[DONE]"

    def json(self) -> Any:
        """The data parsed as JSON; raises ``ValueError`` on garbage."""
        return json.loads(self.data)


def parse_sse(raw: str | bytes) -> list[SSEEvent]:
    """Every frame of a complete stream; a trailing frame without its blank line counts too."""
    text = raw.decode() if isinstance(raw, bytes) else raw
    events: list[SSEEvent] = []
    name: str | None = None
    data: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if not line:
            if data or name is not None:
                events.append(SSEEvent(name, "\n".join(data)))
            name, data = None, []
        elif line.startswith(":"):
            continue
        else:
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)
    if data or name is not None:
        events.append(SSEEvent(name, "\n".join(data)))
    return events
