"""Load generation: wrk for throughput, a blocking-socket client for paired latency.

Throughput at fixed concurrency uses wrk (C, one thread): a Python generator would saturate its
own core long before the mock does. Latency at one connection uses the paired client below
instead, because the *added* latency of a proxy is a difference of a few hundred microseconds and
only interleaving (every round sends one request to every target, in a fresh random order)
cancels the drift of a shared, noisy machine. The client is plain blocking sockets and
``time.perf_counter_ns``: at one connection nothing is cheaper or has less jitter than a
``sendall`` and ``recv`` loop, and whatever it costs is the same in every arm of the comparison.
"""

from __future__ import annotations

import os
import random
import re
import socket
import statistics
import subprocess
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


@dataclass(slots=True)
class WrkResult:
    """One wrk run, latencies in milliseconds."""

    rps: float
    requests: int
    p50_ms: float
    p99_ms: float
    errors: int

    def as_dict(self) -> dict[str, float | int]:
        return {
            "rps": round(self.rps, 1),
            "requests": self.requests,
            "p50_ms": self.p50_ms,
            "p99_ms": self.p99_ms,
            "errors": self.errors,
        }


def write_wrk_script(path: Path, body: bytes) -> None:
    """A wrk Lua script that POSTs ``body`` as JSON on every request."""
    lua_body = body.decode().replace("\\", "\\\\").replace("'", "\\'")
    path.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = '{lua_body}'\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        'wrk.headers["Authorization"] = "Bearer sk-bench"\n'
    )


def _ms(value: str, unit: str) -> float:
    return float(value) * _UNITS[unit]


