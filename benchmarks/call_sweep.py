"""The every-minute call sweep at scale: items it reads with 10,000 ended and 10 active calls in the table.

What: on a moto server started here (in this process, on a free 127.0.0.1 port,
provisioned with ``infra.local.provision``), the sessions table holds ``--active``
active calls (10) and ended, settled calls. ``sweep_calls`` runs once with a
recording notifier, and every DynamoDB request it makes is counted by wrapping
PynamoDB's ``Connection.dispatch``: items read are a Query's ``ScannedCount`` (else
``Count``), and one per GetItem that found its item. It must read the active calls,
not the table: it Queries the sparse, sharded ``live`` index (8 shards, keys only)
and then reads each due call once.

It runs twice: first with 1,000 ended calls in the table, then after 9,000 more
(10,000 with ``--ended 10000``), one minute later, when every active call is due for
its next meter tick again. Items read must stay the same (about 10 from the index,
plus one GetItem per due call), whatever the number of ended calls.

Seeding: calls are written in batch (BatchWriteItem) through the ``CallSession``
model. Active calls are on the ``live`` index as the app puts them there
(``live_shard_of``, ``due_at`` = their next meter minute), both sides connected;
ended calls are settled, so off the index, as ``settle_call`` leaves them.

moto answers a Query on an index by going through the whole table in memory, so
the sweep's milliseconds grow with the table here; the items read (what DynamoDB
bills and what takes time there) are the number to watch.

    scripts/bench-call-sweep [--ended 10000] [--active 10]

Exits 1 if the sweep scans, reads more than (active + 10%) items from the index, or
does not tick every active call's meter. Timings are moto's over loopback.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from benchmarks.dynamo_counting import DynamoRequests, record_dynamo_requests, recording, start_moto, timed

NOW = datetime(2026, 11, 23, 12, 0, 30, tzinfo=UTC)
FIRST_ENDED = 1_000
READ_SLACK = 1.10
TABLE_PREFIX = "parley-bench-sweep-"


@dataclass
class RecordingNotifier:
    """A ``CallNotifier`` that keeps what would have gone to each person's devices."""

    sent: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def notify(self, account_id: str, message: dict[str, Any]) -> None:
        self.sent.append((account_id, message))

    def kinds(self) -> Counter[str]:
        return Counter(str(message.get("type")) for _, message in self.sent)


def active_call(n: int) -> Any:
    """A paid call active for 10.5 minutes, both sides connected, due for its 11th meter minute at ``NOW``."""
    from chalicelib.models.session import CallSession
    from chalicelib.sessions.calls import live_shard_of

    session_id = f"ses_active_{n:05d}"
    active_at = NOW - timedelta(minutes=10, seconds=30)
    return CallSession(
        session_id, client_id=f"client-{n:05d}", expert_id=f"expert-{n % 50:03d}", media="video", paid=True,
        state="active", requested_at=active_at - timedelta(minutes=1), expires_at=active_at,
        accepted_at=active_at - timedelta(seconds=30), active_at=active_at, hold_ready=True,
        client_connected_since=active_at, expert_connected_since=active_at, payment_id=f"pay_active_{n:05d}",
        currency="USD", rate_per_minute=300, free_minutes=0, commission_bps=1000, last_meter_minute=9,
        live_shard=live_shard_of(session_id), due_at=(active_at + timedelta(minutes=10)).isoformat(),
    )  # fmt: skip


def ended_call(n: int) -> Any:
    """A paid 20-minute call ended and settled days ago: off the ``live`` index."""
    from chalicelib.models.session import CallSession, IntervalAttribute

    active_at = NOW - timedelta(days=1 + n % 30, minutes=n % 600)
    ended_at = active_at + timedelta(minutes=20)
    interval = [IntervalAttribute(start=active_at, end=ended_at)]
    return CallSession(
        f"ses_ended_{n:06d}", client_id=f"client-{n % 2_000:05d}", expert_id=f"expert-{n % 50:03d}", media="voice",
        paid=True, state="ended", requested_at=active_at - timedelta(minutes=1), expires_at=active_at,
        accepted_at=active_at - timedelta(seconds=30), active_at=active_at, ended_at=ended_at, end_reason="hung_up",
        hold_ready=True, client_intervals=interval, expert_intervals=interval, payment_id=f"pay_ended_{n:06d}",
        currency="USD", rate_per_minute=300, free_minutes=0, commission_bps=1000, last_meter_minute=19,
        billable_seconds=1200, billed_minutes=20, amount=6_000, fee=600, earnings=5_400, settled=True,
    )  # fmt: skip


def seed(items: Sequence[Any]) -> float:
    from chalicelib.models.session import CallSession

    started = time.perf_counter()
    with CallSession.batch_write() as batch:
        for item in items:
            batch.save(item)
    return time.perf_counter() - started


def sweep_once(requests: DynamoRequests, now: datetime, active: int, ended: int) -> bool:
    """One ``sweep_calls`` run; prints what it read. True if it read only the live calls and ticked each meter."""
    from chalicelib.sessions.sweep import sweep_calls

    notifier = RecordingNotifier()
    with recording(requests):
        result, seconds = timed(lambda: sweep_calls(now, notifier))
    index_items = requests.items_read["Query"] + requests.items_read["Scan"]
    ops = ", ".join(f"{name} {count}" for name, count in sorted(requests.operations.items()))
    reads = ", ".join(f"{name} {count}" for name, count in sorted(requests.items_read.items()) if count)
    print(
        f"  {ended:>6,} ended + {active} active: items read {requests.total_items_read:>4} "
        f"(index {index_items}; {reads})   requests {requests.total} ({ops})   {seconds * 1000:.0f} ms"
    )
    print(
        f"  {'':>22}result: due {result.due}, metered {result.metered}, warned {result.warned}, "
        f"ended {result.ended}, failed {result.failed}   notifications {dict(notifier.kinds())}"
    )
    return (
        "Scan" not in requests.operations
        and index_items <= active * READ_SLACK
        and result.metered == active
        and result.failed == 0
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/bench-call-sweep", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("--ended", type=int, default=10_000, help="ended calls in the table at the end (default 10000)")
    parser.add_argument("--active", type=int, default=10, help="active calls (default 10)")
    args = parser.parse_args(argv)
    if args.ended < FIRST_ENDED or args.active < 1:
        parser.error(f"need --ended >= {FIRST_ENDED} and --active >= 1")

    server, url = start_moto(TABLE_PREFIX)
    try:
        requests = record_dynamo_requests()
        print(f"call sweep benchmark (python {sys.version.split()[0]}, DynamoDB = moto in-process at {url})")
        writing = seed([active_call(n) for n in range(args.active)] + [ended_call(n) for n in range(FIRST_ENDED)])
        print(f"\nseeded {args.active} active and {FIRST_ENDED:,} ended calls ({writing:.1f} s of batch writes)")
        print("\nsweep_calls once (live index by shard, then each due call):")
        ok = sweep_once(requests, NOW, args.active, FIRST_ENDED)
        writing = seed([ended_call(n) for n in range(FIRST_ENDED, args.ended)])
        print(f"  ({args.ended - FIRST_ENDED:,} more ended calls written for the second line: {writing:.1f} s)")
        ok = sweep_once(requests, NOW + timedelta(minutes=1), args.active, args.ended) and ok
    finally:
        server.stop()

    if not ok:
        print("FAIL: the sweep scanned, read more than the active calls from the index, or missed a meter tick.")
        return 1
    print("\nok: items read track the active calls, not the ended ones")
    return 0


if __name__ == "__main__":
    sys.exit(main())
