"""Scripted Responses API upstream streams, and proof that they are what OpenAI sends.

Also ``sdk_checked``: whether the SDK's request types accept a translated request.

``Script`` builds an event sequence the way ``/v1/responses`` streams it: ``response.created``
and ``response.in_progress`` with the response snapshot, then per output item its
``output_item.added``, part events, deltas (with ``obfuscation`` padding), ``.done`` events
and ``output_item.done``, then ``response.completed`` with the whole response; every event
numbered by ``sequence_number``. The other ``test_responses_upstream_*`` modules translate
these; the tests here check each scripted event against the ``openai`` SDK's own
``ResponseStreamEvent`` and ``Response`` models, so the scripts cannot drift from the wire.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from openai.types.responses import Response, ResponseStreamEvent
from openai.types.responses.response_create_params import (
    ResponseCreateParamsNonStreaming,
    ResponseCreateParamsStreaming,
)
from pydantic import TypeAdapter, ValidationError

RESP_ID = "resp_68af4030592c81938ec0a5fbab4a3e9f05438e46b5f69a3b"
UPSTREAM_MODEL = "gpt-5-2025-08-07"
CREATED_AT = 1756315696
USAGE = {
    "input_tokens": 321,
    "input_tokens_details": {"cached_tokens": 128, "cache_write_tokens": 0},
    "output_tokens": 148,
    "output_tokens_details": {"reasoning_tokens": 64},
    "total_tokens": 469,
}
EVENT = TypeAdapter(ResponseStreamEvent)
STREAMING = TypeAdapter(ResponseCreateParamsStreaming)
NON_STREAMING = TypeAdapter(ResponseCreateParamsNonStreaming)


class Script:
    """One upstream answer, item by item; ``events`` renders it as OpenAI streams it."""

    def __init__(self, model: str = UPSTREAM_MODEL) -> None:
        self.model = model
        self.items: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
        """Each output item (as ``output_item.done`` carries it) with its own events."""

    # -- output items -----------------------------------------------------------------------

    def reasoning(self, *parts: tuple[str, ...]) -> Script:
        """A reasoning item whose summary has one part per tuple of streamed pieces."""
        index, item_id = len(self.items), f"rs_{len(self.items)}8af403107d08193a5e9"
        events: list[dict[str, Any]] = [
            _added(index, {"id": item_id, "type": "reasoning", "summary": []})
        ]
        summary = []
        for number, pieces in enumerate(parts):
            text = "".join(pieces)
            where = {"item_id": item_id, "output_index": index, "summary_index": number}
            events.append(
                {"type": "response.reasoning_summary_part.added", **where, "part": _summary("")}
            )
            events.extend(
                {"type": "response.reasoning_summary_text.delta", **where, "delta": piece}
                | {"obfuscation": "x7Yq"}
                for piece in pieces
            )
            events.append({"type": "response.reasoning_summary_text.done", **where, "text": text})
            events.append(
                {"type": "response.reasoning_summary_part.done", **where, "part": _summary(text)}
            )
            summary.append(_summary(text))
        item = {"id": item_id, "type": "reasoning", "summary": summary}
        self.items.append((item, [*events, _done(index, item)]))
        return self

    def message(self, *pieces: str) -> Script:
        """An assistant message whose one ``output_text`` part streams as ``pieces``."""
        index, item_id = len(self.items), f"msg_{len(self.items)}8af40321e4c8193b3b6"
        text = "".join(pieces)
        where = {"item_id": item_id, "output_index": index, "content_index": 0}
        added = {"id": item_id, "type": "message", "status": "in_progress", "content": []}
        events: list[dict[str, Any]] = [
            _added(index, added | {"role": "assistant"}),
            {"type": "response.content_part.added", **where, "part": _output_text("")},
            *(
                {"type": "response.output_text.delta", **where, "delta": piece}
                | {"logprobs": [], "obfuscation": "Qz1"}
                for piece in pieces
            ),
            {"type": "response.output_text.done", **where, "text": text, "logprobs": []},
            {"type": "response.content_part.done", **where, "part": _output_text(text)},
        ]
        item = added | {"status": "completed", "content": [_output_text(text)], "role": "assistant"}
        self.items.append((item, [*events, _done(index, item)]))
        return self

    def call(self, name: str, call_id: str, *pieces: str) -> Script:
        """A function call whose arguments stream as ``pieces``."""
        index, item_id = len(self.items), f"fc_{len(self.items)}8af4033e3c08193b12d"
        arguments = "".join(pieces)
        where = {"item_id": item_id, "output_index": index}
        started = {"id": item_id, "type": "function_call", "status": "in_progress"}
        started |= {"arguments": "", "call_id": call_id, "name": name}
        events: list[dict[str, Any]] = [
            _added(index, started),
            *(
                {"type": "response.function_call_arguments.delta", **where, "delta": piece}
                | {"obfuscation": "m2"}
                for piece in pieces
            ),
            {"type": "response.function_call_arguments.done", **where, "arguments": arguments},
        ]
        item = started | {"status": "completed", "arguments": arguments}
        self.items.append((item, [*events, _done(index, item)]))
        return self

    # -- rendering --------------------------------------------------------------------------

    def response(
        self,
        status: str = "completed",
        incomplete: str | None = None,
        usage: dict[str, Any] | None = USAGE,
    ) -> dict[str, Any]:
        """The final ``response`` object (what a non-streamed request answers)."""
        return _snapshot(self.model, status) | {
            "output": [item for item, _events in self.items],
            "incomplete_details": {"reason": incomplete} if incomplete else None,
            "usage": usage,
        }

    def events(
        self,
        status: str = "completed",
        incomplete: str | None = None,
        usage: dict[str, Any] | None = USAGE,
        codex: bool = False,
    ) -> list[dict[str, Any]]:
        """The whole stream. ``codex``: the final response has an empty ``output``, as
        Codex's backend sends it with ``store: false``."""
        final = self.response(status, incomplete, usage)
        if codex:
            final["output"] = []
        terminal = "response.completed" if status == "completed" else f"response.{status}"
        return _numbered(
            [
                {"type": "response.created", "response": _snapshot(self.model, "in_progress")},
                {"type": "response.in_progress", "response": _snapshot(self.model, "in_progress")},
                *(event for _item, events in self.items for event in events),
                {"type": terminal, "response": final},
            ]
        )

    def head(self) -> list[dict[str, Any]]:
        """The stream up to the last item's events, without a final event."""
        return self.events()[:-1]


