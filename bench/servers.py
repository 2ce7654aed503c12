"""Start, pin, watch and stop the processes a benchmark measures.

Placement follows the benchmark protocol for a 2-core box: the mock and every load generator
on CPU 0, the process under test (bare proxy, gateway, nginx) on CPU 1, so the proxy has a core
to itself and its CPU time per request can be read from ``/proc`` without the mock's or the
load generator's work mixed in.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from loadgen import HttpConnection

BENCH_DIR = Path(__file__).resolve().parent
LOADGEN_CPU = 0
SERVER_CPU = 1
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def pinning_available() -> bool:
    """True when CPUs 0 and 1 both exist and this process may use them."""
    return {LOADGEN_CPU, SERVER_CPU} <= os.sched_getaffinity(0)


def _pin(cpu: int | None) -> Callable[[], None] | None:
    if cpu is None:
        return None
    return lambda: os.sched_setaffinity(0, {cpu})


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat[stat.rfind(")") + 2 :].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU time consumed so far by ``pids`` (all their threads)."""
    total = 0
    for pid in pids:
        stat = Path(f"/proc/{pid}/stat").read_text()
        fields = stat[stat.rfind(")") + 2 :].split()
        total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def _machine_busy_seconds() -> float:
    """CPU time all CPUs have spent running tasks since boot (``/proc/stat``).

    Interrupt and softirq time is left out: on loopback it is mostly the kernel moving this
    benchmark's own packets (tens of percent of a core at 90k req/s), which the kernel does not
    charge to any process, so counting it would make every fast run look disturbed.
    """
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, _irq, _softirq, steal = fields[:8]
    return (user + nice + system + steal) / CLOCK_TICKS


def _own_cpu_seconds() -> float:
    """CPU time of this process and its waited-for children (the wrk runs)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Where the machine's CPU time stood at one instant; see ``Fleet.foreign_share``."""

    wall: float
    busy: float
    ours: float


class QuietGate:
    """Waits for other work on the machine to calm down, within one budget per run.

    The box is shared: other work running during a benchmark skews every figure, so runs
    start (and disturbed runs are redone) once it is quiet. The budget caps the total wait so
    a machine that never calms down still gets a (flagged) result in bounded time.
    """

    def __init__(self, threshold: float, budget: float) -> None:
        self.threshold = threshold
        self.budget = budget
        self.waited = 0.0

    @property
    def exhausted(self) -> bool:
        return self.waited >= self.budget

    def wait(self) -> float:
        """Block until the machine is quiet or the budget is spent; the last busy share."""
        cpus = os.cpu_count() or 1
        while True:
            started = time.monotonic()
            busy = _machine_busy_seconds()
            time.sleep(1.0)
            share = (_machine_busy_seconds() - busy) / cpus
            self.waited += time.monotonic() - started
            if share < self.threshold or self.exhausted:
                return share
            print(f"bench: machine {share:.0%} busy with other work; waiting", flush=True)


def memory_kb(pids: Sequence[int], field_name: str) -> int:
    """Sum of ``VmRSS`` or ``VmHWM`` (peak RSS) over ``pids``, in KiB."""
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                total += int(line.split()[1])
    return total


@dataclass
class Server:
    """One process under test (or the mock), with where its output goes."""

    name: str
    proc: subprocess.Popen[bytes]
    log: Path
    #: nginx does its work in a forked worker; its CPU counts, the idle master's is noise-free.
    count_children: bool = False

    @property
    def pids(self) -> list[int]:
        pids = [self.proc.pid]
        if self.count_children:
            pids += _children(self.proc.pid)
        return pids

    def tail(self, lines: int = 20) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class Fleet:
    """Every process started for one benchmark run; stops them all on exit."""

    workdir: Path
    pin: bool
    servers: list[Server] = field(default_factory=list)

    def start(
        self,
        name: str,
        cmd: Sequence[str],
        cpu: int,
        env: dict[str, str] | None = None,
        count_children: bool = False,
    ) -> Server:
        log = self.workdir / f"{name.replace('/', '-')}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                list(cmd),
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=BENCH_DIR,
                preexec_fn=_pin(cpu if self.pin else None),
            )
        server = Server(name, proc, log, count_children)
        self.servers.append(server)
        return server

    def snapshot(self) -> Snapshot:
        """CPU time so far: whole machine, and this run's own processes (fleet, self, wrk)."""
        ours = _own_cpu_seconds()
        for server in self.servers:
            try:
                ours += cpu_seconds(server.pids)
            except OSError:
                continue  # exited: its time no longer shows in /proc either
        return Snapshot(time.monotonic(), _machine_busy_seconds(), ours)

    def foreign_share(self, before: Snapshot) -> float:
        """Share of the machine's CPU used since ``before`` by processes not in this run."""
        after = self.snapshot()
        capacity = (after.wall - before.wall) * (os.cpu_count() or 1)
        foreign = (after.busy - before.busy) - (after.ours - before.ours)
        return max(0.0, foreign / capacity) if capacity > 0 else 0.0

    def stop(self) -> None:
        for server in self.servers:
            if server.proc.poll() is None:
                server.proc.terminate()
        deadline = time.monotonic() + 10
        for server in self.servers:
            try:
                server.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                server.proc.kill()
                server.proc.wait()

    def __enter__(self) -> Fleet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def python_cmd(script: str, *args: str) -> list[str]:
    """Run one of the bench scripts with this interpreter."""
    return [sys.executable, str(BENCH_DIR / script), *args]


def omniroute_cmd() -> list[str]:
    """The ``omniroute`` console script of this interpreter's environment."""
    local = Path(sys.executable).parent / "omniroute"
    found = str(local) if local.exists() else shutil.which("omniroute")
    if found is None:
        raise FileNotFoundError("the omniroute command is not installed in this environment")
    return [found]


def wait_ready(server: Server, url: str, body: bytes, timeout: float) -> str | None:
    """Poll ``url`` with one real request until it answers 200; the problem if it never does."""
    deadline = time.monotonic() + timeout
    problem = "no answer"
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            return f"exited with code {server.proc.returncode}:\n{server.tail()}"
        try:
            conn = HttpConnection(url, body)
            try:
                conn.roundtrip()
            finally:
                conn.close()
            return None
        except (OSError, RuntimeError) as exc:
            problem = str(exc)
            time.sleep(0.2)
    return f"not ready after {timeout:g} s: {problem}\n{server.tail()}"


def nginx_config(workdir: Path, listen: int, upstream: int) -> Path:
    """An nginx reverse proxy with a keep-alive upstream pool: one extra hop done in C."""
    conf = workdir / "nginx.conf"
    conf.write_text(
        f"""
worker_processes 1;
daemon off;
pid {workdir}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    # Defaults close a keep-alive connection after 1,000 requests; the other targets never do.
    keepalive_requests 10000000;
    client_body_temp_path {workdir}/nginx-body;
    proxy_temp_path {workdir}/nginx-proxy;
    upstream mock {{
        server 127.0.0.1:{upstream};
        keepalive 128;
        keepalive_requests 10000000;
    }}
    server {{
        listen 127.0.0.1:{listen};
        location / {{
            proxy_pass http://mock;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffering off;
        }}
    }}
}}
"""
    )
    return conf
