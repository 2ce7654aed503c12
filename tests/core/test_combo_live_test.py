"""``POST /api/combos/test``: each step gets a real request; ``ok`` means the model said
something."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from omniroute_plugin_testkit.gateway import GatewayApp
from omniroute_plugin_testkit.mock import MockUpstream

STEPS = ["openai/gpt-4o", "groq/llama-3.1-8b-instant", "mistral/mistral-small", "inner"]
ECHO = "echo: Reply with the single word: OK"


def config(mock: MockUpstream, **extra: Any) -> dict[str, Any]:
    return {
        "connections": [
            {"provider": p, "name": n, "api_key": f"sk-{n}", "base_url": mock.base_url}
            for p, n in (("openai", "a"), ("groq", "g"), ("mistral", "m"))
        ],
        "combos": [
            {"name": "inner", "models": ["openai/gpt-4o-mini"]},
            {"name": "all", "models": STEPS},
        ],
        **extra,
    }


def empty_completion(model: str) -> str:
    """A well-formed Chat completion that carries no text: a 200 that answers nothing."""
    return json.dumps(
        {
            "id": "chatcmpl-empty",
            "object": "chat.completion",
            "created": 0,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": ""},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 7, "completion_tokens": 0, "total_tokens": 7},
        }
    )


async def test_every_step_answers(
    gateway_app: Callable[..., GatewayApp], mock_upstream: MockUpstream
) -> None:
    async with gateway_app(config(mock_upstream)) as gw:
        r = await gw.client.post("/api/combos/test", json={"comboName": "all"})
    assert r.status_code == 200, r.text
    result = r.json()
    assert result["combo"] == "all"
    assert result["ok"] is True
    assert [s["model"] for s in result["steps"]] == STEPS
    assert [(s["provider"], s["upstreamModel"]) for s in result["steps"]] == [
        ("openai", "gpt-4o"),
        ("groq", "llama-3.1-8b-instant"),
        ("mistral", "mistral-small"),
        ("openai", "gpt-4o-mini"),  # a nested combo is tested by its name, as clients use it
    ]
    for step in result["steps"]:
        assert step["ok"] is True
        assert step["status"] == 200
        assert step["text"] == ECHO
        assert step["error"] is None
        assert step["latencyMs"] >= 0
    sent = mock_upstream.requests
    assert len(sent) == 4
    assert [(req.json or {}).get("max_tokens") for req in sent] == [16] * 4
    assert [(req.json or {}).get("stream") for req in sent] == [False] * 4


async def test_failing_steps_are_reported_and_the_others_still_pass(
    gateway_app: Callable[..., GatewayApp], mock_upstream: MockUpstream
) -> None:
    mock_upstream.inject(status=500, message="groq is down", when_key="sk-g", times=None)
    mock_upstream.inject(status=401, message="bad key", when_key="sk-m", times=None)
    async with gateway_app(config(mock_upstream)) as gw:
        result = (await gw.client.post("/api/combos/test", json={"comboName": "all"})).json()
    assert result["ok"] is False
    openai, groq, mistral, inner = result["steps"]
    assert openai["ok"] is inner["ok"] is True
    assert (groq["ok"], groq["status"], groq["text"]) == (False, 500, None)
    assert "groq is down" in groq["error"]
    # A provider refusing the gateway's own key is a bad gateway to the client, as on /v1.
    assert (mistral["ok"], mistral["status"], mistral["text"]) == (False, 502, None)
    assert "rejected the gateway's credentials (401)" in mistral["error"]
    assert "bad key" in mistral["error"]


async def test_a_200_without_text_is_not_ok(
    gateway_app: Callable[..., GatewayApp], mock_upstream: MockUpstream
) -> None:
    mock_upstream.inject(
        body=empty_completion("gpt-4o"),
        headers={"Content-Type": "application/json"},
        when_model="gpt-4o",
        times=None,
    )
    async with gateway_app(config(mock_upstream)) as gw:
        result = (await gw.client.post("/api/combos/test", json={"comboName": "all"})).json()
    assert result["ok"] is False
    empty = result["steps"][0]
    assert empty == {
        **empty,
        "model": "openai/gpt-4o",
        "ok": False,
        "status": 200,
        "text": None,
        "error": "the model returned no text",
    }
    assert all(s["ok"] for s in result["steps"][1:])


async def test_unknown_combo_and_bad_bodies(
    gateway_app: Callable[..., GatewayApp], mock_upstream: MockUpstream
) -> None:
    async with gateway_app(config(mock_upstream)) as gw:
        post = gw.client.post
        unknown = await post("/api/combos/test", json={"comboName": "nope"})
        missing = await post("/api/combos/test", json={"combo": "all"})
        empty = await post("/api/combos/test", json={"comboName": ""})
    assert unknown.status_code == 404
    assert unknown.json() == {"detail": "no combo 'nope'"}
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["body", "comboName"]
    assert empty.status_code == 422
    assert not mock_upstream.requests


async def test_each_step_is_recorded_in_usage_under_the_callers_key(
    gateway_app: Callable[..., GatewayApp], mock_upstream: MockUpstream
) -> None:
    mock_upstream.inject(status=500, when_key="sk-g", times=None)
    cfg = config(mock_upstream, keys=[{"name": "ops", "key": "sk-omni-ops"}])
    async with gateway_app(cfg, require_api_key=True) as gw:
        refused = await gw.client.post("/api/combos/test", json={"comboName": "all"})
        r = await gw.client.post(
            "/api/combos/test",
            json={"comboName": "all"},
            headers={"Authorization": "Bearer sk-omni-ops"},
        )
        await gw.gateway.usage.flush()
        rows = gw.gateway.store.list_usage(limit=10)
        key_id = next(iter(gw.gateway.pipeline.snapshot.api_keys.values())).id
    assert refused.status_code == 401
    assert r.status_code == 200, r.text
    assert sorted((row["requested_model"], row["status"]) for row in rows) == sorted(
        (s["model"], s["status"]) for s in r.json()["steps"]
    )
    assert {row["api_key_id"] for row in rows} == {key_id}
    assert {row["client_format"] for row in rows} == {"openai"}
    failed = next(row for row in rows if row["status"] == 500)
    assert failed["requested_model"] == "groq/llama-3.1-8b-instant"
    assert failed["error"]
    assert all(row["prompt_tokens"] > 0 for row in rows if row["status"] == 200)
