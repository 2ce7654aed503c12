"""Golden tests: OpenAI Chat requests → Gemini ``generateContent`` requests (``openai -> gemini``).

Each case pins the exact Gemini body. Every translated body is also checked against what the
Gemini API enforces: each field parses as the official ``google-genai`` SDK's types (which,
like the API, refuse unknown fields), roles alternate and start with the user, parts are
never empty, every function-call content is answered by as many function responses, and
Gemini 3 current-turn calls carry a signature. Cases named after the original's bugs come
from the behaviour reference §3/§12.
"""

from __future__ import annotations

import base64
import copy
from typing import Any

import pytest
from google.genai import types

from omniroute import InvalidRequest
from omniroute_plugin_gemini.mapping import EFFORT_BUDGETS, SKIP_THOUGHT_SIGNATURE
from omniroute_plugin_gemini.openai_client import OpenAIClientTranslator
from omniroute_plugin_gemini.openai_client.contents import MISSING_RESULT
from omniroute_plugin_gemini.openai_client.models import gemini_version, requires_signatures

MODEL = "gemini-2.5-flash"
GEMINI_3 = "gemini-3-pro-preview"
TRANSLATOR = OpenAIClientTranslator()
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9Q"
    "DwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
PDF = "JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PD4+CmVuZG9iagp0cmFpbGVyCjw8Pj4KJSVFT0YK"
SIG = base64.b64encode(b"\n\xdc\x01signature kept byte for byte").decode()
SIG2 = base64.b64encode(b"\x12\x8d\x01a second signature").decode()

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}
WEATHER_GEMINI = {
    "name": "get_weather",
    "description": "Weather for a city",
    "parameters": WEATHER["function"]["parameters"],  # type: ignore[index]
}


IMAGE = {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}


def user(content: Any) -> dict[str, Any]:
    return {"role": "user", "content": content}


def assistant(content: Any = None, **extra: Any) -> dict[str, Any]:
    return {"role": "assistant", "content": content, **extra}


def call(
    id_: str,
    name: str = "get_weather",
    arguments: str = '{"city":"Paris"}',
    signature: str | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": id_,
        "type": "function",
        "function": {"name": name, "arguments": arguments},
    }
    if signature is not None:
        out["extra_content"] = {"google": {"thought_signature": signature}}
    return out


def tool(id_: str, content: Any = "sunny") -> dict[str, Any]:
    return {"role": "tool", "tool_call_id": id_, "content": content}


def text(value: str) -> dict[str, Any]:
    return {"text": value}


def fc(name: str = "get_weather", args: Any = None, signature: str | None = None) -> dict[str, Any]:
    part: dict[str, Any] = {
        "functionCall": {"name": name, "args": {"city": "Paris"} if args is None else args}
    }
    if signature is not None:
        part["thoughtSignature"] = signature
    return part


def fr(name: str = "get_weather", response: Any = None) -> dict[str, Any]:
    return {
        "functionResponse": {
            "name": name,
            "response": {"result": "sunny"} if response is None else response,
        }
    }


def u(*parts: dict[str, Any]) -> dict[str, Any]:
    return {"role": "user", "parts": list(parts)}


def m(*parts: dict[str, Any]) -> dict[str, Any]:
    return {"role": "model", "parts": list(parts)}


def translate(body: dict[str, Any], model: str = MODEL) -> dict[str, Any]:
    """Translate ``body``, check the input was not mutated and the output is one Gemini takes."""
    before = copy.deepcopy(body)
    out = TRANSLATOR.request(body, model)
    assert body == before, "the translator must not change the client's body"
    assert_gemini_accepts(out, model)
    return out


def contents(*messages: dict[str, Any], model: str = MODEL) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = translate({"messages": list(messages)}, model)["contents"]
    return out


# -- what the real Gemini API enforces -----------------------------------------------------

_TOP_LEVEL = {"contents", "systemInstruction", "tools", "toolConfig", "generationConfig"}


