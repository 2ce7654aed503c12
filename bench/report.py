"""Render one benchmark run (``run.py``'s results dict) as ``docs/performance.md``.

The document is regenerated on every ``nox -s bench``, so its prose lives here next to the
numbers it explains; the transport decision is computed from the run, not written by hand, and
says so when a run disagrees with the transport the gateway ships by default.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: Targets from the benchmark protocol (shared/reference/performance-study.md §6.6) that a
#: zero-latency mock can check; the 20 ms-mock ratios need a different setup.
TARGET_ADDED_P50_MS = 1.0
TARGET_ADDED_P99_MS = 2.0
TARGET_CPU_US = 200.0
TARGET_RPS_ONE_CORE = 5000.0
TARGET_ADDED_TTFT_MS = 1.0
TARGET_IDLE_RSS_MB = 80.0
#: Share of the machine used by foreign processes above which a run is flagged as noisy.
NOISY_SHARE = 0.05

LABELS = {
    "direct": "direct (load generator → mock)",
    "null app": "null app (uvicorn + raw ASGI, no upstream call)",
    "nginx": "nginx `proxy_pass`, keep-alive pool (C reference hop)",
    "bare/httpx": "bare proxy, httpx (own transport)",
    "bare/httpx-aiohttp": "bare proxy, httpx over `httpx_aiohttp.AiohttpTransport`",
    "bare/aiohttp": "bare proxy, aiohttp `ClientSession`",
    "gateway/httpx": "gateway, httpx",
    "gateway/httpx-aiohttp": "gateway, httpx over aiohttp",
    "gateway/aiohttp": "gateway, aiohttp",
}


def _ms(value: float) -> str:
    return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"


def _rps(value: float) -> str:
    return f"{value:,.0f}"


def _mb(kb: int) -> str:
    return f"{kb / 1024:.0f}"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return [_row(header), _row(["---"] * len(header)), *(_row(r) for r in rows), ""]


def _throughput_rows(results: dict[str, Any], names: list[str]) -> list[list[str]]:
    rows = []
    tp, lat = results["throughput"], results["latency_c1"]
    for name in names:
        if name not in tp:
            continue
        t, latency = tp[name], lat[name]
        spread = (
            f"{_rps(t['rps_min'])}-{_rps(t['rps_max'])}" if t["rps_min"] != t["rps_max"] else "—"
        )
        is_direct = name == "direct"
        rows.append(
            [
                LABELS.get(name, name),
                f"**{_rps(t['rps'])}**",
                spread,
                f"{_ms(t['p50_ms'])} / {_ms(t['p99_ms'])}",
                f"{t['cpu_us_per_request']:.0f}",
                f"{_ms(latency['p50_ms'])} / {_ms(latency['p99_ms'])}",
                "—"
                if is_direct
                else f"{_ms(latency['added_p50_ms'])} / {_ms(latency['added_p99_ms'])}",
                str(t["errors"]),
            ]
        )
    return rows


THROUGHPUT_HEADER = [
    "target",
    "req/s @ c={c}",
    "min-max",
    "p50 / p99 ms @ c={c}",
    "CPU µs/req",
    "p50 / p99 ms @ c=1",
    "added p50 / p99 ms @ c=1",
    "errors",
]


def _best(results: dict[str, Any], group: str) -> tuple[str, dict[str, Any]] | None:
    candidates = {
        info["transport"]: results["throughput"][name]
        for name, info in results["targets"].items()
        if info["group"] == group
    }
    if not candidates:
        return None
    winner = max(candidates, key=lambda transport: candidates[transport]["rps"])
    return winner, candidates


def _decision(results: dict[str, Any], default: str) -> list[str]:
    picked = _best(results, "gateway") or _best(results, "bare")
    if picked is None:
        return ["No proxy target ran, so no transport decision can be drawn from this run.", ""]
    winner, by_transport = picked
    group = "gateway" if _best(results, "gateway") else "bare proxy"
    lines = []
    ordered = sorted(by_transport, key=lambda tr: by_transport[tr]["rps"])
    slowest = ordered[0]
    ratios = ", ".join(
        f"`{tr}` {by_transport[tr]['rps'] / by_transport[slowest]['rps']:.1f}x" for tr in ordered
    )
    lines.append(
        f"Throughput of the {group} at {results['connections']} connections relative to "
        f"`{slowest}`: {ratios}; CPU per request "
        + ", ".join(f"`{tr}` {by_transport[tr]['cpu_us_per_request']:.0f} µs" for tr in ordered)
        + "."
    )
    lines.append("")
    if winner == default:
        lines.append(
            f"**Decision: `{default}`** — the fastest transport in this run, and the gateway's "
            "default (`OMNIROUTE_UPSTREAM_TRANSPORT`, `Settings.upstream_transport`)."
        )
    else:
        lines.append(
            f"**This run disagrees with the shipped default:** `{winner}` beat `{default}`. "
            "Rerun to rule out noise (compare the min-max columns) before changing "
            "`Settings.upstream_transport`."
        )
    lines += [
        "",
        "Why the gap: httpx's own transport goes through httpcore, whose connection pool takes an "
        "AnyIO lock and re-checks every pooled connection on each request, so its cost per "
        "request grows with concurrency (encode/httpx#3215; no released httpcore has the fixes). "
        "`httpx-aiohttp` keeps the httpx request/response objects on top of aiohttp's sockets, "
        "so it pays the httpx front-end cost without the pool problem. aiohttp directly has "
        "neither cost. The gateway needs nothing from httpx's API on this path — "
        "`omniroute.upstream` exposes its own small interface — so the transport is a pure "
        "speed choice; the other two stay selectable for debugging and comparison.",
        "",
    ]
    return lines


def _targets_check(results: dict[str, Any], default: str) -> list[str]:
    name = f"gateway/{default}"
    if name not in results["throughput"]:
        return []
    tp, lat = results["throughput"][name], results["latency_c1"][name]
    ttft = results["ttft_c1"].get(name)
    checks = [
        (
            "added p50 @ c=1",
            f"≤ {TARGET_ADDED_P50_MS} ms",
            lat["added_p50_ms"],
            TARGET_ADDED_P50_MS,
            "ms",
        ),
        (
            "added p99 @ c=1",
            f"≤ {TARGET_ADDED_P99_MS} ms",
            lat["added_p99_ms"],
            TARGET_ADDED_P99_MS,
            "ms",
        ),
        (
            "CPU per request",
            f"≤ {TARGET_CPU_US:.0f} µs",
            tp["cpu_us_per_request"],
            TARGET_CPU_US,
            "µs",
        ),
    ]
    rows = [
        [
            what,
            goal,
            f"{value:.3f} {unit}" if unit == "ms" else f"{value:.0f} {unit}",
            "yes" if value <= limit else "**no**",
        ]
        for what, goal, value, limit, unit in checks
    ]
    rps_ok = tp["rps"] >= TARGET_RPS_ONE_CORE
    rows.append(
        [
            f"req/s on one pinned core @ c={results['connections']}",
            f"≥ {TARGET_RPS_ONE_CORE:,.0f}",
            _rps(tp["rps"]),
            "yes" if rps_ok else "**no**",
        ]
    )
    if ttft is not None:
        ok = ttft["added_p50_ms"] <= TARGET_ADDED_TTFT_MS
        rows.append(
            [
                "added TTFT p50 @ c=1",
                f"≤ {TARGET_ADDED_TTFT_MS} ms",
                f"{ttft['added_p50_ms']:.3f} ms",
                "yes" if ok else "**no**",
            ]
        )
    idle_mb = results["rss_idle_kb"][name] / 1024
    rows.append(
        [
            "idle RSS",
            f"≤ {TARGET_IDLE_RSS_MB:.0f} MB",
            f"{idle_mb:.0f} MB",
            "yes" if idle_mb <= TARGET_IDLE_RSS_MB else "**no**",
        ]
    )
    return [
        f"### Against the project's targets (`gateway/{default}`)",
        "",
        "Targets from the performance study (§6.6) that a zero-latency mock can check:",
        "",
        *_table(["metric", "target", "measured", "met"], rows),
    ]


def _reason(problem: str) -> str:
    """One line for a skipped target: what happened and the last line its log printed."""
    lines = [line.strip() for line in problem.splitlines() if line.strip()]
    if len(lines) <= 1:
        return lines[0] if lines else "unknown"
    return f"{lines[0]} `{lines[-1]}`"


def _interference(results: dict[str, Any]) -> str:
    """How much CPU processes outside this run took, so a noisy run is visible as such."""
    runs = [r["foreign_cpu"] for t in results["throughput"].values() for r in t["runs"]]
    worst = max([*runs, results["foreign_cpu_latency"]])
    text = (
        f"{results['busy_before']['share']:.0%} of the machine busy at the start "
        f"(waited {results['busy_before']['waited_s']:g} s); during the run other processes "
        f"used {results['foreign_cpu_latency']:.0%} in the latency rounds and at most "
        f"{max(runs):.0%} in a throughput run"
    )
    if worst > NOISY_SHARE:
        text += " — **noisy run: other work competed for the CPUs, treat the figures with care**"
    return text


def _us(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _rate(timing: dict[str, Any], prefix: str = "") -> str:
    """Median per second with the repeats' spread: half the min-max range over the median."""
    median = timing[f"{prefix}per_s"]
    spread = (timing[f"{prefix}per_s_max"] - timing[f"{prefix}per_s_min"]) / 2 / median
    return f"{_rps(median)} ±{spread:.1%}"


