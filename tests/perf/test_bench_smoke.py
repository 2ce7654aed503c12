"""The benchmark scripts still work, on tiny counts.

A benchmark is never a timed unit test: nothing here asserts a speed. These tests only keep
``bench/`` from rotting between ``nox -s bench`` runs — the mock answers, the paired client
reads its JSON and SSE answers, a bare proxy forwards through ``omniroute.upstream``, wrk's
output parses and the report renders even when the gateway could not start; every registered
translator (and every hub chain) runs through the translation benchmark.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import loadgen  # noqa: E402
import report  # noqa: E402
import run  # noqa: E402
import servers  # noqa: E402
import translation  # noqa: E402
from mock_upstream import FIRST_TOKEN, JSON_SIZE, STREAM_DELTAS  # noqa: E402

BODY = b'{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}'
STREAM_BODY = BODY[:-1] + b',"stream":true}'

WRK_OUTPUT = """\
Running 2s test @ http://127.0.0.1:9000/v1/chat/completions
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   334.69us  168.00us   5.64ms   85.39%
  Latency Distribution
     50%  365.00us
     75%  398.00us
     90%  435.00us
     99%    1.59ms
  181647 requests in 2.00s, 259.33MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:  90799.36
Transfer/sec:    129.63MB
"""


@pytest.fixture
def fleet(tmp_path: Path) -> Iterator[servers.Fleet]:
    with servers.Fleet(tmp_path, pin=False) as started:
        yield started


@pytest.fixture
def mock_url(fleet: servers.Fleet) -> str:
    port = servers.free_port()
    mock = fleet.start("mock", servers.python_cmd("mock_upstream.py", "--port", str(port)), 0)
    url = f"http://127.0.0.1:{port}/v1/chat/completions"
    assert servers.wait_ready(mock, url, BODY, timeout=30) is None
    return url


def test_wrk_output_parses() -> None:
    result = loadgen.parse_wrk(WRK_OUTPUT)
    assert result.rps == pytest.approx(90799.36)
    assert result.requests == 181647
    assert result.p50_ms == pytest.approx(0.365)
    assert result.p99_ms == pytest.approx(1.59)
    assert result.errors == 7


def test_paired_rounds_read_json_and_sse_from_the_mock(mock_url: str) -> None:
    targets = {"direct": mock_url, "again": mock_url}
    plain = loadgen.paired_rounds(targets, BODY, rounds=5, warmup=1)
    assert all(len(v) == 5 and min(v) > 0 for v in plain.total.values())
    summary = loadgen.latency_summary(plain.total["again"], plain.total["direct"])
    assert {"p50_ms", "added_p99_ms", "paired_delta_p50_ms"} <= summary.keys()

    streamed = loadgen.paired_rounds(targets, STREAM_BODY, 3, 0, FIRST_TOKEN.encode())
    for name in targets:
        assert all(
            0 < first <= total
            for first, total in zip(streamed.first[name], streamed.total[name], strict=True)
        )


def test_mock_answers_the_canned_documents(mock_url: str) -> None:
    conn = loadgen.HttpConnection(mock_url, BODY)
    try:
        conn.roundtrip()
    finally:
        conn.close()
    import mock_upstream

    assert abs(len(mock_upstream.completion_body()) - JSON_SIZE) < 20
    frames = mock_upstream.stream_frames()
    assert len(frames) == STREAM_DELTAS + 4  # role, deltas, finish, [DONE], terminator


def test_bare_proxy_forwards_through_the_gateway_client(
    fleet: servers.Fleet, mock_url: str
) -> None:
    port = servers.free_port()
    cmd = servers.python_cmd(
        "bare_proxy.py", "--transport", "aiohttp", "--port", str(port), "--upstream", mock_url
    )
    proxy = fleet.start("bare", cmd, 1)
    url = f"http://127.0.0.1:{port}/v1/chat/completions"
    assert servers.wait_ready(proxy, url, BODY, timeout=60) is None
    samples = loadgen.paired_rounds({"direct": mock_url, "bare": url}, STREAM_BODY, 2, 0, b"Tok")
    assert min(samples.first["bare"]) > 0


def _throughput(rps: float) -> dict[str, Any]:
    run = {"rps": rps, "p50_ms": 1.0, "p99_ms": 2.0, "cpu_us_per_request": 100.0}
    return {**run, "rps_min": rps, "rps_max": rps, "errors": 0, "runs": [{"foreign_cpu": 0.0}]}


def _latency() -> dict[str, float]:
    keys = ("p50_ms", "p90_ms", "p99_ms", "added_p50_ms", "added_p90_ms", "added_p99_ms")
    return {**dict.fromkeys(keys, 0.5), "paired_delta_p50_ms": 0.5, "total_p50_ms": 0.6}


@pytest.fixture(scope="module")
def translated() -> dict[str, Any]:
    """The translation benchmark on counts too small to mean anything, run once."""
    return translation.run(translation.Budget(repeat_s=0.001, repeats=2), cpu=None)


def _results() -> dict[str, Any]:
    """A quick run's results without a gateway, as ``run.run`` returns them."""
    names = {"direct": ("baseline", ""), "bare/httpx": ("bare", "httpx")}
    names["bare/aiohttp"] = ("bare", "aiohttp")
    return {
        "date": "2026-01-01T00:00:00+00:00",
        "mode": "quick",
        "elapsed_s": 1.0,
        "pinned": True,
        "connections": 32,
        "profile": dataclasses.asdict(run.QUICK),
        "machine": {
            "cpus": 2,
            "cpu_model": "test",
            "kernel": "test",
            "python": "3.11",
            "packages": {"aiohttp": "3"},
            "wrk": "wrk",
            "nginx": "not installed",
            "git": "abc",
            "loadavg_before": 0.0,
        },
        "busy_before": {"share": 0.0, "waited_s": 0.0},
        "foreign_cpu_latency": 0.0,
        "gateway_plugins": "unknown",
        "skipped": {"gateway": "the omniroute command is not installed"},
        "targets": {n: {"group": g, "transport": t} for n, (g, t) in names.items()},
        "throughput": {n: _throughput(1000.0 * (i + 1)) for i, n in enumerate(names)},
        "latency_c1": {n: _latency() for n in names},
        "ttft_c1": {n: _latency() for n in names},
        "rss_idle_kb": dict.fromkeys(names, 1024),
        "rss_peak_kb": dict.fromkeys(names, 2048),
    }