def assert_gemini_accepts(body: dict[str, Any], model: str) -> None:
    """The rules behind Gemini's 400s that a translated request could break."""
    assert set(body) <= _TOP_LEVEL, f"unknown top-level fields: {set(body) - _TOP_LEVEL}"
    turns = body["contents"]
    assert turns, "contents may not be empty"
    assert turns[0]["role"] == "user", "the conversation starts with the user"
    for index, turn in enumerate(turns):
        types.Content.model_validate(turn)
        assert turn["role"] in ("user", "model")
        assert turn["parts"], "no content may be empty"
        if index:
            assert turns[index - 1]["role"] != turn["role"], "roles alternate (merged)"
        for part in turn["parts"]:
            assert part.get("text", "x"), "Gemini refuses empty text parts"
            assert "functionCall" not in part or turn["role"] == "model"
            assert "functionResponse" not in part or turn["role"] == "user"
        calls = [p["functionCall"]["name"] for p in turn["parts"] if "functionCall" in p]
        if calls:
            answers = turns[index + 1]["parts"]
            names = [p["functionResponse"]["name"] for p in answers if "functionResponse" in p]
            assert names == calls, "one function response per call, in order"
    if requires_signatures(model):
        _assert_current_turn_signed(turns)
    if "systemInstruction" in body:
        types.Content.model_validate(body["systemInstruction"])
    for entry in body.get("tools", ()):
        types.Tool.model_validate(entry)
    if "toolConfig" in body:
        assert body.get("tools"), "a calling mode needs tools"
        types.ToolConfig.model_validate(body["toolConfig"])
    if "generationConfig" in body:
        types.GenerationConfig.model_validate(body["generationConfig"])
        thinking = body["generationConfig"].get("thinkingConfig", {})
        assert not {"thinkingBudget", "thinkingLevel"} <= set(thinking), "one or the other"
        version = gemini_version(model)
        assert not thinking or version is None or version >= (2, 5)


def _assert_current_turn_signed(turns: list[dict[str, Any]]) -> None:
    start = max(
        (
            i
            for i, t in enumerate(turns)
            if t["role"] == "user" and any("functionResponse" not in p for p in t["parts"])
        ),
        default=0,
    )
    for turn in turns[start:]:
        calls = [p for p in turn["parts"] if "functionCall" in p]
        if turn["role"] == "model" and calls:
            assert calls[0].get("thoughtSignature"), "Gemini 3 needs the first call signed"


# -- system instructions and roles ----------------------------------------------------------


def test_system_and_developer_messages_become_the_system_instruction() -> None:
    out = translate(
        {
            "model": "gpt-4o",
            "messages": [
                {"role": "system", "content": "Be brief."},
                user("Hi"),
                {"role": "developer", "content": [{"type": "text", "text": "Use French."}]},
            ],
        }
    )
    assert out == {
        "contents": [u(text("Hi"))],
        "systemInstruction": {"parts": [text("Be brief."), text("Use French.")]},
    }


def test_consecutive_same_role_messages_are_merged() -> None:
    # The original sent consecutive turns unmerged (reference §12).
    assert contents(
        user("one"),
        user([{"type": "text", "text": "two"}]),
        assistant("three"),
        assistant("four"),
        user("five"),
    ) == [u(text("one"), text("two")), m(text("three"), text("four")), u(text("five"))]


def test_a_conversation_starting_with_the_model_gets_a_user_turn_first() -> None:
    assert contents(assistant("Hello!"), user("Hi")) == [
        u(text(".")),
        m(text("Hello!")),
        u(text("Hi")),
    ]


def test_a_system_only_request_still_has_contents() -> None:
    out = translate({"messages": [{"role": "system", "content": "Say hi."}]})
    assert out["contents"] == [u(text("."))]
    assert out["systemInstruction"] == {"parts": [text("Say hi.")]}


def test_empty_messages_and_empty_text_are_left_out() -> None:
    assert contents(user("Hi"), assistant(""), assistant(None), user("")) == [u(text("Hi"))]


@pytest.mark.parametrize(
    ("messages", "error"),
    [
        ("hi", "'messages' must be an array"),
        (["hi"], "every message must be an object"),
        ([{"role": "function", "content": "x"}], "role 'function'"),
        ([user({"text": "x"})], "must be a string or an array"),
        ([user([{"type": "video", "video": "x"}])], "'video' cannot be sent"),
        ([{"role": "system", "content": [IMAGE]}], "only carry text"),
        ([assistant(tool_calls=[{"id": "c", "function": {}}])], "need a function name"),
        ([assistant(tool_calls="x")], "'tool_calls' must be an array"),
    ],
)  # fmt: skip
def test_malformed_messages_are_refused(messages: Any, error: str) -> None:
    with pytest.raises(InvalidRequest, match=error):
        TRANSLATOR.request({"messages": messages}, MODEL)


