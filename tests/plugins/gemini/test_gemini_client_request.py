"""Golden tests: Gemini ``generateContent`` request → OpenAI Chat request (``gemini -> openai``)."""

from __future__ import annotations

from typing import Any

import pytest

from omniroute_plugin_gemini.gemini_client import GeminiClientTranslator
from omniroute_plugin_gemini.gemini_client.contents import NO_RESULT

T = GeminiClientTranslator()
PNG = "iVBORw0KGgo="


def translate(**body: Any) -> dict[str, Any]:
    body.setdefault("contents", [{"role": "user", "parts": [{"text": "hi"}]}])
    return T.request(body, "gpt-4.1")


def messages_of(*contents: dict[str, Any], **extra: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = translate(contents=list(contents), **extra)["messages"]
    return out


def user(*parts: dict[str, Any]) -> dict[str, Any]:
    return {"role": "user", "parts": list(parts)}


def model(*parts: dict[str, Any]) -> dict[str, Any]:
    return {"role": "model", "parts": list(parts)}


def call(name: str, args: dict[str, Any], id: str | None = None, **extra: Any) -> dict[str, Any]:
    function: dict[str, Any] = {"name": name, "args": args}
    if id is not None:
        function["id"] = id
    return {"functionCall": function, **extra}


def result(name: str, response: Any, id: str | None = None) -> dict[str, Any]:
    function: dict[str, Any] = {"name": name, "response": response}
    if id is not None:
        function["id"] = id
    return {"functionResponse": function}


def test_translator_identity() -> None:
    assert (T.source, T.target) == ("gemini", "openai")


def test_gemini_cli_tool_turn_golden() -> None:
    """A Gemini CLI second turn: system instruction, thinking, a signed call, its result."""
    body = {
        "contents": [
            user({"text": "This is the Gemini CLI. Context: /repo"}),
            model({"text": "Got it."}),
            user({"text": "list files"}),
            model(
                {"text": "Let me look.", "thought": True},
                {"text": "Listing."},
                call("list_directory", {"path": "/repo"}, thoughtSignature="CiQBVKhc7g=="),
            ),
            user(result("list_directory", {"output": "a.py\nb.py"}, id="list_directory-17-ab")),
        ],
        "systemInstruction": {"role": "user", "parts": [{"text": "You are an agent."}]},
        "tools": [
            {
                "functionDeclarations": [
                    {
                        "name": "list_directory",
                        "description": "Lists a directory.",
                        "parametersJsonSchema": {
                            "type": "object",
                            "properties": {"path": {"type": "string"}},
                            "required": ["path"],
                        },
                    }
                ]
            }
        ],
        "generationConfig": {
            "temperature": 0,
            "topP": 1,
            "thinkingConfig": {"includeThoughts": True, "thinkingBudget": 8192},
        },
    }
    assert T.request(body, "deepseek-reasoner") == {
        "model": "deepseek-reasoner",
        "messages": [
            {"role": "system", "content": "You are an agent."},
            {"role": "user", "content": "This is the Gemini CLI. Context: /repo"},
            {"role": "assistant", "content": "Got it."},
            {"role": "user", "content": "list files"},
            {
                "role": "assistant",
                "content": "Listing.",
                "tool_calls": [
                    {
                        "id": "call_list_directory_0",
                        "type": "function",
                        "function": {"name": "list_directory", "arguments": '{"path":"/repo"}'},
                    }
                ],
                "reasoning_content": "Let me look.",
            },
            {"role": "tool", "tool_call_id": "call_list_directory_0", "content": "a.py\nb.py"},
        ],
        "reasoning_effort": "medium",
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": "list_directory",
                    "description": "Lists a directory.",
                    "parameters": {
                        "type": "object",
                        "properties": {"path": {"type": "string"}},
                        "required": ["path"],
                    },
                },
            }
        ],
    }


# -- system instruction ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "instruction",
    [
        "Be brief.",
        {"parts": [{"text": "Be"}, {"text": "brief."}]},
        {"role": "system", "parts": [{"text": "Be"}, {"text": "brief."}]},
        {"text": "Be brief."},
        [{"text": "Be"}, "brief."],
    ],
)
def test_system_instruction_shapes(instruction: Any) -> None:
    (system, _) = translate(systemInstruction=instruction)["messages"]
    assert system["role"] == "system"
    assert system["content"] in ("Be brief.", "Be\nbrief.")


