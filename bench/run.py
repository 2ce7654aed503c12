"""``nox -s bench``: the gateway against direct calls and bare proxies, in one run.

Against one zero-latency mock upstream (``mock_upstream.py``) it measures, side by side:

* ``direct`` — the load generator straight to the mock (the baseline every "added" figure is
  relative to; at 32 connections it is the mock's own ceiling);
* ``null app`` — uvicorn + a raw ASGI app answering the canned JSON itself (server floor);
* ``nginx`` — nginx ``proxy_pass`` with a keep-alive pool, when nginx is installed (one extra
  hop done in C: the practical limit on this machine);
* ``bare/<transport>`` — a raw ASGI proxy forwarding through ``omniroute.upstream`` with each
  transport (httpx, httpx over aiohttp, aiohttp): the transport comparison;
* ``gateway/<transport>`` — the real gateway, ``omniroute serve``, once per transport;
* translation — every registered translator in-process (``translation.py``), since the mock
  speaks OpenAI and no HTTP target translates.

Requests per second at 32 connections come from wrk (median of interleaved repeats, with the
process-under-test's CPU µs per request); latency at one connection from paired interleaved
rounds (``loadgen.paired_rounds``), non-streaming and streaming (time to first token). The
results go to ``bench/results/*.json`` and, rendered, to ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import loadgen
import report
import translation
from mock_upstream import FIRST_TOKEN
from servers import (
    LOADGEN_CPU,
    SERVER_CPU,
    Fleet,
    QuietGate,
    Server,
    cpu_seconds,
    free_port,
    memory_kb,
    nginx_config,
    omniroute_cmd,
    pinning_available,
    python_cmd,
    wait_ready,
)

REPO = Path(__file__).resolve().parent.parent
TRANSPORTS = ("httpx", "httpx-aiohttp", "aiohttp")
MODEL = "openai/gpt-4o-mini"
BODY = json.dumps(
    {"model": MODEL, "messages": [{"role": "user", "content": "hi"}]}, separators=(",", ":")
).encode()
STREAM_BODY = json.dumps(
    {"model": MODEL, "messages": [{"role": "user", "content": "hi"}], "stream": True},
    separators=(",", ":"),
).encode()
PATH = "/v1/chat/completions"


@dataclass(frozen=True, slots=True)
class Profile:
    """How long and how often to measure."""

    #: wrk takes whole seconds; a warm-up of 0 skips the warm-up runs.
    duration: int
    repeats: int
    warmup: int
    rounds: int
    warmup_rounds: int
    stream_rounds: int
    #: Longest total wait for other work on the machine to calm down (start and redos).
    quiet_wait: float
    #: How often a throughput run disturbed by other work is redone.
    noisy_retries: int


FULL = Profile(
    duration=7,
    repeats=3,
    warmup=2,
    rounds=2000,
    warmup_rounds=200,
    stream_rounds=400,
    quiet_wait=90,
    noisy_retries=2,
)
QUICK = Profile(
    duration=1,
    repeats=1,
    warmup=0,
    rounds=200,
    warmup_rounds=20,
    stream_rounds=40,
    quiet_wait=2,
    noisy_retries=0,
)
#: Share of the whole machine that other processes may use before a run waits for them.
QUIET_THRESHOLD = 0.10
#: The latency rounds run in this many blocks, so a disturbed stretch can be redone alone.
LATENCY_BLOCKS = 10


@dataclass
class Target:
    """One thing the load generator points at."""

    name: str
    group: str
    transport: str
    url: str
    server: Server
    streams: bool = True


def ensure_wrk() -> None:
    """wrk is the throughput load generator; install it on Debian if we can, else explain."""
    if shutil.which("wrk"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("bench: wrk is missing; installing the Debian package 'wrk' with apt-get", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False)
        if not shutil.which("wrk"):
            subprocess.run(["apt-get", "update", "-q"], check=True)
            subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
        return
    sys.exit(
        "bench: wrk (https://github.com/wg/wrk) is required for the throughput figures; "
        "install it first (Debian/Ubuntu: sudo apt-get install wrk)."
    )


def gateway_env(data_dir: Path, transport: str) -> dict[str, str]:
    """The caller's environment minus any ``OMNIROUTE_*`` tuning: the gateway runs on defaults."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMNIROUTE_")}
    env["OMNIROUTE_DATA_DIR"] = str(data_dir)
    env["OMNIROUTE_UPSTREAM_TRANSPORT"] = transport
    return env


