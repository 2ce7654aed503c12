"""Thought signatures across a multi-turn tool conversation (the original's #1467, #10211).

An OpenAI client talks to Gemini 3 through the gateway: each Gemini answer is translated to
OpenAI, the client keeps the assistant message the way the ``openai`` SDK hands it over
(``message.to_dict()`` of a completion, or of the stream accumulator's final completion),
appends tool results, and sends the conversation back. Gemini 3 refuses a current-turn
function call whose signature is missing, and a signature is only valid byte for byte on the
part it came from, so every turn's request is checked for exactly that.
"""

from __future__ import annotations

import base64
from typing import Any

from google.genai import types
from openai.lib.streaming.chat import ChatCompletionStreamState
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from omniroute_plugin_gemini.mapping import SKIP_THOUGHT_SIGNATURE
from omniroute_plugin_gemini.openai_client import OpenAIClientTranslator
from omniroute_plugin_testkit.sse import parse_sse

TRANSLATOR = OpenAIClientTranslator()
MODEL = "gemini-3-pro-preview"
SIG_FLIGHT = base64.b64encode(b"\x12\x8d\x01check the flight first").decode()
SIG_TAXI = base64.b64encode(b"\x12\x8d\x01then book the taxi").decode()
SIG_ANSWER = base64.b64encode(b"\x12\x8d\x01the final answer").decode()
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": name,
            "parameters": {"type": "object", "properties": {"ref": {"type": "string"}}},
        },
    }
    for name in ("check_flight", "book_taxi", "notify")
]


def gemini_answer(response_id: str, *parts: dict[str, Any]) -> dict[str, Any]:
    body = {
        "candidates": [
            {"content": {"role": "model", "parts": list(parts)}, "finishReason": "STOP", "index": 0}
        ],
        "usageMetadata": {"promptTokenCount": 50, "candidatesTokenCount": 9, "totalTokenCount": 59},
        "modelVersion": MODEL,
        "responseId": response_id,
    }
    types.GenerateContentResponse.model_validate(body)
    return body


def function_call(name: str, signature: str | None = None) -> dict[str, Any]:
    part: dict[str, Any] = {"functionCall": {"name": name, "args": {"ref": "AA100"}}}
    if signature is not None:
        part["thoughtSignature"] = signature
    return part


# Sequential steps, each call signed; parallel calls, only the first signed; a signed answer.
STEP_1 = gemini_answer("resp-1", function_call("check_flight", SIG_FLIGHT))
STEP_2 = gemini_answer("resp-2", function_call("book_taxi", SIG_TAXI), function_call("notify"))
STEP_3 = gemini_answer("resp-3", {"text": "Taxi booked.", "thoughtSignature": SIG_ANSWER})


def request(messages: list[dict[str, Any]]) -> dict[str, Any]:
    body = TRANSLATOR.request({"model": MODEL, "messages": messages, "tools": TOOLS}, MODEL)
    for content in body["contents"]:
        types.Content.model_validate(content)
    return body


def via_json(answer: dict[str, Any]) -> dict[str, Any]:
    """The assistant message a client keeps from a non-streamed completion."""
    completion = ChatCompletion.model_validate(TRANSLATOR.response(answer, MODEL))
    return completion.choices[0].message.to_dict()


def via_stream(answer: dict[str, Any]) -> dict[str, Any]:
    """The assistant message a client keeps from the streamed completion (one event per part)."""
    stream = TRANSLATOR.stream(MODEL, include_usage=True)
    candidate = answer["candidates"][0]
    frames: list[bytes] = []
    for part in candidate["content"]["parts"]:
        event = {"candidates": [{"content": {"role": "model", "parts": [part]}, "index": 0}]}
        frames.extend(stream.feed(None, {**event, "responseId": answer["responseId"]}))
    last = {"candidates": [{**candidate, "content": {"role": "model", "parts": []}}]}
    frames.extend(stream.feed(None, {**last, "responseId": answer["responseId"]}))
    frames.extend(stream.finish())
    state = ChatCompletionStreamState()
    for event in parse_sse(b"".join(frames)):
        if not event.done:
            state.handle_chunk(ChatCompletionChunk.model_validate(event.json()))
    return state.get_final_completion().choices[0].message.to_dict()