def parse_wrk(output: str) -> WrkResult:
    """Read RPS, request count, p50/p99 and error counts from ``wrk --latency`` output."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    count = re.search(r"(\d+) requests in", output)
    p50 = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
    if not (rps and count and p50 and p99):
        raise RuntimeError(f"cannot parse wrk output:\n{output}")
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        errors += int(non_2xx.group(1))
    return WrkResult(
        rps=float(rps.group(1)),
        requests=int(count.group(1)),
        p50_ms=_ms(*p50.groups()),
        p99_ms=_ms(*p99.groups()),
        errors=errors,
    )


def run_wrk(url: str, script: Path, connections: int, seconds: int, cpu: int | None) -> WrkResult:
    """One closed-loop wrk run (one thread) against ``url``, pinned to ``cpu`` if given."""
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script)]
    proc = subprocess.run(
        [*cmd, url],
        capture_output=True,
        text=True,
        check=True,
        preexec_fn=(lambda: os.sched_setaffinity(0, {cpu})) if cpu is not None else None,
    )
    return parse_wrk(proc.stdout)


class HttpConnection:
    """One keep-alive HTTP/1.1 connection that POSTs a fixed body and times the answer.

    Reads Content-Length and chunked answers; ``marker`` (if given) is looked for in the
    decoded body and the time it first appears is returned too (time to first token).
    """

    def __init__(self, url: str, body: bytes, marker: bytes | None = None) -> None:
        parts = urlsplit(url)
        self._address = (parts.hostname or "127.0.0.1", parts.port or 80)
        self._request = (
            f"POST {parts.path or '/'} HTTP/1.1\r\n"
            f"Host: {parts.netloc}\r\n"
            "Content-Type: application/json\r\n"
            "Authorization: Bearer sk-bench\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode() + body
        self._marker = marker
        self._buf = b""
        self._sock = self._connect()

    def _connect(self) -> socket.socket:
        sock = socket.create_connection(self._address, timeout=30)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def close(self) -> None:
        self._sock.close()

    def reconnect(self) -> None:
        """Replace a connection the server closed (as any keep-alive client must)."""
        self._sock.close()
        self._buf = b""
        self._sock = self._connect()

    def _fill(self) -> None:
        data = self._sock.recv(262144)
        if not data:
            raise ConnectionError(f"{self._address} closed the connection")
        self._buf += data

    def roundtrip(self) -> tuple[int, int]:
        """Send the request once; return (total, first-marker) nanoseconds from send."""
        start = time.perf_counter_ns()
        self._sock.sendall(self._request)
        while (end := self._buf.find(b"\r\n\r\n")) < 0:
            self._fill()
        head = self._buf[:end].lower()
        self._buf = self._buf[end + 4 :]
        if not head.startswith((b"http/1.1 200", b"http/1.0 200")):
            raise RuntimeError(f"non-200 answer: {head[:200]!r}")
        match = re.search(rb"content-length:\s*(\d+)", head)
        if match:
            length = int(match.group(1))
            while len(self._buf) < length:
                self._fill()
            body, self._buf = self._buf[:length], self._buf[length:]
            total = time.perf_counter_ns() - start
            found = self._marker is None or self._marker in body
            return total, total if found else -1
        if b"transfer-encoding: chunked" not in head:
            raise RuntimeError(f"answer without length: {head[:200]!r}")
        return self._read_chunked(start)

    def _read_chunked(self, start: int) -> tuple[int, int]:
        decoded = b""
        first = -1 if self._marker is not None else 0
        while True:
            while (eol := self._buf.find(b"\r\n")) < 0:
                self._fill()
            size = int(self._buf[:eol].split(b";")[0], 16)
            while len(self._buf) < eol + 2 + size + 2:
                self._fill()
            chunk = self._buf[eol + 2 : eol + 2 + size]
            self._buf = self._buf[eol + 2 + size + 2 :]
            if size == 0:
                total = time.perf_counter_ns() - start
                return total, (total if first == 0 else first)
            if first < 0:
                assert self._marker is not None
                decoded += chunk
                if self._marker in decoded:
                    first = time.perf_counter_ns() - start


@dataclass(slots=True)
class PairedSamples:
    """Latencies (ns) per target, one entry per measured round, aligned across targets."""

    total: dict[str, list[int]] = field(default_factory=dict)
    first: dict[str, list[int]] = field(default_factory=dict)
    #: Times a target closed its keep-alive connection and the request was sent again.
    reconnects: dict[str, int] = field(default_factory=dict)

    @classmethod
    def empty(cls, targets: Iterable[str]) -> PairedSamples:
        names = list(targets)
        return cls({n: [] for n in names}, {n: [] for n in names}, dict.fromkeys(names, 0))

    def extend(self, other: PairedSamples) -> None:
        """Append ``other``'s rounds (same targets) after this one's."""
        for name, values in other.total.items():
            self.total[name] += values
            self.first[name] += other.first[name]
            self.reconnects[name] += other.reconnects[name]


def paired_rounds(
    targets: dict[str, str], body: bytes, rounds: int, warmup: int, marker: bytes | None = None
) -> PairedSamples:
    """Interleaved paired rounds at one connection per target.

    Every round sends one request to every target in a fresh random order, so slow drift of
    the machine (frequency, other tenants) hits all arms alike and subtracting is fair.
    """
    conns = {name: HttpConnection(url, body, marker) for name, url in targets.items()}
    samples = PairedSamples.empty(targets)
    names = list(targets)
    rng = random.Random(1234)
    try:
        for i in range(warmup + rounds):
            rng.shuffle(names)
            for name in names:
                try:
                    total, first = conns[name].roundtrip()
                except ConnectionError:
                    samples.reconnects[name] += 1
                    conns[name].reconnect()
                    total, first = conns[name].roundtrip()
                if i >= warmup:
                    samples.total[name].append(total)
                    samples.first[name].append(first)
    finally:
        for conn in conns.values():
            conn.close()
    return samples


def percentile(values: Sequence[int | float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0-100) of ``values``."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return float(ordered[rank])


def latency_summary(samples: Sequence[int], baseline: Sequence[int]) -> dict[str, float]:
    """p50/p90/p99 in ms of ``samples``, and the same minus ``baseline`` (added latency).

    ``paired_delta_p50_ms`` is the median of the per-round differences, which is less
    sensitive to a noisy tail than the difference of medians; both are reported.
    """
    out: dict[str, float] = {}
    for q in (50, 90, 99):
        mine = percentile(samples, q) / 1e6
        out[f"p{q}_ms"] = round(mine, 4)
        out[f"added_p{q}_ms"] = round(mine - percentile(baseline, q) / 1e6, 4)
    deltas = [a - b for a, b in zip(samples, baseline, strict=True)]
    out["paired_delta_p50_ms"] = round(statistics.median(deltas) / 1e6, 4)
    return out
