"""Scripted misbehaviour: the failures a gateway must survive, on demand.

A gateway earns its keep when upstreams fail, so every resilience test needs an upstream that
fails in a precise, repeatable way. A ``Fault`` says *how* to misbehave; an ``Injection`` says
*when* (how many times, for which API key or model). Injections form a queue checked in the
order they were added: the first one that matches and has uses left shapes the request, so
``inject(A, times=1); inject(B, times=1)`` answers A, then B, then normally.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Fault:
    """How the mock misbehaves on one request; the fields combine.

    Applied in this order: wait ``delay`` seconds before any byte (a slow upstream); ``drop``
    the connection without answering (a crashed upstream); answer ``status`` with an error
    body in the route's wire format, or ``body`` verbatim when given (``message`` overrides
    the default error text); otherwise answer normally but send ``garbage`` (a non-JSON 200
    body, or an SSE stream whose event is not JSON), wait ``chunk_delay`` seconds between
    stream events, and close the connection after ``cut_after`` events without finishing.
    ``headers`` are added to whatever answer is sent (``Retry-After``, rate-limit headers).
    """

    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | str | None = None
    message: str | None = None
    delay: float = 0.0
    chunk_delay: float = 0.0
    cut_after: int | None = None
    garbage: bool = False
    drop: bool = False


@dataclass(slots=True)
class Injection:
    """A fault with its trigger; ``hits`` counts the requests it shaped so far.

    ``times`` None means forever; ``when_key`` / ``when_model`` restrict it to requests
    carrying that credential or asking for that model, which is how a test makes connection A
    fail while connection B succeeds.
    """

    fault: Fault
    times: int | None = 1
    when_key: str | None = None
    when_model: str | None = None
    hits: int = 0

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.hits >= self.times

    def matches(self, key: str | None, model: str | None) -> bool:
        if self.exhausted:
            return False
        if self.when_key is not None and key != self.when_key:
            return False
        return self.when_model is None or model == self.when_model


class FaultPlan:
    """The queue of injections; the test thread adds, the server thread takes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: list[Injection] = []

    def add(self, injection: Injection) -> Injection:
        with self._lock:
            self._queue.append(injection)
        return injection

    def take(self, key: str | None, model: str | None) -> Fault | None:
        """The fault for a request with ``key`` and ``model``, using up one of its times."""
        with self._lock:
            for injection in self._queue:
                if injection.matches(key, model):
                    injection.hits += 1
                    return injection.fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()