def test_snake_case_body_from_rest_examples() -> None:
    """Google's curl examples, and parts of the Python SDK's own output, use snake_case."""
    out = translate(
        system_instruction={"parts": [{"text": "sys"}]},
        contents=[user({"inline_data": {"mime_type": "image/png", "data": PNG}})],
        generation_config={
            "max_output_tokens": 50,
            "stop_sequences": ["END"],
            "thinking_config": {"thinking_budget": 0},
        },
        tool_config={"function_calling_config": {"mode": "ANY"}},
        tools=[{"function_declarations": [{"name": "f", "parameters": {"type": "OBJECT"}}]}],
    )
    assert out["messages"][0] == {"role": "system", "content": "sys"}
    assert out["messages"][1]["content"] == [
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}}
    ]
    assert (out["max_tokens"], out["stop"]) == (50, ["END"])
    assert out["tools"][0]["function"]["parameters"] == {"type": "object"}
    assert out["tool_choice"] == "required"
    assert "reasoning_effort" not in out


def test_no_system_message_without_instruction() -> None:
    assert translate()["messages"] == [{"role": "user", "content": "hi"}]


# -- roles and merging ----------------------------------------------------------------------


def test_consecutive_user_turns_are_merged() -> None:
    """The original sent consecutive same-role turns through and strict upstreams refused."""
    assert messages_of(user({"text": "a"}), user({"text": "b"}), {"parts": [{"text": "c"}]}) == [
        {"role": "user", "content": "a\nb\nc"}
    ]


def test_streamed_model_history_is_one_assistant_message() -> None:
    """The SDK's chat keeps one model content per streamed chunk: fragments of one answer."""
    out = messages_of(
        user({"text": "hi"}),
        model({"text": "Think", "thought": True}),
        model({"text": "ing.", "thought": True}),
        model({"text": "Hel"}),
        model({"text": "lo"}),
        model({"text": ""}),
        user({"text": "again"}),
    )
    assert out == [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "Hello", "reasoning_content": "Thinking."},
        {"role": "user", "content": "again"},
    ]


def test_function_role_is_the_users() -> None:
    """``function`` is the legacy role of tool-result turns."""
    out = messages_of(
        user({"text": "go"}),
        model(call("f", {})),
        {"role": "function", "parts": [result("f", {"output": "ok"})]},
    )
    assert [m["role"] for m in out] == ["user", "assistant", "tool"]


def test_thought_only_model_turn_is_dropped() -> None:
    out = messages_of(
        user({"text": "a"}), model({"text": "hmm", "thought": True}), user({"text": "b"})
    )
    assert out == [{"role": "user", "content": "a\nb"}]


def test_malformed_contents_are_skipped() -> None:
    out = messages_of(
        user({"text": "a"}),
        {"role": "model"},
        {"role": "model", "parts": "nope"},
        "junk",  # type: ignore[arg-type]
        user({"text": ""}, {"bogus": 1}),
    )
    assert out == [{"role": "user", "content": "a"}]


# -- signatures -----------------------------------------------------------------------------


def test_thought_signatures_never_reach_openai() -> None:
    """Signatures on calls, on text and on empty thought parts mean nothing to OpenAI."""
    out = messages_of(
        user({"text": "go"}),
        model(
            {"text": "plan", "thought": True, "thoughtSignature": "c2ln"},
            {"text": "", "thought": True, "thoughtSignature": "c2ln"},
            call("f", {"a": 1}, thoughtSignature="skip_thought_signature_validator"),
            call("g", {}),
        ),
        user(result("f", {"output": "1"}), result("g", {"output": "2"})),
    )
    assert "thoughtSignature" not in repr(out)
    assert "c2ln" not in repr(out)
    assert [c["function"]["name"] for c in out[1]["tool_calls"]] == ["f", "g"]
    assert out[1]["reasoning_content"] == "plan"


# -- function calls and results -------------------------------------------------------------


def test_call_ids_come_from_the_part_or_are_stable() -> None:
    contents = [
        user({"text": "go"}),
        model(call("read", {"p": "a"}, id="call_abc"), call("read", {"p": "b"})),
        user(result("read", {"output": "A"}, id="call_abc"), result("read", {"output": "B"})),
        model(call("read", {"p": "c"})),
        user(result("read", {"output": "C"})),
    ]
    first = messages_of(*contents)
    assert [c["id"] for c in first[1]["tool_calls"]] == ["call_abc", "call_read_1"]
    assert first[4]["tool_calls"][0]["id"] == "call_read_2"
    assert messages_of(*contents) == first  # the same history gives the same ids
    assert [(m["tool_call_id"], m["content"]) for m in first if m["role"] == "tool"] == [
        ("call_abc", "A"),
        ("call_read_1", "B"),
        ("call_read_2", "C"),
    ]


