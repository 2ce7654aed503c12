"""The ``openai-responses`` executor: ``POST {base}/responses``."""

from __future__ import annotations

from collections.abc import Mapping

import orjson

from omniroute import Body, Candidate, UpstreamRequest

_NO_HEADERS: Mapping[str, str] = {}


def responses_request(
    candidate: Candidate, body: Body, stream: bool, timeout: float
) -> UpstreamRequest:
    """``body`` posted to ``{base}/responses`` with its stream flag matching ``stream``."""
    if body.get("stream", False) is not stream:
        body = {**body, "stream": stream}
    return UpstreamRequest(
        method="POST",
        url=f"{candidate.base_url}/responses",
        headers={
            "Content-Type": "application/json",
            "Accept": "text/event-stream" if stream else "application/json",
        },
        body=orjson.dumps(body),
        stream=stream,
        timeout=timeout,
    )


class ResponsesExecutor:
    """OpenAI's Responses endpoint and compatible ones (per-model in a manifest)."""

    name = "openai-responses"

    def build_request(
        self,
        candidate: Candidate,
        body: Body,
        stream: bool,
        timeout: float,
        client_headers: Mapping[str, str] = _NO_HEADERS,
    ) -> UpstreamRequest:
        return responses_request(candidate, body, stream, timeout)
