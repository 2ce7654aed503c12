"""The OpenAI surface in process: every bad input gets a precise error in OpenAI's shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from omniroute_plugin_testkit.gateway import GatewayApp
from omniroute_plugin_testkit.mock import MockUpstream

HELLO = {"model": "openai/gpt-4o", "messages": [{"role": "user", "content": "hello"}]}


def config(mock: MockUpstream, *names: str, **extra: Any) -> dict[str, Any]:
    return {
        "connections": [
            {
                "provider": "openai",
                "name": n,
                "api_key": f"sk-{n}",
                "base_url": mock.base_url,
                "priority": i,
            }
            for i, n in enumerate(names or ("a",))
        ],
        **extra,
    }


def assert_openai_error(response: Any, status: int, code: str, text: str) -> None:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert text in error["message"]
    assert set(error) == {"message", "type", "code", "param"}
    assert response.headers["x-omniroute-request-id"]


@pytest.fixture
def app(
    gateway_app: Callable[..., GatewayApp], mock_upstream: MockUpstream
) -> Callable[..., GatewayApp]:
    def make(**overrides: Any) -> GatewayApp:
        cfg = overrides.pop("config", None) or config(mock_upstream)
        return gateway_app(cfg, **overrides)

    return make


async def test_bad_json_missing_model_and_bad_messages(app: Callable[..., GatewayApp]) -> None:
    async with app() as gw:
        post = gw.client.post
        assert_openai_error(
            await post("/v1/chat/completions", content=b"{nope"),
            400,
            "invalid_json",
            "not valid JSON",
        )
        assert_openai_error(
            await post("/v1/chat/completions", content=b"[1,2]"), 400, "invalid_json", "JSON object"
        )
        assert_openai_error(
            await post(
                "/v1/chat/completions", json={"messages": [{"role": "user", "content": "x"}]}
            ),
            400,
            "invalid_request",
            "missing 'model'",
        )
        assert_openai_error(
            await post("/v1/chat/completions", json={"model": "openai/gpt-4o", "messages": []}),
            400,
            "invalid_request",
            "'messages' must be a non-empty array",
        )


async def test_oversized_body_is_413_before_reaching_upstream(
    app: Callable[..., GatewayApp], mock_upstream: MockUpstream
) -> None:
    async with app(max_body_bytes=1000) as gw:
        big = {**HELLO, "messages": [{"role": "user", "content": "x" * 2000}]}
        response = await gw.client.post("/v1/chat/completions", json=big)
        assert_openai_error(response, 413, "payload_too_large", "1000-byte limit")

        # Also when the client streams the body without announcing its length.
        async def chunks() -> Any:
            for _ in range(5):
                yield b"x" * 300

        response = await gw.client.post("/v1/chat/completions", content=chunks())
        assert_openai_error(response, 413, "payload_too_large", "1000-byte limit")
    assert mock_upstream.requests == []


async def test_unknown_model_and_provider(app: Callable[..., GatewayApp]) -> None:
    async with app() as gw:
        post = gw.client.post
        r = await post("/v1/chat/completions", json={**HELLO, "model": "gpt-unknown"})
        assert_openai_error(r, 404, "model_not_found", "GET /v1/models")
        r = await post("/v1/providers/nope/chat/completions", json=HELLO)
        assert_openai_error(r, 404, "provider_not_found", "unknown provider 'nope'")


async def test_no_credentials_names_the_fix(app: Callable[..., GatewayApp]) -> None:
    async with app() as gw:
        r = await gw.client.post("/v1/chat/completions", json={**HELLO, "model": "groq/llama"})
        assert_openai_error(r, 503, "no_credentials", "omniroute providers add groq")


async def test_provider_scoped_route(
    app: Callable[..., GatewayApp], mock_upstream: MockUpstream
) -> None:
    async with app() as gw:
        path = "/v1/providers/openai/chat/completions"
        r = await gw.client.post(path, json={**HELLO, "model": "gpt-4o-mini"})
        assert r.status_code == 200, r.text
        assert mock_upstream.last_request.json["model"] == "gpt-4o-mini"
        r = await gw.client.post(path, json={**HELLO, "model": "openai/gpt-4o"})
        assert r.status_code == 200
        r = await gw.client.post(path, json={**HELLO, "model": "groq/llama-3.1-8b-instant"})
        assert_openai_error(r, 400, "provider_mismatch", "belongs to provider 'groq'")


@pytest.mark.parametrize(
    ("fault", "status", "code"),
    [
        ({"garbage": True}, 502, "upstream_bad_response"),
        ({"status": 500}, 500, "upstream_error"),
        ({"status": 401}, 502, "upstream_auth_failed"),
        ({"drop": True}, 502, "upstream_unavailable"),
        ({"delay": 2.0}, 504, "upstream_timeout"),
    ],
)
async def test_upstream_failures_on_every_connection(
    app: Callable[..., GatewayApp],
    mock_upstream: MockUpstream,
    fault: dict[str, Any],
    status: int,
    code: str,
) -> None:
    mock_upstream.inject(times=None, **fault)
    async with app(upstream_timeout=0.5) as gw:
        r = await gw.client.post("/v1/chat/completions", json=HELLO)
    assert_openai_error(r, status, code, "")
    assert "Traceback" not in r.text


async def test_garbage_mid_stream_ends_with_an_error_event(
    app: Callable[..., GatewayApp], mock_upstream: MockUpstream
) -> None:
    mock_upstream.inject(cut_after=2)
    async with app() as gw:
        r = await gw.client.post("/v1/chat/completions", json={**HELLO, "stream": True})
        assert r.status_code == 200
        frames = [f for f in r.text.split("\n\n") if f]
    assert frames[0].startswith("data: {")
    assert '"error"' in frames[-1]
    assert "upstream_unavailable" in frames[-1]


async def test_api_keys_when_required(
    app: Callable[..., GatewayApp], mock_upstream: MockUpstream
) -> None:
    cfg = config(mock_upstream, keys=[{"name": "ci", "key": "sk-omni-good"}])
    async with app(config=cfg, require_api_key=True) as gw:
        post = gw.client.post
        assert_openai_error(
            await post("/v1/chat/completions", json=HELLO),
            401,
            "invalid_api_key",
            "missing API key",
        )
        r = await post("/v1/chat/completions", json=HELLO, headers={"Authorization": "Bearer bad"})
        assert_openai_error(r, 401, "invalid_api_key", "invalid API key")
        r = await post(
            "/v1/chat/completions", json=HELLO, headers={"Authorization": "Bearer sk-omni-good"}
        )
        assert r.status_code == 200, r.text
    # The gateway key is never forwarded upstream.
    assert mock_upstream.last_request.header("authorization") == "Bearer sk-a"


async def test_unknown_route_answers_in_openai_shape(app: Callable[..., GatewayApp]) -> None:
    async with app() as gw:
        r = await gw.client.get("/v1/nothing")
    assert r.status_code == 404
    assert r.json()["error"]["message"] == "Not Found: GET /v1/nothing"


async def test_every_request_leaves_one_usage_record(
    app: Callable[..., GatewayApp], mock_upstream: MockUpstream
) -> None:
    async with app() as gw:
        for body in (HELLO, {**HELLO, "stream": True}, {**HELLO, "model": "x/y"}):
            await gw.client.post("/v1/chat/completions", json=body)
        await gw.client.post("/v1/chat/completions", content=b"{")
        await gw.gateway.usage.flush()
        rows = gw.gateway.store.list_usage(limit=10)
    assert sorted(r["status"] for r in rows) == [200, 200, 400, 404]
    streamed = next(r for r in rows if r["stream"])
    assert streamed["completion_tokens"] > 0
    assert streamed["connection_id"]


async def test_session_id_is_echoed(app: Callable[..., GatewayApp]) -> None:
    async with app() as gw:
        r = await gw.client.post(
            "/v1/chat/completions", json=HELLO, headers={"x_session_id": "s" * 80}
        )
    assert r.headers["x-omniroute-session-id"] == "s" * 64
