"""``python -m omniroute_plugin_testkit.mock``: a standalone mock upstream.

For benchmarks and manual runs: same server as the fixtures, but without request recording
(memory would grow for ever) and with optional fixed latency to imitate a real provider.
"""

from __future__ import annotations

import argparse
import contextlib
import threading

from .faults import Fault
from .server import MockUpstream


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m omniroute_plugin_testkit.mock")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument(
        "--key", action="append", dest="keys", help="accepted API key (repeatable); default: any"
    )
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument(
        "--chunk-delay", type=float, default=0.0, help="seconds between stream events"
    )
    args = parser.parse_args(argv)
    mock = MockUpstream(api_keys=args.keys, host=args.host, port=args.port, record=False)
    if args.delay or args.chunk_delay:
        mock.inject(Fault(delay=args.delay, chunk_delay=args.chunk_delay), times=None)
    with mock:
        print(f"mock upstream listening on {mock.url} (base URL {mock.base_url})", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
