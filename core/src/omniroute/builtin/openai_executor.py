"""The ``openai-chat`` executor: ``POST {base}/chat/completions``."""

from __future__ import annotations

from collections.abc import Mapping

import orjson

from omniroute import Body, Candidate, UpstreamRequest

from .responses.executor import responses_request

_NO_HEADERS: Mapping[str, str] = {}
_JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}
_SSE_HEADERS = {"Content-Type": "application/json", "Accept": "text/event-stream"}


class OpenAIChatExecutor:
    """Any OpenAI-compatible Chat Completions endpoint, and its Responses endpoint for the
    models whose manifest format is ``openai-responses`` (OpenAI's ``*-pro`` models).

    Streams always ask for ``stream_options.include_usage`` so the gateway can record real
    token counts; the engine hides the extra usage chunk (``OpenAIFormat.is_usage_only``)
    from clients that did not ask.
    """

    name = "openai-chat"

    def build_request(
        self,
        candidate: Candidate,
        body: Body,
        stream: bool,
        timeout: float,
        client_headers: Mapping[str, str] = _NO_HEADERS,
    ) -> UpstreamRequest:
        if candidate.target.format == "openai-responses":
            return responses_request(candidate, body, stream, timeout)
        if body.get("stream", False) is not stream:
            # Clients of other formats say "stream" in the URL (Gemini), not in the body.
            body = {**body, "stream": stream}
        if stream:
            options = body.get("stream_options")
            if not (isinstance(options, dict) and options.get("include_usage") is True):
                options = dict(options) if isinstance(options, dict) else {}
                options["include_usage"] = True
                body = {**body, "stream_options": options}
        return UpstreamRequest(
            method="POST",
            url=f"{candidate.base_url}/chat/completions",
            headers=dict(_SSE_HEADERS if stream else _JSON_HEADERS),
            body=orjson.dumps(body),
            stream=stream,
            timeout=timeout,
        )
