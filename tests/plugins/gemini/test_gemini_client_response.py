"""Golden tests: OpenAI ``chat.completion`` → Gemini ``GenerateContentResponse``.

Every answer is also parsed with the ``google-genai`` SDK's own model, and checked the way
its chat helper checks a turn before keeping it in history.
"""

from __future__ import annotations

from typing import Any

import pytest
from google.genai import types

from omniroute import UpstreamError
from omniroute_plugin_gemini.gemini_client import GeminiClientTranslator
from omniroute_plugin_gemini.mapping import SKIP_THOUGHT_SIGNATURE

T = GeminiClientTranslator()


def completion(
    message: dict[str, Any], finish: str | None = "stop", usage: Any = None, **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": "chatcmpl-9",
        "object": "chat.completion",
        "model": "gpt-4.1-2025-04-14",
        "choices": [
            {"index": 0, "message": {"role": "assistant", **message}, "finish_reason": finish}
        ],
        "usage": usage or {"prompt_tokens": 10, "completion_tokens": 4, "total_tokens": 14},
    }
    body.update(extra)
    return body


def translate(body: dict[str, Any]) -> dict[str, Any]:
    out = T.response(body, "gpt-4.1")
    parsed = types.GenerateContentResponse.model_validate(out)
    for candidate in parsed.candidates or []:
        assert candidate.content is not None
        assert candidate.content.parts  # the SDK chat drops a turn without parts
    return out


def test_text_answer_golden() -> None:
    assert translate(completion({"content": "Hello!"})) == {
        "candidates": [
            {
                "content": {"role": "model", "parts": [{"text": "Hello!"}]},
                "finishReason": "STOP",
                "index": 0,
            }
        ],
        "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 4, "totalTokenCount": 14},
        "modelVersion": "gpt-4.1",
        "responseId": "chatcmpl-9",
    }


def test_reasoning_text_and_calls_golden() -> None:
    out = translate(
        completion(
            {
                "reasoning_content": "Two files.",
                "content": "Reading.",
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "read", "arguments": '{"path": "a.py"}'},
                    },
                    {
                        "id": "call_2",
                        "type": "function",
                        "function": {"name": "read", "arguments": '{"path": "b.py"}'},
                    },
                ],
            },
            finish="tool_calls",
        )
    )
    (candidate,) = out["candidates"]
    assert candidate["content"]["parts"] == [
        {"text": "Two files.", "thought": True},
        {"text": "Reading."},
        {
            "functionCall": {"id": "call_1", "name": "read", "args": {"path": "a.py"}},
            "thoughtSignature": SKIP_THOUGHT_SIGNATURE,
        },
        {"functionCall": {"id": "call_2", "name": "read", "args": {"path": "b.py"}}},
    ]
    assert candidate["finishReason"] == "STOP"  # Gemini reports calls with STOP
    parsed = types.GenerateContentResponse.model_validate(out)
    assert parsed.text == "Reading."  # thoughts are not answer text
    assert [(c.id, c.name, c.args) for c in parsed.function_calls or []] == [
        ("call_1", "read", {"path": "a.py"}),
        ("call_2", "read", {"path": "b.py"}),
    ]


def test_skip_signature_round_trips_through_the_sdk() -> None:
    """The SDK stores ``thoughtSignature`` as bytes; it must send back the same string."""
    out = translate(
        completion(
            {"tool_calls": [{"id": "c", "function": {"name": "f", "arguments": "{}"}}]},
            finish="tool_calls",
        )
    )
    part = types.GenerateContentResponse.model_validate(out).candidates[0].content.parts[0]  # type: ignore[index,union-attr]
    dumped = part.model_dump(mode="json", by_alias=True, exclude_none=True)
    assert dumped["thoughtSignature"] == SKIP_THOUGHT_SIGNATURE


@pytest.mark.parametrize(
    ("arguments", "args"),
    [
        ('{"a": 1}', {"a": 1}),
        ({"a": 1}, {"a": 1}),
        ('{"a": ', {}),
        ("[1, 2]", {}),
        ("", {}),
        (None, {}),
    ],
)
def test_call_arguments(arguments: Any, args: dict[str, Any]) -> None:
    out = translate(
        completion(
            {"tool_calls": [{"id": "c", "function": {"name": "f", "arguments": arguments}}]},
            finish="tool_calls",
        )
    )
    assert out["candidates"][0]["content"]["parts"][0]["functionCall"]["args"] == args


