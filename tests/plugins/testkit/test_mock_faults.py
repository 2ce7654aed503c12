"""Every scripted fault of the mock upstream does exactly what resilience tests rely on."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from omniroute_plugin_testkit.mock import Fault, MockUpstream
from omniroute_plugin_testkit.sse import parse_sse

BODY = {"model": "gpt-4o", "messages": [{"role": "user", "content": "one two three"}]}
STREAM_BODY = {**BODY, "stream": True}


def post(mock: MockUpstream, body: Any = BODY, key: str | None = None, **kw: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.post(f"{mock.base_url}/chat/completions", json=body, headers=headers, **kw)


def read_stream(mock: MockUpstream, into: list[bytes]) -> None:
    """Collect a stream's bytes into ``into``, so a test still sees them if reading fails."""
    with httpx.stream("POST", f"{mock.base_url}/chat/completions", json=STREAM_BODY) as r:
        into.extend(r.iter_bytes())


def test_429_with_retry_after_once_then_normal(mock_upstream: MockUpstream) -> None:
    injection = mock_upstream.inject(status=429, headers={"Retry-After": "3"})

    limited, normal = post(mock_upstream), post(mock_upstream)

    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "3"
    assert limited.json()["error"]["type"] == "requests"
    assert limited.json()["error"]["code"] == "rate_limit_exceeded"
    assert normal.status_code == 200
    assert injection.hits == 1


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_have_openai_bodies(mock_upstream: MockUpstream, status: int) -> None:
    mock_upstream.inject(Fault(status=status))

    response = post(mock_upstream)

    assert response.status_code == status
    assert response.json()["error"]["type"] == "server_error"


def test_injections_form_a_queue(mock_upstream: MockUpstream) -> None:
    mock_upstream.inject(status=500)
    mock_upstream.inject(status=503, times=2)

    statuses = [post(mock_upstream).status_code for _ in range(4)]

    assert statuses == [500, 503, 503, 200]


def test_times_none_fails_forever_until_cleared(mock_upstream: MockUpstream) -> None:
    mock_upstream.inject(status=500, times=None)

    assert [post(mock_upstream).status_code for _ in range(3)] == [500, 500, 500]
    mock_upstream.clear_faults()
    assert post(mock_upstream).status_code == 200


def test_faults_can_target_one_api_key(mock_upstream: MockUpstream) -> None:
    mock_upstream.inject(status=429, times=None, when_key="sk-a")

    assert post(mock_upstream, key="sk-a").status_code == 429
    assert post(mock_upstream, key="sk-b").status_code == 200
    assert post(mock_upstream, key="sk-a").status_code == 429


def test_faults_can_target_one_model(mock_upstream: MockUpstream) -> None:
    mock_upstream.inject(status=404, when_model="gpt-4o")

    assert post(mock_upstream, {**BODY, "model": "gpt-4o-mini"}).status_code == 200
    assert post(mock_upstream).status_code == 404


def test_a_verbatim_body_replaces_the_error_shape(mock_upstream: MockUpstream) -> None:
    mock_upstream.inject(status=502, body="<html>bad gateway</html>")

    response = post(mock_upstream)

    assert (response.status_code, response.text) == (502, "<html>bad gateway</html>")


def test_headers_alone_decorate_a_normal_answer(mock_upstream: MockUpstream) -> None:
    mock_upstream.inject(headers={"x-ratelimit-remaining-requests": "0"})

    response = post(mock_upstream)

    assert response.status_code == 200
    assert response.headers["x-ratelimit-remaining-requests"] == "0"


def test_slow_answer_delays_the_headers(mock_upstream: MockUpstream) -> None:
    mock_upstream.inject(delay=0.3)
    started = time.monotonic()

    assert post(mock_upstream).status_code == 200
    assert time.monotonic() - started >= 0.3

    mock_upstream.inject(delay=5)
    with pytest.raises(httpx.ReadTimeout):
        post(mock_upstream, timeout=0.2)


def test_slow_stream_spaces_the_events(mock_upstream: MockUpstream) -> None:
    mock_upstream.inject(chunk_delay=0.1)
    arrivals = []

    with httpx.stream("POST", f"{mock_upstream.base_url}/chat/completions", json=STREAM_BODY) as r:
        for _ in r.iter_lines():
            arrivals.append(time.monotonic())

    assert arrivals[-1] - arrivals[0] >= 0.1 * 5


def test_cut_stream_closes_without_done(mock_upstream: MockUpstream) -> None:
    mock_upstream.inject(cut_after=2)
    received: list[bytes] = []

    with pytest.raises(httpx.RemoteProtocolError):
        read_stream(mock_upstream, received)

    events = parse_sse(b"".join(received))
    assert len(events) == 2
    assert not any(event.done for event in events)


def test_garbage_json_body(mock_upstream: MockUpstream) -> None:
    mock_upstream.inject(garbage=True)

    response = post(mock_upstream)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    with pytest.raises(ValueError, match="Expecting value"):
        response.json()


def test_garbage_stream(mock_upstream: MockUpstream) -> None:
    mock_upstream.inject(garbage=True)

    events = parse_sse(post(mock_upstream, STREAM_BODY).text)

    assert len(events) == 1
    with pytest.raises(ValueError, match="Expecting property name"):
        events[0].json()


def test_drop_closes_the_connection_without_an_answer(mock_upstream: MockUpstream) -> None:
    mock_upstream.inject(drop=True)

    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        post(mock_upstream)
    assert post(mock_upstream).status_code == 200


def test_stopped_upstream_refuses_then_comes_back_on_its_port(mock_upstream: MockUpstream) -> None:
    port = mock_upstream.port
    mock_upstream.stop()

    with pytest.raises(httpx.ConnectError):
        post(mock_upstream)

    mock_upstream.start()
    assert mock_upstream.port == port
    assert post(mock_upstream).status_code == 200


def test_fault_and_fields_cannot_be_mixed(mock_upstream: MockUpstream) -> None:
    with pytest.raises(TypeError, match="either a Fault or its fields"):
        mock_upstream.inject(Fault(status=500), delay=1)


def test_reset_forgets_requests_and_faults(mock_upstream: MockUpstream) -> None:
    mock_upstream.inject(status=500, times=None)
    post(mock_upstream)

    mock_upstream.reset()

    assert mock_upstream.requests == []
    assert post(mock_upstream).status_code == 200
