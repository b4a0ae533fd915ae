"""Weekly payouts at scale: what the weekly job reads, and how long 1,000 transfers take to process.

What: on a moto server started here (in this process, on a free 127.0.0.1 port,
provisioned with ``infra.local.provision``), 10,000 experts have ledger balances
and 100 of them are owed money. The weekly job (``start_weekly_payouts``, with an
in-memory queue) must read about 100 items, not 10,000: it Queries the sparse
``owed`` index shard by shard. Every DynamoDB request is counted by wrapping
PynamoDB's ``Connection.dispatch`` (items read = ``ScannedCount``, else ``Count``).

Then 900 more experts become owed (1,000 of 10,900), the listing is measured
again, and 1,000 payouts are made in this process with ``pay_expert`` and a fake
Stripe (a dict keyed by the idempotency key): the time per 1,000 transfers
processed, the DynamoDB requests per payout, and a re-run of the same week that
must transfer nothing. The ledger is then checked: every payee's available and
in-transit balances are zero and all posted balances still sum to zero.

Seeding: owed experts earn through real ledger postings (capture, then release),
as the app posts them, so the posting layer itself puts them on the ``owed``
index; the 9,900 experts owed nothing get their balance items by BatchWriteItem (a
pending balance, and an available balance of zero that is not on the index).

moto, unlike DynamoDB, deep-copies every table a transaction touches (once per
item of the transaction) to be able to roll it back, so each transaction costs in
proportion to the size of the tables (about a second each with 20,000 balance
items, and it falls over under that load). This benchmark turns that snapshot off
in the moto server it runs in-process: no transaction here is expected to fail,
and the final ledger check would show a half-applied one. moto also answers a Query
on an index by going through the whole table in memory, so the listing's
milliseconds grow with the table here; its items read (what DynamoDB bills and
what takes time there) are the number to watch.

    scripts/bench-payouts [--experts 10000] [--owed 100] [--transfers 1000]

Exits 1 if the weekly job scans or reads more than owed + 10% items, or if the
payouts do not make exactly one transfer each. Timings are moto's over loopback:
compare runs, not clouds.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from benchmarks.dynamo_counting import DynamoRequests, record_dynamo_requests, recording, start_moto, timed

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # a Monday: the run pays 2026-W47
UNPOSTED = "expert-"  # id prefix of the experts whose balance items are written directly, not posted
READ_SLACK = 1.10


@dataclass
class FakeStripe:
    """Transfers keyed by idempotency key; the same key replays the first transfer, as Stripe does."""

    transfers: dict[str, str] = field(default_factory=dict)

    def transfer(self, payout_id: str, destination: str, amount: int, currency: str, week: str) -> str:
        return self.transfers.setdefault(payout_id, f"tr_{len(self.transfers) + 1}")


@dataclass
class CountingQueue:
    messages: int = 0
    batches: int = 0

    def send(self, messages: Sequence[Any]) -> None:
        self.messages += len(messages)
        self.batches += 1


def skip_moto_rollback_snapshots() -> None:
    """Make moto's per-transaction copy of whole tables a no-op (see the module's docstring)."""
    import copy

    import moto.dynamodb.models as backend
    from moto.dynamodb.models.table import Table

    class NoTableSnapshots:
        def __getattr__(self, name: str) -> Any:
            return getattr(copy, name)

        def deepcopy(self, value: Any, *rest: Any) -> Any:
            return value if isinstance(value, Table) else copy.deepcopy(value, *rest)

    backend.copy = NoTableSnapshots()  # type: ignore[assignment]


def ledger_problems(payees: Sequence[str]) -> list[str]:
    """What is wrong with the ledger after paying ``payees`` (a Scan: this is a check, not the app).

    Every posted balance counts; the directly written ones of the experts owed nothing do not.
    """
    from chalicelib.ledger.accounts import AVAILABLE, IN_TRANSIT, expert_account
    from chalicelib.models.ledger import LedgerBalance

    balances = {(item.account, item.currency): item.balance for item in LedgerBalance.scan()}
    posted = sum(amount for (account, _), amount in balances.items() if not account.startswith(f"expert:{UNPOSTED}"))
    problems = [f"the posted balances sum to {posted}, not 0"] if posted else []
    for expert_id in payees:
        for bucket in (AVAILABLE, IN_TRANSIT):
            left = balances.get((expert_account(expert_id, bucket), "USD"), 0)
            if left:
                problems.append(f"{expert_id} {bucket} = {left}")
    return problems


def seed_not_owed(expert_ids: Sequence[str]) -> None:
    """Experts with money pending or already paid out: balance items, none on the ``owed`` index."""
    from chalicelib.ledger.accounts import AVAILABLE, PENDING, expert_account
    from chalicelib.models.ledger import LedgerBalance

    with LedgerBalance.batch_write() as batch:
        for n, expert_id in enumerate(expert_ids):
            batch.save(LedgerBalance(expert_account(expert_id, PENDING), "USD", balance=1_000 + n % 500))
            batch.save(LedgerBalance(expert_account(expert_id, AVAILABLE), "USD", balance=0))


def seed_owed(expert_ids: Sequence[str]) -> None:
    """Experts who earned and whose earnings were released: real postings, and a Connect account each."""
    from chalicelib.ledger.posting import UnitOfWork
    from chalicelib.ledger.transactions import capture, release
    from chalicelib.models.payout import PayoutAccount

    for n, expert_id in enumerate(expert_ids):
        total = 10_000 + n
        fee = (total + 5) // 10
        payment_id = f"bench-{expert_id}"
        unit = UnitOfWork(occurred_at=NOW - timedelta(days=10))
        unit.post(capture(payment_id, expert_id, "USD", total, fee))
        unit.commit()
        unit = UnitOfWork(occurred_at=NOW - timedelta(days=2))
        unit.post(release(payment_id, expert_id, "USD", total - fee))
        unit.commit()
    with PayoutAccount.batch_write() as batch:
        for expert_id in expert_ids:
            batch.save(
                PayoutAccount(
                    expert_id,
                    stripe_account_id=f"acct_{expert_id}",
                    country="US",
                    details_submitted=True,
                    payouts_enabled=True,
                    created_at=NOW,
                    updated_at=NOW,
                )
            )


def weekly_job_reads(requests: DynamoRequests, owed: int, experts: int) -> bool:
    """Run the weekly job's listing and enqueueing; print what it read. True if it read only the owed."""
    from chalicelib.payouts.weekly_run import start_weekly_payouts

    queue = CountingQueue()
    with recording(requests):
        run, seconds = timed(lambda: start_weekly_payouts(NOW, queue))
    ops = ", ".join(f"{name} {count}" for name, count in sorted(requests.operations.items()))
    print(
        f"  {owed:>6,} owed of {experts:>6,} experts: items read {requests.total_items_read:>6,}   "
        f"requests {requests.total} ({ops})   messages {run.messages:,} in {queue.batches} batches   "
        f"{seconds * 1000:.0f} ms"
    )
    return "Scan" not in requests.operations and owed <= requests.total_items_read <= owed * READ_SLACK


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--experts", type=int, default=10_000, help="experts with ledger balances (default 10000)")
    parser.add_argument("--owed", type=int, default=100, help="of whom owed money (default 100)")
    parser.add_argument("--transfers", type=int, default=1_000, help="payouts to time (default 1000)")
    args = parser.parse_args()
    if not 0 < args.owed <= min(args.experts, args.transfers):
        parser.error("need 0 < --owed <= --experts and --owed <= --transfers")

    server, url = start_moto("parley-bench-payouts-")
    try:
        skip_moto_rollback_snapshots()
        requests = record_dynamo_requests()
        print(f"weekly payouts benchmark (python {sys.version.split()[0]}, DynamoDB = moto in-process at {url})")

        payees = [f"owed-{n:05d}" for n in range(args.transfers)]
        _, writing = timed(lambda: seed_not_owed([f"{UNPOSTED}{n:05d}" for n in range(args.experts - args.owed)]))
        _, posting = timed(lambda: seed_owed(payees[: args.owed]))
        print(
            f"\nseeded {args.experts:,} experts with ledger balances, {args.owed:,} of them owed "
            f"({writing:.1f} s of batch writes, {posting:.1f} s of ledger postings)"
        )
        print("\nweekly job (start_weekly_payouts: list the owed, one message per expert and currency):")
        reads_ok = weekly_job_reads(requests, args.owed, args.experts)
        _, posting = timed(lambda: seed_owed(payees[args.owed :]))
        total = args.experts + args.transfers - args.owed
        reads_ok = weekly_job_reads(requests, args.transfers, total) and reads_ok
        print(f"  ({args.transfers - args.owed:,} more experts were made owed for the second line: {posting:.1f} s)")

        from chalicelib.payouts.weekly_run import run_payouts_inline

        stripe = FakeStripe()
        with recording(requests):
            run, seconds = timed(lambda: run_payouts_inline("2026-W47", stripe, NOW))
        made = len(stripe.transfers)
        ops = ", ".join(f"{k} {v:,}" for k, v in sorted(requests.operations.items()))
        per_1000 = seconds / max(1, made) * 1000
        print(f"\npay_expert, in-process, fake Stripe: {len(run.outcomes):,} payouts, {made:,} transfers")
        print(f"  results: {dict(Counter(o.result for o in run.outcomes))}")
        print(f"  time per 1,000 transfers processed: {per_1000:.2f} s   ({per_1000:.2f} ms per payout)")
        print(f"  DynamoDB requests: {requests.total / max(1, made):.1f} per payout ({ops}; the listing included)")
        rerun, seconds = timed(lambda: run_payouts_inline("2026-W47", stripe, NOW))
        print(
            f"  re-run of the same week: {len(rerun.outcomes)} payouts to make, "
            f"{len(stripe.transfers) - made} new transfers ({seconds * 1000:.0f} ms)"
        )
        problems = ledger_problems(payees)
        print(f"  ledger after the run: {'exact' if not problems else '; '.join(problems[:5])}")
    finally:
        server.stop()

    if not reads_ok:
        print("FAIL: the weekly job read more than the owed experts (or scanned).")
        return 1
    if made != args.transfers or len(stripe.transfers) != made or problems:
        print(f"FAIL: expected {args.transfers} transfers and an exact ledger.")
        return 1
    print("\nok: items read track the owed experts, not all experts; one transfer per expert and week")
    return 0


if __name__ == "__main__":
    sys.exit(main())
