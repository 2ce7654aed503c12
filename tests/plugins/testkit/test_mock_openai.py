"""The OpenAI mock speaks the real Chat Completions wire format.

Checked twice: with raw HTTP (exact JSON and SSE shapes) and with the official ``openai``
SDK, whose parsers are the real arbiter of "compatible".
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import openai
import pytest

from omniroute_plugin_testkit.mock import MockUpstream
from omniroute_plugin_testkit.sse import parse_sse

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "days": {"type": "integer"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["city"],
        },
    },
}


def chat(mock: MockUpstream, body: dict[str, Any], key: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.post(f"{mock.base_url}/chat/completions", json=body, headers=headers)


def user(content: Any, **extra: Any) -> dict[str, Any]:
    return {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": content}], **extra}


def test_completion_echoes_the_last_user_message(mock_upstream: MockUpstream) -> None:
    body = {
        "model": "gpt-4o",
        "messages": [
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": "first question"},
            {"role": "assistant", "content": "first answer"},
            {"role": "user", "content": "hello there"},
        ],
    }
    answer = chat(mock_upstream, body).json()

    assert answer["object"] == "chat.completion"
    assert answer["model"] == "gpt-4o"
    choice = answer["choices"][0]
    assert choice["message"] == {
        "role": "assistant",
        "content": "echo: hello there",
        "refusal": None,
    }
    assert choice["finish_reason"] == "stop"
    assert answer["usage"] == {"prompt_tokens": 8, "completion_tokens": 3, "total_tokens": 11}


def test_multimodal_parts_are_accepted_and_named(mock_upstream: MockUpstream) -> None:
    parts = [
        {"type": "text", "text": "what is this"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
    ]
    answer = chat(mock_upstream, user(parts)).json()

    assert answer["choices"][0]["message"]["content"] == "echo: what is this [image_url]"


def test_max_tokens_truncates_with_length_stop(mock_upstream: MockUpstream) -> None:
    answer = chat(mock_upstream, user("one two three four", max_tokens=2)).json()

    assert answer["choices"][0]["message"]["content"] == "echo: one"
    assert answer["choices"][0]["finish_reason"] == "length"
    assert answer["usage"]["completion_tokens"] == 2


def test_stream_has_role_deltas_finish_usage_and_done(mock_upstream: MockUpstream) -> None:
    body = user("hello there", stream=True, stream_options={"include_usage": True})
    response = chat(mock_upstream, body)

    assert response.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(response.text)
    assert events[-1].done
    chunks = [event.json() for event in events[:-1]]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    assert text == "echo: hello there"
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["choices"] == []
    assert chunks[-1]["usage"] == {"prompt_tokens": 2, "completion_tokens": 3, "total_tokens": 5}
    assert all(c["usage"] is None for c in chunks[:-1])


def test_stream_without_include_usage_has_no_usage(mock_upstream: MockUpstream) -> None:
    events = parse_sse(chat(mock_upstream, user("hi", stream=True)).text)

    chunks = [event.json() for event in events if not event.done]
    assert all("usage" not in c for c in chunks)
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"


def test_tools_make_a_deterministic_tool_call(mock_upstream: MockUpstream) -> None:
    answer = chat(mock_upstream, user("weather in Paris", tools=[WEATHER_TOOL])).json()

    choice = answer["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"]["content"] is None
    (call,) = choice["message"]["tool_calls"]
    assert call["type"] == "function"
    assert call["id"].startswith("call_")
    assert call["function"]["name"] == "get_weather"
    arguments = json.loads(call["function"]["arguments"])
    assert arguments == {"city": "weather in Paris", "days": 3, "unit": "celsius"}
    again = chat(mock_upstream, user("weather in Paris", tools=[WEATHER_TOOL])).json()
    assert again["choices"][0]["message"]["tool_calls"][0]["id"] == call["id"]


def test_tool_choice_none_answers_with_text(mock_upstream: MockUpstream) -> None:
    answer = chat(mock_upstream, user("hi", tools=[WEATHER_TOOL], tool_choice="none")).json()

    assert answer["choices"][0]["message"]["content"] == "echo: hi"


def test_forced_tool_choice_calls_that_tool(mock_upstream: MockUpstream) -> None:
    other = {"type": "function", "function": {"name": "noop", "parameters": {}}}
    forced = {"type": "function", "function": {"name": "get_weather"}}
    body = user("Oslo", tools=[other, WEATHER_TOOL], tool_choice=forced)

    call = chat(mock_upstream, body).json()["choices"][0]["message"]["tool_calls"][0]

    assert call["function"]["name"] == "get_weather"


def test_tool_result_turns_into_a_text_answer(mock_upstream: MockUpstream) -> None:
    first = chat(mock_upstream, user("weather in Paris", tools=[WEATHER_TOOL])).json()
    assistant = first["choices"][0]["message"]
    call_id = assistant["tool_calls"][0]["id"]
    body = user("weather in Paris", tools=[WEATHER_TOOL])
    body["messages"] += [assistant, {"role": "tool", "tool_call_id": call_id, "content": "sunny"}]

    answer = chat(mock_upstream, body).json()

    assert answer["choices"][0]["message"]["content"] == "tool result: sunny"
    assert answer["choices"][0]["finish_reason"] == "stop"


def test_streamed_tool_call_spreads_arguments_over_chunks(mock_upstream: MockUpstream) -> None:
    body = user("weather in Paris", tools=[WEATHER_TOOL], stream=True)
    events = parse_sse(chat(mock_upstream, body).text)

    chunks = [event.json() for event in events if not event.done]
    deltas = [c["choices"][0]["delta"] for c in chunks]
    opening = deltas[0]["tool_calls"][0]
    assert (opening["index"], opening["function"]["name"]) == (0, "get_weather")
    pieces = [d["tool_calls"][0]["function"]["arguments"] for d in deltas[1:] if "tool_calls" in d]
    assert len(pieces) > 2
    assert all(d["tool_calls"][0]["index"] == 0 for d in deltas if "tool_calls" in d)
    assert json.loads("".join(pieces))["city"] == "weather in Paris"
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"


@pytest.mark.parametrize(
    ("body", "param", "message"),
    [
        ({"messages": [{"role": "user", "content": "x"}]}, None, "you must provide a model"),
        ({"model": "gpt-4o"}, "messages", "Missing required parameter: 'messages'"),
        ({"model": "gpt-4o", "messages": []}, "messages", "empty array"),
        ({"model": "gpt-4o", "messages": [{"role": "robot"}]}, "messages[0].role", "Invalid"),
        (
            {"model": "gpt-4o", "messages": [{"role": "tool", "content": "x"}]},
            "messages[0].tool_call_id",
            "tool_call_id",
        ),
        (user("x", stream_options={"include_usage": True}), "stream_options", "only allowed"),
    ],
)
def test_invalid_bodies_get_openai_400s(
    mock_upstream: MockUpstream, body: dict[str, Any], param: str | None, message: str
) -> None:
    response = chat(mock_upstream, body)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["param"] == param
    assert message in error["message"]


def test_invalid_json_gets_a_400(mock_upstream: MockUpstream) -> None:
    response = httpx.post(f"{mock_upstream.base_url}/chat/completions", content=b"{nope")

    assert response.status_code == 400
    assert "could not parse the JSON body" in response.json()["error"]["message"]


def test_expected_keys_are_enforced(mock_upstream: MockUpstream) -> None:
    mock_upstream.api_keys = frozenset({"sk-good"})

    missing = chat(mock_upstream, user("hi"))
    wrong = chat(mock_upstream, user("hi"), key="sk-bad")
    good = chat(mock_upstream, user("hi"), key="sk-good")

    assert (missing.status_code, wrong.status_code, good.status_code) == (401, 401, 200)
    assert wrong.json()["error"]["code"] == "invalid_api_key"
    assert [r.key for r in mock_upstream.requests] == [None, "sk-bad", "sk-good"]


def test_models_are_listed(mock_upstream: MockUpstream) -> None:
    listing = httpx.get(f"{mock_upstream.base_url}/models").json()

    assert listing["object"] == "list"
    assert [m["id"] for m in listing["data"]] == list(mock_upstream.models)


def test_unknown_paths_are_404_and_still_recorded(mock_upstream: MockUpstream) -> None:
    response = httpx.post(f"{mock_upstream.url}/v2/elsewhere?x=1", json={"a": 1})

    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Invalid URL (POST /v2/elsewhere)"
    recorded = mock_upstream.last_request
    assert (recorded.path, recorded.query, recorded.json) == ("/v2/elsewhere", {"x": "1"}, {"a": 1})


# -- the official SDK --------------------------------------------------------------------


@pytest.fixture
def sdk(mock_upstream: MockUpstream) -> openai.OpenAI:
    mock_upstream.api_keys = frozenset({"sk-sdk"})
    return openai.OpenAI(api_key="sk-sdk", base_url=mock_upstream.base_url, max_retries=0)


def test_sdk_completion(sdk: openai.OpenAI) -> None:
    completion = sdk.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "hello sdk"}]
    )

    assert completion.choices[0].message.content == "echo: hello sdk"
    assert completion.usage is not None
    assert completion.usage.total_tokens == 5


def test_sdk_stream_with_usage(sdk: openai.OpenAI) -> None:
    stream = sdk.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "stream me please"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)

    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "echo: stream me please"
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens == 4


def test_sdk_tool_call_round_trip(sdk: openai.OpenAI) -> None:
    messages: list[Any] = [{"role": "user", "content": "weather in Rome"}]
    first = sdk.chat.completions.create(
        model="gpt-4o",
        messages=messages,
        tools=[WEATHER_TOOL],  # type: ignore[list-item]
    )
    calls = first.choices[0].message.tool_calls
    assert calls is not None
    call = calls[0]
    assert call.type == "function"
    assert call.function.name == "get_weather"

    messages += [
        first.choices[0].message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": call.id, "content": "21 degrees"},
    ]
    second = sdk.chat.completions.create(
        model="gpt-4o",
        messages=messages,
        tools=[WEATHER_TOOL],  # type: ignore[list-item]
    )

    assert second.choices[0].message.content == "tool result: 21 degrees"


def test_sdk_streamed_tool_call(sdk: openai.OpenAI) -> None:
    with sdk.chat.completions.stream(
        model="gpt-4o",
        messages=[{"role": "user", "content": "weather in Rome"}],
        tools=[WEATHER_TOOL],  # type: ignore[list-item]
    ) as stream:
        final = stream.get_final_completion()

    calls = final.choices[0].message.tool_calls
    assert calls is not None
    assert json.loads(calls[0].function.arguments)["city"] == "weather in Rome"
    assert final.choices[0].finish_reason == "tool_calls"


def test_sdk_models(sdk: openai.OpenAI) -> None:
    assert "gpt-4o" in [model.id for model in sdk.models.list()]


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, openai.BadRequestError),
        (401, openai.AuthenticationError),
        (429, openai.RateLimitError),
        (500, openai.InternalServerError),
        (503, openai.InternalServerError),
    ],
)
def test_sdk_parses_injected_errors(
    sdk: openai.OpenAI, mock_upstream: MockUpstream, status: int, error: type[Exception]
) -> None:
    mock_upstream.inject(status=status, message="scripted failure")

    with pytest.raises(error) as caught:
        sdk.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}])

    assert isinstance(caught.value, openai.APIStatusError)
    assert caught.value.status_code == status
    assert caught.value.message.endswith("scripted failure")


def test_sdk_sees_a_cut_stream_as_an_error(sdk: openai.OpenAI, mock_upstream: MockUpstream) -> None:
    mock_upstream.inject(cut_after=2)
    stream = sdk.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "a b c d"}], stream=True
    )

    with pytest.raises(openai.APIConnectionError):
        list(stream)
