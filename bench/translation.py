"""Translation micro-benchmark: requests, answers and stream events translated per second.

The HTTP benchmark (``run.py``) sends OpenAI requests to an OpenAI mock, so no translator runs
there. A call whose client and upstream speak different formats pays for the translation on
top, all of it CPU work in the gateway's process; this measures that work in-process, with no
sockets, so the figures are the translators' own cost and not the network's.

It builds the registry with every installed plugin, as ``omniroute serve`` does, and for every
client → upstream route the registry can translate (each registered translator's own pair, and
the pairs that go through the hub with two translators) times, on payloads from
``translation_payloads.py``:

* a small and a large request through ``Translator.request`` (the chain in order);
* an answer with text and a tool call through ``Translator.response`` (the chain backwards);
* a whole stream: a fresh ``Translator.stream(model, include_usage=True)`` per stage, every
  parsed upstream event fed, then ``finish()``; a hub chain re-parses the frames between its
  stages with the relay's own helper, as the gateway does. The figure is upstream events per
  second.

Run alone with ``python bench/translation.py [--quick]`` (prints the report's Translation
section); ``run.py`` runs it too and puts the results under ``"translation"``.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import gc
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import orjson
import report
import translation_payloads as payloads
from servers import SERVER_CPU, pinning_available
from translation_payloads import Event

# Private, but the relay's own helper: a hub chain is timed exactly as the gateway runs it.
from omniroute.engine.relay import _feed_frames
from omniroute.interfaces import Translator
from omniroute.plugins import build_registry
from omniroute.registry import Registry
from omniroute.settings import Settings
from omniroute.sse import DONE, SSEDecoder
from omniroute.types import Body

#: The format ``translation_payloads`` is written in.
CANONICAL_FORMAT = "openai"
#: The upstream model each format's translators are given (some map features per model
#: family, so a realistic name keeps them on their usual path).
MODELS = {"openai": "gpt-4o-mini", "claude": "claude-sonnet-4-5", "gemini": "gemini-2.5-flash"}
DEFAULT_MODEL = "bench-model"
#: The provider name the relay's frame helper puts in its error messages.
PROVIDER = "bench"


@dataclass(frozen=True, slots=True)
class Budget:
    """How long each case is timed."""

    #: Wall time one timed repeat lasts; its iteration count is calibrated to fill it.
    repeat_s: float
    repeats: int


FULL = Budget(repeat_s=0.12, repeats=5)
QUICK = Budget(repeat_s=0.01, repeats=5)


@dataclass(frozen=True, slots=True)
class Timing:
    """Operations per second of one case: median and range over the repeats."""

    per_s: float
    per_s_min: float
    per_s_max: float
    us_per_op: float
    iterations: int


@dataclass(frozen=True, slots=True)
class Route:
    """A client format reaching an upstream format, and the translators that takes."""

    client: str
    upstream: str
    chain: list[Translator]

    @property
    def name(self) -> str:
        return f"{self.client} → {self.upstream}"


@dataclass(frozen=True, slots=True)
class Fixtures:
    """The canonical payloads in one format: the requests as its clients send them, the
    answer and the stream as its upstreams send them."""

    small: Body
    large: Body
    answer: Body
    events: list[Event]

    def sizes(self) -> dict[str, int]:
        return {
            "request_small_bytes": len(orjson.dumps(self.small)),
            "request_large_bytes": len(orjson.dumps(self.large)),
            "answer_bytes": len(orjson.dumps(self.answer)),
            "stream_events": len(self.events),
        }


def model_for(fmt: str) -> str:
    return MODELS.get(fmt, DEFAULT_MODEL)


def translate_request(chain: list[Translator], body: Body, model: str) -> Body:
    """What the pipeline sends upstream for a client's ``body``."""
    for translator in chain:
        body = translator.request(body, model)
    return body


def translate_response(chain: list[Translator], body: Body, model: str) -> Body:
    """What the pipeline answers the client for an upstream's ``body``."""
    for translator in reversed(chain):
        body = translator.response(body, model)
    return body


