"""Golden tests: Responses request → Chat Completions request (``openai-responses -> openai``)."""

from __future__ import annotations

from typing import Any

import pytest

from omniroute import InvalidRequest
from omniroute.builtin.responses.client import ResponsesClientTranslator

T = ResponsesClientTranslator()
PNG = "data:image/png;base64,iVBORw0KGgo="


def translate(model: str = "gpt-4.1", **body: Any) -> dict[str, Any]:
    body.setdefault("model", "client-model")
    body.setdefault("input", "hi")
    return T.request(body, model)


def messages_of(*items: Any, **extra: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = translate(input=list(items), **extra)["messages"]
    return out


def test_translator_identity() -> None:
    assert (T.source, T.target) == ("openai-responses", "openai")


def test_codex_tool_turn_golden() -> None:
    """A Codex-style second turn: instructions, a developer message, reasoning, a call and
    its output, Responses-only fields that must not reach a Chat server."""
    body = {
        "model": "gpt-5-codex",
        "instructions": "You are Codex.",
        "input": [
            {
                "type": "message",
                "role": "developer",
                "content": [{"type": "input_text", "text": "<env>cwd=/repo</env>"}],
            },
            {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "ls"}]},
            {
                "type": "reasoning",
                "id": "rs_1",
                "summary": [{"type": "summary_text", "text": "Run ls."}],
            },
            {
                "type": "function_call",
                "id": "fc_1",
                "call_id": "call_1",
                "name": "shell",
                "arguments": '{"command":["ls"]}',
            },
            {"type": "function_call_output", "call_id": "call_1", "output": "a.py\nb.py"},
        ],
        "tools": [
            {
                "type": "function",
                "name": "shell",
                "description": "Run a command",
                "strict": False,
                "parameters": {"type": "object", "properties": {"command": {"type": "array"}}},
            },
            {"type": "web_search"},
            {"type": "local_shell"},
        ],
        "tool_choice": "auto",
        "parallel_tool_calls": False,
        "reasoning": {"effort": "high", "summary": "auto"},
        "store": False,
        "stream": True,
        "include": ["reasoning.encrypted_content"],
        "prompt_cache_key": "session-1",
        "text": {"verbosity": "low"},
        "truncation": "auto",
        "background": False,
        "metadata": {"k": "v"},
    }
    assert T.request(body, "deepseek-chat") == {
        "model": "deepseek-chat",
        "messages": [
            {"role": "system", "content": "You are Codex."},
            {"role": "system", "content": "<env>cwd=/repo</env>"},
            {"role": "user", "content": "ls"},
            {
                "role": "assistant",
                "content": None,
                "reasoning_content": "Run ls.",
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "shell", "arguments": '{"command":["ls"]}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": "a.py\nb.py"},
        ],
        "reasoning_effort": "high",
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": "shell",
                    "description": "Run a command",
                    "parameters": {
                        "type": "object",
                        "properties": {"command": {"type": "array"}},
                    },
                    "strict": False,
                },
            }
        ],
        "tool_choice": "auto",
        "parallel_tool_calls": False,
        "stream": True,
        "stream_options": {"include_usage": True},
    }


def test_string_input_is_one_user_message() -> None:
    assert translate(input="hello")["messages"] == [{"role": "user", "content": "hello"}]


def test_instructions_lead_as_system() -> None:
    out = translate(instructions="Be brief.", input="hello")
    assert out["messages"][0] == {"role": "system", "content": "Be brief."}


def test_message_without_type_and_string_content() -> None:
    """``EasyInputMessage``: ``{"role", "content"}`` with no ``type``."""
    assert messages_of(
        {"role": "system", "content": "sys"},
        {"role": "user", "content": "q"},
        {"role": "assistant", "content": "a"},
    ) == [
        {"role": "system", "content": "sys"},
        {"role": "user", "content": "q"},
        {"role": "assistant", "content": "a"},
    ]


def test_user_parts_image_file_audio() -> None:
    (message,) = messages_of(
        {
            "role": "user",
            "content": [
                {"type": "input_text", "text": "what is this?"},
                {"type": "input_image", "image_url": PNG, "detail": "low"},
                {"type": "input_image", "image_url": "https://x/y.png", "detail": "original"},
                {
                    "type": "input_file",
                    "file_data": "data:application/pdf;base64,JVBE",
                    "filename": "a.pdf",
                },
                {"type": "input_audio", "input_audio": {"data": "UklG", "format": "wav"}},
            ],
        }
    )
    assert message == {
        "role": "user",
        "content": [
            {"type": "text", "text": "what is this?"},
            {"type": "image_url", "image_url": {"url": PNG, "detail": "low"}},
            {"type": "image_url", "image_url": {"url": "https://x/y.png"}},
            {
                "type": "file",
                "file": {"file_data": "data:application/pdf;base64,JVBE", "filename": "a.pdf"},
            },
            {"type": "input_audio", "input_audio": {"data": "UklG", "format": "wav"}},
        ],
    }


