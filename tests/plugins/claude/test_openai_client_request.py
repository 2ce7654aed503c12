"""Golden tests: OpenAI Chat requests → Anthropic Messages requests (``openai -> claude``).

Each case pins the exact Claude body. Every translated body is also checked against what the
real Anthropic API enforces (the SDK's request types, unknown top-level fields, alternation,
tool_result adjacency, thinking rules), so a golden value cannot encode a request Anthropic
would refuse. Cases named after the original's bugs come from the behaviour reference §3/§12.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pydantic
import pytest
from anthropic.types.message_create_params import (
    MessageCreateParams,
    MessageCreateParamsNonStreaming,
)

from omniroute import InvalidRequest
from omniroute_plugin_claude.mapping import EFFORT_BUDGETS
from omniroute_plugin_claude.openai_client import OpenAIClientTranslator
from omniroute_plugin_claude.openai_client.messages import MISSING_RESULT
from omniroute_plugin_claude.openai_client.models import (
    adaptive_thinking,
    claude_version,
    rejects_sampling,
)

MODEL = "claude-sonnet-4-5"
TRANSLATOR = OpenAIClientTranslator()
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9Q"
    "DwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
PDF = "JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PD4+CmVuZG9iagp0cmFpbGVyCjw8Pj4KJSVFT0YK"
SIG = "EqQBCkYIARgCIkCx+signature/kept+byte+for+byte=="

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
WEATHER_CLAUDE = {
    "name": "get_weather",
    "description": "Weather for a city",
    "input_schema": WEATHER["function"]["parameters"],  # type: ignore[index]
}


def user(content: Any) -> dict[str, Any]:
    return {"role": "user", "content": content}


def assistant(content: Any = None, **extra: Any) -> dict[str, Any]:
    return {"role": "assistant", "content": content, **extra}


def call(
    id_: str, name: str = "get_weather", arguments: str = '{"city":"Paris"}'
) -> dict[str, Any]:
    return {"id": id_, "type": "function", "function": {"name": name, "arguments": arguments}}


def tool(id_: str, content: Any = "sunny") -> dict[str, Any]:
    return {"role": "tool", "tool_call_id": id_, "content": content}


def text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


def tool_use(id_: str, input_: Any = None, name: str = "get_weather") -> dict[str, Any]:
    return {
        "type": "tool_use",
        "id": id_,
        "name": name,
        "input": {"city": "Paris"} if input_ is None else input_,
    }


def result(id_: str, content: Any = "sunny") -> dict[str, Any]:
    return {"type": "tool_result", "tool_use_id": id_, "content": content}


def thinking_block(thought: str = "Let me think.") -> dict[str, Any]:
    return {"type": "thinking", "thinking": thought, "signature": SIG}


def translate(body: dict[str, Any], model: str = MODEL) -> dict[str, Any]:
    """Translate ``body``, check the input was not mutated and the output is one Anthropic takes."""
    before = copy.deepcopy(body)
    out = TRANSLATOR.request(body, model)
    assert body == before, "the translator must not change the client's body"
    assert_anthropic_accepts(out)
    return out


def claude(*messages: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """An expected Claude body with the defaults the translator fills in."""
    return {"model": MODEL, "max_tokens": 8192, "messages": list(messages), **fields}


# -- what the real Anthropic API enforces --------------------------------------------------

_PARAMS: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(MessageCreateParams)
# The SDK (2.x) no longer types the sampling fields; API version 2023-06-01 still takes them on
# models before Claude 4.7.
_SAMPLING = {"temperature", "top_p", "top_k"}
_TOP_LEVEL = (
    MessageCreateParamsNonStreaming.__required_keys__
    | MessageCreateParamsNonStreaming.__optional_keys__
    | {"stream"}
    | _SAMPLING
)
_ID = re.compile(r"^[a-zA-Z0-9_-]+$")
_THINKING = ("thinking", "redacted_thinking")


def _drain(value: Any) -> Any:
    """Force pydantic's lazy iterable validation by walking everything it returned."""
    if isinstance(value, dict):
        return {k: _drain(v) for k, v in value.items()}
    if isinstance(value, str | bytes | int | float | bool) or value is None:
        return value
    return [_drain(v) for v in value]


