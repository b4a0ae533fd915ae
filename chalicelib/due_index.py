"""The sparse "due" indexes the scheduled jobs read: what is due, found by a few Queries.

An item with something due carries a shard (``due_shard(item id)``, one of ``DUE_SHARDS``) as
its index's partition key and the instant it is due (``sortable_utc``) as its sort key. A job
asks every shard for the entries due up to now (``due_at <= now``): ``DUE_SHARDS`` Queries,
whose cost grows with what is due, however long the job was down (a day-partitioned index
needs a Query per day of the outage, and forgets the days past its look-back). Handling an
item removes both attributes, so the index holds only what is still to be done.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import TypeVar

from chalicelib.timestamps import sortable_utc

DUE_SHARDS = 8  # enough to spread the writes; each job run costs this many Queries at least

Entry = TypeVar("Entry")


def due_shard(item_id: str) -> str:
    """The shard of an item's due entry: stable, so rewriting the entry keeps its partition."""
    return str(int(hashlib.sha256(item_id.encode()).hexdigest(), 16) % DUE_SHARDS)


def due_key(item_id: str, due: datetime) -> tuple[str, str]:
    """The (shard, due_at) an item due at ``due`` is written under."""
    return due_shard(item_id), sortable_utc(due)


def due_entries(query: Callable[[str, str], Iterable[Entry]], now: datetime) -> Iterator[Entry]:
    """Every entry due at or before ``now``: ``query(shard, sortable now)`` is asked for each shard
    (it Queries the index with ``due_at <= now``)."""
    until = sortable_utc(now)
    for shard in range(DUE_SHARDS):
        yield from query(str(shard), until)
