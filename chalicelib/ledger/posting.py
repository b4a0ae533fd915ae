"""Writing state changes and their ledger postings in one DynamoDB transaction.

``UnitOfWork`` collects the writes of one state change (a payment captured, a
payout reserved ...) and the ledger transactions it causes. Each posting is an
item keyed by its cause id, written only if absent, plus an ``ADD`` to every
balance it touches. If that item already exists the cause was posted before:
the whole unit is then known to be done, and ``commit`` says so instead of
failing, which makes every caller safe to retry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.errors import Conflict
from chalicelib.ledger.accounts import AVAILABLE, shard_of
from chalicelib.ledger.transactions import LedgerTransaction
from chalicelib.models.base import write_transaction
from chalicelib.models.ledger import LedgerBalance, LedgerEntryAttribute, LedgerRecord

Write = Callable[[TransactWrite], None]

# PynamoDB sends a transaction's items grouped by kind, in this order, whatever order
# they were added in; cancellation reasons come back in the order sent.
_SENT_ORDER = {"condition": 0, "delete": 1, "put": 2, "update": 3}


class AlreadyDone(Exception):
    """The unit's postings exist already: an earlier attempt committed it."""


@dataclass
class UnitOfWork:
    occurred_at: datetime
    _writes: list[tuple[str, str, Write]] = field(default_factory=list)  # (label, kind, write)

    def save(self, item: Model, condition: Condition | None = None) -> None:
        self._writes.append(("state", "put", lambda t: t.save(item, condition=condition)))

    def update(self, item: Model, actions: list[Any], condition: Condition | None = None) -> None:
        self._writes.append(("state", "update", lambda t: t.update(item, actions=actions, condition=condition)))

    def post(self, posting: LedgerTransaction, *, floor_zero: tuple[str, ...] = ()) -> None:
        """Add a ledger transaction; accounts in ``floor_zero`` must not go below zero."""
        if posting.is_empty:
            return
        record = LedgerRecord(
            posting.txn_id,
            kind=posting.kind,
            currency=posting.currency,
            entries=[LedgerEntryAttribute(account=e.account, amount=e.amount) for e in posting.entries],
            expert_id=posting.expert_id,
            occurred_at=self.occurred_at.isoformat(),
            memo=dict(posting.memo),
        )
        self._writes.append(
            ("posting", "put", lambda t: t.save(record, condition=LedgerRecord.txn_id.does_not_exist()))
        )
        for entry in posting.entries:
            write = _balance_write(entry.account, posting.currency, entry.amount, floor_zero)
            self._writes.append(("balance", "update", write))

    def commit(self) -> None:
        """Write everything or nothing. Raises ``AlreadyDone`` when an earlier attempt wrote it."""
        try:
            with write_transaction() as transaction:
                for _, _, write in self._writes:
                    write(transaction)
        except TransactWriteError as error:
            reasons = error.cancellation_reasons or []
            sent = sorted(self._writes, key=lambda write: _SENT_ORDER[write[1]])
            failed = {
                label
                for (label, _, _), reason in zip(sent, reasons, strict=False)
                if reason is not None and reason.code == "ConditionalCheckFailed"
            }
            if "posting" in failed:
                raise AlreadyDone from None
            if failed:
                raise Conflict(
                    "This changed while we were writing it; load it again and retry.", code="changed_concurrently"
                ) from None
            raise


def _balance_write(account: str, currency: str, amount: int, floor_zero: tuple[str, ...]) -> Write:
    balance = LedgerBalance(account, currency)
    actions: list[Any] = [LedgerBalance.balance.add(amount)]
    if account.endswith(f":{AVAILABLE}") and amount > 0:
        # Earnings became payable: list the expert in the sparse index the weekly payout reads.
        actions.append(LedgerBalance.owed_shard.set(str(shard_of(account))))
    condition = None
    if account in floor_zero and amount < 0:
        condition = LedgerBalance.balance >= -amount
    return lambda t: t.update(balance, actions=actions, condition=condition)