def translation_section(tr: dict[str, Any]) -> list[str]:
    """The "Translation" section, from ``translation.run``'s results (also printed alone by
    ``bench/translation.py``)."""
    budget, canonical = tr["budget"], tr["canonical"]
    sizes = tr["fixtures"][canonical["format"]]
    plugins = ", ".join(sorted(set(tr["translators"].values()))) or "none"
    placement = f"Pinned to CPU {tr['cpu']}" if tr["cpu"] is not None else "**Not pinned**"
    noise = ""
    if "foreign_cpu" in tr:  # set by run.py, which redoes a disturbed run like the others
        attempts = tr["attempts"]
        noise = (
            f" Other processes used {tr['foreign_cpu']:.0%} of the machine meanwhile"
            + (f" (attempt {attempts}; the earlier ones were disturbed)" if attempts > 1 else "")
            + (
                " — **noisy: treat these figures with care**."
                if tr["foreign_cpu"] > NOISY_SHARE
                else "."
            )
        )
    rows = []
    for route in tr["routes"]:
        stream = route["stream"]
        cases = ("request_small", "request_large", "response", "stream")
        rows.append(
            [
                f"{route['client']} → {route['upstream']} (`{'`, `'.join(route['chain'])}`)",
                _rate(route["request_small"]),
                _rate(route["request_large"]),
                _rate(route["response"]),
                f"{_rate(stream, 'events_')} ({stream['events']})",
                " / ".join(_us(route[case]["us_per_op"]) for case in cases),
            ]
        )
    out = [
        "## Translation",
        "",
        "What a call whose client and upstream speak different formats pays on top of the "
        "passthrough figures above: the translators' CPU work, measured in-process with no "
        "sockets by `bench/translation.py` (`python bench/translation.py` runs it alone).",
        "",
        "- **Translators:** the registry built with every installed plugin "
        f"(`build_registry(Settings(plugins_strict=True))`; translators from: {plugins}); one "
        "row per client → upstream route it can translate, with the chain "
        "`Registry.translation_chain` picks (a route with no direct translator goes through "
        "the hub with two).",
        f"- **Payloads** (`bench/translation_payloads.py`), written once in "
        f"`{canonical['format']}` format and turned into each client's and upstream's format "
        "by the registered translators themselves: a *small* request of one user message "
        f"({sizes['request_small_bytes']:,} bytes as {canonical['format']} JSON); a *large* "
        f"coding-agent turn with a system prompt, {canonical['large_request_tools']} tools "
        f"and {canonical['large_request_messages']} messages of (parallel) tool calls and "
        f"results ({sizes['request_large_bytes']:,} bytes); an *answer* with text and a tool "
        f"call ({sizes['answer_bytes']:,} bytes); a *stream* of the same answer — "
        f"{sizes['stream_events']} {canonical['format']} events (role, text deltas, a tool "
        "call in fragments, finish, usage, end), or however many events the upstream format "
        "needs to say the same (in brackets per row).",
        "- **Operations:** a request through `Translator.request` along the chain; the answer "
        "through `Translator.response` backwards; a stream through a fresh "
        "`Translator.stream(model, include_usage=True)` per stage, every parsed upstream event "
        "fed, then `finish()` (a hub chain re-parses the frames between stages with the "
        "relay's own helper, as the gateway does). *Stream events/s* = upstream events ÷ the "
        "time of the whole stream. Not included: decoding and encoding the HTTP bodies and "
        "parsing the upstream's SSE bytes, which passthrough calls pay too.",
        f"- **Timing:** `time.perf_counter` around a loop whose length is calibrated to last "
        f"about {budget['repeat_s']:g} s (the calibration doubles as the warm-up); "
        f"{budget['repeats']} repeats, median reported, ± = half the min-max range over the "
        "median. The garbage collector stays on (a full collection before each case). "
        f"{placement}; "
        f"{tr['elapsed_s']:g} s in all.{noise}",
        "",
        *_table(
            [
                "route (translators)",
                "request small /s",
                "request large /s",
                "response /s",
                "stream events /s (events)",
                "µs per op: request small / large / response / whole stream",
            ],
            rows,
        ),
    ]
    if tr["skipped"]:
        out += [f"Not measured: {', '.join(f'{k} ({v})' for k, v in tr['skipped'].items())}.", ""]
    return out


