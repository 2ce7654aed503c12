"""Golden tests: OpenAI Chat request → Responses API request, one rule at a time.

Every translated request is validated against the ``openai`` SDK's ``ResponseCreateParams``
types (``sdk_checked``), unknown fields included.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from test_responses_upstream_script import sdk_checked

from omniroute import InvalidRequest
from omniroute.builtin.responses.upstream import ResponsesUpstreamTranslator
from omniroute.builtin.responses.upstream.items import MAX_CALL_ID, MISSING_OUTPUT

TRANSLATOR = ResponsesUpstreamTranslator()
MODEL = "gpt-5.1-codex"
USER = {"role": "user", "content": "What's the weather in Paris?"}
WEATHER: Any = {
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


def translate(**chat: Any) -> dict[str, Any]:
    """The Responses request for a Chat request with ``chat`` fields, checked by the SDK."""
    chat.setdefault("messages", [USER])
    before = copy.deepcopy(chat)
    out = TRANSLATOR.request({"model": "client-model", **chat}, MODEL)
    assert chat == before, "the client's body must not be changed"
    return sdk_checked(out)


def user_text(text: str) -> dict[str, Any]:
    return {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}


# -- the envelope ---------------------------------------------------------------------------


def test_minimal_request_golden() -> None:
    assert translate() == {
        "model": MODEL,
        "input": [user_text("What's the weather in Paris?")],
        "store": False,
    }


def test_stream_flag_and_nothing_for_include_usage() -> None:
    out = translate(stream=True, stream_options={"include_usage": True})
    assert out["stream"] is True
    assert "stream_options" not in out
    assert "stream" not in translate(stream=False)


def test_store_is_always_false() -> None:
    assert translate(store=True)["store"] is False


@pytest.mark.parametrize(
    ("chat", "expected"),
    [
        ({"max_tokens": 300}, 300),
        ({"max_completion_tokens": 500, "max_tokens": 300}, 500),
        ({"max_tokens": 1}, 16),  # the API's minimum; probes with max_tokens 1 would fail
    ],
)
def test_output_limit(chat: dict[str, Any], expected: int) -> None:
    assert translate(**chat)["max_output_tokens"] == expected


def test_sampling_and_identity_fields_pass_through() -> None:
    fields = {
        "temperature": 0.2,
        "top_p": 0.9,
        "metadata": {"run": "7"},
        "user": "user-42",
        "safety_identifier": "hash-42",
        "prompt_cache_key": "thread-1",
        "prompt_cache_retention": "24h",
        "service_tier": "flex",
    }
    out = translate(**fields)
    assert {key: out[key] for key in fields} == fields


def test_fields_the_responses_api_lacks_are_dropped() -> None:
    out = translate(
        stop=["\n\n"],
        seed=7,
        logprobs=True,
        top_logprobs=3,
        presence_penalty=0.5,
        frequency_penalty=0.5,
        logit_bias={"50256": -100},
        n=1,
        modalities=["text"],
    )
    assert set(out) == {"model", "input", "store"}


def test_more_than_one_choice_is_refused() -> None:
    with pytest.raises(InvalidRequest, match="n > 1"):
        translate(n=2)


# -- reasoning and output format --------------------------------------------------------------


@pytest.mark.parametrize("effort", ["minimal", "low", "medium", "high", "xhigh"])
def test_reasoning_effort_asks_for_a_summary(effort: str) -> None:
    assert translate(reasoning_effort=effort)["reasoning"] == {"effort": effort, "summary": "auto"}


def test_reasoning_effort_none_asks_for_no_summary() -> None:
    assert translate(reasoning_effort="none")["reasoning"] == {"effort": "none"}


def test_json_schema_moves_up_into_text_format() -> None:
    schema = {
        "type": "object",
        "properties": {"answer": {"type": "string"}},
        "required": ["answer"],
        "additionalProperties": False,
    }
    spec = {"name": "answer", "description": "An answer", "schema": schema, "strict": True}
    response_format = {"type": "json_schema", "json_schema": spec}
    out = translate(response_format=response_format, verbosity="low")
    assert out["text"] == {
        "format": {
            "type": "json_schema",
            "name": "answer",
            "schema": schema,
            "description": "An answer",
            "strict": True,
        },
        "verbosity": "low",
    }


@pytest.mark.parametrize(
    ("response_format", "expected"),
    [
        ({"type": "json_object"}, {"type": "json_object"}),
        ({"type": "text"}, {"type": "text"}),
        ({"type": "json_schema", "json_schema": {"name": "x"}}, {"type": "json_object"}),
    ],
)
def test_other_response_formats(response_format: dict[str, Any], expected: Any) -> None:
    assert translate(response_format=response_format)["text"] == {"format": expected}


# -- tools ----------------------------------------------------------------------------------


def test_function_tools_are_flattened_and_not_strict_by_default() -> None:
    out = translate(tools=[WEATHER], tool_choice="auto", parallel_tool_calls=False)
    assert out["tools"] == [
        {
            "type": "function",
            "name": "get_weather",
            "parameters": WEATHER["function"]["parameters"],
            "strict": False,
            "description": "Weather for a city",
        }
    ]
    assert out["tool_choice"] == "auto"
    assert out["parallel_tool_calls"] is False


def test_strict_tools_stay_strict_and_parameters_default_to_an_empty_object() -> None:
    tool = {"type": "function", "function": {"name": "now", "strict": True}}
    assert translate(tools=[tool])["tools"] == [
        {
            "type": "function",
            "name": "now",
            "parameters": {"type": "object", "properties": {}},
            "strict": True,
        }
    ]


def test_named_tool_choice_is_flattened() -> None:
    choice = {"type": "function", "function": {"name": "get_weather"}}
    assert translate(tools=[WEATHER], tool_choice=choice)["tool_choice"] == {
        "type": "function",
        "name": "get_weather",
    }


@pytest.mark.parametrize("choice", ["none", "required"])
def test_string_tool_choices_pass(choice: str) -> None:
    assert translate(tools=[WEATHER], tool_choice=choice)["tool_choice"] == choice


@pytest.mark.parametrize(
    "choice",
    [
        {"type": "function", "function": {"name": "not_a_tool"}},
        {
            "type": "allowed_tools",
            "allowed_tools": {"mode": "auto", "tools": [WEATHER]},
        },
    ],
)
def test_unusable_tool_choice_is_left_to_the_upstream(choice: Any) -> None:
    assert "tool_choice" not in translate(tools=[WEATHER], tool_choice=choice)


def test_non_function_tools_are_dropped_and_choices_follow_the_tools() -> None:
    custom = {"type": "custom", "custom": {"name": "patch"}}
    out = translate(tools=[custom], tool_choice="required", parallel_tool_calls=True)
    assert not {"tools", "tool_choice", "parallel_tool_calls"} & set(out)


def test_function_tool_without_a_name_is_refused() -> None:
    with pytest.raises(InvalidRequest, match="function name"):
        translate(tools=[{"type": "function", "function": {"description": "x"}}])


# -- system and developer messages --------------------------------------------------------------


def test_leading_system_and_developer_messages_become_instructions() -> None:
    out = translate(
        messages=[
            {"role": "system", "content": "You are terse."},
            {"role": "developer", "content": [{"type": "text", "text": "Answer in French."}]},
            USER,
        ]
    )
    assert out["instructions"] == "You are terse.\n\nAnswer in French."
    assert out["input"] == [user_text("What's the weather in Paris?")]


def test_later_system_messages_stay_in_place_as_developer_messages() -> None:
    out = translate(messages=[USER, {"role": "system", "content": "Reminder: be brief."}, USER])
    assert "instructions" not in out
    assert out["input"][1] == {
        "type": "message",
        "role": "developer",
        "content": [{"type": "input_text", "text": "Reminder: be brief."}],
    }


def test_system_messages_carry_only_text() -> None:
    image = {"type": "image_url", "image_url": {"url": "https://x.test/a.png"}}
    with pytest.raises(InvalidRequest, match="only carry text"):
        translate(messages=[{"role": "system", "content": [image]}, USER])


# -- user content ---------------------------------------------------------------------------


def test_user_content_parts() -> None:
    parts = [
        {"type": "text", "text": "Compare these."},
        "and this",
        {"type": "image_url", "image_url": {"url": "https://x.test/a.png"}},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBO", "detail": "low"}},
        {
            "type": "file",
            "file": {"file_data": "data:application/pdf;base64,JVBE", "filename": "a.pdf"},
        },
        {"type": "file", "file": {"file_id": "file-abc"}},
    ]
    (message,) = translate(messages=[{"role": "user", "content": parts}])["input"]
    assert message["content"] == [
        {"type": "input_text", "text": "Compare these."},
        {"type": "input_text", "text": "and this"},
        {"type": "input_image", "image_url": "https://x.test/a.png", "detail": "auto"},
        {"type": "input_image", "image_url": "data:image/png;base64,iVBO", "detail": "low"},
        {
            "type": "input_file",
            "file_data": "data:application/pdf;base64,JVBE",
            "filename": "a.pdf",
        },
        {"type": "input_file", "file_id": "file-abc"},
    ]


@pytest.mark.parametrize(
    ("part", "error"),
    [
        ({"type": "image_url", "image_url": {}}, "need a url"),
        ({"type": "file", "file": {"filename": "a.pdf"}}, "file_data or a file_id"),
        ({"type": "video_url", "video_url": "x"}, "'video_url'"),
        ({"type": "input_audio", "input_audio": {"data": "UklGR", "format": "wav"}}, "audio"),
        (42, "must be objects"),
    ],
)
def test_unusable_user_parts_are_refused(part: Any, error: str) -> None:
    with pytest.raises(InvalidRequest, match=error):
        translate(messages=[{"role": "user", "content": [part]}])


# -- assistant turns and tool results ---------------------------------------------------------


def test_tool_round_trip_golden() -> None:
    call = {
        "id": "call_WQ7Lz9",
        "type": "function",
        "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
    }
    out = translate(
        messages=[
            USER,
            {
                "role": "assistant",
                "content": "Let me check.",
                "reasoning_content": "Need the weather tool.",
                "tool_calls": [call],
            },
            {"role": "tool", "tool_call_id": "call_WQ7Lz9", "content": "18°C, sunny"},
            {"role": "assistant", "content": [{"type": "text", "text": "It's 18°C."}]},
            {"role": "user", "content": "Thanks"},
        ],
        tools=[WEATHER],
    )
    assert out["input"] == [
        user_text("What's the weather in Paris?"),
        {
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "Let me check."}],
        },
        {
            "type": "function_call",
            "call_id": "call_WQ7Lz9",
            "name": "get_weather",
            "arguments": '{"city":"Paris"}',
        },
        {"type": "function_call_output", "call_id": "call_WQ7Lz9", "output": "18°C, sunny"},
        {
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "It's 18°C."}],
        },
        user_text("Thanks"),
    ]


def call(id_: str, name: str = "get_weather", arguments: str = '{"city":"Paris"}') -> Any:
    return {"id": id_, "type": "function", "function": {"name": name, "arguments": arguments}}


def items_of(messages: list[Any]) -> list[tuple[str, str]]:
    """``(type, call_id)`` of the tool items of the translated conversation."""
    out = translate(messages=messages)
    return [(item["type"], item.get("output", "")) for item in out["input"] if "call_id" in item]


def test_results_follow_their_calls_in_call_order() -> None:
    messages = [
        USER,
        {"role": "assistant", "content": None, "tool_calls": [call("call_A"), call("call_B")]},
        {"role": "tool", "tool_call_id": "call_B", "content": "B"},
        {"role": "tool", "tool_call_id": "call_A", "content": [{"type": "text", "text": "A"}]},
    ]
    assert items_of(messages) == [
        ("function_call", ""),
        ("function_call", ""),
        ("function_call_output", "A"),
        ("function_call_output", "B"),
    ]


def test_unanswered_calls_get_an_output_and_orphan_results_are_dropped() -> None:
    messages = [
        {"role": "tool", "tool_call_id": "call_gone", "content": "compacted away"},
        USER,
        {"role": "assistant", "tool_calls": [call("call_A")]},
        {"role": "user", "content": "never mind"},
    ]
    assert items_of(messages) == [("function_call", ""), ("function_call_output", MISSING_OUTPUT)]


def test_a_result_answers_once() -> None:
    messages = [
        USER,
        {"role": "assistant", "tool_calls": [call("call_A")]},
        {"role": "tool", "tool_call_id": "call_A", "content": "first"},
        {"role": "tool", "tool_call_id": "call_A", "content": "second"},
    ]
    assert items_of(messages) == [("function_call", ""), ("function_call_output", "first")]


def test_empty_arguments_become_an_empty_object() -> None:
    out = translate(
        messages=[USER, {"role": "assistant", "tool_calls": [call("call_A", "now", "")]}]
    )
    assert out["input"][1]["arguments"] == "{}"


def test_long_call_ids_are_shortened_the_same_way_for_call_and_output() -> None:
    long_a = "toolu_" + "a" * 80 + "_1"
    long_b = "toolu_" + "a" * 80 + "_2"
    messages = [
        USER,
        {"role": "assistant", "tool_calls": [call(long_a), call(long_b)]},
        {"role": "tool", "tool_call_id": long_a, "content": "A"},
        {"role": "tool", "tool_call_id": long_b, "content": "B"},
    ]
    ids = [item["call_id"] for item in translate(messages=messages)["input"][1:]]
    assert all(len(id_) <= MAX_CALL_ID for id_ in ids)
    assert ids[0] == ids[2] != ids[1] == ids[3]
    assert ids[0].startswith("toolu_aaa")


def test_assistant_refusals_and_empty_turns() -> None:
    refusal = {"type": "refusal", "refusal": "I can't."}
    out = translate(
        messages=[
            USER,
            {"role": "assistant", "content": [refusal, {"type": "image_url", "image_url": "x"}]},
            {"role": "assistant", "content": ""},
            USER,
        ]
    )
    assert out["input"][1:3] == [
        {
            "type": "message",
            "role": "assistant",
            "content": [{"type": "refusal", "refusal": "I can't."}],
        },
        user_text("What's the weather in Paris?"),
    ]


@pytest.mark.parametrize(
    ("messages", "error"),
    [
        ("hello", "must be an array"),
        (["hello"], "must be an object"),
        ([{"role": "function", "name": "f", "content": "x"}], "'function'"),
        ([{"role": "tool", "content": "x"}], "need an id"),
        ([USER, {"role": "assistant", "tool_calls": [{"id": "call_1"}]}], "function name"),
        ([{"role": "user", "content": {"text": "x"}}], "string or an array"),
    ],
)
def test_malformed_conversations_are_refused(messages: Any, error: str) -> None:
    with pytest.raises(InvalidRequest, match=error):
        TRANSLATOR.request({"messages": messages}, MODEL)
