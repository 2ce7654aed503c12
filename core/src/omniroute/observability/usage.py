"""The batched usage writer.

The request path only appends to an in-memory queue (O(1), no I/O); one background task
drains it in batches, each written in one transaction in a worker thread. A failed write
keeps its records for the next round, and shutdown flushes everything, so a usage record is
never dropped silently.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Sequence

from ..types import UsageRecord

log = logging.getLogger("omniroute.usage")

Sink = Callable[[Sequence[UsageRecord]], None]


class UsageRecorder:
    def __init__(self, sink: Sink, interval: float, batch_size: int) -> None:
        self._sink = sink
        self._interval = interval
        self._batch_size = batch_size
        self._queue: deque[UsageRecord] = deque()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def submit(self, record: UsageRecord) -> None:
        self._queue.append(record)
        if len(self._queue) >= self._batch_size:
            self._wake.set()

    @property
    def pending(self) -> int:
        return len(self._queue)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="omniroute-usage-writer")

    async def stop(self) -> None:
        """Stop the writer and flush every queued record."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None
        while self._queue:
            if not await self._write_batch():
                log.error("dropping %d usage records: the store keeps failing", len(self._queue))
                break

    async def flush(self) -> None:
        """Write everything queued so far (tests and admin endpoints use it)."""
        while self._queue:
            if not await self._write_batch():
                return

    async def _run(self) -> None:
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval)
            self._wake.clear()
            while self._queue and not self._stopping:
                if not await self._write_batch():
                    break

    async def _write_batch(self) -> bool:
        batch = [self._queue.popleft() for _ in range(min(self._batch_size, len(self._queue)))]
        try:
            await asyncio.to_thread(self._sink, batch)
        except Exception:
            log.exception("writing %d usage records failed; will retry", len(batch))
            self._queue.extendleft(reversed(batch))
            return False
        return True