def failed(message: str, code: str = "server_error") -> dict[str, Any]:
    """A ``response.failed`` event, as OpenAI ends a stream the model could not finish."""
    response = _snapshot(UPSTREAM_MODEL, "failed") | {"error": {"code": code, "message": message}}
    return {"type": "response.failed", "sequence_number": 2, "response": response}


def error_event(message: str, code: str = "rate_limit_exceeded") -> dict[str, Any]:
    """An ``error`` event, as OpenAI reports a failure outside any response."""
    return {"type": "error", "sequence_number": 1, "code": code, "message": message, "param": None}


def _snapshot(model: str, status: str) -> dict[str, Any]:
    return {
        "id": RESP_ID,
        "object": "response",
        "created_at": CREATED_AT,
        "status": status,
        "background": False,
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "max_output_tokens": None,
        "model": model,
        "output": [],
        "parallel_tool_calls": True,
        "previous_response_id": None,
        "reasoning": {"effort": "medium", "summary": "auto"},
        "store": False,
        "temperature": 1.0,
        "text": {"format": {"type": "text"}, "verbosity": "medium"},
        "tool_choice": "auto",
        "tools": [],
        "top_p": 1.0,
        "truncation": "disabled",
        "usage": None,
        "user": None,
        "metadata": {},
    }


def _added(index: int, item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "response.output_item.added", "output_index": index, "item": item}


def _done(index: int, item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "response.output_item.done", "output_index": index, "item": item}


def _summary(text: str) -> dict[str, Any]:
    return {"type": "summary_text", "text": text}


def _output_text(text: str) -> dict[str, Any]:
    return {"type": "output_text", "annotations": [], "logprobs": [], "text": text}


def _numbered(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [event | {"sequence_number": number} for number, event in enumerate(events)]


# -- what OpenAI accepts ---------------------------------------------------------------------


def sdk_checked(body: dict[str, Any]) -> dict[str, Any]:
    """``body``, after checking the SDK's request types accept it field for field.

    Unknown fields count: pydantic drops what a TypedDict does not declare, so a validated
    copy that differs from ``body`` names a field OpenAI does not know.

    The SDK types assistant messages only as server output (with an ``id``, a ``status`` and
    ``annotations``); Codex CLI sends them without, and so does the gateway (an id would be
    looked up by a ``store: false`` upstream). The check gives them placeholder values.
    """
    checked = copy.deepcopy(body)
    for item in checked["input"] if isinstance(checked["input"], list) else ():
        if item.get("role") == "assistant":
            item |= {"id": "msg_placeholder", "status": "completed"}
            for part in item["content"]:
                if part["type"] == "output_text":
                    part["annotations"] = []
    adapter = STREAMING if body.get("stream") else NON_STREAMING
    assert _consumed(adapter.validate_python(checked)) == checked
    return body


def _consumed(value: Any) -> Any:
    """The validated value with pydantic's lazy ``Iterable`` validators run to the end."""
    if isinstance(value, dict):
        return {key: _consumed(item) for key, item in value.items()}
    if isinstance(value, list | tuple | Iterator):
        return [_consumed(item) for item in value]
    return value


# -- the scripts are what OpenAI sends ------------------------------------------------------


def full_script() -> Script:
    return (
        Script()
        .reasoning(("**Checking", " the weather**"), ("Need", " a tool."))
        .message("Let me", " check.")
        .call("get_weather", "call_WQ7Lz9", '{"city"', ':"Paris"}')
    )


def test_every_scripted_event_is_a_responses_stream_event() -> None:
    events = full_script().events()
    assert [event["sequence_number"] for event in events] == list(range(len(events)))
    for event in events:
        parsed = EVENT.validate_python(event)
        assert parsed.type == event["type"]


def test_the_final_responses_are_responses() -> None:
    script = full_script()
    Response.model_validate(script.response())
    Response.model_validate(script.response("incomplete", "max_output_tokens"))
    Response.model_validate(script.events(codex=True)[-1]["response"])


def test_the_failure_events_are_responses_stream_events() -> None:
    assert EVENT.validate_python(failed("boom")).type == "response.failed"
    assert EVENT.validate_python(error_event("slow down")).type == "error"


def test_sdk_check_catches_fields_openai_does_not_know() -> None:
    sdk_checked({"model": "gpt-5", "input": "hi", "store": False})
    for wrong in (
        {"model": "gpt-5", "input": "hi", "stop": ["\n"]},
        {"model": "gpt-5", "input": [{"type": "message", "role": "user", "content": "hi", "x": 1}]},
        {"model": "gpt-5", "input": "hi", "tools": [{"type": "function", "name": "f"}]},
    ):
        with pytest.raises((AssertionError, ValidationError)):
            sdk_checked(wrong)
