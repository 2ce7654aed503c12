"""The ``anthropic-messages`` executor: ``{base}/messages`` and ``{base}/messages/count_tokens``.

Base URLs end where the API's ``/messages`` path starts (``https://api.anthropic.com/v1``,
``https://api.minimax.io/anthropic/v1``), so one executor serves every Claude-format host.
"""

from __future__ import annotations

from collections.abc import Mapping

from omniroute import Body, Candidate, UpstreamRequest

_NO_HEADERS: Mapping[str, str] = {}
_FORWARDED = ("anthropic-beta", "anthropic-version")
"""Client headers that change what the API does and carry no credential."""

_COUNT_FIELDS = ("model", "messages", "system", "tools", "tool_choice", "thinking", "mcp_servers")
"""What ``count_tokens`` accepts; it rejects generation fields such as ``max_tokens``."""


def _forwarded(client_headers: Mapping[str, str]) -> dict[str, str]:
    return {name: client_headers[name] for name in _FORWARDED if client_headers.get(name)}


class MessagesExecutor:
    name = "anthropic-messages"

    def build_request(
        self,
        candidate: Candidate,
        body: Body,
        stream: bool,
        timeout: float,
        client_headers: Mapping[str, str] = _NO_HEADERS,
    ) -> UpstreamRequest:
        return UpstreamRequest.post_json(
            f"{candidate.base_url}/messages",
            body,
            stream=stream,
            timeout=timeout,
            headers=_forwarded(client_headers),
        )

    def build_count_tokens_request(
        self, candidate: Candidate, body: Body, timeout: float
    ) -> UpstreamRequest:
        counted = {key: body[key] for key in _COUNT_FIELDS if key in body}
        url = f"{candidate.base_url}/messages/count_tokens"
        return UpstreamRequest.post_json(url, counted, stream=False, timeout=timeout)
