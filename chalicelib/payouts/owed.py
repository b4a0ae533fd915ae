"""Who is owed a payout, read from the sparse ``owed`` index: never a Scan of every expert.

The posting layer sets ``owed_shard`` on an expert's available balance whenever it
is credited, and a payout clears it once it has taken the balance to zero, so the
index holds only experts who have (or recently had) something to pay. A run reads
one Query per shard and costs as much as there are experts owed money.

A run also picks up the week's payouts left *transferring* by an attempt that died
between reserving the money (which takes the expert off the ``owed`` index) and
recording the transfer, so running the week again finishes them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain

from pynamodb.exceptions import UpdateError

from chalicelib.ledger.accounts import AVAILABLE, PLATFORM_SHARDS, expert_of
from chalicelib.models.conditions import condition_failed
from chalicelib.models.ledger import LedgerBalance
from chalicelib.models.payout import Payout
from chalicelib.payouts.status import TRANSFERRING


@dataclass(frozen=True)
class OwedBalance:
    expert_id: str
    currency: str
    balance: int  # minor units, as the index last saw it (a payout re-reads it consistently)


def payouts_to_make(week: str) -> Iterator[OwedBalance]:
    """Each (expert, currency) a run of ``week`` must pay or finish, once: unfinished payouts first."""
    seen: set[tuple[str, str]] = set()
    for owed in chain(unfinished_payouts(week), owed_balances()):
        if (owed.expert_id, owed.currency) not in seen:
            seen.add((owed.expert_id, owed.currency))
            yield owed


def unfinished_payouts(week: str) -> list[OwedBalance]:
    """The week's payouts still *transferring*: one Query of the week's payouts, none of other weeks."""
    return [
        OwedBalance(p.expert_id, p.currency, p.amount)
        for p in Payout.by_week.query(week, filter_condition=Payout.status == TRANSFERRING)
    ]


def owed_balances() -> Iterator[OwedBalance]:
    """Each expert's positive available balance per currency, shard by shard.

    Entries at or below zero are skipped, and their marker is cleared if the balance
    is still not positive when we do so (a credit meanwhile sets it again).
    """
    for shard in range(PLATFORM_SHARDS):
        for item in LedgerBalance.owed.query(str(shard)):
            expert_id = expert_of(item.account)
            if expert_id is None or not item.account.endswith(f":{AVAILABLE}"):
                continue
            if item.balance <= 0:
                clear_owed_marker(item.account, item.currency)
                continue
            yield OwedBalance(expert_id, item.currency, item.balance)


def clear_owed_marker(account: str, currency: str) -> bool:
    """Take an available balance out of the ``owed`` index if it holds nothing to pay.

    Conditional on the balance, so a credit that lands first (and sets the marker)
    keeps it listed. Returns whether the marker was removed.
    """
    try:
        LedgerBalance(account, currency).update(
            actions=[LedgerBalance.owed_shard.remove()],
            condition=(LedgerBalance.balance <= 0) & LedgerBalance.owed_shard.exists(),
        )
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise
    return True