def test_results_match_by_id_first_then_name_in_order() -> None:
    """Two calls to one function answered in reverse order: the ids decide. Without ids,
    results pair with the calls of that name in order; tool messages follow call order."""
    out = messages_of(
        user({"text": "go"}),
        model(call("read", {"p": 1}, id="c1"), call("read", {"p": 2}, id="c2"), call("ls", {})),
        user(
            result("ls", {"output": "L"}),
            result("read", {"output": "two"}, id="c2"),
            result("read", {"output": "one"}, id="gemini-cli-invented"),
        ),
    )
    assert [(m["tool_call_id"], m["content"]) for m in out[2:]] == [
        ("c1", "one"),
        ("c2", "two"),
        ("call_ls_2", "L"),
    ]


def test_unanswered_calls_get_a_placeholder_result() -> None:
    """OpenAI rejects an assistant ``tool_calls`` message not followed by every result."""
    out = messages_of(
        user({"text": "go"}),
        model(call("a", {}), call("b", {})),
        user(result("b", {"output": "B"}), {"text": "also this"}),
        model(call("c", {})),
    )
    assert out[2:] == [
        {"role": "tool", "tool_call_id": "call_a_0", "content": NO_RESULT},
        {"role": "tool", "tool_call_id": "call_b_1", "content": "B"},
        {"role": "user", "content": "also this"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_c_2",
                    "type": "function",
                    "function": {"name": "c", "arguments": "{}"},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_c_2", "content": NO_RESULT},
    ]


def test_orphaned_result_becomes_user_text() -> None:
    """A result that answers no call (history pruned by the client) cannot be a tool message."""
    out = messages_of(user({"text": "go"}), user(result("weather", {"temp": 20})))
    assert out == [{"role": "user", "content": 'go\n[result of weather] {"temp":20}'}]


@pytest.mark.parametrize(
    ("response", "text"),
    [
        ({"output": "plain"}, "plain"),
        ({"output": {"rows": 2}}, '{"output":{"rows":2}}'),
        ({"error": "no such file"}, "Error: no such file"),
        ({"error": {"code": 2}}, 'Error: {"code":2}'),
        ({"content": "x", "status": "ok"}, '{"content":"x","status":"ok"}'),
        (None, ""),
    ],
)
def test_result_content(response: Any, text: str) -> None:
    out = messages_of(user({"text": "go"}), model(call("f", {})), user(result("f", response)))
    assert out[2] == {"role": "tool", "tool_call_id": "call_f_0", "content": text}


def test_media_returned_by_a_function_moves_to_the_user_message() -> None:
    response = {
        "functionResponse": {
            "name": "screenshot",
            "response": {"output": "taken"},
            "parts": [{"inlineData": {"mimeType": "image/png", "data": PNG}}],
        }
    }
    out = messages_of(
        user({"text": "go"}), model(call("screenshot", {})), user(response, {"text": "what now?"})
    )
    assert out[2]["role"] == "tool"
    assert out[2]["content"].startswith("taken\n[1 attachment(s)")
    assert out[3] == {
        "role": "user",
        "content": [
            {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
            {"type": "text", "text": "what now?"},
        ],
    }


def test_call_args_that_are_not_an_object_become_empty() -> None:
    out = messages_of(user({"text": "go"}), model({"functionCall": {"name": "f", "args": "oops"}}))
    assert out[1]["tool_calls"][0]["function"]["arguments"] == "{}"


# -- parts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "converted"),
    [
        (
            {"inlineData": {"mimeType": "image/jpeg", "data": "/9j/"}},
            {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,/9j/"}},
        ),
        (
            # The Python SDK encodes bytes URL-safe; data URLs need the standard alphabet.
            {"inlineData": {"mime_type": "image/png", "data": "-__-AQ=="}},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,+//+AQ=="}},
        ),
        (
            {
                "inlineData": {
                    "mimeType": "application/pdf",
                    "data": "JVBERi0=",
                    "displayName": "a.pdf",
                }
            },
            {
                "type": "file",
                "file": {"filename": "a.pdf", "file_data": "data:application/pdf;base64,JVBERi0="},
            },
        ),
        (
            {"inlineData": {"mimeType": "audio/mpeg", "data": "SUQz"}},
            {"type": "input_audio", "input_audio": {"data": "SUQz", "format": "mp3"}},
        ),
        (
            {"inlineData": {"mimeType": "text/plain", "data": "aGVsbG8="}},
            {"type": "text", "text": "hello"},
        ),
        (
            {"inlineData": {"mimeType": "video/mp4", "data": "AAAA"}},
            {"type": "text", "text": "[attachment of type video/mp4 omitted: not supported here]"},
        ),
        (
            {"fileData": {"mimeType": "image/png", "fileUri": "https://example.com/a.png"}},
            {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
        ),
        (
            {"fileData": {"fileUri": "https://example.com/cat"}},
            {"type": "image_url", "image_url": {"url": "https://example.com/cat"}},
        ),
        (
            {"fileData": {"mimeType": "application/pdf", "fileUri": "gs://bucket/a.pdf"}},
            {
                "type": "text",
                "text": "[file gs://bucket/a.pdf (application/pdf): not readable by this model]",
            },
        ),
        (
            {
                "file_data": {
                    "mime_type": "image/png",
                    "file_uri": "https://generativelanguage.googleapis.com/v1beta/files/abc",
                }
            },
            {
                "type": "text",
                "text": "[file https://generativelanguage.googleapis.com/v1beta/files/abc"
                " (image/png): not readable by this model]",
            },
        ),
        (
            {"executableCode": {"language": "PYTHON", "code": "print(1)"}},
            {"type": "text", "text": "```python\nprint(1)\n```"},
        ),
        (
            {"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": "1\n"}},
            {"type": "text", "text": "Output (OUTCOME_OK):\n1\n"},
        ),
    ],
)
def test_user_parts(part: dict[str, Any], converted: dict[str, Any]) -> None:
    (message,) = messages_of(user({"text": "see"}, part))
    assert message["content"] in (
        [{"type": "text", "text": "see"}, converted],
        f"see\n{converted.get('text')}",
    )


def test_user_thought_parts_and_empty_media_are_ignored() -> None:
    assert messages_of(
        user(
            {"text": "hi"},
            {"text": "secret", "thought": True},
            {"inlineData": {"mimeType": "image/png"}},
            {"fileData": {"mimeType": "image/png"}},
        )
    ) == [{"role": "user", "content": "hi"}]


def test_model_code_execution_parts_stay_as_text() -> None:
    out = messages_of(
        user({"text": "compute"}),
        model(
            {"text": "Running:"},
            {"executableCode": {"language": "PYTHON", "code": "print(2)"}},
            {"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": "2"}},
            {"text": "Done."},
        ),
    )
    assert (
        out[1]["content"] == "Running:\n```python\nprint(2)\n```\n\nOutput (OUTCOME_OK):\n2\nDone."
    )


# -- generationConfig -----------------------------------------------------------------------


def test_generation_config() -> None:
    out = translate(
        generationConfig={
            "temperature": 0.3,
            "topP": 0.9,
            "topK": 40,
            "maxOutputTokens": 256,
            "stopSequences": ["###", 7],
            "candidateCount": 2,
            "presencePenalty": 0.5,
            "frequencyPenalty": -0.5,
            "seed": 42,
            "responseModalities": ["TEXT"],
            "responseLogprobs": True,
        },
        safetySettings=[{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_NONE"}],
        cachedContent="cachedContents/abc",
        labels={"team": "x"},
    )
    del out["messages"]
    assert out == {
        "model": "gpt-4.1",
        "temperature": 0.3,
        "top_p": 0.9,
        "presence_penalty": 0.5,
        "frequency_penalty": -0.5,
        "max_tokens": 256,
        "seed": 42,
        "n": 2,
        "stop": ["###"],
    }


def test_single_candidate_sends_no_n() -> None:
    assert "n" not in translate(generationConfig={"candidateCount": 1})


@pytest.mark.parametrize(
    ("thinking", "effort"),
    [
        ({"thinkingBudget": 0}, None),
        ({"thinkingBudget": 0, "includeThoughts": True}, None),
        ({"thinkingBudget": -1}, "medium"),
        ({"thinkingBudget": 512}, "low"),
        ({"thinkingBudget": 1024}, "low"),
        ({"thinkingBudget": 8192}, "medium"),
        ({"thinkingBudget": 32768}, "high"),
        ({"thinkingLevel": "MINIMAL"}, "low"),
        ({"thinkingLevel": "low"}, "low"),
        ({"thinkingLevel": "MEDIUM"}, "medium"),
        ({"thinkingLevel": "HIGH"}, "high"),
        ({"thinkingLevel": "XHIGH"}, "high"),
        ({"thinkingLevel": "THINKING_LEVEL_UNSPECIFIED"}, None),
        ({"includeThoughts": True}, None),
    ],
)
def test_thinking_config(thinking: dict[str, Any], effort: str | None) -> None:
    """Budget zero means thinking off: no ``reasoning_effort`` at all, since ``none`` is a 400
    on most OpenAI models (the original forwarded the zero)."""
    out = translate(generationConfig={"thinkingConfig": thinking, "temperature": 0})
    assert out.get("reasoning_effort") == effort
    # Sampling goes only without thinking: OpenAI reasoning models reject temperature.
    assert ("temperature" in out) == (effort is None)


def test_json_mode_with_gemini_schema() -> None:
    out = translate(
        generationConfig={
            "responseMimeType": "application/json",
            "responseSchema": {
                "type": "ARRAY",
                "items": {
                    "type": "OBJECT",
                    "properties": {"name": {"type": "STRING"}},
                    "propertyOrdering": ["name"],
                },
            },
        }
    )
    assert out["response_format"] == {
        "type": "json_schema",
        "json_schema": {
            "name": "response",
            "schema": {
                "type": "array",
                "items": {"type": "object", "properties": {"name": {"type": "string"}}},
            },
        },
    }


def test_json_mode_with_json_schema_passes_it_unchanged() -> None:
    schema = {"type": "object", "additionalProperties": False, "$defs": {"x": {"type": "integer"}}}
    out = translate(
        generationConfig={"responseMimeType": "application/json", "responseJsonSchema": schema}
    )
    assert out["response_format"]["json_schema"]["schema"] == schema


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"responseMimeType": "application/json"}, {"type": "json_object"}),
        ({"responseMimeType": "text/plain", "responseSchema": {"type": "STRING"}}, None),
        ({"responseMimeType": "text/x.enum", "responseSchema": {"type": "STRING"}}, None),
        ({"responseSchema": {"type": "STRING"}}, None),
    ],
)
def test_response_format_variants(config: dict[str, Any], expected: Any) -> None:
    assert translate(generationConfig=config).get("response_format") == expected


