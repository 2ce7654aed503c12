"""Golden tests: Chat ``chat.completion`` → Responses ``response`` (``openai-responses ->
openai``).

Every produced response is also validated with the ``openai`` SDK's own ``Response`` model,
which is what ``client.responses.create`` hands its callers.
"""

from __future__ import annotations

from typing import Any
from unittest.mock import ANY

import pytest
from openai.types.responses import Response

from omniroute import UpstreamError
from omniroute.builtin.responses.client import ResponsesClientTranslator

T = ResponsesClientTranslator()


def completion(
    message: dict[str, Any], finish: str | None = "stop", **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": "chatcmpl-42",
        "object": "chat.completion",
        "created": 1700000000,
        "model": "gpt-4.1-2025",
        "choices": [
            {"index": 0, "message": {"role": "assistant", **message}, "finish_reason": finish}
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    }
    body.update(extra)
    return body


def translate(body: dict[str, Any]) -> dict[str, Any]:
    out = T.response(body, "gpt-4.1")
    Response.model_validate(out)
    return out


def test_text_answer_golden() -> None:
    body = completion(
        {"content": "Hello!"},
        usage={
            "prompt_tokens": 1200,
            "completion_tokens": 30,
            "total_tokens": 1230,
            "prompt_tokens_details": {"cached_tokens": 1000},
            "completion_tokens_details": {"reasoning_tokens": 10},
        },
    )
    assert translate(body) == {
        "id": "resp_chatcmpl-42",
        "object": "response",
        "created_at": 1700000000,
        "completed_at": ANY,
        "status": "completed",
        "background": False,
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "max_output_tokens": None,
        "model": "gpt-4.1",
        "output": [
            {
                "id": "msg_chatcmpl-42_0",
                "type": "message",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": "Hello!", "annotations": []}],
            }
        ],
        "parallel_tool_calls": True,
        "previous_response_id": None,
        "reasoning": {"effort": None, "summary": None},
        "store": False,
        "temperature": None,
        "text": {"format": {"type": "text"}},
        "tool_choice": "auto",
        "tools": [],
        "top_p": None,
        "truncation": "disabled",
        "usage": {
            "input_tokens": 1200,
            "input_tokens_details": {"cached_tokens": 1000, "cache_write_tokens": 0},
            "output_tokens": 30,
            "output_tokens_details": {"reasoning_tokens": 10},
            "total_tokens": 1230,
        },
        "metadata": {},
    }


def test_reasoning_text_and_calls_in_order() -> None:
    out = translate(
        completion(
            {
                "reasoning_content": "Think.",
                "content": "Calling.",
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "read", "arguments": '{"p":"a"}'},
                    },
                    {
                        "id": "call_2",
                        "type": "function",
                        "function": {"name": "ls", "arguments": ""},
                    },
                ],
            },
            "tool_calls",
        )
    )
    assert out["status"] == "completed"
    assert out["output"] == [
        {
            "id": "rs_chatcmpl-42_0",
            "type": "reasoning",
            "summary": [{"type": "summary_text", "text": "Think."}],
        },
        {
            "id": "msg_chatcmpl-42_1",
            "type": "message",
            "status": "completed",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "Calling.", "annotations": []}],
        },
        {
            "id": "fc_chatcmpl-42_2",
            "type": "function_call",
            "status": "completed",
            "call_id": "call_1",
            "name": "read",
            "arguments": '{"p":"a"}',
        },
        {
            "id": "fc_chatcmpl-42_3",
            "type": "function_call",
            "status": "completed",
            "call_id": "call_2",
            "name": "ls",
            "arguments": "{}",
        },
    ]


def test_openrouter_reasoning_field() -> None:
    out = translate(completion({"reasoning": "hmm", "content": "ok"}))
    assert out["output"][0]["summary"] == [{"type": "summary_text", "text": "hmm"}]


def test_object_arguments_and_missing_call_id() -> None:
    out = translate(
        completion(
            {"content": None, "tool_calls": [{"function": {"name": "f", "arguments": {"x": 1}}}]},
            "tool_calls",
        )
    )
    (call,) = out["output"]
    assert call["arguments"] == '{"x":1}'
    assert call["call_id"].startswith("call_")


def test_length_is_incomplete() -> None:
    out = translate(completion({"content": "cut"}, "length"))
    assert out["status"] == "incomplete"
    assert out["incomplete_details"] == {"reason": "max_output_tokens"}
    assert out["completed_at"] is None
    assert out["output"][0]["status"] == "incomplete"


def test_content_filter_is_incomplete() -> None:
    out = translate(completion({"content": ""}, "content_filter"))
    assert (out["status"], out["incomplete_details"]) == (
        "incomplete",
        {"reason": "content_filter"},
    )
    assert out["output"] == []


def test_refusal_and_text_parts() -> None:
    assert (
        translate(completion({"content": None, "refusal": "No."}))["output"][0]["content"][0][
            "text"
        ]
        == "No."
    )
    parts = [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]
    assert translate(completion({"content": parts}))["output"][0]["content"][0]["text"] == "ab"


def test_missing_usage_is_null_not_zero() -> None:
    body = completion({"content": "hi"})
    del body["usage"]
    assert translate(body)["usage"] is None


def test_missing_id_and_created_are_generated() -> None:
    body = completion({"content": "hi"})
    del body["id"], body["created"]
    out = translate(body)
    assert out["id"].startswith("resp_")
    assert out["created_at"] > 1700000000


def test_error_body_raises_upstream_error() -> None:
    with pytest.raises(UpstreamError, match="overloaded"):
        T.response({"error": {"message": "overloaded", "type": "server_error"}}, "m")


def test_no_choices_raises_upstream_error() -> None:
    with pytest.raises(UpstreamError, match="no choices"):
        T.response({"id": "x", "choices": []}, "m")