def translate_stream(chain: list[Translator], events: list[Event], model: str) -> list[bytes]:
    """The client frames for one upstream stream, fed the way ``engine.relay`` feeds it: the
    upstream-side stage gets parsed events, each later stage the frames of the one before."""
    stages = [translator.stream(model, include_usage=True) for translator in reversed(chain)]
    out: list[bytes] = []
    for event, data in events:
        frames = stages[0].feed(event, data)
        for later in stages[1:]:
            frames = _feed_frames(later, frames, PROVIDER)
        out += frames
    for index, stage in enumerate(stages):
        tail = stage.finish()
        for later in stages[index + 1 :]:
            tail = _feed_frames(later, tail, PROVIDER)
        out += tail
    return out


def _parse(frames: list[bytes]) -> list[Event]:
    decoder = SSEDecoder()
    events = [event for frame in frames for event in decoder.feed(frame)]
    events += decoder.flush()
    return [(e.event, None if e.data == DONE else orjson.loads(e.data)) for e in events]


def fixtures_for(registry: Registry, fmt: str) -> Fixtures:
    """The canonical payloads turned into ``fmt`` by the registered translators.

    A translator's ``request`` turns its source's requests into its target's, so the chain
    from the canonical format to ``fmt`` makes ``fmt`` requests; its ``response`` and
    ``stream`` turn its target's answers into its source's, so the chain from ``fmt`` to the
    canonical format, run backwards, makes ``fmt`` answers and streams. Raises
    ``LookupError`` when the registry cannot translate between ``fmt`` and the canonical
    format in the direction needed.
    """
    model = model_for(fmt)
    to_fmt = registry.translation_chain(CANONICAL_FORMAT, fmt)
    from_fmt = registry.translation_chain(fmt, CANONICAL_FORMAT)
    events = payloads.stream_events()
    return Fixtures(
        small=translate_request(to_fmt, payloads.small_request(), model),
        large=translate_request(to_fmt, payloads.large_request(), model),
        answer=translate_response(from_fmt, payloads.answer(), model),
        events=_parse(translate_stream(from_fmt, events, model)) if from_fmt else events,
    )


def routes(registry: Registry) -> list[Route]:
    """Every client → upstream pair the registry translates, one-translator routes first."""
    found = []
    for client in registry.formats:
        for upstream in registry.formats:
            if client == upstream:
                continue
            try:
                chain = registry.translation_chain(client, upstream)
            except LookupError:
                continue
            found.append(Route(client, upstream, chain))
    return sorted(found, key=lambda r: (len(r.chain), r.client, r.upstream))


def _calibrate(op: Callable[[], object], seconds: float) -> int:
    """Iterations that take about ``seconds``; the doubling runs double as the warm-up."""
    n = 1
    while True:
        start = time.perf_counter()
        for _ in range(n):
            op()
        elapsed = time.perf_counter() - start
        if elapsed >= seconds / 4:
            return max(1, round(n * seconds / elapsed))
        n *= 2


def time_op(op: Callable[[], object], budget: Budget) -> Timing:
    """``budget.repeats`` timed loops of a calibrated length.

    The garbage collector stays on, as in the gateway (translation allocates many small
    dicts, and collecting them is part of its cost), but runs once before the repeats so
    garbage left by the previous case is not charged to this one. Once, not per repeat: a
    full collection scans every object of the process (~20 ms with the plugins loaded), which
    would dominate a ``--quick`` run.
    """
    gc.collect()
    n = _calibrate(op, budget.repeat_s)
    rates = []
    for _ in range(budget.repeats):
        start = time.perf_counter()
        for _ in range(n):
            op()
        rates.append(n / (time.perf_counter() - start))
    median = statistics.median(rates)
    return Timing(
        per_s=round(median, 1),
        per_s_min=round(min(rates), 1),
        per_s_max=round(max(rates), 1),
        us_per_op=round(1e6 / median, 3),
        iterations=n,
    )


