"""Golden tests: Claude Messages request → OpenAI Chat request (``claude -> openai``)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from omniroute_plugin_claude.claude_client import ClaudeClientTranslator

T = ClaudeClientTranslator()
PNG = "iVBORw0KGgo="


def translate(**body: Any) -> dict[str, Any]:
    body.setdefault("model", "claude-sonnet-4")
    body.setdefault("max_tokens", 1024)
    body.setdefault("messages", [{"role": "user", "content": "hi"}])
    return T.request(body, "gpt-4.1")


def messages_of(*messages: dict[str, Any], **extra: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = translate(messages=list(messages), **extra)["messages"]
    return out


def test_translator_identity() -> None:
    assert (T.source, T.target) == ("claude", "openai")


def test_claude_code_tool_turn_golden() -> None:
    """A Claude Code second turn: system blocks with cache_control, a tool loop, reminders."""
    body = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 32000,
        "stream": True,
        "system": [
            {"type": "text", "text": "x-anthropic-billing-header: cc_version=2.1.1; cch=71fea;"},
            {
                "type": "text",
                "text": "You are Claude Code.",
                "cache_control": {"type": "ephemeral"},
            },
            {"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}},
        ],
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "<system-reminder>ctx</system-reminder>"},
                    {"type": "text", "text": "list files", "cache_control": {"type": "ephemeral"}},
                ],
            },
            {
                "role": "assistant",
                "content": [
                    {"type": "text", "text": "Listing."},
                    {"type": "tool_use", "id": "call_1", "name": "Bash", "input": {"cmd": "ls"}},
                ],
            },
            {
                "role": "user",
                "content": [
                    {
                        "type": "tool_result",
                        "tool_use_id": "call_1",
                        "content": [{"type": "text", "text": "a.py\nb.py"}],
                        "cache_control": {"type": "ephemeral"},
                    },
                    {"type": "text", "text": "<system-reminder>todo</system-reminder>"},
                ],
            },
        ],
        "tools": [
            {
                "name": "Bash",
                "description": "Run a command",
                "input_schema": {"type": "object", "properties": {"cmd": {"type": "string"}}},
                "cache_control": {"type": "ephemeral"},
            }
        ],
        "metadata": {"user_id": "user_abc_session_1"},
        "temperature": 1,
    }
    assert T.request(body, "gpt-4.1") == {
        "model": "gpt-4.1",
        "messages": [
            {"role": "system", "content": "You are Claude Code.\nBe brief."},
            {"role": "user", "content": "<system-reminder>ctx</system-reminder>\nlist files"},
            {
                "role": "assistant",
                "content": "Listing.",
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "Bash", "arguments": '{"cmd":"ls"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": "a.py\nb.py"},
            {"role": "user", "content": "<system-reminder>todo</system-reminder>"},
        ],
        "max_tokens": 32000,
        "temperature": 1,
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": "Bash",
                    "description": "Run a command",
                    "parameters": {"type": "object", "properties": {"cmd": {"type": "string"}}},
                },
            }
        ],
        "user": "user_abc_session_1",
        "stream": True,
        "stream_options": {"include_usage": True},
    }


def test_no_anthropic_only_field_survives() -> None:
    out = translate(
        system=[{"type": "text", "text": "s", "cache_control": {"type": "ephemeral"}}],
        top_k=5,
        service_tier="auto",
        container="c1",
        mcp_servers=[{"type": "url", "url": "http://x", "name": "m"}],
        context_management={"edits": []},
        anthropic_version="bedrock-2023-05-31",
    )
    text = orjson.dumps(out).decode()
    for word in ("cache_control", "top_k", "service_tier", "container", "mcp_servers", "context"):
        assert word not in text
    assert "anthropic_version" not in out


# -- system -----------------------------------------------------------------------------------


def test_system_string() -> None:
    assert translate(system="Be kind.")["messages"][0] == {"role": "system", "content": "Be kind."}


def test_no_system_no_system_message() -> None:
    assert translate()["messages"] == [{"role": "user", "content": "hi"}]
    assert translate(system=[])["messages"] == [{"role": "user", "content": "hi"}]


def test_billing_header_line_is_removed_but_not_the_rest_of_its_block() -> None:
    """Its per-request hash would defeat the upstream's prefix cache (a known proxy bug)."""
    system = "x-anthropic-billing-header: cc_version=2.1; cch=0aaa9;\nYou are Claude Code."
    assert translate(system=system)["messages"][0]["content"] == "You are Claude Code."
    only = [{"type": "text", "text": "x-anthropic-billing-header: cch=1;"}]
    assert translate(system=only)["messages"] == [{"role": "user", "content": "hi"}]