# -- content parts ----------------------------------------------------------------------------


def test_images_files_and_audio() -> None:
    parts = contents(
        user(
            [
                {"type": "text", "text": "Look:"},
                {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
                {"type": "image_url", "image_url": {"url": "https://example.com/cat.webp"}},
                {"type": "image_url", "image_url": "https://example.com/photo?id=7"},
                {"type": "image_url", "image_url": {"url": "gs://bucket/scan.pdf"}},
                {"type": "file", "file": {"file_data": f"data:application/pdf;base64,{PDF}"}},
                {"type": "file", "file": {"file_data": PDF, "filename": "a.pdf"}},
                {"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}},
                "and a bare string",
            ]
        )
    )[0]["parts"]
    assert parts == [
        text("Look:"),
        {"inlineData": {"mimeType": "image/png", "data": PNG}},
        {"fileData": {"mimeType": "image/webp", "fileUri": "https://example.com/cat.webp"}},
        {"fileData": {"mimeType": "image/jpeg", "fileUri": "https://example.com/photo?id=7"}},
        {"fileData": {"mimeType": "application/pdf", "fileUri": "gs://bucket/scan.pdf"}},
        {"inlineData": {"mimeType": "application/pdf", "data": PDF}},
        {"inlineData": {"mimeType": "application/pdf", "data": PDF}},
        {"inlineData": {"mimeType": "audio/wav", "data": "UklGRg=="}},
        text("and a bare string"),
    ]


@pytest.mark.parametrize(
    ("part", "error"),
    [
        ({"type": "image_url", "image_url": {"url": "ftp://x/y.png"}}, "http"),
        ({"type": "image_url", "image_url": {}}, "need a url"),
        ({"type": "image_url", "image_url": {"url": "data:image/png,abc"}}, "base64"),
        ({"type": "file", "file": {"file_id": "file-abc"}}, "file storage"),
        ({"type": "file", "file": {}}, "need file_data"),
        ({"type": "file", "file": "x"}, "file object"),
        ({"type": "input_audio", "input_audio": {"data": "x"}}, "data and a format"),
        (7, "must be objects"),
    ],
)
def test_parts_gemini_cannot_take_are_refused(part: Any, error: str) -> None:
    with pytest.raises(InvalidRequest, match=error):
        TRANSLATOR.request({"messages": [user([part])]}, MODEL)


# -- tool calls and results -----------------------------------------------------------------


def test_tool_round_trip() -> None:
    assert contents(
        user("Weather in Paris?"),
        assistant(None, tool_calls=[call("call_1")]),
        tool("call_1", "sunny"),
        assistant("It is sunny."),
    ) == [
        u(text("Weather in Paris?")),
        m(fc()),
        u(fr()),
        m(text("It is sunny.")),
    ]


def test_parallel_results_follow_the_order_of_the_calls() -> None:
    assert contents(
        user("Paris and Rome?"),
        assistant(
            "Checking both.",
            tool_calls=[call("a"), call("b", "get_time", '{"city":"Rome"}')],
        ),
        tool("b", "noon"),
        tool("a", "sunny"),
    ) == [
        u(text("Paris and Rome?")),
        m(text("Checking both."), fc(), fc("get_time", {"city": "Rome"})),
        u(fr(), fr("get_time", {"result": "noon"})),
    ]


def test_results_take_the_name_of_the_call_they_answer() -> None:
    # Gemini matches responses by name; OpenAI tool messages carry only the call id.
    out = contents(
        user("x"), assistant(tool_calls=[call("c1", "lookup", "{}")]), tool("c1", "found")
    )
    assert out[2] == u(fr("lookup", {"result": "found"}))


def test_json_object_results_are_the_response_and_others_are_wrapped() -> None:
    out = contents(
        user("x"),
        assistant(tool_calls=[call("a"), call("b"), call("c"), call("d")]),
        tool("a", '{"temp": 21, "sky": "clear"}'),
        tool("b", "[1, 2]"),
        tool("c", [{"type": "text", "text": '{"ok":'}, {"type": "text", "text": " true}"}]),
        tool("d", ""),
    )
    assert out[2]["parts"] == [
        fr(response={"temp": 21, "sky": "clear"}),
        fr(response={"result": "[1, 2]"}),
        fr(response={"ok": True}),
        fr(response={"result": ""}),
    ]


def test_a_call_without_result_gets_an_error_and_orphan_results_are_dropped() -> None:
    assert contents(
        user("x"),
        tool("nobody", "orphan"),
        assistant(tool_calls=[call("a"), call("b")]),
        tool("b", "sunny"),
        user("go on"),
    ) == [
        u(text("x")),
        m(fc(), fc()),
        u(fr(response={"error": MISSING_RESULT}), fr(), text("go on")),
    ]


def test_ids_reused_across_turns_match_their_own_turn() -> None:
    # Clients behind naive gateways see "call_0" on every turn.
    out = contents(
        user("x"),
        assistant(tool_calls=[call("call_0")]),
        tool("call_0", "first"),
        assistant(tool_calls=[call("call_0")]),
        tool("call_0", "second"),
    )
    assert [turn["parts"][0].get("functionResponse", {}).get("response") for turn in out] == [
        None,
        None,
        {"result": "first"},
        None,
        {"result": "second"},
    ]


def test_arguments_that_are_not_a_json_object_become_empty_args() -> None:
    out = contents(
        user("x"),
        assistant(
            tool_calls=[
                call("a", arguments='{"city": "Par'),
                call("b", arguments="[1]"),
                call("c", arguments=""),
                {"id": "d", "function": {"name": "get_weather", "arguments": {"city": "Oslo"}}},
            ]
        ),
        tool("a"),
        tool("b"),
        tool("c"),
        tool("d"),
    )
    assert [p["functionCall"]["args"] for p in out[1]["parts"]] == [{}, {}, {}, {"city": "Oslo"}]


def test_tool_results_with_images_are_refused() -> None:
    with pytest.raises(InvalidRequest, match="tool messages can only carry text"):
        TRANSLATOR.request(
            {"messages": [user("x"), assistant(tool_calls=[call("a")]), tool("a", [IMAGE])]},
            MODEL,
        )


# -- thought signatures (the original's #1467, #10211) ----------------------------------------


def test_signatures_go_back_on_the_parts_they_came_from() -> None:
    out = contents(
        user("Paris and Rome?"),
        assistant(
            "Let me check.",
            tool_calls=[call("a", signature=SIG), call("b")],
        ),
        tool("a"),
        tool("b"),
        assistant("Both sunny.", extra_content={"google": {"thought_signature": SIG2}}),
        user("Thanks"),
        model=GEMINI_3,
    )
    assert out == [
        u(text("Paris and Rome?")),
        m(text("Let me check."), fc(signature=SIG), fc()),
        u(fr(), fr()),
        m({"text": "Both sunny.", "thoughtSignature": SIG2}),
        u(text("Thanks")),
    ]


def test_a_text_signature_goes_on_the_last_text_part_and_needs_text() -> None:
    sig = {"google": {"thought_signature": SIG}}
    out = contents(
        user("x"),
        assistant(
            [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}], extra_content=sig
        ),
        user("y"),
        assistant(None, tool_calls=[call("c")], extra_content=sig),
        tool("c"),
    )
    assert out[1] == m(text("a"), {"text": "b", "thoughtSignature": SIG})
    assert out[3] == m(fc())


def test_gemini_3_unsigned_current_turn_calls_get_the_documented_placeholder() -> None:
    # A history rebuilt without signatures: Gemini 3 would answer 400 for the current turn.
    messages = [
        user("Book a taxi after checking the flight."),
        assistant(tool_calls=[call("a", "check_flight", "{}")]),
        tool("a", "delayed"),
        assistant(tool_calls=[call("b", "book_taxi", "{}"), call("c", "notify", "{}")]),
        tool("b", "booked"),
        tool("c", "sent"),
    ]
    assert contents(*messages, model=GEMINI_3) == [
        u(text("Book a taxi after checking the flight.")),
        m(fc("check_flight", {}, SKIP_THOUGHT_SIGNATURE)),
        u(fr("check_flight", {"result": "delayed"})),
        m(fc("book_taxi", {}, SKIP_THOUGHT_SIGNATURE), fc("notify", {})),
        u(fr("book_taxi", {"result": "booked"}), fr("notify", {"result": "sent"})),
    ]
    # Earlier models do not validate, and get nothing made up.
    assert all(
        "thoughtSignature" not in part
        for turn in contents(*messages, model="gemini-2.5-pro")
        for part in turn["parts"]
    )


def test_the_placeholder_is_only_for_the_current_turn_and_never_replaces_a_signature() -> None:
    out = contents(
        user("first question"),
        assistant(tool_calls=[call("a")]),
        tool("a"),
        assistant("answered"),
        user("second question"),
        assistant(tool_calls=[call("b", signature=SIG)]),
        tool("b"),
        model="gemini-3.1-flash",
    )
    assert out[1] == m(fc())
    assert out[5] == m(fc(signature=SIG))


# -- tools ----------------------------------------------------------------------------------


def test_function_tools_become_declarations() -> None:
    out = translate(
        {
            "messages": [user("x")],
            "tools": [
                WEATHER,
                {"type": "function", "function": {"name": "now"}},
                {
                    "type": "function",
                    "function": {
                        "name": "ping",
                        "strict": True,
                        "parameters": {
                            "type": "object",
                            "properties": {},
                            "additionalProperties": False,
                        },
                    },
                },
            ],
        }
    )
    assert out["tools"] == [
        {"functionDeclarations": [WEATHER_GEMINI, {"name": "now"}, {"name": "ping"}]}
    ]
    assert "toolConfig" not in out


@pytest.mark.parametrize(
    ("choice", "config"),
    [
        ("auto", {"mode": "AUTO"}),
        ("none", {"mode": "NONE"}),
        ("required", {"mode": "ANY"}),
        (
            {"type": "function", "function": {"name": "get_weather"}},
            {"mode": "ANY", "allowedFunctionNames": ["get_weather"]},
        ),
    ],
)
def test_tool_choice_becomes_the_function_calling_config(choice: Any, config: Any) -> None:
    out = translate({"messages": [user("x")], "tools": [WEATHER], "tool_choice": choice})
    assert out["toolConfig"] == {"functionCallingConfig": config}


def test_tool_choice_without_tools_is_not_sent() -> None:
    assert "toolConfig" not in translate({"messages": [user("x")], "tool_choice": "required"})


@pytest.mark.parametrize(
    ("tools", "error"),
    [
        ("x", "'tools' must be an array"),
        ([{"type": "web_search"}], "'web_search' cannot be sent"),
        (["x"], "None cannot be sent"),
        ([{"type": "function", "function": {}}], "need a function name"),
    ],
)
def test_tools_gemini_cannot_take_are_refused(tools: Any, error: str) -> None:
    with pytest.raises(InvalidRequest, match=error):
        TRANSLATOR.request({"messages": [user("x")], "tools": tools}, MODEL)


# -- generation parameters ------------------------------------------------------------------


def test_generation_parameters() -> None:
    out = translate(
        {
            "messages": [user("x")],
            "temperature": 0.2,
            "top_p": 0.9,
            "top_k": 40,
            "max_tokens": 100,
            "max_completion_tokens": 200,
            "stop": ["END", ""],
            "seed": 7,
            "n": 2,
            "presence_penalty": 0.5,
            "frequency_penalty": 0,
            "logprobs": True,
            "user": "u-1",
            "parallel_tool_calls": False,
            "stream_options": {"include_usage": True},
        }
    )
    assert out["generationConfig"] == {
        "temperature": 0.2,
        "topP": 0.9,
        "topK": 40,
        "presencePenalty": 0.5,
        "maxOutputTokens": 200,
        "stopSequences": ["END"],
        "seed": 7,
        "candidateCount": 2,
    }


def test_odd_parameter_values_are_left_out() -> None:
    out = translate(
        {
            "messages": [user("x")],
            "temperature": True,
            "top_k": 40.5,
            "max_tokens": 0,
            "stop": "STOP",
            "seed": 1.5,
            "n": 1,
        }
    )
    assert out["generationConfig"] == {"stopSequences": ["STOP"]}
    assert "generationConfig" not in translate({"messages": [user("x")], "stop": 3})


JSON = "application/json"
SCHEMA = {
    "type": "object",
    "properties": {"answer": {"type": "string"}},
    "required": ["answer"],
    "additionalProperties": False,
}


@pytest.mark.parametrize(
    ("response_format", "config"),
    [
        ({"type": "text"}, None),
        ({"type": "json_object"}, {"responseMimeType": JSON}),
        (
            {"type": "json_schema", "json_schema": {"name": "a", "strict": True, "schema": SCHEMA}},
            {
                "responseMimeType": JSON,
                "responseSchema": {
                    "type": "object",
                    "properties": {"answer": {"type": "string"}},
                    "required": ["answer"],
                },
            },
        ),
        ({"type": "json_schema", "json_schema": {"name": "a"}}, {"responseMimeType": JSON}),
    ],
)  # fmt: skip
def test_response_format(response_format: Any, config: Any) -> None:
    out = translate({"messages": [user("x")], "response_format": response_format})
    assert out.get("generationConfig") == config


# -- thinking -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("effort", "budget"),
    [
        ("minimal", 512),
        ("low", 1024),
        ("medium", 8192),
        ("high", EFFORT_BUDGETS["high"]),
        ("xhigh", EFFORT_BUDGETS["high"]),
        ("max", EFFORT_BUDGETS["high"]),
    ],
)
def test_reasoning_effort_sets_a_budget_and_asks_for_the_thoughts(effort: str, budget: int) -> None:
    out = translate({"messages": [user("x")], "reasoning_effort": effort})
    assert out["generationConfig"] == {
        "thinkingConfig": {"thinkingBudget": budget, "includeThoughts": True}
    }