def test_text_only_parts_collapse_to_a_string() -> None:
    (message,) = messages_of(
        {
            "role": "user",
            "content": [{"type": "input_text", "text": "a"}, {"type": "input_text", "text": "b"}],
        }
    )
    assert message == {"role": "user", "content": "a\nb"}


@pytest.mark.parametrize(
    ("part", "message"),
    [
        ({"type": "input_image", "file_id": "file-1"}, "input_image with file_id"),
        ({"type": "input_file", "file_id": "file-1"}, "input_file with file_id"),
        ({"type": "input_file", "file_url": "https://x/a.pdf"}, "file_url is not supported"),
    ],
)
def test_files_api_ids_and_file_urls_are_refused(part: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidRequest, match=message):
        messages_of({"role": "user", "content": [part]})


def test_assistant_history_output_text_and_refusal() -> None:
    assert messages_of(
        {
            "type": "message",
            "role": "assistant",
            "id": "msg_1",
            "status": "completed",
            "content": [
                {"type": "output_text", "text": "Sure.", "annotations": []},
                {"type": "refusal", "refusal": "Not that part."},
            ],
        }
    ) == [{"role": "assistant", "content": "Sure.\nNot that part."}]


def test_text_then_parallel_calls_form_one_assistant_message() -> None:
    out = messages_of(
        {"role": "user", "content": "read both"},
        {
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "Reading."}],
        },
        {"type": "function_call", "call_id": "c1", "name": "read", "arguments": '{"p":"a"}'},
        {"type": "function_call", "call_id": "c2", "name": "read", "arguments": '{"p":"b"}'},
        {"type": "function_call_output", "call_id": "c1", "output": "A"},
        {"type": "function_call_output", "call_id": "c2", "output": "B"},
        {
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "Done."}],
        },
    )
    assert [m["role"] for m in out] == ["user", "assistant", "tool", "tool", "assistant"]
    assert out[1]["content"] == "Reading."
    assert [c["id"] for c in out[1]["tool_calls"]] == ["c1", "c2"]
    assert [m["tool_call_id"] for m in out[2:4]] == ["c1", "c2"]
    assert out[4] == {"role": "assistant", "content": "Done."}


def test_text_after_a_call_opens_a_new_assistant_message() -> None:
    out = messages_of(
        {"type": "function_call", "call_id": "c1", "name": "f", "arguments": "{}"},
        {"type": "message", "role": "assistant", "content": "later"},
    )
    assert out == [
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
            ],
        },
        {"role": "assistant", "content": "later"},
    ]


def test_object_arguments_become_json_text() -> None:
    (message,) = messages_of(
        {"type": "function_call", "call_id": "c1", "name": "f", "arguments": {"x": 1}}
    )
    assert message["tool_calls"][0]["function"]["arguments"] == '{"x":1}'


def test_tool_output_parts_text_and_media() -> None:
    """A Chat tool message carries text only: images follow in a user message after the
    whole run of results, so the results stay adjacent to their calls."""
    out = messages_of(
        {"type": "function_call", "call_id": "c1", "name": "shot", "arguments": "{}"},
        {"type": "function_call", "call_id": "c2", "name": "shot", "arguments": "{}"},
        {
            "type": "function_call_output",
            "call_id": "c1",
            "output": [
                {"type": "input_text", "text": "took it"},
                {"type": "input_image", "image_url": PNG},
            ],
        },
        {"type": "function_call_output", "call_id": "c2", "output": {"ok": True}},
        {"role": "user", "content": "next"},
    )
    assert out[1:] == [
        {
            "role": "tool",
            "tool_call_id": "c1",
            "content": "took it\n[1 attachment(s) returned; sent in the next user message]",
        },
        {"role": "tool", "tool_call_id": "c2", "content": '{"ok":true}'},
        {"role": "user", "content": [{"type": "image_url", "image_url": {"url": PNG}}]},
        {"role": "user", "content": "next"},
    ]


def test_reasoning_content_text_is_preferred_to_summary() -> None:
    (message,) = messages_of(
        {
            "type": "reasoning",
            "id": "rs_1",
            "summary": [{"type": "summary_text", "text": "short"}],
            "content": [{"type": "reasoning_text", "text": "long reasoning"}],
        },
        {"type": "message", "role": "assistant", "content": "ok"},
    )
    assert message == {"role": "assistant", "content": "ok", "reasoning_content": "long reasoning"}


def test_openai_encrypted_reasoning_is_dropped() -> None:
    (message,) = messages_of(
        {
            "type": "reasoning",
            "id": "rs_1",
            "summary": [{"type": "summary_text", "text": "**Planning**"}],
            "encrypted_content": "gAAAA...",
        },
        {"type": "message", "role": "assistant", "content": "ok"},
    )
    assert message == {"role": "assistant", "content": "ok"}


def test_reasoning_without_output_is_dropped() -> None:
    out = messages_of(
        {"role": "user", "content": "q"},
        {"type": "reasoning", "id": "rs_1", "summary": [{"type": "summary_text", "text": "t"}]},
        {"role": "user", "content": "again"},
        {"type": "message", "role": "assistant", "content": "a"},
        {"type": "reasoning", "id": "rs_2", "summary": [{"type": "summary_text", "text": "u"}]},
    )
    assert out == [
        {"role": "user", "content": "q"},
        {"role": "user", "content": "again"},
        {"role": "assistant", "content": "a"},
    ]