def write_gateway_config(path: Path, mock_port: int) -> Path:
    """A gateway config with one OpenAI connection whose base URL is the mock."""
    path.write_text(
        "[[connections]]\n"
        'provider = "openai"\n'
        'name = "bench"\n'
        'api_key = "sk-bench"\n'
        f'base_url = "http://127.0.0.1:{mock_port}/v1"\n'
    )
    return path


def start_targets(
    fleet: Fleet, mock: Server, mock_port: int
) -> tuple[list[Target], dict[str, str]]:
    """Start every process under test; return the ready ones and why the others are missing."""
    upstream = f"http://127.0.0.1:{mock_port}{PATH}"
    targets = [Target("direct", "baseline", "", upstream, mock)]
    port = free_port()
    server = fleet.start(
        "null app",
        python_cmd("bare_proxy.py", "--transport", "none", "--port", str(port)),
        SERVER_CPU,
    )
    targets.append(
        Target("null app", "baseline", "", f"http://127.0.0.1:{port}{PATH}", server, streams=False)
    )
    if shutil.which("nginx"):
        port = free_port()
        conf = nginx_config(fleet.workdir, port, mock_port)
        server = fleet.start(
            "nginx",
            ["nginx", "-e", "stderr", "-p", str(fleet.workdir), "-c", str(conf)],
            SERVER_CPU,
            count_children=True,
        )
        targets.append(Target("nginx", "baseline", "", f"http://127.0.0.1:{port}{PATH}", server))
    for transport in TRANSPORTS:
        port = free_port()
        cmd = python_cmd(
            "bare_proxy.py", "--transport", transport, "--port", str(port), "--upstream", upstream
        )
        server = fleet.start(f"bare/{transport}", cmd, SERVER_CPU)
        targets.append(
            Target(f"bare/{transport}", "bare", transport, f"http://127.0.0.1:{port}{PATH}", server)
        )
    skipped: dict[str, str] = {}
    try:
        gateway = omniroute_cmd()
    except FileNotFoundError as exc:
        skipped["gateway"] = str(exc)
        gateway = []
    config = write_gateway_config(fleet.workdir / "gateway.toml", mock_port)
    for transport in TRANSPORTS if gateway else ():
        port = free_port()
        data_dir = fleet.workdir / f"data-{transport}"
        cmd = [*gateway, "serve", "--config", str(config), "--port", str(port)]
        server = fleet.start(
            f"gateway/{transport}", cmd, SERVER_CPU, env=gateway_env(data_dir, transport)
        )
        targets.append(
            Target(
                f"gateway/{transport}",
                "gateway",
                transport,
                f"http://127.0.0.1:{port}{PATH}",
                server,
            )
        )
    ready = []
    for target in targets:
        problem = wait_ready(target.server, target.url, BODY, timeout=60)
        if problem is None:
            ready.append(target)
        else:
            print(f"bench: skipping {target.name}: {problem}", flush=True)
            skipped[target.name] = problem
    return ready, skipped


def gateway_plugins(fleet: Fleet) -> str:
    """The plugin list from a gateway's start-up banner, so the report says what was loaded."""
    for server in fleet.servers:
        if server.name.startswith("gateway/"):
            for line in server.log.read_text(errors="replace").splitlines():
                if line.strip().startswith("plugins:"):
                    return line.split(":", 1)[1].strip()
    return "unknown"


def _throughput_run(
    fleet: Fleet,
    target: Target,
    script: Path,
    connections: int,
    profile: Profile,
    cpu: int | None,
) -> dict[str, Any]:
    pids = target.server.pids
    machine = fleet.snapshot()
    before = cpu_seconds(pids)
    result = loadgen.run_wrk(target.url, script, connections, profile.duration, cpu)
    used = cpu_seconds(pids) - before
    run: dict[str, Any] = dict(result.as_dict())
    run["cpu_us_per_request"] = round(used * 1e6 / max(result.requests, 1), 1)
    run["foreign_cpu"] = round(fleet.foreign_share(machine), 3)
    return run