def assert_anthropic_accepts(body: dict[str, Any]) -> None:
    """The rules behind Anthropic's 400s that a translated request could break."""
    assert set(body) <= _TOP_LEVEL, f"unknown top-level fields: {set(body) - _TOP_LEVEL}"
    _drain(_PARAMS.validate_python(body))
    if rejects_sampling(body["model"]):
        assert not _SAMPLING & set(body)
    if adaptive_thinking(body["model"]):
        assert body.get("thinking", {}).get("type") != "enabled"
    assert isinstance(body["max_tokens"], int)
    assert body["max_tokens"] > 0
    turns = body["messages"]
    assert turns
    assert turns[0]["role"] == "user", "the first turn must be the user's"
    for index, turn in enumerate(turns):
        content = turn["content"]
        assert content, "no turn may be empty"
        if index:
            assert turns[index - 1]["role"] != turn["role"], "roles must alternate"
        for block in content:
            if block["type"] == "text":
                assert block["text"].strip(), "text blocks need non-whitespace text"
            if block["type"] in ("tool_use", "tool_result"):
                assert _ID.match(block.get("id") or block["tool_use_id"])
        calls = [b["id"] for b in content if b["type"] == "tool_use"]
        if calls:
            assert index + 1 < len(turns), "a tool_use needs a tool_result turn after it"
            answers = turns[index + 1]["content"][: len(calls)]
            assert [b.get("type") for b in answers] == ["tool_result"] * len(calls)
            assert sorted(b["tool_use_id"] for b in answers) == sorted(calls)
        if turn["role"] == "user":
            results = [b["tool_use_id"] for b in content if b["type"] == "tool_result"]
            before = turns[index - 1]["content"] if index else []
            assert set(results) <= {b["id"] for b in before if b["type"] == "tool_use"}
    if "tool_choice" in body:
        assert body.get("tools"), "tool_choice needs tools"
    if turns[-1]["role"] == "assistant" and turns[-1]["content"][-1]["type"] == "text":
        assert turns[-1]["content"][-1]["text"] == turns[-1]["content"][-1]["text"].rstrip()
    thinking = body.get("thinking") or {"type": "disabled"}
    if thinking["type"] == "enabled":
        assert 1024 <= thinking["budget_tokens"] < body["max_tokens"]
    if thinking["type"] in ("enabled", "adaptive"):
        assert not _SAMPLING & set(body)
        assert body.get("tool_choice", {}).get("type") not in ("any", "tool")
        assert turns[-1]["role"] == "user", "no prefill with thinking"
        last = (
            next(t for t in reversed(turns) if t["role"] == "assistant") if len(turns) > 1 else None
        )
        if last and any(b["type"] == "tool_use" for b in last["content"]):
            assert last["content"][0]["type"] in _THINKING
    elif turns[-1]["role"] == "assistant":
        assert all(b["type"] not in _THINKING for b in turns[-1]["content"])
    if "temperature" in body:
        assert 0 <= body["temperature"] <= 1
        assert "top_p" not in body


# -- system prompts -------------------------------------------------------------------------


def test_system_string_and_user_text() -> None:
    out = translate(
        {"model": "gpt-4o", "messages": [{"role": "system", "content": "Be brief."}, user("Hi")]}
    )
    assert out == claude({"role": "user", "content": [text("Hi")]}, system=[text("Be brief.")])


def test_system_and_developer_messages_anywhere_are_joined_in_order() -> None:
    out = translate(
        {
            "messages": [
                {"role": "system", "content": "One."},
                {"role": "developer", "content": [text("Two."), text("Three.")]},
                user("Hi"),
                assistant("Hello"),
                {"role": "system", "content": "Four."},
                user("Bye"),
            ]
        }
    )
    assert out["system"] == [text("One."), text("Two."), text("Three."), text("Four.")]
    assert [t["role"] for t in out["messages"]] == ["user", "assistant", "user"]


def test_system_only_conversation_gets_a_user_turn() -> None:
    """The original sent no messages at all and got a 400 (#5245)."""
    out = translate({"messages": [{"role": "system", "content": "Say hi."}]})
    assert out == claude({"role": "user", "content": [text(".")]}, system=[text("Say hi.")])


def test_system_with_an_image_is_refused() -> None:
    image = {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}
    with pytest.raises(InvalidRequest, match="only carry text"):
        TRANSLATOR.request({"messages": [{"role": "system", "content": [image]}, user("x")]}, MODEL)


