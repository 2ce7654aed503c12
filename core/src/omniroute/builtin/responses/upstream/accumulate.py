"""A complete Responses event stream → the final ``response`` object.

Codex's backend only streams, so a non-streaming client is answered from the whole stream.
The final object is the one ``response.completed`` (or ``response.incomplete``) carries, with
one repair: with ``store: false`` Codex's backend sends it with an empty ``output`` (the
items came only as ``response.output_item.done`` events; LiteLLM, Hermes and DeerFlow each
met this), so the streamed items, in ``output_index`` order, fill an empty ``output``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from omniroute import Body, UpstreamError

from .stream import TRUNCATED


def accumulate_response(events: Iterable[Body | None]) -> Body:
    """The final Responses object of a stream, given each event's parsed ``data`` in order.

    ``None`` (a ``[DONE]`` sentinel) and events the answer does not depend on are skipped.
    Raises ``UpstreamError`` when the upstream reported a failure (``response.failed``, an
    ``error`` event) or the stream ended before its final response, so the caller can fall
    back as it would after an error status.
    """
    items: dict[int, Any] = {}
    for data in events:
        if not isinstance(data, dict):
            continue
        kind = data.get("type")
        if kind == "response.output_item.done" and isinstance(data.get("output_index"), int):
            items[data["output_index"]] = data.get("item")
        elif kind in ("response.completed", "response.incomplete"):
            response = data.get("response")
            if not isinstance(response, dict):
                raise UpstreamError(f"{kind} carried no response", code="upstream_bad_response")
            if not response.get("output") and items:
                response = {**response, "output": [items[index] for index in sorted(items)]}
            return response
        elif kind == "response.failed":
            response = data.get("response")
            error = response.get("error") if isinstance(response, dict) else None
            raise _failure(error if isinstance(error, dict) else {})
        elif kind == "error":
            error = data.get("error")
            raise _failure(error if isinstance(error, dict) else data)
    raise UpstreamError(TRUNCATED, code="upstream_bad_response")


def _failure(error: dict[str, Any]) -> UpstreamError:
    message = error.get("message") or "the upstream reported an error"
    code = error.get("code")
    return UpstreamError(str(message), code=code if isinstance(code, str) and code else None)