def test_billing_header_elsewhere_is_kept() -> None:
    text = "Explain x-anthropic-billing-header: what is it?"
    assert translate(system=text)["messages"][0]["content"] == text


# -- user content -------------------------------------------------------------------------------


def test_image_base64_and_url() -> None:
    (user,) = messages_of(
        {
            "role": "user",
            "content": [
                {
                    "type": "image",
                    "source": {"type": "base64", "media_type": "image/png", "data": PNG},
                },
                {"type": "image", "source": {"type": "url", "url": "https://x.test/a.jpg"}},
                {"type": "text", "text": "what is this?"},
            ],
        }
    )
    assert user == {
        "role": "user",
        "content": [
            {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
            {"type": "image_url", "image_url": {"url": "https://x.test/a.jpg"}},
            {"type": "text", "text": "what is this?"},
        ],
    }


def test_image_from_files_api_has_no_equivalent() -> None:
    (user,) = messages_of(
        {
            "role": "user",
            "content": [
                {"type": "image", "source": {"type": "file", "file_id": "file_1"}},
                {"type": "text", "text": "hi"},
            ],
        }
    )
    assert user == {"role": "user", "content": "hi"}


def test_pdf_document_becomes_a_file_part() -> None:
    doc = {
        "type": "document",
        "title": "report.pdf",
        "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0="},
    }
    (user,) = messages_of({"role": "user", "content": [doc, {"type": "text", "text": "sum up"}]})
    assert user["content"] == [
        {
            "type": "file",
            "file": {"filename": "report.pdf", "file_data": "data:application/pdf;base64,JVBERi0="},
        },
        {"type": "text", "text": "sum up"},
    ]


def test_pdf_without_title_gets_a_filename() -> None:
    doc = {
        "type": "document",
        "source": {"type": "base64", "media_type": "application/pdf", "data": "A"},
    }
    (user,) = messages_of({"role": "user", "content": [doc]})
    assert user["content"][0]["file"]["filename"] == "document.pdf"


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ({"type": "text", "media_type": "text/plain", "data": "plain body"}, "Notes\n\nplain body"),
        ({"type": "content", "content": [{"type": "text", "text": "c1"}]}, "Notes\n\nc1"),
        (
            {"type": "url", "url": "https://x.test/d.pdf"},
            "Notes\n\n[document: https://x.test/d.pdf]",
        ),
    ],
)
def test_other_documents_become_text(source: dict[str, Any], text: str) -> None:
    (user,) = messages_of(
        {"role": "user", "content": [{"type": "document", "title": "Notes", "source": source}]}
    )
    assert user == {"role": "user", "content": text}


def test_unknown_user_blocks_are_dropped_and_an_empty_turn_disappears() -> None:
    assert messages_of({"role": "user", "content": [{"type": "search_result", "x": 1}]}) == []


# -- tool results -------------------------------------------------------------------------------


def test_tool_results_come_before_the_turns_text_in_order() -> None:
    """OpenAI wants tool messages right after the assistant's tool_calls (the original's
    results could end up after the user text)."""
    out = messages_of(
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "before"},
                {"type": "tool_result", "tool_use_id": "call_a", "content": "A"},
                {"type": "tool_result", "tool_use_id": "call_b", "content": "B"},
                {"type": "text", "text": "after"},
            ],
        }
    )
    assert out == [
        {"role": "tool", "tool_call_id": "call_a", "content": "A"},
        {"role": "tool", "tool_call_id": "call_b", "content": "B"},
        {"role": "user", "content": "before\nafter"},
    ]


def test_tool_result_error_and_empty_content() -> None:
    out = messages_of(
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "c1", "content": "boom", "is_error": True},
                {"type": "tool_result", "tool_use_id": "c2", "is_error": True},
                {"type": "tool_result", "tool_use_id": "c3"},
            ],
        }
    )
    assert out == [
        {"role": "tool", "tool_call_id": "c1", "content": "Error: boom"},
        {"role": "tool", "tool_call_id": "c2", "content": "Error"},
        {"role": "tool", "tool_call_id": "c3", "content": ""},
    ]