# -- turns ----------------------------------------------------------------------------------


def test_consecutive_same_role_messages_merge() -> None:
    out = translate(
        {"messages": [user("a"), user([text("b")]), assistant("c"), assistant("d"), user("e")]}
    )
    assert out["messages"] == [
        {"role": "user", "content": [text("a"), text("b")]},
        {"role": "assistant", "content": [text("c"), text("d")]},
        {"role": "user", "content": [text("e")]},
    ]


def test_conversation_starting_with_the_assistant_gets_a_user_turn_first() -> None:
    out = translate({"messages": [assistant("How can I help?"), user("Weather?")]})
    assert out["messages"] == [
        {"role": "user", "content": [text(".")]},
        {"role": "assistant", "content": [text("How can I help?")]},
        {"role": "user", "content": [text("Weather?")]},
    ]


def test_empty_assistant_and_blank_messages_are_dropped() -> None:
    out = translate(
        {
            "messages": [
                user("a"),
                assistant(""),
                assistant(None),
                assistant([]),
                user("   "),
                user([text(""), text("b")]),
            ]
        }
    )
    assert out["messages"] == [{"role": "user", "content": [text("a"), text("b")]}]


def test_prefill_loses_trailing_whitespace() -> None:
    out = translate({"messages": [user("Pick one"), assistant("The answer is ")]})
    assert out["messages"][-1] == {"role": "assistant", "content": [text("The answer is")]}


def test_unknown_role_is_refused() -> None:
    with pytest.raises(InvalidRequest, match="role 'function'"):
        TRANSLATOR.request({"messages": [user("x"), {"role": "function", "content": "y"}]}, MODEL)


def test_messages_must_be_a_list_of_objects() -> None:
    with pytest.raises(InvalidRequest):
        TRANSLATOR.request({"messages": "hi"}, MODEL)
    with pytest.raises(InvalidRequest):
        TRANSLATOR.request({"messages": ["hi"]}, MODEL)


# -- content parts --------------------------------------------------------------------------


def test_images_base64_and_url() -> None:
    parts = [
        text("What is in these?"),
        {
            "type": "image_url",
            "image_url": {"url": f"data:image/png;base64,{PNG}", "detail": "low"},
        },
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}},
        {"type": "image_url", "image_url": "http://example.com/dog.gif"},
    ]
    out = translate({"messages": [user(parts)]})
    assert out["messages"][0]["content"] == [
        text("What is in these?"),
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}},
        {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}},
        {"type": "image", "source": {"type": "url", "url": "http://example.com/dog.gif"}},
    ]


def test_cache_control_on_parts_is_kept() -> None:
    marker = {"type": "ephemeral"}
    parts = [{"type": "text", "text": "Long context", "cache_control": marker}]
    out = translate({"messages": [{"role": "system", "content": parts}, user(parts)]})
    assert out["system"] == [{"type": "text", "text": "Long context", "cache_control": marker}]
    assert out["messages"][0]["content"] == out["system"]


def test_files_become_documents() -> None:
    parts = [
        {
            "type": "file",
            "file": {"file_data": f"data:application/pdf;base64,{PDF}", "filename": "a.pdf"},
        },
        {"type": "file", "file": {"file_data": PDF}},
        {"type": "file", "file": {"file_data": "data:text/plain;base64,aGVsbG8="}},
        {"type": "file", "file": {"file_data": f"data:image/png;base64,{PNG}"}},
        text("Summarise."),
    ]
    out = translate({"messages": [user(parts)]})
    pdf = {"type": "base64", "media_type": "application/pdf", "data": PDF}
    assert out["messages"][0]["content"] == [
        {"type": "document", "source": pdf, "title": "a.pdf"},
        {"type": "document", "source": pdf},
        {
            "type": "document",
            "source": {"type": "text", "media_type": "text/plain", "data": "hello"},
        },
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}},
        text("Summarise."),
    ]


def test_claude_native_document_parts_pass_through() -> None:
    document = {
        "type": "document",
        "source": {"type": "url", "url": "https://example.com/paper.pdf"},
        "citations": {"enabled": True},
    }
    out = translate({"messages": [user([document, text("Cite it.")])]})
    assert out["messages"][0]["content"] == [document, text("Cite it.")]


