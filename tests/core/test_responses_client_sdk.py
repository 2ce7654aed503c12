"""The official ``openai`` SDK reads what the ``openai-responses -> openai`` translator makes.

An ``httpx2.MockTransport`` (httpx2 is the SDK's HTTP library) stands in for the gateway: it
translates the SDK's real ``/responses`` request with ``request``, plays a scripted Chat
upstream answer through ``stream``/``response`` and returns the resulting bytes. The SDK's
own response parser and stream accumulator (``get_final_response``) then have the last word
on whether the output is valid Responses.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx2
import openai
import orjson
import pytest
from openai.types.responses import Response, ResponseFunctionToolCall, ResponseOutputMessage

from omniroute import GatewayError
from omniroute.builtin.responses.client import ResponsesClientTranslator
from omniroute_plugin_testkit.chat import chat_chunk as chunk
from omniroute_plugin_testkit.chat import tool_call_delta as call

T = ResponsesClientTranslator()
MODEL = "oai/gpt-4.1"  # the gateway model name a Responses client asks for
Script = list[dict[str, Any] | None] | dict[str, Any]


class Upstream:
    """A scripted Chat upstream behind the translator; records the translated requests."""

    def __init__(self, answer: Script) -> None:
        self.answer = answer
        self.requests: list[dict[str, Any]] = []

    def client(self) -> openai.OpenAI:
        http = httpx2.Client(transport=httpx2.MockTransport(self.handle))
        return openai.OpenAI(
            api_key="sk-gateway", base_url="http://gateway/v1", http_client=http, max_retries=0
        )

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        assert request.url.path == "/v1/responses"
        body = orjson.loads(request.content)
        try:
            self.requests.append(T.request(body, "gpt-4.1"))
        except GatewayError as exc:  # the gateway answers a refused request in OpenAI's shape
            error = {"message": exc.message, "type": exc.type, "code": exc.code}
            return httpx2.Response(exc.status, json={"error": error})
        if isinstance(self.answer, dict):
            return httpx2.Response(200, json=T.response(self.answer, body["model"]))
        headers = {"content-type": "text/event-stream"}
        return httpx2.Response(200, headers=headers, content=self.frames(body["model"]))

    def frames(self, model: str) -> Iterator[bytes]:
        assert isinstance(self.answer, list)
        stream = T.stream(model, include_usage=False)
        for item in self.answer:
            yield from stream.feed(None, item)
        yield from stream.finish()


def usage(prompt: int, completion: int, cached: int = 0) -> dict[str, Any]:
    details = {"cached_tokens": cached}
    return {
        "id": "chatcmpl-sdk",
        "choices": [],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "prompt_tokens_details": details,
        },
    }


def completion(message: dict[str, Any], finish: str = "stop") -> dict[str, Any]:
    return {
        "id": "chatcmpl-json",
        "object": "chat.completion",
        "created": 1700000000,
        "choices": [
            {"index": 0, "message": {"role": "assistant", **message}, "finish_reason": finish}
        ],
        "usage": {"prompt_tokens": 20, "completion_tokens": 7},
    }


TOOLS: list[Any] = [
    {
        "type": "function",
        "name": "read",
        "description": "Read a file",
        "parameters": {
            "type": "object",
            "properties": {"path": {"type": "string"}},
            "required": ["path"],
            "additionalProperties": False,
        },
        "strict": True,
    }
]
TOOL_STREAM: list[dict[str, Any] | None] = [
    chunk({"role": "assistant", "content": ""}),
    chunk({"reasoning_content": "Need both "}),
    chunk({"reasoning_content": "files."}),
    chunk({"content": "Reading."}),
    chunk({"tool_calls": [call(0, '{"pa', "call_1", "read")]}),
    chunk({"tool_calls": [call(0, 'th": "a.py"}')]}),
    chunk({"tool_calls": [call(1, "", "call_2", "read")]}),
    chunk({"tool_calls": [call(1, '{"path": ')]}),
    chunk({"tool_calls": [call(1, '"b.py"}')]}, "tool_calls"),
    usage(5000, 60, cached=4096),
    None,
]


def test_create_text() -> None:
    upstream = Upstream(completion({"content": "Hello!"}))
    response = upstream.client().responses.create(
        model=MODEL, instructions="Be nice.", input="hi", max_output_tokens=100
    )
    assert isinstance(response, Response)
    assert response.output_text == "Hello!"
    assert response.status == "completed"
    assert response.model == MODEL
    assert response.usage is not None
    assert (response.usage.input_tokens, response.usage.output_tokens) == (20, 7)
    assert upstream.requests[0]["messages"] == [
        {"role": "system", "content": "Be nice."},
        {"role": "user", "content": "hi"},
    ]
    assert upstream.requests[0]["max_tokens"] == 100


def test_create_function_call() -> None:
    upstream = Upstream(
        completion(
            {
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_9",
                        "type": "function",
                        "function": {"name": "read", "arguments": '{"path": "c"}'},
                    }
                ],
            },
            "tool_calls",
        )
    )
    response = upstream.client().responses.create(model=MODEL, input="read c", tools=TOOLS)
    (item,) = response.output
    assert isinstance(item, ResponseFunctionToolCall)
    assert (item.call_id, item.name, item.arguments) == ("call_9", "read", '{"path": "c"}')
    assert upstream.requests[0]["tools"][0]["function"]["strict"] is True


def test_stream_text() -> None:
    upstream = Upstream(
        [
            chunk({"role": "assistant", "content": ""}),
            chunk({"content": "Hello"}),
            chunk({"content": ", world"}),
            chunk({}, "stop"),
            usage(12, 3),
            None,
        ]
    )
    with upstream.client().responses.stream(model=MODEL, input="hi") as stream:
        pieces = [event.delta for event in stream if event.type == "response.output_text.delta"]
        response = stream.get_final_response()
    assert pieces == ["Hello", ", world"]
    assert response.id == "resp_chatcmpl-sdk"
    assert response.output_text == "Hello, world"
    assert response.usage is not None
    assert (response.usage.input_tokens, response.usage.output_tokens) == (12, 3)
    assert upstream.requests[0]["stream_options"] == {"include_usage": True}


def test_stream_reasoning_and_parallel_calls_arrive_whole() -> None:
    upstream = Upstream(TOOL_STREAM)
    with upstream.client().responses.stream(
        model=MODEL, input="read a.py and b.py", tools=TOOLS, reasoning={"effort": "medium"}
    ) as stream:
        summary = "".join(
            event.delta for event in stream if event.type == "response.reasoning_summary_text.delta"
        )
        response = stream.get_final_response()
    assert summary == "Need both files."
    reasoning, message, first, second = response.output
    assert reasoning.type == "reasoning"
    assert reasoning.summary[0].text == "Need both files."
    assert isinstance(message, ResponseOutputMessage)
    assert response.output_text == "Reading."
    assert isinstance(first, ResponseFunctionToolCall)
    assert isinstance(second, ResponseFunctionToolCall)
    assert (first.call_id, first.name, first.arguments) == ("call_1", "read", '{"path": "a.py"}')
    assert (second.call_id, second.arguments) == ("call_2", '{"path": "b.py"}')
    assert response.usage is not None
    assert response.usage.input_tokens_details.cached_tokens == 4096
    assert upstream.requests[0]["reasoning_effort"] == "medium"


def test_function_call_round_trip() -> None:
    """Turn two sends turn one's output back as the SDK holds it, plus the results: the
    call ids must match the upstream's and the reasoning must be echoed."""
    first = Upstream(TOOL_STREAM)
    with first.client().responses.stream(model=MODEL, input="go", tools=TOOLS) as stream:
        turn_one = stream.get_final_response()
    second = Upstream(completion({"content": "Both read."}))
    history: list[Any] = [
        {"role": "user", "content": "go"},
        *[item.to_dict() for item in turn_one.output],
        {"type": "function_call_output", "call_id": "call_1", "output": "A"},
        {"type": "function_call_output", "call_id": "call_2", "output": "B"},
    ]
    answer = second.client().responses.create(model=MODEL, input=history, tools=TOOLS)
    assert answer.output_text == "Both read."
    sent = second.requests[0]["messages"]
    assert [m["role"] for m in sent] == ["user", "assistant", "tool", "tool"]
    assert sent[1]["content"] == "Reading."
    assert sent[1]["reasoning_content"] == "Need both files."
    assert [c["id"] for c in sent[1]["tool_calls"]] == ["call_1", "call_2"]
    assert [c["function"]["arguments"] for c in sent[1]["tool_calls"]] == [
        '{"path": "a.py"}',
        '{"path": "b.py"}',
    ]
    assert [(m["tool_call_id"], m["content"]) for m in sent[2:]] == [
        ("call_1", "A"),
        ("call_2", "B"),
    ]