def test_tool_result_images_move_to_the_next_user_message() -> None:
    """Claude Code's Read tool returns screenshots inside tool_result; OpenAI tool messages
    carry text only, so the image follows in a user message."""
    out = messages_of(
        {
            "role": "user",
            "content": [
                {
                    "type": "tool_result",
                    "tool_use_id": "call_r",
                    "content": [
                        {"type": "text", "text": "read ok"},
                        {
                            "type": "image",
                            "source": {
                                "type": "base64",
                                "media_type": "image/jpeg",
                                "data": "Zm9v",
                            },
                        },
                    ],
                },
                {"type": "text", "text": "describe it"},
            ],
        }
    )
    assert out == [
        {
            "role": "tool",
            "tool_call_id": "call_r",
            "content": "read ok\n[1 image(s) returned; attached to the next user message]",
        },
        {
            "role": "user",
            "content": [
                {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,Zm9v"}},
                {"type": "text", "text": "describe it"},
            ],
        },
    ]


# -- assistant turns -----------------------------------------------------------------------------


def test_assistant_string_and_tool_only_turn() -> None:
    out = messages_of(
        {"role": "assistant", "content": "plain"},
        {
            "role": "assistant",
            "content": [
                {"type": "tool_use", "id": "toolu_1", "name": "a", "input": {}},
                {"type": "tool_use", "id": "toolu_2", "name": "b", "input": {"k": [1, "é"]}},
            ],
        },
    )
    assert out == [
        {"role": "assistant", "content": "plain"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "toolu_1", "type": "function", "function": {"name": "a", "arguments": "{}"}},
                {
                    "id": "toolu_2",
                    "type": "function",
                    "function": {"name": "b", "arguments": '{"k":[1,"é"]}'},
                },
            ],
        },
    ]


def test_unsigned_thinking_is_echoed_as_reasoning_content() -> None:
    """Reasoning this gateway got from an OpenAI-side upstream (signature "") goes back as
    reasoning_content, which DeepSeek/Kimi/Qwen require on tool loops."""
    (assistant,) = messages_of(
        {
            "role": "assistant",
            "content": [
                {"type": "thinking", "thinking": "step 1", "signature": ""},
                {"type": "thinking", "thinking": "step 2"},
                {"type": "text", "text": "Answer"},
            ],
        }
    )
    assert assistant == {
        "role": "assistant",
        "content": "Answer",
        "reasoning_content": "step 1\nstep 2",
    }


def test_signed_and_redacted_thinking_are_dropped() -> None:
    """Anthropic-signed reasoning means nothing to an OpenAI-side model and strict servers
    reject unexpected message fields; no ``thinking_blocks`` field is invented either."""
    (assistant,) = messages_of(
        {
            "role": "assistant",
            "content": [
                {"type": "thinking", "thinking": "secret", "signature": "EqQBCkYIBxgC"},
                {"type": "redacted_thinking", "data": "EmwKAhgB"},
                {"type": "text", "text": "Answer"},
            ],
        }
    )
    assert assistant == {"role": "assistant", "content": "Answer"}


def test_empty_assistant_turns_are_dropped() -> None:
    out = messages_of(
        {"role": "assistant", "content": ""},
        {"role": "assistant", "content": [{"type": "thinking", "thinking": "t", "signature": ""}]},
        {
            "role": "assistant",
            "content": [{"type": "server_tool_use", "id": "s", "name": "web_search"}],
        },
    )
    assert out == []


# -- tools --------------------------------------------------------------------------------------


TOOL = {"name": "get", "input_schema": {"type": "object", "properties": {}}}


def test_server_tools_are_dropped() -> None:
    out = translate(
        tools=[
            TOOL,
            {"type": "web_search_20250305", "name": "web_search", "max_uses": 3},
            {"type": "bash_20250124", "name": "bash"},
            {
                "type": "custom",
                "name": "other",
                "description": "",
                "input_schema": {"type": "object"},
            },
        ]
    )
    assert out["tools"] == [
        {
            "type": "function",
            "function": {"name": "get", "parameters": {"type": "object", "properties": {}}},
        },
        {"type": "function", "function": {"name": "other", "parameters": {"type": "object"}}},
    ]


