"""``accumulate_response``: a whole Responses stream → its final ``response`` object.

Results are validated with the ``openai`` SDK's ``Response`` model; Codex's backend, which
ends a ``store: false`` stream with an empty ``output``, is the case that needs the repair.
"""

from __future__ import annotations

import pytest
from openai.types.responses import Response
from test_responses_upstream_script import Script, error_event, failed, full_script

from omniroute import UpstreamError
from omniroute.builtin.responses.upstream import ResponsesUpstreamTranslator, accumulate_response
from omniroute.builtin.responses.upstream.accumulate import TRUNCATED


def test_the_final_response_is_taken_as_sent() -> None:
    script = full_script()
    assert accumulate_response(script.events()) == script.response()


def test_codex_empty_output_is_filled_from_the_streamed_items() -> None:
    script = full_script()
    response = accumulate_response(script.events(codex=True))
    Response.model_validate(response)
    assert response == script.response()


def test_items_keep_their_output_order() -> None:
    script = Script().reasoning(("Plan.",)).message("A").call("f", "call_1", "{}")
    events = script.events(codex=True)
    done = [e for e in events if e["type"] == "response.output_item.done"]
    rest = [e for e in events if e["type"] != "response.output_item.done"]
    shuffled = [*rest[:-1], done[2], done[0], done[1], rest[-1]]
    assert accumulate_response(shuffled)["output"] == script.response()["output"]


def test_incomplete_response_is_an_answer() -> None:
    script = Script().message("Once upon")
    response = accumulate_response(script.events("incomplete", "max_output_tokens", codex=True))
    assert response["status"] == "incomplete"
    assert response["incomplete_details"] == {"reason": "max_output_tokens"}
    assert response["output"] == script.response()["output"]


def test_done_sentinels_are_skipped() -> None:
    script = Script().message("Hi")
    assert accumulate_response([*script.events(), None]) == script.response()


def test_the_accumulated_answer_translates_for_chat_clients() -> None:
    chat = ResponsesUpstreamTranslator().response(
        accumulate_response(full_script().events(codex=True)), "gpt-5"
    )
    message = chat["choices"][0]["message"]
    assert message["content"] == "Let me check."
    assert message["tool_calls"][0]["id"] == "call_WQ7Lz9"


def test_response_failed_raises_with_the_upstream_code() -> None:
    with pytest.raises(UpstreamError) as caught:
        accumulate_response([Script().events()[0], failed("The model crashed")])
    assert caught.value.message == "The model crashed"
    assert caught.value.code == "server_error"
    assert caught.value.status == 502


def test_error_event_raises() -> None:
    with pytest.raises(UpstreamError) as caught:
        accumulate_response([error_event("Rate limit reached")])
    assert caught.value.code == "rate_limit_exceeded"


def test_a_cut_off_stream_raises() -> None:
    with pytest.raises(UpstreamError, match=TRUNCATED):
        accumulate_response(Script().message("Hel", "lo").head())
