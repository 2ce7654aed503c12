"""The official ``anthropic`` SDK reads what the ``claude -> openai`` translator produces.

An ``httpx2.MockTransport`` (httpx2 is the SDK's HTTP library) stands in for the gateway: it
translates the SDK's real request with ``request``, plays a scripted OpenAI upstream answer
through ``stream``/``response`` and returns the resulting bytes. The SDK's own stream
accumulator (``get_final_message``) and response parser then have the last word on whether
the output is valid Anthropic.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anthropic
import httpx2
import orjson
import pytest

from omniroute_plugin_claude.claude_client import ClaudeClientTranslator
from omniroute_plugin_testkit.chat import chat_chunk as chunk
from omniroute_plugin_testkit.chat import tool_call_delta as call

T = ClaudeClientTranslator()
MODEL = "oai/gpt-4.1"  # the gateway model name a Claude client asks for


class Upstream:
    """A scripted OpenAI upstream behind the translator; records the translated requests."""

    def __init__(self, answer: list[dict[str, Any] | None] | dict[str, Any]) -> None:
        self.answer = answer
        self.requests: list[dict[str, Any]] = []

    def client(self) -> anthropic.Anthropic:
        http = httpx2.Client(transport=httpx2.MockTransport(self.handle))
        return anthropic.Anthropic(
            api_key="sk-gateway", base_url="http://gateway", http_client=http
        )

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        body = orjson.loads(request.content)
        self.requests.append(T.request(body, "gpt-4.1"))
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


TOOLS: list[Any] = [
    {
        "name": "read",
        "description": "Read a file",
        "input_schema": {"type": "object", "properties": {"path": {"type": "string"}}},
    }
]
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
    usage(5000, 60, cached=4096),
    None,
]


def test_text_stream() -> None:
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
    with upstream.client().messages.stream(
        model=MODEL, max_tokens=100, messages=[{"role": "user", "content": "hi"}]
    ) as stream:
        pieces = list(stream.text_stream)
        message = stream.get_final_message()
    assert pieces == ["Hello", ", world"]
    assert message.id == "msg_chatcmpl-sdk"
    assert message.model == MODEL
    assert [block.type for block in message.content] == ["text"]
    assert message.content[0].text == "Hello, world"  # type: ignore[union-attr]
    assert message.stop_reason == "end_turn"
    assert (message.usage.input_tokens, message.usage.output_tokens) == (12, 3)
    assert upstream.requests[0]["stream_options"] == {"include_usage": True}


def test_thinking_and_parallel_tools_stream() -> None:
    upstream = Upstream(THINKING_TOOL_STREAM)
    with upstream.client().messages.stream(
        model=MODEL,
        max_tokens=16000,
        thinking={"type": "enabled", "budget_tokens": 8000},
        tools=TOOLS,
        messages=[{"role": "user", "content": "read a.py and b.py"}],
    ) as stream:
        message = stream.get_final_message()
    thinking, text, first, second = message.content
    assert thinking.type == "thinking"
    assert thinking.thinking == "Need both files."
    assert text.type == "text"
    assert text.text == "Reading."
    assert first.type == "tool_use"
    assert (first.id, first.name, first.input) == ("call_1", "read", {"path": "a.py"})
    assert second.type == "tool_use"
    assert (second.id, second.input) == ("call_2", {"path": "b.py"})
    assert message.stop_reason == "tool_use"
    assert message.usage.input_tokens == 5000 - 4096
    assert message.usage.cache_read_input_tokens == 4096
    assert message.usage.output_tokens == 60
    assert upstream.requests[0]["reasoning_effort"] == "medium"


def test_tool_loop_round_trip_keeps_ids_and_reasoning() -> None:
    """Turn two sends turn one's message back as the SDK holds it: the tool ids must match
    the upstream's ``call_…`` ids and the unsigned reasoning must be echoed."""
    first = Upstream(THINKING_TOOL_STREAM)
    with first.client().messages.stream(
        model=MODEL, max_tokens=1000, tools=TOOLS, messages=[{"role": "user", "content": "go"}]
    ) as stream:
        turn_one = stream.get_final_message()
    second = Upstream(
        {
            "id": "chatcmpl-2",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": "Done."},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 9, "completion_tokens": 2},
        }
    )
    history: list[Any] = [
        {"role": "user", "content": "go"},
        {"role": "assistant", "content": [block.to_dict() for block in turn_one.content]},
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "call_1", "content": "A"},
                {"type": "tool_result", "tool_use_id": "call_2", "content": "B"},
            ],
        },
    ]
    answer = second.client().messages.create(
        model=MODEL, max_tokens=1000, tools=TOOLS, messages=history
    )
    assert answer.content[0].type == "text"
    sent = second.requests[0]["messages"]
    assert sent[1]["reasoning_content"] == "Need both files."
    assert [c["id"] for c in sent[1]["tool_calls"]] == ["call_1", "call_2"]
    assert [(m["role"], m["tool_call_id"]) for m in sent[2:]] == [
        ("tool", "call_1"),
        ("tool", "call_2"),
    ]


