"""The mock server's lifecycle and recording, from sync code, async code and a process."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import httpx
import pytest

from omniroute_plugin_testkit.mock import MockUpstream
from omniroute_plugin_testkit.ports import free_port

BODY = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}


async def test_async_context_manager_serves_an_async_client() -> None:
    async with MockUpstream() as mock, httpx.AsyncClient(base_url=mock.base_url) as client:
        response = await client.post("/chat/completions", json=BODY)

    assert response.json()["choices"][0]["message"]["content"] == "echo: hi"
    assert not mock.running


def test_requests_are_recorded_with_everything_the_upstream_saw(
    mock_upstream: MockUpstream,
) -> None:
    httpx.post(
        f"{mock_upstream.base_url}/chat/completions?trace=1",
        json=BODY,
        headers={"Authorization": "Bearer sk-rec", "X-Custom": "yes"},
    )

    recorded = mock_upstream.last_request
    assert (recorded.method, recorded.path, recorded.query) == (
        "POST",
        "/v1/chat/completions",
        {"trace": "1"},
    )
    assert recorded.header("x-custom") == recorded.header("X-CUSTOM") == "yes"
    assert recorded.key == "sk-rec"
    assert recorded.json == BODY
    assert recorded.raw.startswith(b"{")


def test_last_request_fails_clearly_when_nothing_arrived(mock_upstream: MockUpstream) -> None:
    with pytest.raises(AssertionError, match="not received any request"):
        _ = mock_upstream.last_request


def test_starting_twice_is_an_error(mock_upstream: MockUpstream) -> None:
    with pytest.raises(RuntimeError, match="already running"):
        mock_upstream.start()


def test_factory_builds_independent_upstreams(
    make_mock_upstream: Callable[..., MockUpstream],
) -> None:
    first = make_mock_upstream(api_keys=["sk-1"])
    second = make_mock_upstream(models=["only-model"])

    assert first.port != second.port
    assert httpx.post(f"{first.base_url}/chat/completions", json=BODY).status_code == 401
    assert httpx.get(f"{second.base_url}/models").json()["data"][0]["id"] == "only-model"


def test_standalone_process_serves_until_terminated() -> None:
    port = free_port()
    command = [sys.executable, "-m", "omniroute_plugin_testkit.mock", "--port", str(port)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            banner = process.stdout.readline()
            assert f"http://127.0.0.1:{port}" in banner
            response = httpx.post(f"http://127.0.0.1:{port}/v1/chat/completions", json=BODY)
            assert response.status_code == 200
        finally:
            process.terminate()
            process.wait(timeout=10)
