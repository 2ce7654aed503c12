"""Golden tests: Anthropic Messages responses → OpenAI ``chat.completion`` (``openai -> claude``).

Every translated body is also parsed by the official ``openai`` SDK's ``ChatCompletion``
model, the arbiter of what OpenAI clients accept.
"""

from __future__ import annotations

from typing import Any

import pytest
from openai.types.chat import ChatCompletion

from omniroute_plugin_claude.openai_client import OpenAIClientTranslator

TRANSLATOR = OpenAIClientTranslator()
SIG = "EqQBCkYIARgCIkCx+signature/kept+byte+for+byte=="
USAGE = {"input_tokens": 12, "output_tokens": 5}


def message(
    *content: dict[str, Any], stop: str | None = "end_turn", **extra: Any
) -> dict[str, Any]:
    return {
        "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5-20250929",
        "content": list(content),
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": USAGE,
        **extra,
    }


def translate(body: dict[str, Any]) -> dict[str, Any]:
    out = TRANSLATOR.response(body, "claude-sonnet-4-5")
    ChatCompletion.model_validate(out)
    return out


def test_text_answer() -> None:
    out = translate(message({"type": "text", "text": "Hello!"}))
    assert isinstance(out.pop("created"), int)
    assert out == {
        "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
        "object": "chat.completion",
        "model": "claude-sonnet-4-5-20250929",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Hello!"},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": 12,
            "completion_tokens": 5,
            "total_tokens": 17,
            "prompt_tokens_details": {"cached_tokens": 0, "cache_creation_tokens": 0},
        },
    }


def test_text_blocks_join_and_unknown_blocks_are_left_out() -> None:
    out = translate(
        message(
            {"type": "text", "text": "Paris is "},
            {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {}},
            {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": []},
            {"type": "text", "text": "sunny.", "citations": None},
        )
    )
    assert out["choices"][0]["message"] == {"role": "assistant", "content": "Paris is sunny."}


def test_thinking_becomes_reasoning_content_and_verbatim_thinking_blocks() -> None:
    thinking = {"type": "thinking", "thinking": "First, ", "signature": SIG}
    more = {"type": "thinking", "thinking": "then.", "signature": SIG + "2"}
    redacted = {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT"}
    out = translate(message(thinking, redacted, more, {"type": "text", "text": "42"}))
    assert out["choices"][0]["message"] == {
        "role": "assistant",
        "content": "42",
        "reasoning_content": "First, then.",
        "thinking_blocks": [thinking, redacted, more],
    }


def test_tool_use_becomes_tool_calls() -> None:
    out = translate(
        message(
            {
                "type": "tool_use",
                "id": "toolu_01A09q90qw90lq917835lq9",
                "name": "get_weather",
                "input": {"city": "Paris", "days": [1, 2]},
            },
            {"type": "tool_use", "id": "toolu_02", "name": "now", "input": {}},
            stop="tool_use",
        )
    )
    choice = out["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"] == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "toolu_01A09q90qw90lq917835lq9",
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city":"Paris","days":[1,2]}'},
            },
            {"id": "toolu_02", "type": "function", "function": {"name": "now", "arguments": "{}"}},
        ],
    }


def test_text_with_a_tool_call_keeps_both() -> None:
    out = translate(
        message(
            {"type": "text", "text": "Let me check."},
            {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {"a": 1}},
            stop="tool_use",
        )
    )
    assert out["choices"][0]["message"]["content"] == "Let me check."
    assert len(out["choices"][0]["message"]["tool_calls"]) == 1


def test_empty_answer_has_empty_content() -> None:
    out = translate(message(stop="end_turn"))
    assert out["choices"][0]["message"] == {"role": "assistant", "content": ""}


@pytest.mark.parametrize(
    ("stop", "finish"),
    [
        ("end_turn", "stop"),
        ("stop_sequence", "stop"),
        ("max_tokens", "length"),
        ("tool_use", "tool_calls"),
        ("refusal", "content_filter"),
        ("pause_turn", "stop"),
        ("something_new", "stop"),
        (None, "stop"),
    ],
)
def test_stop_reason_becomes_finish_reason(stop: str | None, finish: str) -> None:
    out = translate(message({"type": "text", "text": "x"}, stop=stop))
    assert out["choices"][0]["finish_reason"] == finish


def test_cache_creation_is_not_counted_in_prompt_tokens() -> None:
    """The original added cache creation to prompt_tokens and double counted it (#2215)."""
    usage = {
        "input_tokens": 100,
        "cache_read_input_tokens": 50,
        "cache_creation_input_tokens": 30,
        "output_tokens": 20,
    }
    out = translate(message({"type": "text", "text": "x"}, usage=usage))
    assert out["usage"] == {
        "prompt_tokens": 150,
        "completion_tokens": 20,
        "total_tokens": 170,
        "prompt_tokens_details": {"cached_tokens": 50, "cache_creation_tokens": 30},
    }


def test_missing_model_and_usage() -> None:
    body = message({"type": "text", "text": "x"})
    del body["model"], body["usage"]
    out = translate(body)
    assert out["model"] == "claude-sonnet-4-5"
    assert "usage" not in out