def _check_pure(route: Route, case: str, op: Callable[[], object], inputs: object) -> None:
    """Refuse to time a translator that changes its input: every iteration after the first
    would then translate a different body, and the figure would mean nothing."""
    pristine = copy.deepcopy(inputs)
    op()
    if inputs != pristine:
        raise RuntimeError(f"{route.name}: {case} changed its input; it cannot be timed in a loop")


def measure_route(
    route: Route, client: Fixtures, upstream: Fixtures, budget: Budget
) -> dict[str, Any]:
    """Every case of one route; its JSON-able figures."""
    model = model_for(route.upstream)
    cases: dict[str, tuple[Callable[[list[Translator], Any, str], object], object]] = {
        "request_small": (translate_request, client.small),
        "request_large": (translate_request, client.large),
        "response": (translate_response, upstream.answer),
        "stream": (translate_stream, upstream.events),
    }
    out: dict[str, Any] = {
        "client": route.client,
        "upstream": route.upstream,
        "chain": [f"{t.source}->{t.target}" for t in route.chain],
    }
    for case, (translate, inputs) in cases.items():
        op = partial(translate, route.chain, inputs, model)
        _check_pure(route, case, op, inputs)
        out[case] = dataclasses.asdict(time_op(op, budget))
    stream, events = out["stream"], len(upstream.events)
    stream["events"] = events
    for key in ("per_s", "per_s_min", "per_s_max"):
        stream[f"events_{key}"] = round(stream[key] * events, 1)
    stream["us_per_event"] = round(stream["us_per_op"] / events, 3)
    return out


@contextmanager
def pinned(cpu: int | None) -> Iterator[None]:
    """Run on one CPU, so the scheduler cannot move the loop mid-repeat; the caller's
    affinity comes back afterwards."""
    if cpu is None:
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {cpu})
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def run(budget: Budget, cpu: int | None) -> dict[str, Any]:
    """Build the registry, derive the fixtures, time every route; the results as JSON-able."""
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="omniroute-translation-") as tmp,
        pinned(cpu),
    ):
        _, builder, registry = build_registry(Settings(data_dir=Path(tmp), plugins_strict=True))
        fixtures: dict[str, Fixtures] = {}
        skipped: dict[str, str] = {}
        for fmt in registry.formats:
            try:
                fixtures[fmt] = fixtures_for(registry, fmt)
            except LookupError as exc:
                skipped[fmt] = f"no fixtures in this format: {exc}"
        measured = []
        for route in routes(registry):
            if route.client not in fixtures or route.upstream not in fixtures:
                skipped[route.name] = "a format of this route has no fixtures (see above)"
                continue
            print(f"bench: translation {route.name}", flush=True)
            client, upstream = fixtures[route.client], fixtures[route.upstream]
            measured.append(measure_route(route, client, upstream, budget))
    large = payloads.large_request()
    return {
        "budget": dataclasses.asdict(budget),
        "cpu": cpu,
        "canonical": {
            "format": CANONICAL_FORMAT,
            "large_request_messages": len(large["messages"]),
            "large_request_tools": len(large["tools"]),
        },
        "translators": dict(sorted(builder.translators.owners.items())),
        "fixtures": {fmt: f.sizes() for fmt, f in fixtures.items()},
        "routes": measured,
        "skipped": skipped,
        "elapsed_s": round(time.monotonic() - started, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Benchmark the registered translators.")
    parser.add_argument("--quick", action="store_true", help="About 3 s with short repeats.")
    parser.add_argument("--json", type=Path, help="Also write the results to this file.")
    args = parser.parse_args(argv)
    cpu = SERVER_CPU if hasattr(os, "sched_setaffinity") and pinning_available() else None
    results = run(QUICK if args.quick else FULL, cpu)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    print("\n".join(report.translation_section(results)))


if __name__ == "__main__":
    main()
