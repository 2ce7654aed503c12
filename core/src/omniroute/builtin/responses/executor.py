"""The ``openai-responses`` executor: ``POST {base}/responses``."""

from __future__ import annotations

from collections.abc import Mapping

from omniroute import Body, Candidate, UpstreamRequest, with_stream_flag

_NO_HEADERS: Mapping[str, str] = {}


def responses_request(
    candidate: Candidate, body: Body, stream: bool, timeout: float
) -> UpstreamRequest:
    """``body`` posted to ``{base}/responses`` with its stream flag matching ``stream``."""
    url = f"{candidate.base_url}/responses"
    return UpstreamRequest.post_json(
        url, with_stream_flag(body, stream), stream=stream, timeout=timeout
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