# -- tools ----------------------------------------------------------------------------------

DECLARATIONS = [
    {"name": "read", "parameters": {"type": "OBJECT", "properties": {"p": {"type": "STRING"}}}},
    {"name": "write", "description": "Writes."},
    {"name": "ls"},
]


def tool_names(out: dict[str, Any]) -> list[str]:
    return [tool["function"]["name"] for tool in out.get("tools", [])]


def test_function_declarations_and_builtin_tools() -> None:
    out = translate(
        tools=[
            {"functionDeclarations": DECLARATIONS[:2]},
            {"googleSearch": {}},
            {"codeExecution": {}},
            {"functionDeclarations": [DECLARATIONS[2], {"description": "nameless"}]},
        ]
    )
    assert out["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "read",
                "parameters": {"type": "object", "properties": {"p": {"type": "string"}}},
            },
        },
        {
            "type": "function",
            "function": {
                "name": "write",
                "description": "Writes.",
                "parameters": {"type": "object", "properties": {}},
            },
        },
        {
            "type": "function",
            "function": {"name": "ls", "parameters": {"type": "object", "properties": {}}},
        },
    ]
    assert "tool_choice" not in out


def test_only_builtin_tools_send_no_tools_and_no_choice() -> None:
    out = translate(
        tools=[{"googleSearch": {}}],
        toolConfig={"functionCallingConfig": {"mode": "ANY"}},
    )
    assert "tools" not in out
    assert "tool_choice" not in out


