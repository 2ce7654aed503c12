"""The OpenCode mock serves three wire formats on one host, each with its own credential rule.

Driven with the official ``openai`` SDK (chat completions, Responses) and ``anthropic`` SDK
(Messages, sending ``x-api-key`` only: this SDK sends its key as a Bearer token by default,
which is exactly the call OpenCode refuses), so every path is proven against its real client.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anthropic
import httpx
import openai
import pytest

from omniroute_plugin_testkit.mock import (
    GO_BASE_PATH,
    ZEN_BASE_PATH,
    AnthropicMessages,
    MockUpstream,
    OpenAIChat,
    OpenCode,
    is_free_model,
)
from omniroute_plugin_testkit.sse import parse_sse

KEY = "sk-opencode"
VERSION = {"anthropic-version": "2023-06-01"}
CHAT = {"model": "glm-5", "messages": [{"role": "user", "content": "hello zen"}]}
MESSAGES = {
    "model": "minimax-m2.7",
    "max_tokens": 64,
    "messages": [{"role": "user", "content": "hello zen"}],
}
RESPONSES = {"model": "gpt-5.6-luna", "input": "hello zen"}
OPENCODE_HEADERS = {
    "x-opencode-session": "ses_1",
    "x-opencode-request": "req_1",
    "x-opencode-project": "default",
    "x-opencode-client": "cli",
}


@pytest.fixture
def zen(make_mock_upstream: Callable[..., MockUpstream]) -> MockUpstream:
    return make_mock_upstream([OpenCode()], api_keys=[KEY])


def bearer(key: str = KEY) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def api_key(key: str = KEY) -> dict[str, str]:
    return {"x-api-key": key, **VERSION}


def post(mock: MockUpstream, path: str, body: Any, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(mock.base_url + path, json=body, headers=headers)


def claude_sdk(mock: MockUpstream, key: str = KEY) -> anthropic.Anthropic:
    """The ``anthropic`` SDK sending ``x-api-key`` and no ``Authorization``, as a gateway's
    Claude-format call to OpenCode must."""
    return anthropic.Anthropic(
        api_key="unused",
        base_url=mock.base_url.removesuffix("/v1"),
        default_headers={"x-api-key": key, "Authorization": anthropic.Omit()},
        max_retries=0,
    )


# -- one host, three formats -------------------------------------------------------------


def test_paths_live_under_the_zen_base(zen: MockUpstream) -> None:
    assert zen.base_url == zen.url + ZEN_BASE_PATH

    chat = post(zen, "/chat/completions", CHAT, bearer())
    messages = post(zen, "/messages", MESSAGES, api_key())
    responses = post(zen, "/responses", RESPONSES, bearer())

    assert chat.json()["choices"][0]["message"]["content"] == "echo: hello zen"
    assert messages.json()["content"] == [{"type": "text", "text": "echo: hello zen"}]
    assert responses.json()["output"][0]["content"][0]["text"] == "echo: hello zen"
    paths = [(r.path, r.model, r.key) for r in zen.requests]
    assert paths == [
        ("/zen/v1/chat/completions", "glm-5", KEY),
        ("/zen/v1/messages", "minimax-m2.7", KEY),
        ("/zen/v1/responses", "gpt-5.6-luna", KEY),
    ]


def test_the_go_base_path(make_mock_upstream: Callable[..., MockUpstream]) -> None:
    go = make_mock_upstream([OpenCode(base_path=GO_BASE_PATH)])

    served = post(go, "/chat/completions", CHAT, bearer())
    elsewhere = httpx.post(go.url + "/zen/v1/chat/completions", json=CHAT, headers=bearer())

    assert go.base_url.endswith("/zen/go/v1")
    assert served.status_code == 200
    assert elsewhere.status_code == 404


def test_openai_sdk_chat_json_and_stream(zen: MockUpstream) -> None:
    sdk = openai.OpenAI(api_key=KEY, base_url=zen.base_url, max_retries=0)

    answer = sdk.chat.completions.create(
        model="glm-5", messages=[{"role": "user", "content": "hi"}]
    )
    stream = sdk.chat.completions.create(
        model="kimi-k2.5", messages=[{"role": "user", "content": "hi"}], stream=True
    )
    text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)

    assert answer.choices[0].message.content == "echo: hi"
    assert text == "echo: hi"
    assert zen.last_request.header("authorization") == f"Bearer {KEY}"


def test_anthropic_sdk_messages_json_and_stream(zen: MockUpstream) -> None:
    sdk = claude_sdk(zen)
    messages: Any = [{"role": "user", "content": "hi"}]

    answer = sdk.messages.create(model="minimax-m2.7", max_tokens=64, messages=messages)
    with sdk.messages.stream(model="qwen3.6-plus", max_tokens=64, messages=messages) as stream:
        final = stream.get_final_message()

    assert answer.content[0].type == "text"
    assert answer.content[0].text == "echo: hi"
    assert final.content[0].type == "text"
    assert final.content[0].text == "echo: hi"
    recorded = zen.last_request
    assert recorded.path == "/zen/v1/messages"
    assert recorded.header("x-api-key") == KEY
    assert recorded.header("authorization") is None


def test_openai_sdk_responses_json_and_stream(zen: MockUpstream) -> None:
    sdk = openai.OpenAI(api_key=KEY, base_url=zen.base_url, max_retries=0)

    answer = sdk.responses.create(model="gpt-5.6-luna", input="hi")
    with sdk.responses.stream(model="gpt-5.6-luna", input="hi") as stream:
        final = stream.get_final_response()

    assert answer.output_text == final.output_text == "echo: hi"
    assert zen.last_request.path == "/zen/v1/responses"


def test_models_are_listed_to_anyone(zen: MockUpstream) -> None:
    response = httpx.get(zen.base_url + "/models")

    assert response.status_code == 200
    assert [model["id"] for model in response.json()["data"]] == list(zen.models)


def test_opencode_headers_are_recorded(zen: MockUpstream) -> None:
    post(zen, "/chat/completions", CHAT, {**bearer(), **OPENCODE_HEADERS})

    recorded = zen.last_request
    for name, value in OPENCODE_HEADERS.items():
        assert recorded.header(name) == value


# -- the credential rule -----------------------------------------------------------------


def test_a_claude_call_with_only_bearer_is_missing_its_api_key(zen: MockUpstream) -> None:
    response = post(zen, "/messages", MESSAGES, {**bearer(), **VERSION})

    assert response.status_code == 401
    assert response.json() == {
        "type": "error",
        "error": {"type": "authentication_error", "message": "Missing API key"},
    }


def test_the_default_anthropic_sdk_call_is_refused(zen: MockUpstream) -> None:
    """The anthropic SDK of this environment sends its key as a Bearer token: refused."""
    sdk = anthropic.Anthropic(api_key=KEY, base_url=zen.url + "/zen", max_retries=0)

    with pytest.raises(anthropic.AuthenticationError, match="Missing API key"):
        sdk.messages.create(
            model="minimax-m2.7", max_tokens=64, messages=[{"role": "user", "content": "hi"}]
        )


@pytest.mark.parametrize(
    ("path", "body"),
    [("/chat/completions", CHAT), ("/responses", RESPONSES)],
    ids=["chat", "responses"],
)
def test_other_paths_want_bearer_not_x_api_key(
    zen: MockUpstream, path: str, body: dict[str, Any]
) -> None:
    response = post(zen, path, body, api_key())

    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Missing API key"


@pytest.mark.parametrize(
    ("path", "body", "headers"),
    [
        ("/chat/completions", CHAT, bearer("sk-wrong")),
        ("/messages", MESSAGES, api_key("sk-wrong")),
        ("/responses", RESPONSES, bearer("sk-wrong")),
    ],
    ids=["chat", "messages", "responses"],
)
def test_unknown_keys_are_refused(
    zen: MockUpstream, path: str, body: dict[str, Any], headers: dict[str, str]
) -> None:
    response = post(zen, path, body, headers)

    assert response.status_code == 401
    assert zen.last_request.key == "sk-wrong"


@pytest.mark.parametrize(
    ("path", "body", "headers"),
    [
        ("/chat/completions", {**CHAT, "model": "glm-4.7-free"}, {}),
        ("/messages", {**MESSAGES, "model": "minimax-m2.5-free"}, VERSION),
        ("/responses", {**RESPONSES, "model": "big-pickle"}, {}),
        ("/chat/completions", {**CHAT, "model": "big-pickle"}, bearer("public")),
        ("/messages", {**MESSAGES, "model": "minimax-m2.5-free"}, api_key("public")),
    ],
    ids=["chat", "messages", "responses", "chat-public-key", "messages-public-key"],
)
def test_free_models_need_no_key(
    zen: MockUpstream, path: str, body: dict[str, Any], headers: dict[str, str]
) -> None:
    response = post(zen, path, body, headers)

    assert response.status_code == 200, response.text
    assert zen.last_request.key is None


@pytest.mark.parametrize("headers", [{}, bearer("public")], ids=["no-key", "public-key"])
def test_paid_models_need_a_key(zen: MockUpstream, headers: dict[str, str]) -> None:
    response = post(zen, "/chat/completions", CHAT, headers)

    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Missing API key"


def test_a_mock_without_api_keys_still_wants_one(
    make_mock_upstream: Callable[..., MockUpstream],
) -> None:
    zen = make_mock_upstream([OpenCode()])

    assert post(zen, "/chat/completions", CHAT, bearer("any")).status_code == 200
    assert post(zen, "/chat/completions", CHAT, {}).status_code == 401


def test_free_models_are_configurable(make_mock_upstream: Callable[..., MockUpstream]) -> None:
    zen = make_mock_upstream([OpenCode(free_models={"glm-5"}, anonymous_key=None)])

    free = post(zen, "/chat/completions", CHAT, {})
    public = post(zen, "/chat/completions", {**CHAT, "model": "kimi-k2.5"}, bearer("public"))

    assert free.status_code == 200
    assert public.status_code == 200, "with no anonymous key, 'public' is a key like any"
    assert zen.last_request.key == "public"
    assert is_free_model("minimax-m2.5-free")
    assert not is_free_model("minimax-m2.7")


def test_each_path_keeps_its_apis_strictness(zen: MockUpstream) -> None:
    no_version = post(zen, "/messages", MESSAGES, {"x-api-key": KEY})
    stream_options = post(zen, "/messages", {**MESSAGES, "stream_options": {}}, api_key())
    client_metadata = post(zen, "/responses", {**RESPONSES, "client_metadata": {}}, bearer())

    assert no_version.json()["error"]["message"] == "anthropic-version: header is required"
    assert stream_options.json()["error"]["message"] == (
        "stream_options: Extra inputs are not permitted"
    )
    assert client_metadata.json()["error"]["message"] == "Unknown parameter: 'client_metadata'."


# -- faults ------------------------------------------------------------------------------


def test_faults_answer_in_each_paths_shape(zen: MockUpstream) -> None:
    zen.inject(status=429, headers={"Retry-After": "2"}, times=3)

    chat = post(zen, "/chat/completions", CHAT, bearer())
    messages = post(zen, "/messages", MESSAGES, api_key())
    responses = post(zen, "/responses", RESPONSES, bearer())

    assert [r.status_code for r in (chat, messages, responses)] == [429, 429, 429]
    assert chat.json()["error"]["code"] == "rate_limit_exceeded"
    assert messages.json()["error"]["type"] == "rate_limit_error"
    assert responses.json()["error"]["code"] == "rate_limit_exceeded"
    assert messages.headers["retry-after"] == "2"


def test_garbage_streams_are_each_paths_garbage(zen: MockUpstream) -> None:
    zen.inject(garbage=True, times=2)

    chat = post(zen, "/chat/completions", {**CHAT, "stream": True}, bearer())
    messages = post(zen, "/messages", {**MESSAGES, "stream": True}, api_key())

    assert chat.content == OpenAIChat.garbage_event
    assert messages.content == AnthropicMessages.garbage_event


def test_faults_target_a_model_across_paths(zen: MockUpstream) -> None:
    zen.inject(status=503, when_model="minimax-m2.7", times=None)

    failed = post(zen, "/messages", MESSAGES, api_key())
    served = post(zen, "/chat/completions", {**CHAT, "stream": True}, bearer())

    assert failed.status_code == 503
    assert failed.json()["error"]["type"] == "api_error"
    assert parse_sse(served.text)[-1].done
