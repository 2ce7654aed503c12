"""Chat ``chat.completion`` → Responses ``response``.

Output items come in the order a Responses model produces them: reasoning, then the message
text, then one ``function_call`` item per tool call.
"""

from __future__ import annotations

from typing import Any

from omniroute import UpstreamError

from ....hub import message_text
from ..mapping import status_of
from .output import (
    Item,
    Status,
    arguments_text,
    call_id,
    created_at,
    envelope,
    function_call_item,
    item_id,
    message_item,
    reasoning_item,
    reasoning_of,
    response_error,
    response_id,
    usage_object,
)


def responses_response(body: dict[str, Any], model: str) -> dict[str, Any]:
    """The ``response`` for a Chat completion ``body``; ``model`` names it.

    Raises ``UpstreamError`` for a 200 answer that carries an error or no choice, so the
    gateway can try another account instead of handing the client an empty response.
    """
    choices = body.get("choices")
    choice = choices[0] if isinstance(choices, list) and choices else None
    if not isinstance(choice, dict):
        if body.get("error") is not None:
            raise UpstreamError(response_error(body["error"])["message"])
        raise UpstreamError("upstream answer has no choices", code="upstream_bad_response")
    message = choice.get("message")
    message = message if isinstance(message, dict) else {}
    status, incomplete = status_of(choice.get("finish_reason"))
    rid = response_id(body.get("id"))
    return envelope(
        rid,
        created_at(body.get("created")),
        model,
        status,
        _output(message, rid, "completed" if status == "completed" else "incomplete"),
        usage=usage_object(body.get("usage")),
        incomplete=incomplete,
    )


def _output(message: dict[str, Any], rid: str, status: Status) -> list[Item]:
    output: list[Item] = []
    reasoning = reasoning_of(message)
    if reasoning:
        output.append(reasoning_item(item_id("rs", rid, len(output)), reasoning))
    text = message_text(message.get("content")) or message_text(message.get("refusal"))
    if text:
        output.append(message_item(item_id("msg", rid, len(output)), text, status))
    calls = message.get("tool_calls")
    for call in calls if isinstance(calls, list) else ():
        if not isinstance(call, dict):
            continue
        function = call.get("function")
        function = function if isinstance(function, dict) else {}
        output.append(
            function_call_item(
                item_id("fc", rid, len(output)),
                call_id(call.get("id")),
                str(function.get("name") or ""),
                arguments_text(function.get("arguments")) or "{}",
                status,
            )
        )
    return output