def test_item_reference_is_refused() -> None:
    with pytest.raises(InvalidRequest, match="item_reference is not supported"):
        messages_of({"type": "item_reference", "id": "msg_1"})


def test_hosted_tool_records_are_dropped() -> None:
    out = messages_of(
        {"role": "user", "content": "search"},
        {"type": "web_search_call", "id": "ws_1", "status": "completed"},
        {"type": "message", "role": "assistant", "content": "found"},
    )
    assert out == [{"role": "user", "content": "search"}, {"role": "assistant", "content": "found"}]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("previous_response_id", "resp_1"),
        ("conversation", "conv_1"),
        ("prompt", {"id": "pmpt_1"}),
    ],
)
def test_stored_state_is_refused(field: str, value: Any) -> None:
    with pytest.raises(InvalidRequest, match=f"{field}.* is not supported"):
        translate(**{field: value})


def test_previous_response_id_message() -> None:
    with pytest.raises(InvalidRequest) as info:
        translate(previous_response_id="resp_1")
    assert info.value.message == "previous_response_id is not supported: send the full input"
    assert info.value.status == 400


def test_null_stateful_fields_are_accepted() -> None:
    out = translate(previous_response_id=None, store=True, conversation=None)
    assert "store" not in out


@pytest.mark.parametrize(
    ("model", "field"),
    [
        ("gpt-4.1", "max_tokens"),
        ("deepseek-chat", "max_tokens"),
        ("o3", "max_completion_tokens"),
        ("o4-mini", "max_completion_tokens"),
        ("gpt-5.1-codex", "max_completion_tokens"),
        ("openai/gpt-5", "max_completion_tokens"),
    ],
)
def test_max_output_tokens(model: str, field: str) -> None:
    out = translate(model, max_output_tokens=512)
    assert out[field] == 512
    assert {"max_tokens", "max_completion_tokens"} & set(out) == {field}


def test_sampling_user_and_effort() -> None:
    out = translate(temperature=0.2, top_p=0.9, user="u-1", reasoning={"effort": "low"})
    assert (out["temperature"], out["top_p"], out["user"]) == (0.2, 0.9, "u-1")
    assert out["reasoning_effort"] == "low"


def test_no_stream_means_no_stream_options() -> None:
    out = translate()
    assert "stream" not in out
    assert "stream_options" not in out


def test_json_schema_format() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    out = translate(
        text={
            "format": {
                "type": "json_schema",
                "name": "thing",
                "description": "A thing",
                "schema": schema,
                "strict": True,
            }
        }
    )
    assert out["response_format"] == {
        "type": "json_schema",
        "json_schema": {
            "name": "thing",
            "schema": schema,
            "description": "A thing",
            "strict": True,
        },
    }


def test_json_object_and_text_formats() -> None:
    assert translate(text={"format": {"type": "json_object"}})["response_format"] == {
        "type": "json_object"
    }
    assert "response_format" not in translate(text={"format": {"type": "text"}})


FUNCTION = {"type": "function", "name": "f", "parameters": None, "strict": True}


def test_function_tool_without_parameters_gets_an_empty_object() -> None:
    (tool,) = translate(tools=[FUNCTION])["tools"]
    assert tool == {
        "type": "function",
        "function": {
            "name": "f",
            "parameters": {"type": "object", "properties": {}},
            "strict": True,
        },
    }


def test_forced_function_choice_is_nested() -> None:
    out = translate(tools=[FUNCTION], tool_choice={"type": "function", "name": "f"})
    assert out["tool_choice"] == {"type": "function", "function": {"name": "f"}}


@pytest.mark.parametrize("choice", ["none", "required"])
def test_string_choices_pass(choice: str) -> None:
    assert translate(tools=[FUNCTION], tool_choice=choice)["tool_choice"] == choice


def test_allowed_tools_filters_the_tools() -> None:
    g = {**FUNCTION, "name": "g"}
    out = translate(
        tools=[FUNCTION, g],
        tool_choice={
            "type": "allowed_tools",
            "mode": "required",
            "tools": [{"type": "function", "name": "g"}],
        },
    )
    assert [t["function"]["name"] for t in out["tools"]] == ["g"]
    assert out["tool_choice"] == "required"


def test_only_hosted_tools_means_no_tool_fields() -> None:
    out = translate(
        tools=[{"type": "web_search"}, {"type": "file_search", "vector_store_ids": ["vs"]}],
        tool_choice="auto",
        parallel_tool_calls=True,
    )
    assert not {"tools", "tool_choice", "parallel_tool_calls"} & set(out)


@pytest.mark.parametrize("kind", ["web_search_preview", "file_search", "mcp", "custom"])
def test_choice_forcing_a_hosted_tool_is_refused(kind: str) -> None:
    with pytest.raises(InvalidRequest, match=f"tool_choice '{kind}' forces a tool"):
        translate(tools=[FUNCTION, {"type": kind}], tool_choice={"type": kind, "name": "x"})