def test_effort_none_really_turns_thinking_off() -> None:
    # The original's bug: a zero budget was treated as "not set", so thinking stayed on.
    out = translate({"messages": [user("x")], "reasoning_effort": "none"})
    assert out["generationConfig"] == {"thinkingConfig": {"thinkingBudget": 0}}
    unknown = translate(
        {"messages": [user("x")], "reasoning_effort": "none"}, "gemini-flash-latest"
    )
    assert unknown["generationConfig"] == {"thinkingConfig": {"thinkingBudget": 0}}


@pytest.mark.parametrize(
    ("model", "config"),
    [
        ("gemini-2.5-flash-lite", {"thinkingBudget": 0}),
        ("gemini-2.5-pro", {"thinkingBudget": 128}),
        ("models/gemini-3-pro-preview", {"thinkingLevel": "LOW"}),
        ("gemini-3-flash-preview", {"thinkingLevel": "MINIMAL"}),
    ],
)
def test_effort_none_thinks_least_where_thinking_cannot_be_off(
    model: str, config: dict[str, Any]
) -> None:
    out = translate({"messages": [user("x")], "reasoning_effort": "none"}, model)
    assert out["generationConfig"] == {"thinkingConfig": config}


def test_no_thinking_config_without_an_effort_or_for_models_that_do_not_think() -> None:
    assert "generationConfig" not in translate({"messages": [user("x")]})
    for effort in ("high", "none"):
        body = {"messages": [user("x")], "reasoning_effort": effort}
        assert "generationConfig" not in translate(body, "gemini-2.0-flash")
    assert "generationConfig" not in translate({"messages": [user("x")], "reasoning_effort": 3})


# -- the whole body -------------------------------------------------------------------------


def test_a_full_request() -> None:
    out = translate(
        {
            "model": "gemini/gemini-2.5-flash",
            "stream": True,
            "messages": [
                {"role": "system", "content": "You are terse."},
                user("Weather in Paris?"),
                assistant(None, tool_calls=[call("c1", signature=SIG)]),
                tool("c1", '{"sky": "clear"}'),
            ],
            "tools": [WEATHER],
            "tool_choice": "auto",
            "temperature": 0.5,
            "reasoning_effort": "low",
        }
    )
    assert out == {
        "contents": [
            u(text("Weather in Paris?")),
            m(fc(signature=SIG)),
            u(fr(response={"sky": "clear"})),
        ],
        "systemInstruction": {"parts": [text("You are terse.")]},
        "tools": [{"functionDeclarations": [WEATHER_GEMINI]}],
        "toolConfig": {"functionCallingConfig": {"mode": "AUTO"}},
        "generationConfig": {
            "temperature": 0.5,
            "thinkingConfig": {"thinkingBudget": 1024, "includeThoughts": True},
        },
    }
