"""Golden tests: Gemini ``GenerateContentResponse`` → OpenAI ``chat.completion``.

Every upstream body is first parsed by the official ``google-genai`` SDK (so no fixture is
a shape Gemini never sends) and every translated body by the ``openai`` SDK's
``ChatCompletion``.
"""

from __future__ import annotations

import base64
import copy
from typing import Any

import pytest
from google.genai import types
from openai._models import construct_type
from openai.types.chat import ChatCompletion

from omniroute_plugin_gemini.openai_client import OpenAIClientTranslator

TRANSLATOR = OpenAIClientTranslator()
MODEL = "gemini-2.5-flash"
RESPONSE_ID = "Wq5zaOmZG5ev1dkPtKaJ-AQ"
SIG = base64.b64encode(b"\x12\x8d\x01signature of the first call").decode()
TEXT_SIG = base64.b64encode(b"\x12\x8d\x01signature of the answer").decode()
WEATHER_CALL = {"name": "get_weather", "args": {"city": "Paris"}}
USAGE = {"promptTokenCount": 12, "candidatesTokenCount": 8, "totalTokenCount": 20}


def gemini(*candidates: dict[str, Any], **fields: Any) -> dict[str, Any]:
    body = {
        "candidates": list(candidates),
        "usageMetadata": USAGE,
        "modelVersion": "gemini-2.5-flash",
        "responseId": RESPONSE_ID,
        **fields,
    }
    types.GenerateContentResponse.model_validate(body)
    return body


def candidate(
    *parts: dict[str, Any], finish: str | None = "STOP", index: int = 0
) -> dict[str, Any]:
    out: dict[str, Any] = {"content": {"role": "model", "parts": list(parts)}, "index": index}
    if finish is not None:
        out["finishReason"] = finish
    return out


_OPENAI_FINISH = {"stop", "length", "tool_calls", "content_filter", "function_call"}


def translate(body: dict[str, Any]) -> dict[str, Any]:
    """Translate ``body`` and parse the result as strictly as the openai SDK can.

    Gemini's abort reasons pass through (``mapping.finish_reason``); the SDK's default,
    non-strict parsing takes them as they are, so only they are exempt from the strict check.
    """
    out = TRANSLATOR.response(body, MODEL)
    strict = copy.deepcopy(out)
    for choice in strict["choices"]:
        if choice["finish_reason"] not in _OPENAI_FINISH:
            choice["finish_reason"] = "stop"
    ChatCompletion.model_validate(strict)
    assert construct_type(type_=ChatCompletion, value=out).choices
    assert out["object"] == "chat.completion"
    assert out["model"] == MODEL
    assert isinstance(out["created"], int)
    return out