def test_only_server_tools_means_no_tools_and_no_tool_choice() -> None:
    out = translate(
        tools=[{"type": "web_search_20250305", "name": "web_search"}],
        tool_choice={"type": "any", "disable_parallel_tool_use": True},
    )
    assert "tools" not in out
    assert "tool_choice" not in out
    assert "parallel_tool_calls" not in out


def test_tool_without_schema_gets_an_empty_object_schema() -> None:
    out = translate(tools=[{"name": "ping"}])
    assert out["tools"][0]["function"]["parameters"] == {"type": "object", "properties": {}}


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ({"type": "auto"}, "auto"),
        ({"type": "any"}, "required"),
        ({"type": "none"}, "none"),
        ({"type": "tool", "name": "get"}, {"type": "function", "function": {"name": "get"}}),
        ({"type": "tool", "name": "web_search"}, "auto"),  # names a dropped server tool
    ],
)
def test_tool_choice(choice: dict[str, Any], expected: Any) -> None:
    out = translate(tools=[TOOL], tool_choice=choice)
    assert out["tool_choice"] == expected
    assert "parallel_tool_calls" not in out


def test_disable_parallel_tool_use() -> None:
    out = translate(tools=[TOOL], tool_choice={"type": "auto", "disable_parallel_tool_use": True})
    assert (out["tool_choice"], out["parallel_tool_calls"]) == ("auto", False)


def test_no_tool_choice_leaves_the_upstream_default() -> None:
    assert "tool_choice" not in translate(tools=[TOOL])


# -- thinking and sampling -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("budget", "effort"), [(1024, "low"), (4000, "medium"), (10240, "medium"), (32000, "high")]
)
def test_thinking_budget_becomes_reasoning_effort(budget: int, effort: str) -> None:
    out = translate(
        thinking={"type": "enabled", "budget_tokens": budget}, temperature=1, top_p=0.95
    )
    assert out["reasoning_effort"] == effort
    assert "temperature" not in out
    assert "top_p" not in out
    assert "thinking" not in out


def test_thinking_disabled_sends_nothing() -> None:
    out = translate(
        thinking={"type": "disabled"}, temperature=0.2, top_p=0.9, output_config={"effort": "high"}
    )
    assert "reasoning_effort" not in out
    assert (out["temperature"], out["top_p"]) == (0.2, 0.9)


@pytest.mark.parametrize(
    ("effort", "expected"), [("low", "low"), ("high", "high"), ("max", "high")]
)
def test_adaptive_thinking_uses_output_config_effort(effort: str, expected: str) -> None:
    out = translate(thinking={"type": "adaptive"}, output_config={"effort": effort})
    assert out["reasoning_effort"] == expected
    assert "output_config" not in out


def test_adaptive_thinking_without_effort_leaves_the_default() -> None:
    assert "reasoning_effort" not in translate(thinking={"type": "adaptive"})


def test_sampling_and_limits() -> None:
    out = translate(
        max_tokens=77, temperature=0, top_p=0.5, top_k=40, stop_sequences=["\n\nHuman:", "END"]
    )
    assert out["max_tokens"] == 77
    assert (out["temperature"], out["top_p"]) == (0, 0.5)
    assert out["stop"] == ["\n\nHuman:", "END"]
    assert "top_k" not in out


def test_empty_stop_sequences_and_missing_max_tokens() -> None:
    body = {"model": "m", "messages": [{"role": "user", "content": "hi"}], "stop_sequences": []}
    out = T.request(body, "gpt")
    assert "stop" not in out
    assert "max_tokens" not in out


def test_not_streaming_has_no_stream_fields() -> None:
    out = translate(stream=False)
    assert "stream" not in out
    assert "stream_options" not in out


def test_structured_output_becomes_response_format() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "string"}},
        "additionalProperties": False,
    }
    expected = {"type": "json_schema", "json_schema": {"name": "output", "schema": schema}}
    assert (
        translate(output_config={"format": {"type": "json_schema", "schema": schema}})[
            "response_format"
        ]
        == expected
    )
    assert (
        translate(output_format={"type": "json_schema", "schema": schema})["response_format"]
        == expected
    )


def test_request_does_not_mutate_the_client_body() -> None:
    body: dict[str, Any] = {
        "model": "m",
        "max_tokens": 5,
        "system": [{"type": "text", "text": "s", "cache_control": {"type": "ephemeral"}}],
        "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}],
        "stream": True,
    }
    before = orjson.dumps(body)
    T.request(body, "gpt")
    assert orjson.dumps(body) == before
