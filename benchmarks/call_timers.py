"""Call timers at 1,000, 10,000 and 100,000 live calls: the most work one invocation does, and how it grows.

What: on a moto server started here (in this process, provisioned with ``infra.local.provision``), the
sessions table holds N live calls (1,000, then 10,000, then 100,000: the table is emptied and seeded
afresh for each size), put straight into moto's storage (``put_into_moto``; moto's own write path
costs milliseconds an item). Every call went active at the same minute (a second apart, wrapping
each minute), both sides connected, media flowing, its next moment the 5-minute warning, as
``join_call`` leaves it. Time is passed by the clock (the ``now`` each invocation is given), over:

  84:00  the backstop: nothing is overdue (8 Queries of the live index);
  86:00  the 5-minute warnings: ``run_timers`` with batches of 10 timers (SQS's largest batch);
  90:00  the 1-minute warnings, then 91:00 the cutoff: the same calls end at 90:00 and are settled,
         with receipts (the calls are free-link calls, so settling captures nothing at Stripe);
  95:00  the backstop again: every call whose timers were not run here (N - sampled) is overdue, as
         after an outage: it reads at most 100 keys per shard and re-sends those timers, no more.

``--batches`` invocations (default 20, i.e. 200 calls) run at each timer moment for each size: each
one's work is that of its 10 calls, which is the point; running every call's timers of 100,000 in moto
would take hours and show the same numbers. Every DynamoDB request is counted by wrapping PynamoDB's
``Connection.dispatch`` (a transaction is one request); notifications by a recording notifier, timers
sent by a recording queue. The backstop reads at most 100 keys a shard (800 a run): with everything
overdue, its items read and timers sent grow with the calls until that cap, never past it. Printed
for each size: the largest number of DynamoDB requests, items read, notifications and timers sent by
one invocation of each kind, and the ratio to the smallest size (1.00 = flat).

    scripts/bench-call-timers [--sizes 1000,10000,100000] [--batches 20]

Exits 1 if the largest invocation at any size does more DynamoDB requests or notifications than at
the smallest (the work grew with the number of live calls), or a timer failed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from benchmarks.dynamo_counting import (
    DynamoRequests,
    empty_moto_table,
    put_into_moto,
    record_dynamo_requests,
    recording,
    start_moto,
)

ACTIVE_AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
TABLE_PREFIX = "parley-bench-timers-"
SIZES = (1_000, 10_000, 100_000)
EXPERTS = 500


@dataclass
class Recorder:
    """A ``CallNotifier`` and a ``CallTimers`` that keep what one invocation sent."""

    notifications: int = 0
    timers: int = 0

    def notify(self, account_id: str, message: dict[str, Any]) -> None:
        self.notifications += 1

    def send(self, timers: Sequence[Any], now: datetime) -> None:
        self.timers += len(timers)


@dataclass
class Largest:
    """The most one invocation of a kind did: ``most["requests" | "items_read" | "notifications" | "timers"]``."""

    invocations: int = 0
    most: Counter[str] = field(default_factory=Counter)
    failed: int = 0
    operations: dict[str, int] = field(default_factory=dict)

    def add(self, requests: DynamoRequests, recorder: Recorder, failed: int = 0) -> None:
        self.invocations += 1
        if requests.total > self.most["requests"]:
            self.operations = dict(requests.operations)
        done = {"requests": requests.total, "items_read": requests.total_items_read,
                "notifications": recorder.notifications, "timers": recorder.timers}  # fmt: skip
        for name, value in done.items():
            self.most[name] = max(self.most[name], value)
        self.failed += failed


def session_id(n: int) -> str:
    return f"ses_live_{n:06d}"


def live_call(n: int) -> Any:
    """A free-link call active since ACTIVE_AT (+ n mod 60 s), both connected, next due at its 5-minute warning."""
    from chalicelib.models.session import CallSession
    from chalicelib.sessions.calls import live_shard_of

    active_at = ACTIVE_AT + timedelta(seconds=n % 60)
    sid = session_id(n)
    return CallSession(
        sid, client_id=f"client-{n:06d}", expert_id=f"expert-{n % EXPERTS:03d}", media="video", paid=False,
        state="active", requested_at=active_at - timedelta(minutes=1), expires_at=active_at,
        accepted_at=active_at - timedelta(seconds=30), active_at=active_at, hold_ready=True,
        client_connected_since=active_at, expert_connected_since=active_at, media_connected_at=active_at,
        link_id=f"link-{n:06d}", currency="USD", rate_per_minute=300, free_minutes=0, commission_bps=1000,
        warnings_sent=[], live_shard=live_shard_of(sid), due_at=(active_at + timedelta(minutes=85)).isoformat(),
        live_client_id=f"client-{n:06d}", live_expert_id=f"expert-{n % EXPERTS:03d}",
    )  # fmt: skip


def accounts(size: int) -> Iterator[Any]:
    from chalicelib.models.account import Account

    people = [f"client-{n:06d}" for n in range(size)] + [f"expert-{n:03d}" for n in range(min(size, EXPERTS))]
    for account_id in people:
        yield Account(account_id, email=f"{account_id}@bench.parley.local", kind="individual",
                      display_name=account_id, created_at=ACTIVE_AT, updated_at=ACTIVE_AT)  # fmt: skip


def seed(size: int) -> float:
    from chalicelib.models.account import Account
    from chalicelib.models.session import CallSession, FirstCall

    started = time.perf_counter()
    for model in (CallSession, Account, FirstCall):  # the last size's calls and their first-call markers
        empty_moto_table(model)
    put_into_moto(CallSession, (live_call(n) for n in range(size)))
    put_into_moto(Account, accounts(size))
    return time.perf_counter() - started


def skip_moto_table_backups() -> None:
    """moto backs up every table a transaction touches, whole (``copy.deepcopy`` of the Table), to undo the
    transaction if it fails: at 100,000 calls that is seconds and hundreds of megabytes per transaction, for
    nothing DynamoDB does. No transaction fails here (one thread, no races, fresh first-call markers), so
    the backup is skipped; every other copy moto makes is left as it is."""
    import copy
    import types

    import moto.dynamodb.models as models
    from moto.dynamodb.models.table import Table

    def deepcopy(value: Any, memo: Any = None) -> Any:
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    models.copy = types.SimpleNamespace(deepcopy=deepcopy)  # type: ignore[assignment]


def invoke(requests: DynamoRequests, largest: Largest, action: Callable[[Recorder], int]) -> None:
    recorder = Recorder()
    with recording(requests):
        failed = action(recorder)
    largest.add(requests, recorder, failed)


def run_size(size: int, batches: int, requests: DynamoRequests) -> dict[str, Largest]:
    from chalicelib.sessions.sweep import backstop, run_timers
    from chalicelib.sessions.timers import Timer

    grace = timedelta(seconds=60)
    kinds = {name: Largest() for name in ("backstop, nothing overdue", "timers", "backstop, all overdue")}

    def timers_at(moment: datetime, due_after: timedelta) -> None:
        for batch in range(batches):
            ids = range(batch * 10, batch * 10 + 10)
            due = [Timer(session_id(n), ACTIVE_AT + due_after + timedelta(seconds=n % 60)) for n in ids]

            def one_batch(recorder: Recorder, due: list[Timer] = due) -> int:
                return run_timers(due, moment, recorder, recorder).failed

            invoke(requests, kinds["timers"], one_batch)

    def backstop_at(kind: str, moment: datetime) -> None:
        invoke(requests, kinds[kind], lambda rec: (backstop(moment, rec, grace), 0)[1])

    backstop_at("backstop, nothing overdue", ACTIVE_AT + timedelta(minutes=84))
    timers_at(ACTIVE_AT + timedelta(minutes=86), timedelta(minutes=85))  # the 5-minute warnings
    timers_at(ACTIVE_AT + timedelta(minutes=90), timedelta(minutes=89))  # the 1-minute warnings
    timers_at(ACTIVE_AT + timedelta(minutes=91), timedelta(minutes=90))  # the cutoff: ended and settled
    backstop_at("backstop, all overdue", ACTIVE_AT + timedelta(minutes=95))
    return kinds


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/bench-call-timers", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES), help="live calls, comma-separated")
    parser.add_argument("--batches", type=int, default=20, help="invocations of 10 timers per moment (default 20)")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if not sizes or sizes[0] < args.batches * 10 or args.batches < 1:
        parser.error("every size needs at least --batches x 10 calls")

    server, url = start_moto(TABLE_PREFIX)
    skip_moto_table_backups()
    os.environ.update(
        PARLEY_USER_POOL_ID="us-east-1_bench", PARLEY_USER_POOL_CLIENT_IDS="bench",
        PARLEY_MEDIA_BUCKET="parley-local-media", PARLEY_SENDER_EMAIL="no-reply@parley.local", PARLEY_STAGE="local",
    )  # fmt: skip
    import chalicelib.sessions.sweep as sweep

    lags: list[float] = []
    sweep.emit = lambda name, value, unit="Count": lags.append(value)
    results: dict[int, dict[str, Largest]] = {}
    try:
        requests = record_dynamo_requests()
        print(f"call timers benchmark (python {sys.version.split()[0]}, DynamoDB = moto in-process at {url})")
        for size in sizes:
            seconds = seed(size)
            print(f"\n{size:,} live calls seeded ({seconds:.1f} s); {args.batches} invocations of 10 timers per moment")
            started = time.perf_counter()
            results[size] = run_size(size, args.batches, requests)
            for kind, largest in results[size].items():
                ops = ", ".join(f"{name} {count}" for name, count in sorted(largest.operations.items()))
                most = largest.most
                print(
                    f"  {kind:<26} {largest.invocations:>3} invocations; the largest: {most['requests']:>3} DynamoDB "
                    f"requests ({ops}), {most['items_read']:>4} items read, {most['notifications']:>2} notifications, "
                    f"{most['timers']:>3} timers sent"
                )
            print(f"  ({time.perf_counter() - started:.1f} s in moto)")
    finally:
        server.stop()

    smallest = results[sizes[0]]
    print(f"\nthe largest invocation, against {sizes[0]:,} live calls (1.00 = flat):")
    ok = True
    for size in sizes:
        line = []
        for kind, largest in results[size].items():
            base = smallest[kind]
            ratio = largest.most["requests"] / base.most["requests"] if base.most["requests"] else 1.0
            note = largest.most["notifications"] / base.most["notifications"] if base.most["notifications"] else 1.0
            read = largest.most["items_read"] / base.most["items_read"] if base.most["items_read"] else 1.0
            line.append(f"{kind}: requests x{ratio:.2f}, items x{read:.2f}, notifications x{note:.2f}")
            ok = (
                ok
                and largest.most["requests"] <= base.most["requests"]
                and largest.most["notifications"] <= base.most["notifications"]
            )
            ok = ok and largest.failed == 0
        print(f"  {size:>7,}: " + "; ".join(line))
    print(f"\nsweep lag emitted by {len(lags)} timer runs (here each ran a minute after its moment: the clock's step)")
    if not ok:
        print("FAIL: an invocation did more at a larger size, or a timer failed.")
        return 1
    print("ok: no invocation's work grows with the number of live calls")
    return 0


if __name__ == "__main__":
    sys.exit(main())