def test_parse_with_json_schema() -> None:
    """``responses.parse`` with a pydantic model: ``text.format`` reaches the upstream as a
    ``json_schema`` response format and the SDK parses the answer."""
    from pydantic import BaseModel

    class City(BaseModel):
        name: str

    upstream = Upstream(completion({"content": '{"name": "Paris"}'}))
    parsed = upstream.client().responses.parse(model=MODEL, input="capital?", text_format=City)
    assert parsed.output_parsed == City(name="Paris")
    response_format = upstream.requests[0]["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["name"] == "City"
    assert response_format["json_schema"]["strict"] is True


def test_previous_response_id_is_refused_before_any_upstream_call() -> None:
    upstream = Upstream(completion({"content": "never"}))
    with pytest.raises(openai.BadRequestError, match="previous_response_id is not supported"):
        upstream.client().responses.create(model=MODEL, input="more", previous_response_id="r")
    assert upstream.requests == []


def test_upstream_error_mid_stream_fails_the_response() -> None:
    upstream = Upstream(
        [chunk({"content": "partial"}), {"error": {"message": "overloaded", "type": "server"}}]
    )
    with upstream.client().responses.stream(model=MODEL, input="hi") as stream:
        failed = [event for event in stream if event.type == "response.failed"]
        with pytest.raises(RuntimeError, match=r"response\.completed"):
            stream.get_final_response()
    (event,) = failed
    assert event.response.error is not None
    assert event.response.error.message == "overloaded"
    assert event.response.output_text == "partial"


def test_length_ends_incomplete() -> None:
    upstream = Upstream([chunk({"content": "cut"}, "length"), usage(1, 1), None])
    with upstream.client().responses.create(model=MODEL, input="hi", stream=True) as events:
        final = [event for event in events if event.type == "response.incomplete"]
    (event,) = final
    assert event.response.incomplete_details is not None
    assert event.response.incomplete_details.reason == "max_output_tokens"


def test_async_client_stream() -> None:
    """The async client goes through the same accumulator over an async transport."""
    upstream = Upstream([chunk({"content": "async ok"}), chunk({}, "stop"), usage(1, 2), None])

    async def handler(request: httpx2.Request) -> httpx2.Response:
        response = upstream.handle(request)
        return httpx2.Response(200, headers=response.headers, content=response.read())

    async def main() -> Response:
        http = httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
        client = openai.AsyncOpenAI(api_key="k", base_url="http://gateway/v1", http_client=http)
        async with client.responses.stream(model=MODEL, input="hi") as stream:
            return await stream.get_final_response()

    response = asyncio.run(main())
    assert response.output_text == "async ok"
    assert response.usage is not None
    assert response.usage.output_tokens == 2