@pytest.mark.parametrize(
    ("part", "message"),
    [
        ({"type": "input_audio", "input_audio": {"data": "x", "format": "wav"}}, "audio"),
        ({"type": "file", "file": {"file_id": "file-abc"}}, "file_id"),
        ({"type": "file", "file": {"file_data": "data:application/zip;base64,UEs="}}, "zip"),
        ({"type": "file", "file": {"file_data": "data:text/plain;base64,//8="}}, "UTF-8"),
        ({"type": "image_url", "image_url": {"url": "data:image/svg+xml,<svg/>"}}, "base64"),
        ({"type": "image_url", "image_url": {"url": "ftp://example.com/a.png"}}, "http"),
        ({"type": "video", "video": {}}, "'video'"),
    ],
)
def test_parts_claude_cannot_take_are_refused(part: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidRequest, match=message):
        TRANSLATOR.request({"messages": [user([part])]}, MODEL)


# -- tool calls and results ------------------------------------------------------------------


def test_tool_loop() -> None:
    body = {
        "messages": [
            user("Weather in Paris and Rome?"),
            assistant(
                "Checking.",
                tool_calls=[call("call_1"), call("call_2", arguments='{"city":"Rome"}')],
            ),
            tool("call_1", "sunny"),
            tool("call_2", [text("rainy")]),
            user("Thanks, and tomorrow?"),
        ],
        "tools": [WEATHER],
    }
    assert translate(body) == claude(
        {"role": "user", "content": [text("Weather in Paris and Rome?")]},
        {
            "role": "assistant",
            "content": [
                text("Checking."),
                tool_use("call_1"),
                tool_use("call_2", {"city": "Rome"}),
            ],
        },
        {
            "role": "user",
            "content": [
                result("call_1", "sunny"),
                result("call_2", [text("rainy")]),
                text("Thanks, and tomorrow?"),
            ],
        },
        tools=[WEATHER_CLAUDE],
    )


def test_tool_result_goes_right_after_its_call_even_when_the_client_put_it_later() -> None:
    """Results lead the very next user turn, as Anthropic requires (the original's bug)."""
    body = {
        "messages": [
            user("q"),
            assistant(None, tool_calls=[call("call_1")]),
            user("also this"),
            assistant("Hmm"),
            tool("call_1"),
        ],
        "tools": [WEATHER],
    }
    assert translate(body)["messages"] == [
        {"role": "user", "content": [text("q")]},
        {"role": "assistant", "content": [tool_use("call_1")]},
        {"role": "user", "content": [result("call_1"), text("also this")]},
        {"role": "assistant", "content": [text("Hmm")]},
    ]


def test_unanswered_call_gets_an_error_result_and_orphan_results_are_dropped() -> None:
    body = {
        "messages": [
            user("q"),
            assistant(None, tool_calls=[call("call_1"), call("call_2")]),
            tool("call_2"),
            tool("call_ghost", "nobody asked"),
            user("go on"),
        ],
        "tools": [WEATHER],
    }
    missing = {**result("call_1", MISSING_RESULT), "is_error": True}
    assert translate(body)["messages"][2] == {
        "role": "user",
        "content": [missing, result("call_2"), text("go on")],
    }


@pytest.mark.parametrize("content", ["", None, [{"type": "text", "text": " "}]])
def test_tool_result_without_content_has_none(content: Any) -> None:
    body = {
        "messages": [
            user("q"),
            assistant(None, tool_calls=[call("call_1")]),
            tool("call_1", content),
        ],
        "tools": [WEATHER],
    }
    assert translate(body)["messages"][2]["content"] == [
        {"type": "tool_result", "tool_use_id": "call_1"}
    ]


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ('{"city": "Paris", "days": 2}', {"city": "Paris", "days": 2}),
        ("", {}),
        ('{"city": "Par', {}),  # cut off by max_tokens
        ("[1, 2]", {}),  # not an object
        ({"city": "Oslo"}, {"city": "Oslo"}),  # some clients send the object itself
    ],
)
def test_tool_call_arguments_become_an_object_input(arguments: Any, expected: Any) -> None:
    body = {
        "messages": [user("q"), assistant(None, tool_calls=[call("c1", arguments=arguments)])],
        "tools": [WEATHER],
    }
    assert translate(body)["messages"][1]["content"] == [tool_use("c1", expected)]


