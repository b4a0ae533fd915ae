"""Scheduled: earnings whose hold period has passed become payable.

Reads only the payments that are due, through the sparse ``release-due`` index
(one Query per shard), so a run costs as much as there is to release. Running it
twice, or two at once, releases each payment once: the posting id is the cause.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.errors import Conflict
from chalicelib.ledger.accounts import PLATFORM_SHARDS
from chalicelib.models.payment import Payment
from chalicelib.payments.card_payments import get_payment, release_earnings


@dataclass(frozen=True)
class ReleaseRun:
    due: int
    released: int


def release_matured_earnings(now: datetime) -> ReleaseRun:
    due = released = 0
    for shard in range(PLATFORM_SHARDS):
        for key in Payment.release_due.query(str(shard), Payment.release_due_at <= now.isoformat()):
            due += 1
            payment = get_payment(key.payment_id)
            if payment.release_due_at is None or payment.earnings_bucket != "pending":
                continue  # released meanwhile, or frozen by a dispute (released when it is won)
            try:
                release_earnings(payment, now)
            except Conflict:
                continue  # changed while we looked: the next run sees its new state
            released += 1
    return ReleaseRun(due=due, released=released)
