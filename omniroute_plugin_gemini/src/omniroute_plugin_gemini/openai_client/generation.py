"""OpenAI sampling, output and reasoning parameters → Gemini ``generationConfig``.

* ``temperature``, ``top_p`` → ``topP``, ``top_k`` → ``topK`` (not OpenAI's, but common),
  ``seed``, ``stop`` → ``stopSequences``; ``max_completion_tokens`` (preferred) or
  ``max_tokens`` → ``maxOutputTokens``.
* ``n`` above 1 → ``candidateCount``; every candidate comes back as a choice.
* ``presence_penalty``/``frequency_penalty`` are sent only when not zero: several Gemini
  models refuse penalties outright, and OpenAI clients send a zero by habit.
* ``response_format``: ``json_object`` → ``responseMimeType: application/json``;
  ``json_schema`` → the same plus ``responseSchema`` (cleaned, see ``schema``).
* ``reasoning_effort`` → ``thinkingConfig``: the budget from ``mapping.EFFORT_BUDGETS``
  (efforts above ``high`` get ``high``'s) with ``includeThoughts`` so the thoughts come back
  as ``reasoning_content``; ``none`` turns thinking off (``thinkingBudget: 0``; the
  original sent the zero as "no setting", which leaves thinking on), or as low as the model
  goes where it cannot be off (``models``), without ``includeThoughts``. Without
  ``reasoning_effort`` no ``thinkingConfig`` is sent, and none to models that cannot think.

Parameters Gemini has no counterpart for (``logprobs``, ``logit_bias``, ``user``,
``parallel_tool_calls``, ``stream_options``…) are left out.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from omniroute import Body

from ..mapping import EFFORT_BUDGETS
from .models import thinking_off, thinks
from .schema import gemini_schema

_SAMPLING = (("temperature", "temperature"), ("top_p", "topP"))
_PENALTIES = (
    ("presence_penalty", "presencePenalty"),
    ("frequency_penalty", "frequencyPenalty"),
)


def generation_config(body: Body, model: str) -> dict[str, Any]:
    """The ``generationConfig`` for the OpenAI request ``body`` (empty when nothing is set)."""
    out: dict[str, Any] = {}
    for key, gemini_key in _SAMPLING:
        if _is_number(body.get(key)):
            out[gemini_key] = body[key]
    if _is_int(body.get("top_k")):
        out["topK"] = body["top_k"]
    for key, gemini_key in _PENALTIES:
        if _is_number(body.get(key)) and body[key] != 0:
            out[gemini_key] = body[key]
    max_tokens = _max_tokens(body)
    if max_tokens is not None:
        out["maxOutputTokens"] = max_tokens
    stop = _stop_sequences(body.get("stop"))
    if stop:
        out["stopSequences"] = stop
    if _is_int(body.get("seed")):
        out["seed"] = body["seed"]
    if _is_int(body.get("n")) and body["n"] > 1:
        out["candidateCount"] = body["n"]
    out.update(_response_format(body.get("response_format")))
    thinking = _thinking(body.get("reasoning_effort"), model)
    if thinking is not None:
        out["thinkingConfig"] = thinking
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _max_tokens(body: Body) -> int | None:
    for key in ("max_completion_tokens", "max_tokens"):
        value = body.get(key)
        if _is_int(value) and value > 0:
            return value
    return None


def _stop_sequences(stop: Any) -> list[str]:
    if isinstance(stop, str):
        stop = [stop]
    if not isinstance(stop, list):
        return []
    return [s for s in stop if isinstance(s, str) and s]


def _response_format(response_format: Any) -> dict[str, Any]:
    if not isinstance(response_format, dict):
        return {}
    kind = response_format.get("type")
    if kind == "json_object":
        return {"responseMimeType": "application/json"}
    if kind != "json_schema":
        return {}
    out: dict[str, Any] = {"responseMimeType": "application/json"}
    spec = response_format.get("json_schema")
    schema = gemini_schema(spec.get("schema")) if isinstance(spec, dict) else {}
    if schema:
        out["responseSchema"] = schema
    return out


def _thinking(effort: Any, model: str) -> dict[str, Any] | None:
    if not isinstance(effort, str) or not thinks(model):
        return None
    if effort == "none":
        return thinking_off(model)
    budget = EFFORT_BUDGETS.get(effort, EFFORT_BUDGETS["high"])
    return {"thinkingBudget": budget, "includeThoughts": True}
