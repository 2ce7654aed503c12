"""The official ``google-genai`` SDK reads what the ``gemini -> openai`` translator produces.

An ``httpx.MockTransport`` stands in for the gateway: it translates the SDK's real request
with ``request``, plays a scripted OpenAI upstream answer through ``stream`` (for
``:streamGenerateContent?alt=sse``) or ``response`` and returns the resulting bytes. The
SDK's response parser, its chat history and its automatic function calling then have the
last word on whether the output is valid Gemini.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest
from google import genai
from google.genai import errors, types
from pydantic import BaseModel

from omniroute_plugin_gemini.gemini_client import GeminiClientTranslator
from omniroute_plugin_testkit.chat import chat_chunk as chunk
from omniroute_plugin_testkit.chat import tool_call_delta as call

T = GeminiClientTranslator()
UPSTREAM_MODEL = "gpt-4.1"

Script = list[dict[str, Any] | None] | dict[str, Any]


class Upstream:
    """A scripted OpenAI upstream behind the translator; records the translated requests.

    Each request takes the next answer: a list of chunks for a stream, a dict for JSON.
    """

    def __init__(self, *answers: Script) -> None:
        self.answers = list(answers)
        self.requests: list[dict[str, Any]] = []
        self.paths: list[str] = []

    def http_options(self) -> types.HttpOptions:
        """Both of the SDK's HTTP clients go through the translator (``MockTransport`` is a
        sync and an async transport at once)."""

        async def handle_async(request: httpx.Request) -> httpx.Response:
            return self.handle(request)

        return types.HttpOptions(
            base_url="http://gateway",
            client_args={"transport": httpx.MockTransport(self.handle)},
            async_client_args={"transport": httpx.MockTransport(handle_async)},
        )

    def client(self) -> genai.Client:
        """A client kept alive by the upstream: the SDK closes its HTTP client when the
        ``genai.Client`` is garbage collected, even mid-call."""
        self.kept = genai.Client(api_key="gateway-key", http_options=self.http_options())
        return self.kept

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        self.requests.append(T.request(orjson.loads(request.content), UPSTREAM_MODEL))
        answer = self.answers.pop(0)
        if request.url.path.endswith(":streamGenerateContent"):
            assert request.url.params.get("alt") == "sse"
            assert isinstance(answer, list)
            headers = {"content-type": "text/event-stream"}
            return httpx.Response(200, headers=headers, content=b"".join(self.frames(answer)))
        assert isinstance(answer, dict)
        return httpx.Response(200, json=T.response(answer, UPSTREAM_MODEL))

    @staticmethod
    def frames(answer: list[dict[str, Any] | None]) -> Iterator[bytes]:
        stream = T.stream(UPSTREAM_MODEL, include_usage=True)
        for item in answer:
            yield from stream.feed(None, item)
        yield from stream.finish()


def usage(prompt: int, completion: int, reasoning: int = 0, cached: int = 0) -> dict[str, Any]:
    return {
        "id": "chatcmpl-sdk",
        "choices": [],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "prompt_tokens_details": {"cached_tokens": cached},
            "completion_tokens_details": {"reasoning_tokens": reasoning},
        },
    }


def completion(message: dict[str, Any], finish: str = "stop") -> dict[str, Any]:
    return {
        "id": "chatcmpl-json",
        "object": "chat.completion",
        "choices": [
            {"index": 0, "message": {"role": "assistant", **message}, "finish_reason": finish}
        ],
        "usage": {"prompt_tokens": 9, "completion_tokens": 2, "total_tokens": 11},
    }


READ = types.FunctionDeclaration(
    name="read",
    description="Read a file",
    parameters=types.Schema(
        type=types.Type.OBJECT,
        properties={"path": types.Schema(type=types.Type.STRING)},
        required=["path"],
    ),
)
TOOLS = [types.Tool(function_declarations=[READ])]
THINKING_TOOL_STREAM: list[dict[str, Any] | None] = [
    chunk({"role": "assistant", "content": ""}),
    chunk({"reasoning_content": "Need both "}),
    chunk({"reasoning_content": "files."}),
    chunk({"content": "Reading."}),
    chunk({"tool_calls": [call(0, '{"pa', "call_1", "read")]}),
    chunk({"tool_calls": [call(0, 'th": "a.py"}')]}),
    chunk({"tool_calls": [call(1, "", "call_2", "read")]}),
    chunk({"tool_calls": [call(1, '{"path": ')]}),
    chunk({"tool_calls": [call(1, '"b.py"}')]}, "tool_calls"),
    usage(5000, 60, reasoning=20, cached=4096),
    None,
]


def test_generate_content() -> None:
    upstream = Upstream(completion({"content": "Hello!"}))
    answer = upstream.client().models.generate_content(
        model="oai/gpt-4.1",
        contents="hi",
        config=types.GenerateContentConfig(
            system_instruction="Be brief.", temperature=0.2, max_output_tokens=64
        ),
    )
    assert answer.text == "Hello!"
    assert answer.model_version == UPSTREAM_MODEL
    assert answer.response_id == "chatcmpl-json"
    assert answer.candidates
    assert answer.candidates[0].finish_reason == types.FinishReason.STOP
    assert answer.usage_metadata is not None
    assert answer.usage_metadata.total_token_count == 11
    # google-genai 3.x defaults to /v1/, older releases and Gemini CLI to /v1beta/.
    assert upstream.paths[0].endswith("/models/oai/gpt-4.1:generateContent")
    assert upstream.requests[0] == {
        "model": UPSTREAM_MODEL,
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "hi"},
        ],
        "temperature": 0.2,
        "max_tokens": 64,
    }


def test_generate_content_stream() -> None:
    upstream = Upstream(
        [chunk({"content": "Hel"}), chunk({"content": "lo"}, "stop"), usage(3, 2), None]
    )
    pieces = list(upstream.client().models.generate_content_stream(model="m", contents="hi"))
    assert "".join(piece.text or "" for piece in pieces) == "Hello"
    last = pieces[-1]
    assert last.candidates
    assert last.candidates[0].finish_reason == types.FinishReason.STOP
    assert last.usage_metadata is not None
    assert (last.usage_metadata.prompt_token_count, last.usage_metadata.total_token_count) == (3, 5)


def test_thinking_and_parallel_calls_stream() -> None:
    upstream = Upstream(THINKING_TOOL_STREAM)
    pieces = list(
        upstream.client().models.generate_content_stream(
            model="m",
            contents="read a.py and b.py",
            config=types.GenerateContentConfig(
                tools=TOOLS,
                thinking_config=types.ThinkingConfig(thinking_budget=8000, include_thoughts=True),
            ),
        )
    )
    parts = [part for piece in pieces for part in piece.candidates[0].content.parts]  # type: ignore[index,union-attr]
    thoughts = "".join(part.text or "" for part in parts if part.thought)
    calls = [part.function_call for part in parts if part.function_call]
    assert thoughts == "Need both files."
    assert "".join(piece.text or "" for piece in pieces) == "Reading."
    assert [(c.id, c.name, c.args) for c in calls] == [
        ("call_1", "read", {"path": "a.py"}),
        ("call_2", "read", {"path": "b.py"}),
    ]
    metadata = pieces[-1].usage_metadata
    assert metadata is not None
    assert metadata.thoughts_token_count == 20
    assert metadata.cached_content_token_count == 4096
    assert metadata.candidates_token_count == 40
    sent = upstream.requests[0]
    assert sent["reasoning_effort"] == "medium"
    assert sent["tools"][0]["function"]["parameters"] == {
        "type": "object",
        "properties": {"path": {"type": "string"}},
        "required": ["path"],
    }


def test_chat_function_calling_round_trip() -> None:
    """Turn two sends turn one back as the SDK's chat stored it (one content per streamed
    chunk, thought parts, the skip signature as bytes): it must reach the upstream as one
    assistant message with the upstream's call ids, the reasoning echoed, and the results
    as tool messages in call order."""
    upstream = Upstream(THINKING_TOOL_STREAM, completion({"content": "Both read."}))
    chat = upstream.client().chats.create(
        model="m", config=types.GenerateContentConfig(tools=TOOLS)
    )
    list(chat.send_message_stream("read a.py and b.py"))
    assert len(chat.get_history(curated=True)) > 2  # the streamed turn was kept
    answer = chat.send_message(
        [
            types.Part.from_function_response(name="read", response={"output": "B"}),
            types.Part.from_function_response(name="read", response={"output": "A"}),
        ]
    )
    assert answer.text == "Both read."
    sent = upstream.requests[1]["messages"]
    assert sent[0] == {"role": "user", "content": "read a.py and b.py"}
    assert sent[1]["content"] == "Reading."
    assert sent[1]["reasoning_content"] == "Need both files."
    assert [c["id"] for c in sent[1]["tool_calls"]] == ["call_1", "call_2"]
    assert [(m["role"], m["tool_call_id"], m["content"]) for m in sent[2:]] == [
        ("tool", "call_1", "B"),  # no ids echoed: matched by name, in order
        ("tool", "call_2", "A"),
    ]
    assert "skip_thought_signature_validator" not in orjson.dumps(sent).decode()


def test_automatic_function_calling() -> None:
    """The SDK runs the Python function itself and sends its result back with the call's id."""
    upstream = Upstream(
        completion(
            {
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_w",
                        "type": "function",
                        "function": {"name": "weather", "arguments": '{"city": "Paris"}'},
                    }
                ],
            },
            finish="tool_calls",
        ),
        completion({"content": "It is 21 degrees in Paris."}),
    )

    def weather(city: str) -> str:
        """The temperature in a city."""
        return f"21 degrees in {city}"

    answer = upstream.client().models.generate_content(
        model="m",
        contents="Weather in Paris?",
        config=types.GenerateContentConfig(tools=[weather]),
    )
    assert answer.text == "It is 21 degrees in Paris."
    second = upstream.requests[1]["messages"]
    assert second[1]["tool_calls"][0]["id"] == "call_w"
    assert second[2]["role"] == "tool"
    assert second[2]["tool_call_id"] == "call_w"
    assert "21 degrees in Paris" in second[2]["content"]