def render(results: dict[str, Any], json_path: Path) -> str:
    """The whole ``docs/performance.md`` for one run."""
    from omniroute.settings import Settings

    default = str(Settings.model_fields["upstream_transport"].default)
    m = results["machine"]
    p = results["profile"]
    c = results["connections"]
    header = [h.format(c=c) for h in THROUGHPUT_HEADER]
    names = list(results["throughput"])
    baselines = [n for n in names if results["targets"][n]["group"] == "baseline"]
    bare = [n for n in names if results["targets"][n]["group"] == "bare"]
    gateways = [n for n in names if results["targets"][n]["group"] == "gateway"]
    pinned = (
        "mock, wrk and the latency client pinned to CPU 0; every process under test pinned to CPU 1"
        if results["pinned"]
        else "**not pinned** (fewer than two usable CPUs), so figures include contention"
    )
    warm_up = f"after a {p['warmup']:g} s warm-up per target" if p["warmup"] else "(no warm-up)"
    out = [
        "# Performance",
        "",
        "<!-- Generated by `nox -s bench` (bench/run.py + bench/report.py). Do not edit by hand:",
        "     change the prose in bench/report.py and rerun. -->",
        "",
        f"Run of {results['date']} ({results['mode']} profile, {results['elapsed_s']} s); raw "
        f"numbers in `{json_path}`."
        + (" **Quick smoke run: too short to quote.**" if results["mode"] == "quick" else ""),
        "",
        "## Machine",
        "",
        *_table(
            ["", ""],
            [
                ["CPUs (`nproc`)", str(m["cpus"])],
                ["CPU model", m["cpu_model"]],
                ["kernel", m["kernel"]],
                ["Python", m["python"]],
                ["libraries", ", ".join(f"{k} {v}" for k, v in m["packages"].items())],
                ["load generator", m["wrk"]],
                ["reference proxy", m["nginx"]],
                ["source", f"git {m['git']}"],
                ["load average before the run", f"{m['loadavg_before']:.2f}"],
                ["other work on the machine", _interference(results)],
            ],
        ),
        "## Method",
        "",
        "- **Upstream:** `bench/mock_upstream.py`, a raw `asyncio.Protocol` server on uvloop "
        "that reads each request body in full without parsing it and answers canned bytes "
        "with keep-alive: a 1,400-byte `chat.completion` JSON, or (when the body says "
        '`"stream":true`) an SSE stream of one role chunk, 64 content deltas, a finish chunk '
        "with usage and `[DONE]`. "
        "Zero latency, so every figure is the proxies' own cost. Its ceiling is the `direct` row.",
        "- **Request:** `POST /v1/chat/completions` "
        '`{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`.',
        f"- **Placement:** {pinned}. The server processes run one worker each under uvicorn with "
        "uvloop + httptools and no access log (the gateway's own `omniroute serve` settings).",
        "- **Bare proxies** (`bench/bare_proxy.py`): a raw ASGI app that forwards the body through "
        "`omniroute.upstream.create_client(transport)` — the client the gateway ships — and "
        "relays the answer. They isolate the transport from the gateway's own logic.",
        "- **Gateway:** `omniroute serve --config <toml> --port N` with one `openai` connection "
        "whose `base_url` is the mock, `OMNIROUTE_DATA_DIR` in a temporary directory, "
        "`OMNIROUTE_UPSTREAM_TRANSPORT` set per instance and every other setting at its default "
        f"(SQLite usage log on, batched). Plugins loaded: {results['gateway_plugins']}.",
        f"- **Throughput:** `wrk -t1 -c{c} -d{p['duration']:g}s --latency` {warm_up}; "
        f"{p['repeats']} repeats, targets interleaved, "
        "median reported with min-max. wrk is closed-loop, so its tail percentiles under-state "
        "stalls (coordinated omission); use its p99 for comparison only. CPU µs/req = the target "
        "process's user+system time (`/proc/<pid>/stat`, all threads; nginx master+worker) "
        "during the run ÷ completed requests.",
        f"- **Latency at one connection:** `bench/loadgen.py`, one keep-alive connection per "
        f"target from a blocking-socket client; {p['warmup_rounds']} warm-up + {p['rounds']} "
        "measured rounds, each round one request to every target in a fresh random order. "
        "The rounds run in 10 blocks; a block during which other processes took more than "
        "10 % of the machine is redone, as is such a throughput run (up to "
        f"{p['noisy_retries']} times, within a {p['quiet_wait']:g} s budget of waiting for "
        "quiet). *Added* pX = pX(target) - pX(direct); *paired Δp50* = median of the per-round "
        "differences. The client's own cost is in every arm and cancels.",
        f"- **Streaming:** same paired method, {p['stream_rounds']} rounds; time to first token "
        "= send → the first content delta's text appears in the decoded body.",
        "- **Memory:** VmRSS after start-up and one request (idle) and VmHWM (peak) at the end.",
        "",
        "## Transport comparison",
        "",
        "The same bare proxy with each upstream transport, plus the baselines.",
        "",
        *_table(header, _throughput_rows(results, baselines + bare)),
    ]
    out += _decision(results, default)
    out += ["## Gateway against direct calls", ""]
    if gateways:
        out += _table(header, _throughput_rows(results, ["direct", *gateways]))
        rows = []
        for name in gateways:
            lat = results["latency_c1"][name]
            transport = results["targets"][name]["transport"]
            own = results["latency_c1"].get(f"bare/{transport}")
            rows.append(
                [
                    LABELS.get(name, name),
                    _ms(lat["paired_delta_p50_ms"]),
                    "—" if own is None else _ms(lat["added_p50_ms"] - own["added_p50_ms"]),
                    _mb(results["rss_idle_kb"][name]),
                    _mb(results["rss_peak_kb"][name]),
                ]
            )
        out += [
            "Gateway logic versus the bare proxy with the same transport, and memory:",
            "",
            *_table(
                [
                    "target",
                    "paired Δp50 ms @ c=1",
                    "added p50 over bare proxy ms",
                    "idle RSS MB",
                    "peak RSS MB",
                ],
                rows,
            ),
        ]
        out += _targets_check(results, default)
    else:
        out += ["**The gateway did not run in this session** (see *Skipped in this run*).", ""]
    ttft = results["ttft_c1"]
    out += [
        "## Streaming: time to first token at one connection",
        "",
        *_table(
            ["target", "TTFT p50 / p99 ms", "added TTFT p50 / p99 ms", "whole stream p50 ms"],
            [
                [
                    LABELS.get(name, name),
                    f"{_ms(v['p50_ms'])} / {_ms(v['p99_ms'])}",
                    "—"
                    if name == "direct"
                    else f"{_ms(v['added_p50_ms'])} / {_ms(v['added_p99_ms'])}",
                    _ms(v["total_p50_ms"]),
                ]
                for name, v in ttft.items()
            ],
        ),
    ]
    closed = {
        f"{name} ({phase})": v["reconnects"]
        for phase in ("latency_c1", "ttft_c1")
        for name, v in results[phase].items()
        if v.get("reconnects")
    }
    if closed:
        listed = ", ".join(f"`{name}` {n}" for name, n in closed.items())
        out += [f"Keep-alive connections the server closed mid-run (request resent): {listed}.", ""]
    if "translation" in results:
        out += translation_section(results["translation"])
    if results["skipped"]:
        out += ["## Skipped in this run", ""]
        out += [f"- `{name}`: {_reason(why)}" for name, why in results["skipped"].items()]
        out.append("")
    out += [
        "## How to rerun",
        "",
        "```bash",
        "nox -s bench                                   # full run (~4 min), rewrites this file",
        "python bench/run.py --quick --out /tmp/perf.md  # ~30 s smoke run",
        "python bench/translation.py [--quick]           # the translation part alone (~20 s)",
        "python bench/profile_gateway.py [--stream]      # where the time goes (needs py-spy)",
        "```",
        "",
        "Linux only. Needs `wrk` (installed with apt-get when missing and running as root; "
        "otherwise the run "
        "stops and says how to install it); nginx is optional (its row is skipped without it). "
        "Only 127.0.0.1 is used. Compare runs only from the same kind of machine, and treat a "
        "difference smaller than the min-max spread as noise.",
        "",
    ]
    return "\n".join(out)
