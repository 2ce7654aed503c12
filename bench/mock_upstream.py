"""Zero-latency mock of an OpenAI upstream, for benchmarks only.

A raw ``asyncio.Protocol`` on uvloop rather than a framework: every microsecond the mock spends
is also in the "direct" baseline, so it must be as cheap as possible and never the bottleneck
(``run.py`` measures its ceiling first). It reads every request body in full, because a real
upstream does and a client that has not finished sending must not be answered early, but never
parses it: the only look at the body is a substring test for ``"stream":true``, which selects the
canned SSE answer instead of the canned ~1.4 KB ``chat.completion`` JSON. Keep-alive and
pipelined requests are supported; anything that is not a well-formed request closes the socket.

Run: ``python bench/mock_upstream.py --port 9000`` (prints ``ready <port>`` once listening).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import cast

import uvloop

#: Number of content deltas in the canned stream (the benchmark protocol's shape: one role
#: chunk, 64 deltas, one finish chunk carrying usage, then ``[DONE]``).
STREAM_DELTAS = 64
#: Marker in the first content delta; the SSE client stamps time-to-first-token when it sees it.
FIRST_TOKEN = "Tok0000"
JSON_SIZE = 1400


def completion_body() -> bytes:
    """A fixed ``chat.completion`` of about ``JSON_SIZE`` bytes (Bifrost's small payload)."""
    doc: dict[str, object] = {
        "id": "chatcmpl-bench0000000000000000000000",
        "object": "chat.completion",
        "created": 1700000000,
        "model": "gpt-4o-mini-2024-07-18",
        "system_fingerprint": "fp_bench",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "", "refusal": None},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 9, "completion_tokens": 240, "total_tokens": 249},
    }
    filler = " ".join(f"word{i}" for i in range(400))
    base = len(json.dumps(doc, separators=(",", ":")))
    doc["choices"][0]["message"]["content"] = filler[: JSON_SIZE - base]  # type: ignore[index]
    return json.dumps(doc, separators=(",", ":")).encode()


def stream_frames() -> list[bytes]:
    """The canned SSE answer as HTTP/1.1 chunks, one chunk per SSE event."""

    def event(delta: dict[str, object], finish: str | None = None, **extra: object) -> bytes:
        chunk = {
            "id": "chatcmpl-bench",
            "object": "chat.completion.chunk",
            "created": 1700000000,
            "model": "gpt-4o-mini-2024-07-18",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            **extra,
        }
        return b"data: " + json.dumps(chunk, separators=(",", ":")).encode() + b"\n\n"

    events = [event({"role": "assistant", "content": ""})]
    events += [event({"content": f"Tok{i:04d} "}) for i in range(STREAM_DELTAS)]
    usage = {"prompt_tokens": 9, "completion_tokens": STREAM_DELTAS, "total_tokens": 73}
    events.append(event({}, "stop", usage=usage))
    events.append(b"data: [DONE]\n\n")
    return [b"%x\r\n%b\r\n" % (len(e), e) for e in events] + [b"0\r\n\r\n"]


def json_response() -> bytes:
    body = completion_body()
    head = (
        "HTTP/1.1 200 OK\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: keep-alive\r\n\r\n"
    )
    return head.encode() + body


SSE_HEAD = (
    b"HTTP/1.1 200 OK\r\n"
    b"Content-Type: text/event-stream\r\n"
    b"Cache-Control: no-cache\r\n"
    b"Transfer-Encoding: chunked\r\n"
    b"Connection: keep-alive\r\n\r\n"
)


class MockProtocol(asyncio.Protocol):
    """One client connection: frame requests by headers + Content-Length, answer canned bytes."""

    __slots__ = ("_buf", "_transport")

    JSON = json_response()
    SSE = [SSE_HEAD, *stream_frames()]

    def __init__(self) -> None:
        self._buf = b""
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's TCPTransport implements asyncio.Transport without subclassing it.
        self._transport = cast("asyncio.Transport", transport)

    def data_received(self, data: bytes) -> None:
        buf = self._buf + data if self._buf else data
        transport = self._transport
        assert transport is not None
        while True:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                break
            head = buf[:end].lower()
            start = head.find(b"content-length:")
            if start >= 0:
                stop = head.find(b"\r\n", start)
                try:
                    length = int(head[start + 15 : stop if stop >= 0 else None])
                except ValueError:
                    transport.close()
                    return
                total = end + 4 + length
                if len(buf) < total:
                    break
                body = buf[end + 4 : total]
            elif b"transfer-encoding: chunked" in head:
                stop = buf.find(b"\r\n0\r\n\r\n", end)
                if stop < 0:
                    break
                total = stop + 7
                body = buf[end + 4 : total]
            else:
                total, body = end + 4, b""
            buf = buf[total:]
            if b'"stream":true' in body or b'"stream": true' in body:
                transport.writelines(self.SSE)
            else:
                transport.write(self.JSON)
        self._buf = buf


async def serve(port: int) -> None:
    """Listen on 127.0.0.1:``port`` until cancelled."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(MockProtocol, "127.0.0.1", port, backlog=4096)
    print(f"ready {port}", flush=True)
    async with server:
        await server.serve_forever()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    try:
        uvloop.run(serve(args.port))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
