"""SSE framing: events split anywhere across chunks come out whole and in order."""

from __future__ import annotations

import pytest

from omniroute.sse import SSEDecoder, sse_frame

STREAM = (
    b'data: {"a":1}\n\n'
    b'event: message_start\ndata: {"b":2}\n\n'
    b": keep-alive comment\n\n"
    b"data: [DONE]\n\n"
)


@pytest.mark.parametrize("size", [1, 2, 3, 7, 16, len(STREAM)])
def test_events_survive_any_chunking(size: int) -> None:
    decoder = SSEDecoder()
    events = []
    for i in range(0, len(STREAM), size):
        events.extend(decoder.feed(STREAM[i : i + size]))
    events.extend(decoder.flush())
    assert [(e.event, e.data) for e in events] == [
        (None, b'{"a":1}'),
        ("message_start", b'{"b":2}'),
        (None, b"[DONE]"),
    ]
    assert events[1].raw == b'event: message_start\ndata: {"b":2}\n\n'


def test_crlf_line_endings_and_unterminated_last_event() -> None:
    decoder = SSEDecoder()
    events = decoder.feed(b'data: {"x":1}\r\n\r\ndata: {"y"')
    events += decoder.feed(b":2}")
    events += decoder.flush()
    assert [e.data for e in events] == [b'{"x":1}', b'{"y":2}']


def test_multi_line_data_is_joined() -> None:
    events = SSEDecoder().feed(b"data: line1\ndata: line2\n\n")
    assert events[0].data == b"line1\nline2"


def test_encode_round_trips() -> None:
    frame = sse_frame({"k": "v"}, event="ping")
    (event,) = SSEDecoder().feed(frame)
    assert (event.event, event.data) == ("ping", b'{"k":"v"}')
