"""The ``openai-chat`` executor: ``POST {base}/chat/completions``."""

from __future__ import annotations

from collections.abc import Mapping

from omniroute import Body, Candidate, UpstreamRequest, chat_body

from .responses.executor import responses_request

_NO_HEADERS: Mapping[str, str] = {}


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
        url = f"{candidate.base_url}/chat/completions"
        return UpstreamRequest.post_json(
            url, chat_body(body, stream), stream=stream, timeout=timeout
        )