@pytest.mark.parametrize(
    ("config", "choice", "names"),
    [
        ({"mode": "AUTO"}, "auto", ["read", "write", "ls"]),
        ({"mode": "NONE"}, "none", ["read", "write", "ls"]),
        ({"mode": "ANY"}, "required", ["read", "write", "ls"]),
        ({"mode": "any"}, "required", ["read", "write", "ls"]),
        (
            {"mode": "ANY", "allowedFunctionNames": ["write"]},
            {"type": "function", "function": {"name": "write"}},
            ["write"],
        ),
        ({"mode": "ANY", "allowedFunctionNames": ["read", "ls"]}, "required", ["read", "ls"]),
        ({"mode": "ANY", "allowedFunctionNames": ["ghost"]}, "required", ["read", "write", "ls"]),
        ({"mode": "VALIDATED"}, "auto", ["read", "write", "ls"]),
        ({"mode": "VALIDATED", "allowedFunctionNames": ["read"]}, "auto", ["read"]),
        ({"allowedFunctionNames": ["read"]}, "auto", ["read", "write", "ls"]),
    ],
)
def test_function_calling_config(config: dict[str, Any], choice: Any, names: list[str]) -> None:
    out = translate(
        tools=[{"functionDeclarations": DECLARATIONS}],
        toolConfig={"functionCallingConfig": config},
    )
    assert out["tool_choice"] == choice
    assert tool_names(out) == names