def test_foreign_tool_call_ids_are_made_valid_consistently() -> None:
    """Kimi-style ids reach Claude after a cross-provider fallback."""
    body = {
        "messages": [
            user("q"),
            assistant(None, tool_calls=[call("functions.get_weather:0")]),
            tool("functions.get_weather:0"),
        ],
        "tools": [WEATHER],
    }
    messages = translate(body)["messages"]
    assert messages[1]["content"] == [tool_use("functions_get_weather_0")]
    assert messages[2]["content"] == [result("functions_get_weather_0")]


def test_tool_call_without_id_or_name_is_refused() -> None:
    for broken in ({"type": "function", "function": {"name": "f"}}, {"id": "c", "function": {}}):
        with pytest.raises(InvalidRequest):
            TRANSLATOR.request(
                {"messages": [user("q"), assistant(None, tool_calls=[broken])]}, MODEL
            )


# -- tool definitions and tool_choice --------------------------------------------------------


def test_tool_definitions() -> None:
    bare = {"type": "function", "function": {"name": "now"}}
    strict = {
        "type": "function",
        "function": {
            "name": "lookup",
            "parameters": {"properties": {"q": {"type": "string"}}},
            "strict": True,
        },
        "cache_control": {"type": "ephemeral"},
    }
    native = {"type": "web_search_20250305", "name": "web_search", "max_uses": 3}
    out = translate({"messages": [user("q")], "tools": [WEATHER, bare, strict, native]})
    assert out["tools"] == [
        WEATHER_CLAUDE,
        {"name": "now", "input_schema": {"type": "object", "properties": {}}},
        {
            "name": "lookup",
            "input_schema": {"type": "object", "properties": {"q": {"type": "string"}}},
            "cache_control": {"type": "ephemeral"},
        },
        native,
    ]
    assert "tool_choice" not in out


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("auto", {"type": "auto"}),
        ("required", {"type": "any"}),
        (
            {"type": "function", "function": {"name": "get_weather"}},
            {"type": "tool", "name": "get_weather"},
        ),
    ],
)
def test_tool_choice(choice: Any, expected: dict[str, Any]) -> None:
    out = translate({"messages": [user("q")], "tools": [WEATHER], "tool_choice": choice})
    assert out["tool_choice"] == expected
    assert out["tools"] == [WEATHER_CLAUDE]


def test_tool_choice_none_sends_no_tools() -> None:
    """The original mapped ``none`` to auto, and the model went on calling tools."""
    out = translate({"messages": [user("q")], "tools": [WEATHER], "tool_choice": "none"})
    assert "tools" not in out
    assert "tool_choice" not in out


def test_parallel_tool_calls_false() -> None:
    out = translate({"messages": [user("q")], "tools": [WEATHER], "parallel_tool_calls": False})
    assert out["tool_choice"] == {"type": "auto", "disable_parallel_tool_use": True}
    out = translate(
        {
            "messages": [user("q")],
            "tools": [WEATHER],
            "tool_choice": "required",
            "parallel_tool_calls": False,
        }
    )
    assert out["tool_choice"] == {"type": "any", "disable_parallel_tool_use": True}
    out = translate({"messages": [user("q")], "tools": [WEATHER], "parallel_tool_calls": True})
    assert "tool_choice" not in out


def test_tool_choice_without_tools_is_dropped() -> None:
    out = translate({"messages": [user("q")], "tool_choice": "required", "tools": []})
    assert "tool_choice" not in out
    assert "tools" not in out


# -- thinking -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("effort", "budget"),
    [("minimal", 1024), ("low", 1024), ("medium", 10240), ("high", 32768), ("xhigh", 32768)],
)
def test_reasoning_effort_becomes_a_budget_with_room_for_the_answer(
    effort: str, budget: int
) -> None:
    out = translate({"messages": [user("q")], "reasoning_effort": effort})
    assert out["thinking"] == {"type": "enabled", "budget_tokens": budget}
    assert out["max_tokens"] == (8192 if budget < 8192 else budget + 8192)
    assert budget == EFFORT_BUDGETS.get(effort, EFFORT_BUDGETS["high"])


def test_client_max_tokens_above_the_budget_is_kept() -> None:
    body = {"messages": [user("q")], "reasoning_effort": "medium", "max_completion_tokens": 20000}
    out = translate(body)
    assert (out["max_tokens"], out["thinking"]["budget_tokens"]) == (20000, 10240)


