"""The weekly payout run: list who is owed, then one payout per expert and currency.

On AWS the scheduled function only lists and enqueues (``start_weekly_payouts``):
one SQS message per expert and currency, each paid by the queue's consumer with
``pay_expert``, so one expert's Stripe trouble is retried on its own and ends in
the dead-letter queue without holding up anyone else. The operator command runs
the same list in-process (``run_payouts_inline``). Either may run twice: a
payout is keyed by expert, currency and week, so messages need no deduplication.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, Protocol

from chalicelib.errors import Conflict, DomainError, ProviderUnavailable
from chalicelib.payouts import sqs
from chalicelib.payouts.owed import OwedBalance, payouts_to_make
from chalicelib.payouts.pay_expert import PayoutGateway, PayoutOutcome, ReconciliationNeeded, pay_expert
from chalicelib.payouts.schedule import parse_week, payout_id, week_to_pay

SQS_BATCH = 10  # SendMessageBatch takes at most 10 entries
SEND_ATTEMPTS = 3
ERROR = "error"  # an inline run's outcome when one expert's payout must be retried later


@dataclass(frozen=True)
class PayoutMessage:
    expert_id: str
    currency: str
    week: str

    def to_json(self) -> str:
        return json.dumps({"expert_id": self.expert_id, "currency": self.currency, "week": self.week})

    @classmethod
    def from_json(cls, body: str) -> PayoutMessage:
        data = json.loads(body)
        return cls(str(data["expert_id"]), str(data["currency"]), parse_week(str(data["week"])))


class PayoutQueue(Protocol):
    def send(self, messages: Sequence[PayoutMessage]) -> None: ...


class QueueSendFailed(Exception):
    """SQS kept refusing some messages; the run may simply be started again."""


class SqsPayoutQueue:
    """The payout queue on SQS. The boto3 client is made on first send."""

    def __init__(self, url: str | None = None) -> None:
        self._url = url

    @cached_property
    def url(self) -> str:
        return self._url or sqs.queue_url("PARLEY_PAYOUT_QUEUE_URL")

    @cached_property
    def _client(self) -> Any:
        return sqs.sqs_client()

    def send(self, messages: Sequence[PayoutMessage]) -> None:
        for start in range(0, len(messages), SQS_BATCH):
            pending = {str(n): m.to_json() for n, m in enumerate(messages[start : start + SQS_BATCH])}
            for _ in range(SEND_ATTEMPTS):
                entries = [{"Id": key, "MessageBody": body} for key, body in pending.items()]
                response = self._client.send_message_batch(QueueUrl=self.url, Entries=entries)
                pending = {f["Id"]: pending[f["Id"]] for f in response.get("Failed", [])}
                if not pending:
                    break
            else:
                raise QueueSendFailed(f"SQS refused {len(pending)} payout messages {SEND_ATTEMPTS} times")


@dataclass(frozen=True)
class WeeklyRun:
    week: str
    messages: int
    totals: dict[str, int]  # currency -> minor units owed when listed


def start_weekly_payouts(now: datetime, send: PayoutQueue, week: str | None = None) -> WeeklyRun:
    """Enqueue one message per owed expert and currency for the week that just ended (or ``week``).

    ``totals`` counts what the ``owed`` index says at listing time, plus the amounts of the
    week's unfinished payouts; each payout re-reads its balance consistently.
    """
    week = parse_week(week) if week else week_to_pay(now)
    batch: list[PayoutMessage] = []
    sent = 0
    totals: Counter[str] = Counter()
    for owed in payouts_to_make(week):
        batch.append(PayoutMessage(owed.expert_id, owed.currency, week))
        totals[owed.currency] += owed.balance
        if len(batch) == SQS_BATCH:
            send.send(batch)
            sent += len(batch)
            batch = []
    if batch:
        send.send(batch)
        sent += len(batch)
    return WeeklyRun(week, sent, dict(totals))


Progress = Callable[[int, int, PayoutOutcome], None]  # (done, total, the payout just made)


@dataclass
class InlineRun:
    week: str
    outcomes: list[PayoutOutcome] = field(default_factory=list)

    def count(self, result: str) -> int:
        return sum(1 for o in self.outcomes if o.result == result)

    def amounts(self, result: str) -> dict[str, int]:
        """Minor units per currency of the payouts that ended as ``result``."""
        totals: Counter[str] = Counter()
        for outcome in self.outcomes:
            if outcome.result == result:
                totals[outcome.currency] += outcome.amount
        return dict(totals)


def run_payouts_inline(
    week: str, gateway: PayoutGateway, now: datetime, on_progress: Progress | None = None,
    owed: Sequence[OwedBalance] | None = None,
) -> InlineRun:  # fmt: skip
    """Pay everyone owed, in this process, as the queue's consumer would.

    An expert whose payout must be retried (Stripe unavailable, a concurrent
    attempt, a payout needing a person) is recorded as ``error`` and the run goes
    on; running the command again retries exactly those.
    """
    week = parse_week(week)
    listed = list(owed) if owed is not None else list(payouts_to_make(week))
    run = InlineRun(week)
    for done, item in enumerate(listed, start=1):
        try:
            outcome = pay_expert(item.expert_id, item.currency, week, gateway, now)
        except (ProviderUnavailable, Conflict, ReconciliationNeeded) as error:
            reason = error.message if isinstance(error, DomainError) else str(error)
            outcome = PayoutOutcome(payout_id(item.expert_id, item.currency, week), ERROR, item.balance, reason=reason)
        run.outcomes.append(outcome)
        if on_progress is not None:
            on_progress(done, len(listed), outcome)
    return run