def measure_throughput(
    fleet: Fleet,
    gate: QuietGate,
    targets: list[Target],
    script: Path,
    connections: int,
    profile: Profile,
    cpu: int | None,
) -> dict[str, dict[str, Any]]:
    """wrk at ``connections``: warm-up, then ``repeats`` interleaved runs per target.

    A run during which other processes took more than ``QUIET_THRESHOLD`` of the machine is
    redone (after waiting for quiet) up to ``profile.noisy_retries`` times while ``gate`` has
    waiting time left; the last attempt counts.
    """
    for target in targets if profile.warmup else ():
        loadgen.run_wrk(target.url, script, connections, profile.warmup, cpu)
    runs: dict[str, list[dict[str, Any]]] = {t.name: [] for t in targets}
    for repeat in range(profile.repeats):
        # Rotate the order so no target always runs first or right after the heaviest one.
        order = targets[repeat % len(targets) :] + targets[: repeat % len(targets)]
        for target in order:
            for attempt in range(1 + profile.noisy_retries):
                run = _throughput_run(fleet, target, script, connections, profile, cpu)
                if (
                    run["foreign_cpu"] <= QUIET_THRESHOLD
                    or attempt == profile.noisy_retries
                    or gate.exhausted
                ):
                    break
                share = run["foreign_cpu"]
                print(f"bench: {target.name}: other work took {share:.0%}; redoing", flush=True)
                gate.wait()
            run["attempts"] = attempt + 1
            runs[target.name].append(run)
            rps = run["rps"]
            print(f"bench: c={connections} {target.name}: {rps:,.0f} req/s", flush=True)
    out: dict[str, dict[str, Any]] = {}
    for name, done in runs.items():
        rps = [r["rps"] for r in done]
        out[name] = {
            "rps": round(statistics.median(rps), 1),
            "rps_min": min(rps),
            "rps_max": max(rps),
            "p50_ms": statistics.median(r["p50_ms"] for r in done),
            "p99_ms": statistics.median(r["p99_ms"] for r in done),
            "cpu_us_per_request": statistics.median(r["cpu_us_per_request"] for r in done),
            "errors": sum(r["errors"] for r in done),
            "foreign_cpu_max": max(r["foreign_cpu"] for r in done),
            "runs": done,
        }
    return out


