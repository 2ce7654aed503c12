"""Usage rows: batched appends, counts, bounded newest-first pages and retention."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from omniroute.store import Store
from omniroute.store.usage import MAX_PAGE
from omniroute.types import UsageRecord


def _record(index: int, **changes: object) -> UsageRecord:
    record = UsageRecord(
        request_id=f"req-{index}",
        timestamp=1_700_000_000.0 + index,
        client_format="openai",
        requested_model="fast",
        provider="groq",
        model="llama-3.3-70b-versatile",
        connection_id="conn-1",
        api_key_id="key-a" if index % 2 else "key-b",
        status=200,
        latency_ms=12.5,
        prompt_tokens=10,
        completion_tokens=20,
        stream=True,
    )
    return dataclasses.replace(record, **changes)  # type: ignore[arg-type]


def test_batch_insert_counts_and_survives_reopen(make_store: Callable[..., Store]) -> None:
    store = make_store()
    store.insert_usage([_record(i) for i in range(250)])
    assert store.count_usage() == 250
    store.close()

    reopened = make_store()
    reopened.insert_usage([_record(i) for i in range(250, 300)])

    assert reopened.count_usage() == 300


def test_empty_batch_is_fine(store: Store) -> None:
    store.insert_usage([])

    assert store.count_usage() == 0


def test_count_filters(store: Store) -> None:
    store.insert_usage([_record(i) for i in range(10)])
    store.insert_usage([_record(10, status=429, error="rate limited", api_key_id="key-a")])

    assert store.count_usage(api_key_id="key-a") == 6
    assert store.count_usage(status=429) == 1
    assert store.count_usage(since=1_700_000_005.0) == 6
    assert store.count_usage(since=1_700_000_002.0, until=1_700_000_004.0) == 2
    assert store.count_usage(provider="groq", api_key_id="key-b") == 5
    with pytest.raises(TypeError, match="unknown usage filter 'colour'"):
        store.count_usage(colour="red")  # type: ignore[call-arg]


def test_pages_are_newest_first_and_bounded(store: Store) -> None:
    store.insert_usage([_record(i) for i in range(25)])

    first = store.list_usage(limit=10)
    second = store.list_usage(limit=10, before_id=first[-1]["id"])
    last = store.list_usage(limit=10, before_id=second[-1]["id"])

    ids = [row["id"] for row in first + second + last]
    assert ids == sorted(ids, reverse=True)
    assert len(set(ids)) == 25
    assert [row["request_id"] for row in first[:2]] == ["req-24", "req-23"]
    assert len(store.list_usage(limit=MAX_PAGE + 500)) == 25


def test_page_rows_carry_every_field(store: Store) -> None:
    record = _record(1, error="boom", estimated=True, reasoning_tokens=7)
    store.insert_usage([record])

    [row] = store.list_usage()

    assert row == {"id": row["id"], **dataclasses.asdict(record)}


def test_filtered_page(store: Store) -> None:
    store.insert_usage([_record(i) for i in range(6)])

    rows = store.list_usage(api_key_id="key-a")

    assert [row["request_id"] for row in rows] == ["req-5", "req-3", "req-1"]


def test_retention_deletes_old_rows(store: Store) -> None:
    store.insert_usage([_record(i) for i in range(10)])

    assert store.delete_usage_before(1_700_000_004.0) == 4
    assert store.count_usage() == 6