def test_non_stream_create() -> None:
    upstream = Upstream(
        {
            "id": "chatcmpl-3",
            "choices": [
                {
                    "index": 0,
                    "message": {
                        "role": "assistant",
                        "reasoning_content": "thought",
                        "content": None,
                        "tool_calls": [
                            {
                                "id": "call_9",
                                "type": "function",
                                "function": {"name": "read", "arguments": '{"path": "c"}'},
                            }
                        ],
                    },
                    "finish_reason": "tool_calls",
                }
            ],
            "usage": {"prompt_tokens": 20, "completion_tokens": 7},
        }
    )
    message = upstream.client().messages.create(
        model=MODEL, max_tokens=100, tools=TOOLS, messages=[{"role": "user", "content": "read c"}]
    )
    assert isinstance(message, anthropic.types.Message)
    thinking, use = message.content
    assert isinstance(thinking, anthropic.types.ThinkingBlock)
    assert isinstance(use, anthropic.types.ToolUseBlock)
    assert (use.id, use.name, use.input) == ("call_9", "read", {"path": "c"})
    assert message.stop_reason == "tool_use"
    assert (message.usage.input_tokens, message.usage.output_tokens) == (20, 7)


def test_upstream_error_mid_stream_raises_in_the_sdk() -> None:
    upstream = Upstream(
        [
            chunk({"content": "partial"}),
            {"error": {"message": "upstream overloaded", "type": "overloaded_error"}},
        ]
    )
    with (
        pytest.raises(anthropic.APIStatusError, match="upstream overloaded"),
        upstream.client().messages.stream(
            model=MODEL, max_tokens=100, messages=[{"role": "user", "content": "hi"}]
        ) as stream,
    ):
        stream.get_final_message()


def test_broken_stream_raises_in_the_sdk() -> None:
    upstream = Upstream([chunk({"tool_calls": [call(0, '{"path": "a', "call_1", "read")]})])
    with (
        pytest.raises(anthropic.APIStatusError, match="before the answer was complete"),
        upstream.client().messages.stream(
            model=MODEL, max_tokens=100, messages=[{"role": "user", "content": "hi"}]
        ) as stream,
    ):
        stream.get_final_message()


def test_async_client_stream() -> None:
    """The async client goes through the same accumulator over an async transport."""
    import asyncio

    upstream = Upstream([chunk({"content": "async ok"}), chunk({}, "stop"), usage(1, 2), None])

    async def handler(request: httpx2.Request) -> httpx2.Response:
        response = upstream.handle(request)
        return httpx2.Response(200, headers=response.headers, content=response.read())

    async def main() -> anthropic.types.Message:
        http = httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
        client = anthropic.AsyncAnthropic(api_key="k", base_url="http://gateway", http_client=http)
        async with client.messages.stream(
            model=MODEL, max_tokens=10, messages=[{"role": "user", "content": "hi"}]
        ) as stream:
            return await stream.get_final_message()

    message = asyncio.run(main())
    assert message.content[0].text == "async ok"  # type: ignore[union-attr]
    assert message.usage.output_tokens == 2