def test_client_max_tokens_under_the_budget_is_raised_by_the_budget() -> None:
    out = translate({"messages": [user("q")], "reasoning_effort": "low", "max_tokens": 500})
    assert (out["max_tokens"], out["thinking"]["budget_tokens"]) == (1524, 1024)


def test_reasoning_effort_none_means_no_thinking() -> None:
    out = translate({"messages": [user("q")], "reasoning_effort": "none", "temperature": 0.2})
    assert "thinking" not in out
    assert out["temperature"] == 0.2


def test_explicit_thinking_object_passes_through_fitted() -> None:
    out = translate(
        {
            "messages": [user("q")],
            "thinking": {"type": "enabled", "budget_tokens": 500},
            "reasoning_effort": "high",
            "max_tokens": 1000,
        }
    )
    assert out["thinking"] == {"type": "enabled", "budget_tokens": 1024}
    assert out["max_tokens"] == 2024
    adaptive = {"type": "adaptive"}
    assert translate({"messages": [user("q")], "thinking": adaptive})["thinking"] == adaptive
    disabled = {"type": "disabled"}
    out = translate({"messages": [user("q")], "thinking": disabled, "temperature": 0.5})
    assert out["thinking"] == disabled
    assert out["temperature"] == 0.5


def test_sampling_is_dropped_when_thinking_is_on() -> None:
    out = translate(
        {
            "messages": [user("q")],
            "reasoning_effort": "low",
            "temperature": 0.3,
            "top_p": 0.9,
            "top_k": 5,
        }
    )
    assert not {"temperature", "top_p", "top_k"} & set(out)