def message(body: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = translate(body)["choices"][0]["message"]
    return out


def test_text_answer() -> None:
    out = translate(gemini(candidate({"text": "Hello"}, {"text": " there."})))
    del out["created"]
    assert out == {
        "id": f"chatcmpl-{RESPONSE_ID}",
        "object": "chat.completion",
        "model": MODEL,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Hello there."},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": 12,
            "completion_tokens": 8,
            "total_tokens": 20,
            "prompt_tokens_details": {"cached_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0},
        },
    }


def test_thoughts_become_reasoning_content_and_the_answer_signature_is_kept() -> None:
    assert message(
        gemini(
            candidate(
                {"text": "Let me think.", "thought": True},
                {"text": " Paris is in France.", "thought": True},
                {"text": "It is Paris.", "thoughtSignature": TEXT_SIG},
            )
        )
    ) == {
        "role": "assistant",
        "content": "It is Paris.",
        "reasoning_content": "Let me think. Paris is in France.",
        "extra_content": {"google": {"thought_signature": TEXT_SIG}},
    }


def test_function_calls_become_tool_calls_with_their_signatures() -> None:
    # Parallel calls: Gemini signs only the first.
    out = translate(
        gemini(
            candidate(
                {"text": "Checking.", "thought": True},
                {"functionCall": WEATHER_CALL, "thoughtSignature": SIG},
                {"functionCall": {"name": "get_time", "args": {}}},
            )
        )
    )
    assert out["choices"][0] == {
        "index": 0,
        "message": {
            "role": "assistant",
            "content": None,
            "reasoning_content": "Checking.",
            "tool_calls": [
                {
                    "id": f"call_{RESPONSE_ID}_1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
                    "extra_content": {"google": {"thought_signature": SIG}},
                },
                {
                    "id": f"call_{RESPONSE_ID}_2",
                    "type": "function",
                    "function": {"name": "get_time", "arguments": "{}"},
                },
            ],
        },
        "finish_reason": "tool_calls",
        "logprobs": None,
    }


def test_call_ids_gemini_sends_are_kept_and_made_up_ones_are_unique() -> None:
    parts = [
        {"functionCall": {"id": "fc-77", "name": "a", "args": {}}},
        {"functionCall": {"name": "b"}},
    ]
    calls = message(gemini(candidate(*parts)))["tool_calls"]
    assert [c["id"] for c in calls] == ["fc-77", f"call_{RESPONSE_ID}_2"]
    assert calls[1]["function"]["arguments"] == "{}"
    no_id = {"candidates": [candidate(*parts)]}
    first = message(no_id)["tool_calls"][1]["id"]
    second = message(no_id)["tool_calls"][1]["id"]
    assert first.startswith("call_")
    assert first != second, "ids must not repeat across turns"


@pytest.mark.parametrize(
    ("reason", "finish"),
    [
        ("STOP", "stop"),
        ("MAX_TOKENS", "length"),
        ("SAFETY", "content_filter"),
        ("RECITATION", "content_filter"),
        ("PROHIBITED_CONTENT", "content_filter"),
        ("MALFORMED_FUNCTION_CALL", "malformed_function_call"),
        ("OTHER", "other"),
        (None, "stop"),
    ],
)
def test_finish_reasons(reason: str | None, finish: str) -> None:
    out = translate(gemini(candidate({"text": "x"}, finish=reason)))
    assert out["choices"][0]["finish_reason"] == finish


def test_a_candidate_without_content_has_empty_content() -> None:
    body = gemini({"finishReason": "SAFETY", "index": 0, "safetyRatings": []})
    assert translate(body)["choices"][0] == {
        "index": 0,
        "message": {"role": "assistant", "content": ""},
        "finish_reason": "content_filter",
        "logprobs": None,
    }


def test_a_blocked_prompt_is_a_refusal_not_an_empty_success() -> None:
    body = gemini(promptFeedback={"blockReason": "PROHIBITED_CONTENT"})
    del body["candidates"]
    assert translate(body)["choices"] == [
        {
            "index": 0,
            "message": {
                "role": "assistant",
                "content": None,
                "refusal": "Gemini blocked the prompt (PROHIBITED_CONTENT).",
            },
            "finish_reason": "content_filter",
            "logprobs": None,
        }
    ]
    empty = translate({"responseId": RESPONSE_ID})
    assert empty["choices"][0]["message"] == {"role": "assistant", "content": ""}
    assert empty["choices"][0]["finish_reason"] == "stop"
    assert "usage" not in empty


def test_every_candidate_is_a_choice() -> None:
    out = translate(
        gemini(
            candidate({"text": "One"}, index=0),
            candidate({"functionCall": {"name": "f", "args": {}}}, index=1),
        )
    )
    assert [(c["index"], c["finish_reason"]) for c in out["choices"]] == [
        (0, "stop"),
        (1, "tool_calls"),
    ]


def test_usage_counts_thoughts_and_cache_once() -> None:
    body = gemini(
        candidate({"text": "x"}),
        usageMetadata={
            "promptTokenCount": 1000,
            "cachedContentTokenCount": 800,
            "candidatesTokenCount": 50,
            "thoughtsTokenCount": 200,
            "totalTokenCount": 1250,
        },
    )
    assert translate(body)["usage"] == {
        "prompt_tokens": 1000,
        "completion_tokens": 250,
        "total_tokens": 1250,
        "prompt_tokens_details": {"cached_tokens": 800},
        "completion_tokens_details": {"reasoning_tokens": 200},
    }


def test_parts_chat_completions_has_no_field_for_are_left_out() -> None:
    body = gemini(
        candidate(
            {"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}},
            {"executableCode": {"language": "PYTHON", "code": "print(1)"}},
            {"text": "Done."},
        )
    )
    assert message(body) == {"role": "assistant", "content": "Done."}