def results(message: dict[str, Any], *outputs: str) -> list[dict[str, Any]]:
    calls = message["tool_calls"]
    return [
        {"role": "tool", "tool_call_id": call["id"], "content": output}
        for call, output in zip(calls, outputs, strict=True)
    ]


def signatures_of(body: dict[str, Any]) -> list[tuple[str, str | None]]:
    """``(what, signature)`` of every model part, in order."""
    out = []
    for content in body["contents"]:
        for part in content["parts"] if content["role"] == "model" else ():
            what = part["functionCall"]["name"] if "functionCall" in part else part["text"]
            out.append((what, part.get("thoughtSignature")))
    return out


def conversation(keep: Any) -> list[dict[str, Any]]:
    """Run the three steps, keeping each assistant message with ``keep``; return the final
    request's body after asserting every intermediate one."""
    messages: list[dict[str, Any]] = [{"role": "user", "content": "Check AA100, then book a taxi."}]
    first = keep(STEP_1)
    messages += [first, *results(first, "delayed 2h")]
    assert signatures_of(request(messages)) == [("check_flight", SIG_FLIGHT)]
    second = keep(STEP_2)
    assert len({call["id"] for call in [*first["tool_calls"], *second["tool_calls"]]}) == 3
    messages += [second, *results(second, '{"booked": true}', "sent")]
    assert signatures_of(request(messages)) == [
        ("check_flight", SIG_FLIGHT),
        ("book_taxi", SIG_TAXI),
        ("notify", None),
    ]
    messages += [keep(STEP_3), {"role": "user", "content": "Thanks! And a hotel?"}]
    return request(messages)


def test_signatures_survive_every_turn_of_a_non_streamed_conversation() -> None:
    body = conversation(via_json)
    assert signatures_of(body) == [
        ("check_flight", SIG_FLIGHT),
        ("book_taxi", SIG_TAXI),
        ("notify", None),
        ("Taxi booked.", SIG_ANSWER),
    ]
    assert body["contents"][4] == {
        "role": "user",
        "parts": [
            {"functionResponse": {"name": "book_taxi", "response": {"booked": True}}},
            {"functionResponse": {"name": "notify", "response": {"result": "sent"}}},
        ],
    }


def test_signatures_survive_every_turn_of_a_streamed_conversation() -> None:
    assert signatures_of(conversation(via_stream)) == [
        ("check_flight", SIG_FLIGHT),
        ("book_taxi", SIG_TAXI),
        ("notify", None),
        ("Taxi booked.", SIG_ANSWER),
    ]


def test_a_client_that_drops_signatures_still_gets_an_answer_from_gemini_3() -> None:
    def forgetful(answer: dict[str, Any]) -> dict[str, Any]:
        message = via_json(answer)
        message.pop("extra_content", None)
        for call in message.get("tool_calls", ()):
            call.pop("extra_content", None)
        return message

    messages: list[dict[str, Any]] = [{"role": "user", "content": "Check AA100."}]
    first = forgetful(STEP_1)
    messages += [first, *results(first, "delayed")]
    assert signatures_of(request(messages)) == [("check_flight", SKIP_THOUGHT_SIGNATURE)]
    second = forgetful(STEP_2)
    messages += [second, *results(second, "booked", "sent")]
    assert signatures_of(request(messages)) == [
        ("check_flight", SKIP_THOUGHT_SIGNATURE),
        ("book_taxi", SKIP_THOUGHT_SIGNATURE),
        ("notify", None),
    ]
    messages += [forgetful(STEP_3), {"role": "user", "content": "Thanks!"}]
    # A new turn began: the finished one is no longer validated, nothing is made up for it.
    assert all(signature is None for _, signature in signatures_of(request(messages)))