def measure_latency(
    fleet: Fleet,
    gate: QuietGate,
    targets: list[Target],
    body: bytes,
    profile: Profile,
    marker: bytes | None = None,
) -> tuple[dict[str, dict[str, float]], float]:
    """Paired interleaved rounds at one connection; figures relative to ``direct``.

    The rounds run in ``LATENCY_BLOCKS`` blocks; a block during which other processes took
    more than ``QUIET_THRESHOLD`` of the machine is redone like a disturbed throughput run,
    because one busy second is enough to move a p99. Returns the summaries and the largest
    share of the machine other processes took during a kept block.
    """
    rounds = profile.stream_rounds if marker else profile.rounds
    urls = {t.name: t.url for t in targets}
    samples = loadgen.PairedSamples.empty(urls)
    worst = 0.0
    for block in range(LATENCY_BLOCKS):
        warmup = profile.warmup_rounds if block == 0 else profile.warmup_rounds // LATENCY_BLOCKS
        for attempt in range(1 + profile.noisy_retries):
            before = fleet.snapshot()
            done = loadgen.paired_rounds(urls, body, rounds // LATENCY_BLOCKS, warmup, marker)
            share = fleet.foreign_share(before)
            if share <= QUIET_THRESHOLD or attempt == profile.noisy_retries or gate.exhausted:
                break
            print(f"bench: latency block: other work took {share:.0%}; redoing", flush=True)
            gate.wait()
        worst = max(worst, share)
        samples.extend(done)
    series = samples.first if marker else samples.total
    out = {}
    for target in targets:
        summary = loadgen.latency_summary(series[target.name], series["direct"])
        if marker:
            summary["total_p50_ms"] = round(
                loadgen.percentile(samples.total[target.name], 50) / 1e6, 4
            )
            summary["marker_missing"] = sum(1 for v in series[target.name] if v < 0)
        summary["reconnects"] = samples.reconnects[target.name]
        out[target.name] = summary
    return out, worst


def measure_translation(
    fleet: Fleet, gate: QuietGate, budget: translation.Budget, profile: Profile, cpu: int | None
) -> dict[str, Any]:
    """The in-process translation benchmark, redone like a disturbed throughput run when
    other processes took more than ``QUIET_THRESHOLD`` of the machine meanwhile."""
    for attempt in range(1 + profile.noisy_retries):
        print("bench: translation (in-process)", flush=True)
        before = fleet.snapshot()
        results = translation.run(budget, cpu)
        share = fleet.foreign_share(before)
        if share <= QUIET_THRESHOLD or attempt == profile.noisy_retries or gate.exhausted:
            break
        print(f"bench: translation: other work took {share:.0%}; redoing", flush=True)
        gate.wait()
    results["foreign_cpu"] = round(share, 3)
    results["attempts"] = attempt + 1
    return results


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    from importlib.metadata import PackageNotFoundError, version

    def pkg(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    cpu_model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu_model = line.split(":", 1)[1].strip()
            break

    def tool(*cmd: str) -> str:
        if not shutil.which(cmd[0]):
            return "not installed"
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        return (done.stdout or done.stderr).strip().splitlines()[0]

    git = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain"], capture_output=True, text=True, cwd=REPO, check=False
    )
    packages = [
        "omniroute",
        "aiohttp",
        "httpx",
        "httpcore",
        "httpx-aiohttp",
        "uvicorn",
        "uvloop",
        "httptools",
        "starlette",
        "fastapi",
        "pydantic",
        "orjson",
    ]
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model,
        "kernel": os.uname().release,
        "python": sys.version.split()[0],
        "loadavg_before": os.getloadavg()[0],
        "packages": {name: pkg(name) for name in packages},
        "wrk": tool("wrk", "-v"),
        "nginx": tool("nginx", "-v"),
        "git": (git.stdout.strip() or "unknown") + (" (dirty)" if dirty.stdout.strip() else ""),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Start everything, measure, stop everything; the results as one JSON-able dict."""
    profile = QUICK if args.quick else FULL
    pin = pinning_available()
    if pin:
        os.sched_setaffinity(0, {LOADGEN_CPU})
    loadgen_cpu = LOADGEN_CPU if pin else None
    gate = QuietGate(QUIET_THRESHOLD, profile.quiet_wait)
    busy = gate.wait()
    started = time.monotonic()
    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "pinned": pin,
        "connections": args.connections,
        "profile": dataclasses.asdict(profile),
        "machine": machine(),
        "busy_before": {"share": round(busy, 3), "waited_s": round(gate.waited, 1)},
    }
    with (
        tempfile.TemporaryDirectory(prefix="omniroute-bench-") as tmp,
        Fleet(Path(tmp), pin) as fleet,
    ):
        workdir = Path(tmp)
        # First, while none of this run's servers exists to compete for the CPU.
        budget = translation.QUICK if args.quick else translation.FULL
        results["translation"] = measure_translation(
            fleet, gate, budget, profile, SERVER_CPU if pin else None
        )
        mock_port = free_port()
        mock_cmd = python_cmd("mock_upstream.py", "--port", str(mock_port))
        mock = fleet.start("mock", mock_cmd, LOADGEN_CPU)
        targets, skipped = start_targets(fleet, mock, mock_port)
        if not targets or targets[0].name != "direct":
            raise SystemExit(f"bench: the mock did not start:\n{mock.tail()}")
        results["skipped"] = skipped
        results["rss_idle_kb"] = {t.name: memory_kb(t.server.pids, "VmRSS") for t in targets}
        script = workdir / "post.lua"
        loadgen.write_wrk_script(script, BODY)
        print("bench: latency at 1 connection (paired rounds)", flush=True)
        results["latency_c1"], latency_noise = measure_latency(fleet, gate, targets, BODY, profile)
        streaming = [t for t in targets if t.streams]
        print("bench: streaming time to first token at 1 connection", flush=True)
        results["ttft_c1"], ttft_noise = measure_latency(
            fleet, gate, streaming, STREAM_BODY, profile, FIRST_TOKEN.encode()
        )
        results["foreign_cpu_latency"] = max(latency_noise, ttft_noise)
        results["throughput"] = measure_throughput(
            fleet, gate, targets, script, args.connections, profile, loadgen_cpu
        )
        results["rss_peak_kb"] = {t.name: memory_kb(t.server.pids, "VmHWM") for t in targets}
        results["targets"] = {t.name: {"group": t.group, "transport": t.transport} for t in targets}
        results["gateway_plugins"] = gateway_plugins(fleet)
    results["elapsed_s"] = round(time.monotonic() - started, 1)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Benchmark the gateway against direct calls and bare proxies."
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO / "docs" / "performance.md",
        help="Markdown report to write.",
    )
    parser.add_argument(
        "--json", type=Path, help="Results file (default bench/results/<mode>.json)."
    )
    parser.add_argument(
        "--quick", action="store_true", help="About 30 s smoke run with tiny counts."
    )
    parser.add_argument(
        "--connections", type=int, default=32, help="Concurrency of the throughput runs."
    )
    args = parser.parse_args(argv)
    if not Path("/proc/stat").exists() or not hasattr(os, "sched_setaffinity"):
        sys.exit("bench: Linux only (CPU pinning and /proc accounting)")
    ensure_wrk()
    results = run(args)
    json_path = args.json or REPO / "bench" / "results" / f"{results['mode']}.json"
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(results, indent=2) + "\n")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        report.render(
            results, json_path.relative_to(REPO) if json_path.is_relative_to(REPO) else json_path
        )
    )
    print(f"bench: wrote {args.out} and {json_path} in {results['elapsed_s']} s", flush=True)


if __name__ == "__main__":
    main()