def test_json_mode_parses() -> None:
    class City(BaseModel):
        name: str
        population: int | None

    upstream = Upstream(completion({"content": '{"name": "Paris", "population": null}'}))
    answer = upstream.client().models.generate_content(
        model="m",
        contents="a city",
        config=types.GenerateContentConfig(
            response_mime_type="application/json", response_schema=City
        ),
    )
    assert answer.parsed == City(name="Paris", population=None)
    response_format = upstream.requests[0]["response_format"]
    assert response_format["type"] == "json_schema"
    schema = response_format["json_schema"]["schema"]
    assert schema["properties"]["name"]["type"] == "string"


def test_thinking_budget_zero_sends_no_effort() -> None:
    upstream = Upstream(completion({"content": "ok"}))
    upstream.client().models.generate_content(
        model="m",
        contents="hi",
        config=types.GenerateContentConfig(
            temperature=0, thinking_config=types.ThinkingConfig(thinking_budget=0)
        ),
    )
    assert "reasoning_effort" not in upstream.requests[0]
    assert upstream.requests[0]["temperature"] == 0


def test_image_bytes_reach_the_upstream_as_a_data_url() -> None:
    upstream = Upstream(completion({"content": "a pixel"}))
    upstream.client().models.generate_content(
        model="m",
        contents=[types.Part.from_bytes(data=b"\xfb\xff\xfe\x01", mime_type="image/png"), "what?"],
    )
    content = upstream.requests[0]["messages"][0]["content"]
    assert content[0] == {
        "type": "image_url",
        "image_url": {"url": "data:image/png;base64,+//+AQ=="},
    }


