"""Sample the gateway's hot path under load with py-spy and summarise where the time goes.

Not part of ``nox -s bench`` (py-spy needs ptrace rights and is a separate install:
``pip install py-spy``); run it when the benchmark says the gateway got slower, to see which
code to look at. Same placement as ``run.py``: mock and wrk on CPU 0, the gateway on CPU 1.
py-spy runs ``--nonblocking`` by default so sampling does not pause the gateway it measures
(stacks are then occasionally torn; ``--blocking`` trades speed for exact stacks).

Run: ``python bench/profile_gateway.py [--transport aiohttp] [--seconds 15] [--stream]``; the
collapsed stacks go to ``bench/results/profile-<transport>-<json|stream>.txt`` for flame-graph
tools, and a summary (samples per thread, self time per library and per function, inclusive
time of the gateway's own request path) is printed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import loadgen
from run import BODY, PATH, STREAM_BODY, gateway_env, write_gateway_config
from servers import (
    BENCH_DIR,
    LOADGEN_CPU,
    SERVER_CPU,
    Fleet,
    free_port,
    omniroute_cmd,
    pinning_available,
    python_cmd,
    wait_ready,
)

#: Substring of a frame's file path → the bucket its time is reported under, first match wins.
BUCKETS = (
    ("omniroute/api", "omniroute.api (surface handler)"),
    ("omniroute/engine", "omniroute.engine (pipeline, relay)"),
    ("omniroute/upstream", "omniroute.upstream (client wrapper)"),
    ("omniroute/observability", "omniroute.observability (usage log)"),
    ("omniroute/store", "omniroute.store (database)"),
    ("omniroute/", "omniroute (other)"),
    ("omniroute_plugin", "plugins"),
    ("aiohttp/", "aiohttp"),
    ("httpx_aiohttp/", "httpx-aiohttp"),
    ("httpx/", "httpx"),
    ("httpcore/", "httpcore"),
    ("uvicorn/", "uvicorn"),
    ("fastapi/", "fastapi"),
    ("starlette/", "starlette"),
    ("anyio/", "anyio"),
    ("pydantic", "pydantic"),
    ("sqlalchemy/", "sqlalchemy"),
    ("sqlite3/", "sqlite3"),
    ("pluggy/", "pluggy"),
    ("logging/", "logging"),
    ("asyncio/", "asyncio"),
)


#: Frames whose inclusive time is listed: the gateway's own request path, not the server and
#: framework wrappers that trivially contain everything.
OWN_CODE = ("SurfaceHandler", "Pipeline", "Credentials", "relay", "StreamStart", "AiohttpClient")
#: py-spy cannot see that a pool worker waiting in ``SimpleQueue.get`` (C) is idle.
IDLE_LEAF = "_worker (concurrent/futures/thread.py"


def bucket(frame: str) -> str:
    """The library a py-spy frame (``func (path:line)``) belongs to."""
    for needle, name in BUCKETS:
        if needle in frame:
            return name
    if frame.startswith("Runner.run (asyncio/runners.py"):
        return "event loop itself (uvloop, in C: polling, socket I/O)"
    return "other (stdlib, C extensions)"


def function(frame: str) -> str:
    """A frame without its line number, so samples from one function add up."""
    name, _, where = frame.partition(" (")
    path = where.rsplit(":", 1)[0]
    for marker in ("site-packages/", "/src/", "/lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{name} ({path})"


def summarise(collapsed: str, top: int) -> str:
    """Self time, inclusive time and per-library self time from py-spy's collapsed stacks."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    libraries: Counter[str] = Counter()
    threads: Counter[str] = Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack:
            continue
        count = int(count_text)
        frames = stack.split(";")
        leaf = frames[-1]
        if leaf.startswith(IDLE_LEAF):
            continue  # a thread-pool worker blocked on its empty queue: idle, not work
        total += count
        threads[
            "worker threads" if frames[0].startswith("Thread._bootstrap") else "event loop"
        ] += count
        own[function(leaf)] += count
        libraries[bucket(leaf)] += count
        for name in {function(f) for f in frames if f.startswith(OWN_CODE)}:
            inclusive[name] += count
    if total == 0:
        return "no samples (is py-spy allowed to ptrace the gateway?)"

    def table(title: str, counts: Counter[str]) -> list[str]:
        rows = [f"{100 * n / total:5.1f}%  {name}" for name, n in counts.most_common(top)]
        return [title, *rows, ""]

    return "\n".join(
        [
            f"{total} samples",
            "",
            *table("Samples by thread:", threads),
            *table("Self time by library:", libraries),
            *table("Self time by function:", own),
            *table("Inclusive time of the gateway's request path:", inclusive),
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Profile the gateway under wrk load.")
    parser.add_argument("--transport", default="aiohttp")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--rate", type=int, default=500, help="py-spy samples per second.")
    parser.add_argument("--stream", action="store_true", help="Profile streaming requests.")
    parser.add_argument(
        "--blocking",
        action="store_true",
        help="Pause the gateway for each sample: exact stacks, but it runs slower meanwhile.",
    )
    args = parser.parse_args(argv)
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(py_spy).exists():
        sys.exit("profile: py-spy is not installed (pip install py-spy)")
    kind = "stream" if args.stream else "json"
    out = BENCH_DIR / "results" / f"profile-{args.transport}-{kind}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    pin = pinning_available()
    with (
        tempfile.TemporaryDirectory(prefix="omniroute-profile-") as tmp,
        Fleet(Path(tmp), pin) as fleet,
    ):
        workdir = Path(tmp)
        mock_port, port = free_port(), free_port()
        fleet.start("mock", python_cmd("mock_upstream.py", "--port", str(mock_port)), LOADGEN_CPU)
        config = write_gateway_config(workdir / "gateway.toml", mock_port)
        cmd = [*omniroute_cmd(), "serve", "--config", str(config), "--port", str(port)]
        env = gateway_env(workdir / "data", args.transport)
        gateway = fleet.start("gateway", cmd, SERVER_CPU, env=env)
        url = f"http://127.0.0.1:{port}{PATH}"
        problem = wait_ready(gateway, url, BODY, timeout=60)
        if problem:
            sys.exit(f"profile: the gateway did not start: {problem}")
        script = workdir / "post.lua"
        loadgen.write_wrk_script(script, STREAM_BODY if args.stream else BODY)
        cpu = LOADGEN_CPU if pin else None
        loadgen.run_wrk(url, script, args.connections, 2, cpu)
        wrk = subprocess.Popen(
            [
                *("wrk", "-t1", f"-c{args.connections}", f"-d{args.seconds + 2}s", "--latency"),
                *("-s", str(script), url),
            ],
            stdout=subprocess.PIPE,
            text=True,
            preexec_fn=(lambda: os.sched_setaffinity(0, {LOADGEN_CPU})) if pin else None,
        )
        record = [py_spy, "record", "--pid", str(gateway.proc.pid), "--rate", str(args.rate)]
        if not args.blocking:
            record.append("--nonblocking")
        subprocess.run(
            [*record, "--duration", str(args.seconds), "--format", "raw", "--output", str(out)],
            check=True,
            capture_output=True,
        )
        wrk_out, _ = wrk.communicate()
    rps = loadgen.parse_wrk(wrk_out).rps
    print(f"gateway/{args.transport} under wrk -c{args.connections}: {rps:,.0f} req/s (sampled)")
    print(f"collapsed stacks: {out}\n")
    print(summarise(out.read_text(), args.top))


if __name__ == "__main__":
    main()
