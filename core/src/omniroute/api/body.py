"""Reading a request body once, with a size limit enforced while reading."""

from __future__ import annotations

from starlette.requests import Request

from ..errors import PayloadTooLarge


async def read_body(request: Request, limit: int, declared: str | None) -> bytes:
    """The whole body, or ``PayloadTooLarge`` as soon as it passes ``limit`` bytes;
    ``declared`` is the request's ``Content-Length``, checked before reading anything."""
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"request body of {declared} bytes exceeds the {limit}-byte limit")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"request body exceeds the {limit}-byte limit")
        chunks.append(chunk)
    return b"".join(chunks)
