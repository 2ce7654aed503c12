"""Golden tests: OpenAI ``chat.completion`` → Claude ``message`` (``claude -> openai``).

Every produced message is also validated with the ``anthropic`` SDK's own ``Message`` model,
which is what ``client.messages.create`` hands its callers.
"""

from __future__ import annotations

from typing import Any

import anthropic
import pytest

from omniroute import UpstreamError
from omniroute_plugin_claude.claude_client import ClaudeClientTranslator

T = ClaudeClientTranslator()


def completion(
    message: dict[str, Any], finish: str | None = "stop", **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": "chatcmpl-42",
        "object": "chat.completion",
        "created": 1,
        "model": "gpt-4.1-2025",
        "choices": [
            {"index": 0, "message": {"role": "assistant", **message}, "finish_reason": finish}
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    }
    body.update(extra)
    return body


def translate(body: dict[str, Any]) -> dict[str, Any]:
    out = T.response(body, "claude-sonnet-4")
    anthropic.types.Message.model_validate(out, strict=False)
    return out


def test_text_answer_golden() -> None:
    body = completion(
        {"content": "Hello!"},
        usage={
            "prompt_tokens": 1200,
            "completion_tokens": 30,
            "total_tokens": 1230,
            "prompt_tokens_details": {"cached_tokens": 1000},
        },
    )
    assert translate(body) == {
        "id": "msg_chatcmpl-42",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4",
        "content": [{"type": "text", "text": "Hello!"}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {
            "input_tokens": 200,
            "output_tokens": 30,
            "cache_read_input_tokens": 1000,
            "cache_creation_input_tokens": 0,
        },
    }


def test_usage_cache_writes_and_deepseek_hits() -> None:
    usage = {
        "prompt_tokens": 50,
        "completion_tokens": 5,
        "prompt_tokens_details": {"cached_tokens": 10, "cache_creation_tokens": 7},
    }
    assert translate(completion({"content": "x"}, usage=usage))["usage"] == {
        "input_tokens": 40,
        "output_tokens": 5,
        "cache_read_input_tokens": 10,
        "cache_creation_input_tokens": 7,
    }
    deepseek = {"prompt_tokens": 90, "completion_tokens": 1, "prompt_cache_hit_tokens": 64}
    got = translate(completion({"content": "x"}, usage=deepseek))["usage"]
    assert (got["input_tokens"], got["cache_read_input_tokens"]) == (26, 64)


def test_missing_usage_is_zero() -> None:
    body = completion({"content": "x"})
    del body["usage"]
    assert translate(body)["usage"] == {
        "input_tokens": 0,
        "output_tokens": 0,
        "cache_read_input_tokens": 0,
        "cache_creation_input_tokens": 0,
    }


@pytest.mark.parametrize("field", ["reasoning_content", "reasoning"])
def test_reasoning_becomes_an_unsigned_thinking_block_first(field: str) -> None:
    out = translate(completion({field: "Let me think.", "content": "42"}))
    assert out["content"] == [
        {"type": "thinking", "thinking": "Let me think.", "signature": ""},
        {"type": "text", "text": "42"},
    ]


def test_think_tags_in_content_become_thinking() -> None:
    out = translate(completion({"content": "\n<think>\nhmm\n</think>\n\nThe answer."}))
    assert out["content"] == [
        {"type": "thinking", "thinking": "\nhmm\n", "signature": ""},
        {"type": "text", "text": "The answer."},
    ]


def test_think_tags_later_in_the_text_are_text() -> None:
    text = "Use <think></think> tags like this."
    assert translate(completion({"content": text}))["content"] == [{"type": "text", "text": text}]


def test_unclosed_think_tag_is_all_reasoning() -> None:
    out = translate(completion({"content": "<think>cut off"}, finish="length"))
    assert out["content"] == [{"type": "thinking", "thinking": "cut off", "signature": ""}]
    assert out["stop_reason"] == "max_tokens"


def test_content_as_a_list_of_parts() -> None:
    content = [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]
    assert translate(completion({"content": content}))["content"] == [
        {"type": "text", "text": "ab"}
    ]


def test_tool_calls_golden() -> None:
    out = translate(
        completion(
            {
                "content": "Checking both.",
                "tool_calls": [
                    {
                        "id": "call_a",
                        "type": "function",
                        "function": {"name": "weather", "arguments": '{"city": "Paris"}'},
                    },
                    {
                        "id": "call_b",
                        "type": "function",
                        "function": {"name": "time", "arguments": ""},
                    },
                ],
            },
            finish="tool_calls",
        )
    )
    assert out["content"] == [
        {"type": "text", "text": "Checking both."},
        {"type": "tool_use", "id": "call_a", "name": "weather", "input": {"city": "Paris"}},
        {"type": "tool_use", "id": "call_b", "name": "time", "input": {}},
    ]
    assert out["stop_reason"] == "tool_use"


@pytest.mark.parametrize("arguments", ['{"city": "Par', "[1, 2]", '"text"', "null"])
def test_arguments_that_are_not_an_object_become_empty_input(arguments: str) -> None:
    call = {"id": "c", "type": "function", "function": {"name": "f", "arguments": arguments}}
    out = translate(completion({"content": None, "tool_calls": [call]}, finish="tool_calls"))
    assert out["content"] == [{"type": "tool_use", "id": "c", "name": "f", "input": {}}]


def test_arguments_sent_as_an_object() -> None:
    call = {"id": "c", "type": "function", "function": {"name": "f", "arguments": {"a": 1}}}
    out = translate(completion({"tool_calls": [call]}, finish="tool_calls"))
    assert out["content"][0]["input"] == {"a": 1}


def test_tool_call_without_id_gets_one() -> None:
    call = {"type": "function", "function": {"name": "f", "arguments": "{}"}}
    block = translate(completion({"tool_calls": [call]}, finish="tool_calls"))["content"][0]
    assert block["id"].startswith("toolu_")
    assert len(block["id"]) == len("toolu_") + 24


def test_stop_after_tool_calls_is_still_tool_use() -> None:
    """Some upstreams report ``stop`` after tool calls; Claude clients only run tools on
    ``tool_use`` (the original rewrote the reason the other way, #3980)."""
    call = {"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    assert translate(completion({"tool_calls": [call]}, finish="stop"))["stop_reason"] == "tool_use"


@pytest.mark.parametrize(
    ("finish", "stop"),
    [
        ("stop", "end_turn"),
        ("length", "max_tokens"),
        ("tool_calls", "tool_use"),
        ("content_filter", "refusal"),
        ("something_new", "end_turn"),
        (None, "end_turn"),
    ],
)
def test_stop_reasons(finish: str | None, stop: str) -> None:
    assert translate(completion({"content": "x"}, finish=finish))["stop_reason"] == stop


def test_refusal_is_shown_as_text() -> None:
    out = translate(
        completion({"content": None, "refusal": "I can't help."}, finish="content_filter")
    )
    assert out["content"] == [{"type": "text", "text": "I can't help."}]
    assert out["stop_reason"] == "refusal"


def test_empty_answer_has_empty_content() -> None:
    assert translate(completion({"content": ""}))["content"] == []


def test_message_id() -> None:
    assert translate(completion({"content": "x"}, id="msg_abc"))["id"] == "msg_abc"
    body = completion({"content": "x"})
    del body["id"]
    generated = translate(body)["id"]
    assert generated.startswith("msg_")
    assert generated != translate(body)["id"]


def test_error_in_a_200_answer_raises_so_the_gateway_can_fall_back() -> None:
    with pytest.raises(UpstreamError, match="overloaded right now"):
        T.response({"error": {"message": "overloaded right now", "type": "server_error"}}, "m")


def test_answer_without_choices_raises() -> None:
    with pytest.raises(UpstreamError, match="no choices"):
        T.response({"id": "x", "choices": []}, "m")