def test_thinking_blocks_lead_their_assistant_turn_verbatim() -> None:
    redacted = {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT"}
    body = {
        "messages": [
            user("Weather?"),
            assistant(
                None,
                reasoning_content="Let me think.",
                thinking_blocks=[thinking_block(), redacted],
                tool_calls=[call("toolu_1")],
            ),
            tool("toolu_1"),
        ],
        "tools": [WEATHER],
        "reasoning_effort": "low",
    }
    out = translate(body)
    assert out["thinking"] == {"type": "enabled", "budget_tokens": 1024}
    assert out["messages"][1] == {
        "role": "assistant",
        "content": [thinking_block(), redacted, tool_use("toolu_1")],
    }


def test_unsigned_reasoning_is_not_replayed() -> None:
    """The original replayed reasoning as unsigned thinking, which Anthropic rejects (#12105)."""
    body = {
        "messages": [
            user("q"),
            assistant(
                "A.",
                reasoning_content="from another provider",
                thinking_blocks=[{"type": "thinking", "thinking": "unsigned"}],
            ),
            user("and?"),
        ],
        "reasoning_effort": "low",
    }
    assert translate(body)["messages"][1] == {"role": "assistant", "content": [text("A.")]}


def test_thinking_is_off_when_the_last_tool_turn_lost_its_thinking_blocks() -> None:
    body = {
        "messages": [
            user("q"),
            assistant(None, tool_calls=[call("toolu_1")]),
            tool("toolu_1"),
        ],
        "tools": [WEATHER],
        "reasoning_effort": "high",
        "temperature": 0.4,
    }
    out = translate(body)
    assert "thinking" not in out
    assert (out["max_tokens"], out["temperature"]) == (8192, 0.4)


def test_thinking_stays_on_when_only_an_earlier_tool_turn_lacks_thinking() -> None:
    body = {
        "messages": [
            user("q"),
            assistant(None, tool_calls=[call("toolu_1")]),
            tool("toolu_1"),
            assistant("Done.", thinking_blocks=[thinking_block()]),
            user("Again"),
            assistant(
                None, thinking_blocks=[thinking_block("Again?")], tool_calls=[call("toolu_2")]
            ),
            tool("toolu_2"),
        ],
        "tools": [WEATHER],
        "reasoning_effort": "low",
    }
    out = translate(body)
    assert out["thinking"]["type"] == "enabled"
    assert out["messages"][3]["content"] == [thinking_block(), text("Done.")]


@pytest.mark.parametrize(
    "extra",
    [
        {"tools": [WEATHER], "tool_choice": "required"},
        {
            "tools": [WEATHER],
            "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
        },
    ],
)
def test_thinking_is_off_when_a_tool_is_forced(extra: dict[str, Any]) -> None:
    out = translate({"messages": [user("q")], "reasoning_effort": "medium", **extra})
    assert "thinking" not in out
    assert out["max_tokens"] == 8192


def test_thinking_is_off_for_a_prefill_and_replayed_thinking_is_removed() -> None:
    body = {
        "messages": [
            user("q"),
            assistant("Sure:", thinking_blocks=[thinking_block()]),
        ],
        "reasoning_effort": "low",
    }
    out = translate(body)
    assert "thinking" not in out
    assert out["messages"][1] == {"role": "assistant", "content": [text("Sure:")]}


def test_removing_thinking_merges_the_turns_it_leaves_adjacent() -> None:
    body = {
        "messages": [
            user("a"),
            assistant(None, thinking_blocks=[thinking_block()]),
            user("b"),
        ],
    }
    assert translate(body)["messages"] == [{"role": "user", "content": [text("a"), text("b")]}]


# -- models with adaptive thinking and no sampling ----------------------------------------


@pytest.mark.parametrize(
    ("model", "version"),
    [
        ("claude-opus-4-7", (4, 7)),
        ("claude-sonnet-4-20250514", (4, 0)),
        ("claude-sonnet-4-5-20250929", (4, 5)),
        ("claude-opus-4-1-20250805", (4, 1)),
        ("claude-3-7-sonnet-20250219", (3, 7)),
        ("claude-3-haiku-20240307", (3, 0)),
        ("claude-sonnet-5", (5, 0)),
        ("claude-fable-5-2", (5, 2)),
        ("anthropic.claude-opus-4-7-v1:0", (4, 7)),
        ("anthropic/claude-opus-4.7", (4, 7)),
        ("claude-4.7-opus", (4, 7)),
        ("claude-opus-4-6@20260101", (4, 6)),
        ("claude-mythos-preview", None),
        ("MiniMax-M2", None),
        ("glm-4.6", None),
    ],
)
def test_claude_version_is_read_from_the_model_id(
    model: str, version: tuple[int, int] | None
) -> None:
    assert claude_version(model) == version


def test_adaptive_model_gets_adaptive_thinking_an_effort_and_no_sampling() -> None:
    body = {"messages": [user("q")], "reasoning_effort": "high", "temperature": 0.3}
    out = translate(body, model="claude-opus-4-7")
    assert out == {
        "model": "claude-opus-4-7",
        "messages": [{"role": "user", "content": [text("q")]}],
        "thinking": {"type": "adaptive", "display": "summarized"},
        "output_config": {"effort": "high"},
        "max_tokens": 8192 + EFFORT_BUDGETS["high"],
    }


def test_adaptive_model_keeps_the_client_limit() -> None:
    body = {"messages": [user("q")], "reasoning_effort": "low", "max_tokens": 4000}
    assert translate(body, model="claude-sonnet-4-6")["max_tokens"] == 4000


@pytest.mark.parametrize(
    ("model", "effort", "expected"),
    [
        ("claude-opus-4-7", "xhigh", "xhigh"),
        ("claude-sonnet-4-6", "xhigh", "high"),  # 4.6 has no xhigh
        ("claude-sonnet-5", "minimal", "low"),
        ("claude-opus-4-6", "medium", "medium"),
        ("claude-mythos-preview", "max", "max"),
        ("claude-opus-4-8", "extreme", "high"),
    ],
)
def test_adaptive_effort(model: str, effort: str, expected: str) -> None:
    out = translate({"messages": [user("q")], "reasoning_effort": effort}, model=model)
    assert out["output_config"] == {"effort": expected}


def test_explicit_budget_becomes_an_effort_on_adaptive_models() -> None:
    """Claude 4.7 rejects ``budget_tokens``; the budget's nearest effort is sent instead."""
    for budget, effort in ((5000, "medium"), (20000, "high"), (1024, "low")):
        body = {"messages": [user("q")], "thinking": {"type": "enabled", "budget_tokens": budget}}
        out = translate(body, model="claude-opus-4-7")
        assert out["thinking"] == {"type": "adaptive", "display": "summarized"}
        assert out["output_config"] == {"effort": effort}


def test_models_from_claude_4_7_get_no_sampling_even_without_thinking() -> None:
    body = {"messages": [user("q")], "temperature": 0.2, "top_p": 0.9, "top_k": 3}
    for model in ("claude-opus-4-7", "claude-sonnet-5", "claude-mythos-preview"):
        assert not {"temperature", "top_p", "top_k"} & set(translate(body, model=model))
    assert translate(body, model="claude-sonnet-4-6")["temperature"] == 0.2


def test_blocked_thinking_sends_no_effort_either() -> None:
    body = {
        "messages": [user("q")],
        "tools": [WEATHER],
        "tool_choice": "required",
        "reasoning_effort": "high",
    }
    out = translate(body, model="claude-opus-4-7")
    assert not {"thinking", "output_config"} & set(out)
    assert out["max_tokens"] == 8192


def test_models_without_a_claude_version_keep_the_classic_contract() -> None:
    body = {"messages": [user("q")], "reasoning_effort": "low"}
    out = translate(body, model="MiniMax-M2")
    assert out["thinking"] == {"type": "enabled", "budget_tokens": 1024}
    assert (
        translate({"messages": [user("q")], "temperature": 0.5}, model="glm-4.6")["temperature"]
        == 0.5
    )


# -- the other fields -----------------------------------------------------------------------


def test_sampling_fields() -> None:
    out = translate({"messages": [user("q")], "temperature": 1.7, "top_p": 0.5, "top_k": 40})
    assert (out["temperature"], out["top_k"]) == (1.0, 40)
    assert "top_p" not in out
    out = translate({"messages": [user("q")], "top_p": 0.5})
    assert out["top_p"] == 0.5
    assert "temperature" not in out


def test_stop_becomes_stop_sequences() -> None:
    assert translate({"messages": [user("q")], "stop": "END"})["stop_sequences"] == ["END"]
    out = translate({"messages": [user("q")], "stop": ["\n\n", "", "END"]})
    assert out["stop_sequences"] == ["\n\n", "END"]
    assert "stop_sequences" not in translate({"messages": [user("q")], "stop": None})


def test_max_tokens() -> None:
    body: dict[str, Any] = {"messages": [user("q")], "max_tokens": 100}
    assert translate(body)["max_tokens"] == 100
    assert translate({**body, "max_completion_tokens": 300})["max_tokens"] == 300
    assert translate({"messages": [user("q")], "max_tokens": 0})["max_tokens"] == 8192


def test_response_format_becomes_a_system_instruction() -> None:
    out = translate(
        {
            "messages": [{"role": "system", "content": "Be brief."}, user("q")],
            "response_format": {"type": "json_object"},
        }
    )
    assert out["system"] == [
        text("Be brief."),
        text(
            "Respond only with valid JSON. Do not wrap it in Markdown code fences and do not add "
            "any text before or after it."
        ),
    ]
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
    out = translate(
        {
            "messages": [user("q")],
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "count", "schema": schema, "strict": True},
            },
        }
    )
    assert out["system"] == [
        text(
            "Respond only with valid JSON matching this JSON schema named 'count': "
            '{"type":"object","properties":{"n":{"type":"integer"}}}. Do not wrap it in Markdown '
            "code fences and do not add any text before or after it."
        )
    ]
    assert "system" not in translate({"messages": [user("q")], "response_format": {"type": "text"}})


def test_user_becomes_metadata_user_id() -> None:
    assert translate({"messages": [user("q")], "user": "u-1"})["metadata"] == {"user_id": "u-1"}
    out = translate({"messages": [user("q")], "safety_identifier": "s-1"})
    assert out["metadata"] == {"user_id": "s-1"}
    assert "metadata" not in translate({"messages": [user("q")], "user": ""})


def test_openai_only_fields_are_dropped_and_stream_kept() -> None:
    body = {
        "model": "gpt-4o",
        "messages": [user("q")],
        "stream": True,
        "stream_options": {"include_usage": True},
        "n": 1,
        "logprobs": True,
        "top_logprobs": 2,
        "presence_penalty": 0.1,
        "frequency_penalty": 0.1,
        "logit_bias": {"1": 2},
        "seed": 7,
        "store": False,
        "service_tier": "auto",
        "metadata": {"app": "x"},
        "modalities": ["text"],
        "prediction": {"type": "content", "content": "x"},
        "verbosity": "low",
        "web_search_options": {},
    }
    assert translate(body) == claude({"role": "user", "content": [text("q")]}, stream=True)
    assert "stream" not in translate({"messages": [user("q")], "stream": False})
