"""What a mock upstream received, kept so tests can assert on what the gateway really sent.

A gateway test is only convincing when it checks both ends: the client's answer and the
upstream's request (translated body, credential header, model name). Headers are stored with
lower-case names because HTTP header names are case-insensitive and tests should not care
how a client library spelled them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the mock saw it.

    ``json`` is the parsed body, or None when the body was empty or not JSON (``raw`` still
    holds it); ``key`` is the credential the wire format reads (Bearer token, ``x-api-key`` …)
    and ``model`` the model it asks for, as the wire format reads them.
    """

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    raw: bytes
    json: Any
    key: str | None
    model: str | None

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (any case), or None."""
        return self.headers.get(name.lower())


class Recorder:
    """Thread-safe log of requests: the server thread appends, the test thread reads."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []

    def add(self, request: RecordedRequest) -> None:
        if self.enabled:
            with self._lock:
                self._requests.append(request)

    def snapshot(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()