def test_call_without_id_gets_one() -> None:
    out = translate(
        completion({"tool_calls": [{"function": {"name": "f", "arguments": "{}"}}]}, "tool_calls")
    )
    call_id = out["candidates"][0]["content"]["parts"][0]["functionCall"]["id"]
    assert call_id.startswith("call_")


@pytest.mark.parametrize(
    ("finish", "gemini"),
    [
        ("stop", "STOP"),
        ("length", "MAX_TOKENS"),
        ("tool_calls", "STOP"),
        ("content_filter", "SAFETY"),
        ("something_new", "OTHER"),
        (None, "STOP"),
    ],
)
def test_finish_reasons(finish: str | None, gemini: str) -> None:
    out = translate(completion({"content": "x"}, finish=finish))
    assert out["candidates"][0]["finishReason"] == gemini


def test_usage_with_cache_and_reasoning() -> None:
    """Thoughts and cached tokens are counted once: thoughts split out of the candidates,
    cached tokens reported inside the prompt count."""
    usage = {
        "prompt_tokens": 5000,
        "completion_tokens": 300,
        "total_tokens": 5300,
        "prompt_tokens_details": {"cached_tokens": 4096},
        "completion_tokens_details": {"reasoning_tokens": 200},
    }
    out = translate(completion({"content": "x"}, usage=usage))
    assert out["usageMetadata"] == {
        "promptTokenCount": 5000,
        "candidatesTokenCount": 100,
        "totalTokenCount": 5300,
        "thoughtsTokenCount": 200,
        "cachedContentTokenCount": 4096,
    }
    metadata = types.GenerateContentResponse.model_validate(out).usage_metadata
    assert metadata is not None
    assert (metadata.prompt_token_count, metadata.thoughts_token_count) == (5000, 200)


def test_missing_usage_is_zero() -> None:
    body = completion({"content": "x"})
    del body["usage"]
    assert translate(body)["usageMetadata"] == {
        "promptTokenCount": 0,
        "candidatesTokenCount": 0,
        "totalTokenCount": 0,
    }


def test_empty_answer_still_has_a_part() -> None:
    """An empty candidate would make the SDK chat drop the whole turn from its history."""
    out = translate(completion({"content": None}, finish="length"))
    assert out["candidates"][0]["content"]["parts"] == [{"text": ""}]
    assert out["candidates"][0]["finishReason"] == "MAX_TOKENS"


def test_refusal_and_list_content_and_reasoning_field() -> None:
    refused = translate(completion({"content": None, "refusal": "I can't."}))
    assert refused["candidates"][0]["content"]["parts"] == [{"text": "I can't."}]
    listed = translate(
        completion({"content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]})
    )
    assert listed["candidates"][0]["content"]["parts"] == [{"text": "ab"}]
    openrouter = translate(completion({"reasoning": "why", "content": "so"}))
    assert openrouter["candidates"][0]["content"]["parts"][0] == {"text": "why", "thought": True}


def test_several_choices_are_several_candidates() -> None:
    body = completion({"content": "one"})
    body["choices"].append(
        {"index": 1, "message": {"role": "assistant", "content": "two"}, "finish_reason": "length"}
    )
    out = translate(body)
    assert [
        (c["index"], c["content"]["parts"][0]["text"], c["finishReason"]) for c in out["candidates"]
    ] == [
        (0, "one", "STOP"),
        (1, "two", "MAX_TOKENS"),
    ]


def test_missing_id_gets_a_response_id() -> None:
    body = completion({"content": "x"})
    del body["id"]
    assert translate(body)["responseId"]


def test_error_body_raises_for_fallback() -> None:
    with pytest.raises(UpstreamError, match="overloaded"):
        T.response({"error": {"message": "overloaded", "type": "server_error"}}, "m")
    with pytest.raises(UpstreamError, match="no choices"):
        T.response({"id": "x", "choices": []}, "m")