def test_upstream_error_mid_stream_raises_in_the_sdk() -> None:
    upstream = Upstream(
        [
            chunk({"content": "partial"}),
            {"error": {"message": "slow down", "type": "rate_limit_error"}},
        ]
    )
    with pytest.raises(errors.ClientError, match="slow down") as raised:
        list(upstream.client().models.generate_content_stream(model="m", contents="hi"))
    assert raised.value.code == 429


def test_broken_stream_raises_in_the_sdk() -> None:
    upstream = Upstream([chunk({"tool_calls": [call(0, '{"path": "a', "call_1", "read")]})])
    with pytest.raises(errors.ServerError, match="before the answer was complete"):
        list(upstream.client().models.generate_content_stream(model="m", contents="hi"))


def test_async_client_stream() -> None:
    upstream = Upstream([chunk({"content": "async ok"}, "stop"), usage(1, 2), None])

    async def main() -> list[types.GenerateContentResponse]:
        stream = await upstream.client().aio.models.generate_content_stream(
            model="m", contents="hi"
        )
        return [piece async for piece in stream]

    pieces = asyncio.run(main())
    assert "".join(piece.text or "" for piece in pieces) == "async ok"
    assert pieces[-1].usage_metadata is not None
    assert pieces[-1].usage_metadata.candidates_token_count == 2
