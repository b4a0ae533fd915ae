"""One expert's payout for one currency and week: reserve, transfer, settle. Safe to repeat.

It may run twice, twice at once, or again after a crash at any line, and still
moves the money once:

1. The ``Payout`` item is keyed by expert, currency and week. If it says *paid*
   (or *failed*), there is nothing to do; if *transferring*, we resume at 3.
2. Otherwise, if the expert can receive payouts and has a positive available
   balance, one DynamoDB transaction writes the ``Payout`` (only if absent) and
   moves that balance from *available* to *in transit* (never below zero). A
   loser of a race finds the winner's ``Payout`` on reload and resumes it.
3. The Stripe transfer's idempotency key is the payout id, so a second attempt
   replays the first transfer instead of making another.
4. One transaction marks the payout paid and posts the settlement; a second
   attempt finds the settlement posted and stops there.

A permanent refusal from Stripe marks the payout failed and moves the money back
to *available* (the next week pays it). Stripe being unavailable is raised so the
queue retries the message, and after enough attempts keeps it in its dead-letter
queue for an admin to see.

A refusal, and a payout left for a person (``ReconciliationNeeded``), each count one
``PayoutFailures`` metric (``chalicelib/operations/metrics.py``), which the stage's
``PayoutFailuresAlarm`` watches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib.errors import Conflict, DomainError, ProviderUnavailable
from chalicelib.ledger.accounts import AVAILABLE, IN_TRANSIT, expert_account
from chalicelib.ledger.posting import AlreadyDone, UnitOfWork
from chalicelib.ledger.transactions import LedgerTransaction, payout_reserve, payout_reverse, payout_settle
from chalicelib.models.conditions import transaction_conflicted
from chalicelib.models.ledger import LedgerBalance
from chalicelib.models.payout import Payout, PayoutAccount
from chalicelib.operations import metrics
from chalicelib.payouts.owed import clear_owed_marker
from chalicelib.payouts.schedule import parse_payout_id, parse_week, payout_id
from chalicelib.payouts.status import FAILED, PAID, TRANSFERRING

# Outcomes of one call.
PAID_NOW = "paid"
ALREADY_PAID = "already_paid"
CARRIED = "carried"  # no payout account, or payouts not enabled yet: the balance waits for next week
NOTHING_OWED = "nothing_owed"
REFUSED = "failed"  # Stripe refused the transfer for good; the money is available again
ALREADY_FAILED = "already_failed"

MAX_ATTEMPTS = 5
# Stripe keeps an idempotency key for at least 24 hours. Past that, replaying the
# transfer of an unfinished payout could pay it a second time, so we stop instead.
REPLAY_WINDOW = timedelta(hours=23)
MAX_FAILURE_LENGTH = 500


class PayoutGateway(Protocol):
    """What a payout needs of Stripe (``StripeGateway`` is one; tests pass fakes)."""

    def transfer(self, payout_id: str, destination: str, amount: int, currency: str, week: str) -> str: ...


class ReconciliationNeeded(Exception):
    """A payout can neither be finished nor undone automatically without risking paying twice.

    Left for a person: look up the Stripe transfers of transfer group ``payout_id``.
    """


@dataclass(frozen=True)
class PayoutOutcome:
    payout_id: str
    result: str  # paid | already_paid | carried | nothing_owed | failed | already_failed
    amount: int = 0
    transfer_id: str | None = None
    reason: str | None = None

    @property
    def expert_id(self) -> str:
        return parse_payout_id(self.payout_id)[0]

    @property
    def currency(self) -> str:
        return parse_payout_id(self.payout_id)[1]


def pay_expert(expert_id: str, currency: str, week: str, gateway: PayoutGateway, now: datetime) -> PayoutOutcome:
    """Pay ``expert_id`` their available ``currency`` balance as the payout of ``week``, exactly once."""
    try:
        return _pay(expert_id, currency, week, gateway, now)
    except ReconciliationNeeded:
        metrics.emit(metrics.PAYOUT_FAILED, 1)
        raise


def _pay(expert_id: str, currency: str, week: str, gateway: PayoutGateway, now: datetime) -> PayoutOutcome:
    week = parse_week(week)
    pid = payout_id(expert_id, currency, week)
    for _ in range(MAX_ATTEMPTS):
        payout = _find(pid)
        if payout is None:
            balance = _available(expert_id, currency)
            if balance <= 0:
                if _find(pid) is not None:
                    continue  # another attempt reserved it since we looked: follow that payout
                return PayoutOutcome(pid, NOTHING_OWED)
            account = _payout_account(expert_id)
            if account is None or not account.payouts_enabled:
                reason = "payouts are not enabled on the expert's Stripe account"
                return PayoutOutcome(pid, CARRIED, balance, reason=reason)  # still listed as owed next week
            payout = _reserve(pid, expert_id, currency, week, balance, account.stripe_account_id, now)
            if payout is None:
                continue  # another attempt reserved first, or the balance moved: look again
        if payout.status == PAID:
            return PayoutOutcome(pid, ALREADY_PAID, payout.amount, payout.stripe_transfer_id)
        if payout.status == FAILED:
            return PayoutOutcome(pid, ALREADY_FAILED, payout.amount, reason=payout.failure)
        return _transfer_and_settle(payout, gateway, now)
    raise Conflict(f"Payout {pid} kept changing while we reserved it; retry.", code="changed_concurrently")


def _reserve(
    pid: str, expert_id: str, currency: str, week: str, amount: int, destination: str, now: datetime
) -> Payout | None:
    """Step 2: the payout and its reserve, in one transaction. ``None`` when another writer got there first."""
    payout = Payout(
        pid, expert_id=expert_id, currency=currency, week=week, amount=amount, status=TRANSFERRING,
        destination=destination, created_at=now, updated_at=now,
    )  # fmt: skip
    available = expert_account(expert_id, AVAILABLE)
    unit = UnitOfWork(occurred_at=now)
    unit.save(payout, condition=Payout.payout_id.does_not_exist())
    unit.post(payout_reserve(pid, expert_id, currency, amount), floor_zero=(available,))
    if not _committed(unit):
        return None
    # DynamoDB allows one write per item in a transaction and the reserve already updates
    # this balance, so the owed marker comes off afterwards, only if nothing was credited
    # meanwhile. A crash before this line leaves a zero balance listed; the next run clears it.
    clear_owed_marker(available, currency)
    return payout


def _committed(unit: UnitOfWork) -> bool:
    """Commit; ``False`` when a condition failed or another transaction held an item."""
    try:
        unit.commit()
    except (AlreadyDone, Conflict):
        return False
    except TransactWriteError as error:
        if not transaction_conflicted(error):
            raise
        return False
    return True


def _transfer_and_settle(payout: Payout, gateway: PayoutGateway, now: datetime) -> PayoutOutcome:
    """Steps 3 and 4, for a payout whose money is reserved."""
    if now - payout.created_at > REPLAY_WINDOW:
        raise ReconciliationNeeded(
            f"Payout {payout.payout_id} was reserved at {payout.created_at.isoformat()}, beyond Stripe's "
            f"idempotency window: check Stripe for transfers in group {payout.payout_id} before finishing it."
        )
    if not payout.destination:
        raise ReconciliationNeeded(f"Payout {payout.payout_id} has no destination account recorded.")
    try:
        transfer_id = gateway.transfer(
            payout.payout_id, payout.destination, payout.amount, payout.currency, payout.week
        )
    except (ProviderUnavailable, Conflict):
        raise  # Stripe is down, or an attempt with this key is still in flight there: retry later
    except DomainError as refusal:
        return _fail(payout, refusal.message, now)
    return _settle(payout, transfer_id, now)


def _settle(payout: Payout, transfer_id: str, now: datetime) -> PayoutOutcome:
    actions = [Payout.status.set(PAID), Payout.stripe_transfer_id.set(transfer_id), Payout.updated_at.set(now)]
    posting = payout_settle(payout.payout_id, payout.expert_id, payout.currency, payout.amount)
    contradiction = f"Stripe made transfer {transfer_id} for payout {payout.payout_id}, which is recorded as failed."
    _record_outcome(payout, PAID, actions, posting, now, contradiction=contradiction)
    return PayoutOutcome(payout.payout_id, PAID_NOW, payout.amount, transfer_id)


def _fail(payout: Payout, reason: str, now: datetime) -> PayoutOutcome:
    reason = reason[:MAX_FAILURE_LENGTH]
    actions = [Payout.status.set(FAILED), Payout.failure.set(reason), Payout.updated_at.set(now)]
    posting = payout_reverse(payout.payout_id, payout.expert_id, payout.currency, payout.amount)
    contradiction = f"Stripe refused payout {payout.payout_id} ({reason}), which is recorded as paid."
    _record_outcome(payout, FAILED, actions, posting, now, contradiction=contradiction)
    metrics.emit(metrics.PAYOUT_FAILED, 1)
    return PayoutOutcome(payout.payout_id, REFUSED, payout.amount, reason=reason)


def _record_outcome(
    payout: Payout, outcome: str, actions: list[Any], posting: LedgerTransaction, now: datetime, *, contradiction: str
) -> None:
    """Move a transferring payout to ``outcome`` (paid or failed) with its posting out of in-transit, in one
    transaction; if another attempt got there first with the same outcome, that stands; with the other
    outcome, Stripe and our records disagree and a person must look (``contradiction``)."""
    in_transit = expert_account(payout.expert_id, IN_TRANSIT)
    for _ in range(MAX_ATTEMPTS):
        unit = UnitOfWork(occurred_at=now)
        unit.update(payout, actions, condition=Payout.status == TRANSFERRING)
        unit.post(posting, floor_zero=(in_transit,))
        status = outcome if _committed(unit) else _status(payout.payout_id)
        if status == outcome:
            return
        if status in (PAID, FAILED):
            raise ReconciliationNeeded(contradiction)
    raise Conflict(f"Payout {payout.payout_id} could not be recorded as {outcome}; retry.", code="changed_concurrently")


def _find(pid: str) -> Payout | None:
    try:
        return Payout.get(pid, consistent_read=True)
    except DoesNotExist:
        return None


def _status(pid: str) -> str | None:
    payout = _find(pid)
    return payout.status if payout is not None else None


def _payout_account(expert_id: str) -> PayoutAccount | None:
    try:
        return PayoutAccount.get(expert_id, consistent_read=True)
    except DoesNotExist:
        return None


def _available(expert_id: str, currency: str) -> int:
    try:
        return LedgerBalance.get(expert_account(expert_id, AVAILABLE), currency, consistent_read=True).balance
    except DoesNotExist:
        return 0
