"""The k-way merge behind lead search and seller matching: exact order, each item once, page by page."""

from __future__ import annotations

import random
from typing import Any

import pytest

from chalicelib.leads.finding import QUERIES_PER_PARTITION, merge_partitions


class FakeIndex:
    """Skill partitions of (sort key, id), read backwards a page at a time like a DynamoDB Query."""

    def __init__(self, partitions: dict[str, list[tuple[str, str]]], *, hidden: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        self.partitions = {name: sorted(rows, reverse=True) for name, rows in partitions.items()}
        self.hidden = hidden  # filtered out, yet read
        self.reads = 0

    def read(
        self, name: str, below: str | None, start: dict[str, Any] | None, page_size: int
    ) -> tuple[list[tuple[str, tuple[str, str]]], dict[str, Any] | None]:
        self.reads += 1
        rows = [row for row in self.partitions[name] if below is None or row[0] < below]
        if start is not None:
            rows = [row for row in rows if row[0] < start["entry_key"]["S"]]
        page = rows[:page_size]
        more = len(rows) > page_size
        last = {"entry_key": {"S": page[-1][0]}} if more else None
        return [(row[0], row) for row in page if row[1] not in self.hidden], last


def _everything(index: FakeIndex, limit: int) -> list[str]:
    bounds: dict[str, str | None] = dict.fromkeys(index.partitions)
    seen: list[str] = []
    for _ in range(1000):
        merged = merge_partitions(bounds, index.read, limit=limit, identity=lambda row: row[1], page_size=limit)
        assert len(merged.items) <= limit
        seen += [row[1] for _, _, row in merged.items]
        if merged.next_bounds is None:
            return seen
        bounds = {name: below or None for name, below in merged.next_bounds.items()}
    raise AssertionError("never ended")


@pytest.mark.parametrize("seed", range(25))
def test_pages_list_every_item_once_best_first_whatever_the_page_size(seed: int) -> None:
    rng = random.Random(seed)
    items = [(f"{rng.randrange(10**6):07d}#{i}", f"lead-{i}") for i in range(rng.randrange(0, 40))]
    partitions: dict[str, list[tuple[str, str]]] = {name: [] for name in ("a", "b", "c")}
    for item in items:
        for name in rng.sample(sorted(partitions), rng.randrange(1, 4)):
            partitions[name].append(item)
    hidden = {ident for _, ident in items if rng.random() < 0.3}
    expected = [ident for _, ident in sorted(items, reverse=True) if ident not in hidden]
    for limit in (1, 2, 5, 50):
        assert _everything(FakeIndex(partitions, hidden=hidden), limit) == expected


def test_a_page_reads_a_bounded_number_of_pages_per_partition_even_when_filters_hide_everything() -> None:
    rows = [(f"{i:05d}", f"lead-{i}") for i in range(1000)]
    index = FakeIndex({"a": rows, "b": rows[:10]}, hidden={ident for _, ident in rows})
    merged = merge_partitions(
        dict.fromkeys(["a", "b"]), index.read, limit=10, identity=lambda row: row[1], page_size=10
    )
    assert merged.items == []
    assert index.reads <= QUERIES_PER_PARTITION * 2
    assert merged.next_bounds is not None
    assert set(merged.next_bounds) == {"a"}
