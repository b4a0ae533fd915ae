"""Ledger transactions: balanced sets of entries, each named after the cause that posts it.

An entry's amount is a credit when positive and a debit when negative, in minor
units of the transaction's one currency; a transaction balances when its
entries sum to zero. Because the id comes from the cause (``capture:<payment>``,
``refund:<payment>:<n>``, ``payout:<expert>:<currency>:<week>:reserve`` ...),
posting the same cause twice can only ever write it once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from chalicelib.ledger.accounts import (
    AVAILABLE,
    FROZEN,
    IN_TRANSIT,
    PENDING,
    expert_account,
    platform_cash,
    platform_fees,
)


@dataclass(frozen=True)
class Entry:
    account: str
    amount: int  # credit > 0, debit < 0


@dataclass(frozen=True)
class LedgerTransaction:
    txn_id: str
    kind: str
    currency: str
    entries: tuple[Entry, ...]
    expert_id: str | None = None
    memo: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if sum(e.amount for e in self.entries) != 0:
            raise ValueError(f"ledger transaction {self.txn_id} does not balance: {self.entries}")
        if any(e.amount == 0 for e in self.entries):
            raise ValueError(f"ledger transaction {self.txn_id} has an empty entry")

    @property
    def is_empty(self) -> bool:
        return not self.entries


def _entries(*pairs: tuple[str, int]) -> tuple[Entry, ...]:
    return tuple(Entry(account, amount) for account, amount in pairs if amount != 0)


def capture(payment_id: str, expert_id: str, currency: str, total: int, fee: int) -> LedgerTransaction:
    """A charge captured: cash in; the fee is revenue; the rest is the expert's, pending."""
    cause = f"capture:{payment_id}"
    return LedgerTransaction(
        cause, "capture", currency,
        _entries(
            (platform_cash(cause), -total),
            (platform_fees(cause), fee),
            (expert_account(expert_id, PENDING), total - fee),
        ),
        expert_id, {"payment_id": payment_id},
    )  # fmt: skip


def refund(
    payment_id: str, sequence: int, expert_id: str, currency: str, amount: int, fee_back: int, from_bucket: str
) -> LedgerTransaction:
    """Money back to the client: the fee and the expert's share shrink so that fee + earnings = net charge."""
    cause = f"refund:{payment_id}:{sequence}"
    return LedgerTransaction(
        cause, "refund", currency,
        _entries(
            (platform_cash(cause), amount),
            (platform_fees(cause), -fee_back),
            (expert_account(expert_id, from_bucket), -(amount - fee_back)),
        ),
        expert_id, {"payment_id": payment_id},
    )  # fmt: skip


def release(payment_id: str, expert_id: str, currency: str, earnings: int) -> LedgerTransaction:
    """The hold period is over: the expert's earnings from a charge become payable."""
    return LedgerTransaction(
        f"release:{payment_id}", "release", currency,
        _entries((expert_account(expert_id, PENDING), -earnings), (expert_account(expert_id, AVAILABLE), earnings)),
        expert_id, {"payment_id": payment_id},
    )  # fmt: skip


def freeze(
    dispute_id: str, payment_id: str, expert_id: str, currency: str, earnings: int, from_bucket: str
) -> LedgerTransaction:
    """A dispute opened: the expert's earnings from that charge cannot be paid out until it closes."""
    return LedgerTransaction(
        f"dispute:{dispute_id}:freeze", "dispute_freeze", currency,
        _entries((expert_account(expert_id, from_bucket), -earnings), (expert_account(expert_id, FROZEN), earnings)),
        expert_id, {"payment_id": payment_id, "dispute_id": dispute_id},
    )  # fmt: skip


def dispute_won(
    dispute_id: str, payment_id: str, expert_id: str, currency: str, earnings: int, to_bucket: str
) -> LedgerTransaction:
    return LedgerTransaction(
        f"dispute:{dispute_id}:won", "dispute_won", currency,
        _entries((expert_account(expert_id, FROZEN), -earnings), (expert_account(expert_id, to_bucket), earnings)),
        expert_id, {"payment_id": payment_id, "dispute_id": dispute_id},
    )  # fmt: skip


def dispute_lost(
    dispute_id: str, payment_id: str, expert_id: str, currency: str, amount: int, fee_back: int
) -> LedgerTransaction:
    """The card network took the money back: like a refund, paid from the frozen earnings."""
    cause = f"dispute:{dispute_id}:lost"
    return LedgerTransaction(
        cause, "dispute_lost", currency,
        _entries(
            (platform_cash(cause), amount),
            (platform_fees(cause), -fee_back),
            (expert_account(expert_id, FROZEN), -(amount - fee_back)),
        ),
        expert_id, {"payment_id": payment_id, "dispute_id": dispute_id},
    )  # fmt: skip


def payout_reserve(payout_id: str, expert_id: str, currency: str, amount: int) -> LedgerTransaction:
    """Set a week's payout aside before the transfer, so the same money is never paid twice."""
    return LedgerTransaction(
        f"{payout_id}:reserve", "payout_reserve", currency,
        _entries((expert_account(expert_id, AVAILABLE), -amount), (expert_account(expert_id, IN_TRANSIT), amount)),
        expert_id, {"payout_id": payout_id},
    )  # fmt: skip


def payout_settle(payout_id: str, expert_id: str, currency: str, amount: int) -> LedgerTransaction:
    """The transfer to the expert's Connect account went through: the money has left the platform."""
    cause = f"{payout_id}:settle"
    return LedgerTransaction(
        cause, "payout_settle", currency,
        _entries((expert_account(expert_id, IN_TRANSIT), -amount), (platform_cash(cause), amount)),
        expert_id, {"payout_id": payout_id},
    )  # fmt: skip


def payout_reverse(payout_id: str, expert_id: str, currency: str, amount: int) -> LedgerTransaction:
    """The transfer failed for good: the money is the expert's to be paid another week."""
    return LedgerTransaction(
        f"{payout_id}:reverse", "payout_reverse", currency,
        _entries((expert_account(expert_id, IN_TRANSIT), -amount), (expert_account(expert_id, AVAILABLE), amount)),
        expert_id, {"payout_id": payout_id},
    )  # fmt: skip


# Accounts that may never go below zero; an expert's available balance may, after a refund
# of money already paid out (recovered from later earnings), but a payout never takes it below.
NEVER_NEGATIVE_BUCKETS = (PENDING, FROZEN, IN_TRANSIT)
