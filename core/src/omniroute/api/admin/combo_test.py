"""``POST /api/combos/test``: send a real chat request through every step of a combo.

Saving a combo only checks that its steps resolve; whether each model actually answers is
known only by asking it. Each step is asked separately (a combo request would stop at the
first step that works and hide the others), through the same pipeline and usage accounting
as ``/v1/chat/completions``, so what the test reports is what clients would get, and what
it costs shows up in usage like any other request.
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import TYPE_CHECKING, Any

import orjson
from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field

from ...engine.answer import JsonAnswer
from ...errors import GatewayError
from ...security.admission import admit
from ...security.keys import bearer_token
from ...types import Body, Call
from ..v1.surface import internal_error, record_usage
from .combos import gateway_key

if TYPE_CHECKING:
    from ...gateway import Gateway

router = APIRouter(prefix="/api/combos", tags=["combos"], dependencies=[Depends(gateway_key)])

PROMPT = "Reply with the single word: OK"
CLIENT_FORMAT = "openai"
"""The test speaks Chat Completions, the hub format every upstream is translated from."""
TEXT_LIMIT = 200
NO_TEXT = "the model returned no text"


class ComboTestIn(BaseModel):
    combo_name: str = Field(alias="comboName", min_length=1)


@router.post("/test", summary="Send a live request through each step of a combo")
async def run_combo_test(request: Request, body: ComboTestIn) -> dict[str, Any]:
    """Every step's outcome, ``ok`` only when all of them answered with text."""
    gateway: Gateway = request.app.state.gateway
    combo = gateway.pipeline.snapshot.combos.get(body.combo_name)
    if combo is None:
        raise HTTPException(404, detail=f"no combo {body.combo_name!r}")
    # ``gateway_key`` has already refused bad keys when keys are required; this only finds
    # whose key it is, so the test requests are billed to the caller like their own.
    try:
        info = admit(
            bearer_token(request.headers),
            gateway.pipeline.snapshot,
            gateway.api_key_secret,
            gateway.settings.require_api_key,
        )
    except GatewayError as exc:
        raise HTTPException(exc.status, detail=exc.message) from exc
    api_key_id = info.id if info else None
    steps = await asyncio.gather(*(_test_step(gateway, s.model, api_key_id) for s in combo.steps))
    return {"combo": combo.name, "ok": all(s["ok"] for s in steps), "steps": list(steps)}


async def _test_step(gateway: Gateway, model: str, api_key_id: str | None) -> dict[str, Any]:
    """Run one chat request for ``model`` as ``/v1/chat/completions`` would, and judge it.

    A step that names another combo is sent as that combo name, so it is tested the way a
    client would use it (its own fallback included).
    """
    started = time.perf_counter()
    call = Call(
        os.urandom(12).hex(),
        CLIENT_FORMAT,
        {
            "model": model,
            "messages": [{"role": "user", "content": PROMPT}],
            "max_tokens": 16,
            "stream": False,
        },
        {},  # the caller's headers are for the management API, not for an upstream
        model,
        False,
        api_key_id=api_key_id,
        started=started,
    )
    text: str | None = None
    try:
        answer = await gateway.pipeline.run(call)
        if not isinstance(answer, JsonAnswer):  # a request with stream=False never streams
            raise TypeError(f"the pipeline streamed the answer to {model!r}")
        text = _reply_text(answer.body)
        error = None if text else NO_TEXT
    except GatewayError as exc:
        call.status, call.error = exc.status, exc.message
        error = exc.message
    except Exception:
        error = internal_error(call).message
    latency_ms = (time.perf_counter() - started) * 1000
    record_usage(gateway, call, generate=True)
    return {
        "model": model,
        "ok": error is None,
        "status": call.status,
        "latencyMs": round(latency_ms, 1),
        "provider": call.provider,
        "upstreamModel": call.upstream_model,
        "text": text[:TEXT_LIMIT] if text else None,
        "error": error,
    }


def _reply_text(raw: bytes) -> str | None:
    """``choices[0].message.content`` of a Chat completion, stripped; None when there is no
    text (empty, missing, or a tool call instead): a 200 that says nothing is no answer."""
    try:
        body: Body = orjson.loads(raw)
        content = body["choices"][0]["message"]["content"]
    except (orjson.JSONDecodeError, LookupError, TypeError):
        return None
    if not isinstance(content, str):
        return None
    return content.strip() or None
