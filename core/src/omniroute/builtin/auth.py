"""The standard auth strategies: ``bearer``, ``x-api-key`` and ``none``."""

from __future__ import annotations

from omniroute import Candidate, NoCredentials, UpstreamRequest


def _secret(candidate: Candidate) -> str:
    secret = candidate.connection.secret
    if not secret:
        raise NoCredentials(
            f"connection {candidate.connection.name!r} of provider "
            f"{candidate.target.provider.id!r} has no API key"
        )
    return secret


class BearerAuth:
    """``Authorization: Bearer <key>``: OpenAI and nearly every compatible API."""

    name = "bearer"

    async def apply(self, request: UpstreamRequest, candidate: Candidate) -> None:
        request.headers["Authorization"] = f"Bearer {_secret(candidate)}"


class HeaderKeyAuth:
    """``x-api-key: <key>``, for APIs that take the key in its own header."""

    name = "x-api-key"

    async def apply(self, request: UpstreamRequest, candidate: Candidate) -> None:
        request.headers["x-api-key"] = _secret(candidate)


class NoAuth:
    """No credentials (local servers such as Ollama); a configured key is still sent as
    Bearer, since some local servers are started with one."""

    name = "none"

    async def apply(self, request: UpstreamRequest, candidate: Candidate) -> None:
        if candidate.connection.secret:
            request.headers["Authorization"] = f"Bearer {candidate.connection.secret}"