def test_report_renders_without_a_gateway() -> None:
    text = report.render(_results(), Path("bench/results/quick.json"))
    assert "## Transport comparison" in text
    assert "the omniroute command is not installed" in text
    assert "**Decision: `aiohttp`**" in text
    assert (
        subprocess.run([sys.executable, str(BENCH / "run.py"), "--help"], check=False).returncode
        == 0
    )


def test_translation_times_every_translator_and_hub_chain(translated: dict[str, Any]) -> None:
    routes = {(r["client"], r["upstream"]): r for r in translated["routes"]}
    direct = {f"{c}->{u}" for (c, u), r in routes.items() if len(r["chain"]) == 1}
    assert direct == set(translated["translators"])
    assert not translated["skipped"]
    if {"claude->openai", "openai->gemini"} <= direct and "claude->gemini" not in direct:
        assert routes["claude", "gemini"]["chain"] == ["claude->openai", "openai->gemini"]
    for route in routes.values():
        for case in ("request_small", "request_large", "response", "stream"):
            assert route[case]["per_s"] > 0
            assert route[case]["per_s_min"] <= route[case]["per_s"] <= route[case]["per_s_max"]
        assert (
            route["stream"]["events"] == translated["fixtures"][route["upstream"]]["stream_events"]
        )


def test_report_renders_the_translation_section(translated: dict[str, Any]) -> None:
    results = {**_results(), "translation": {**translated, "foreign_cpu": 0.2, "attempts": 2}}
    text = report.render(results, Path("bench/results/quick.json"))
    section = text.split("## Translation", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "→" in line]
    assert len(rows) == len(translated["routes"])
    assert "(attempt 2; the earlier ones were disturbed) — **noisy" in section
