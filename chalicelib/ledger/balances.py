"""Balances as the ledger's postings make them: an in-memory view, used by rules and tests."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from chalicelib.ledger.transactions import LedgerTransaction


def balances_after(postings: Iterable[LedgerTransaction]) -> dict[tuple[str, str], int]:
    """Credits minus debits per (account, currency), applying each transaction once."""
    seen: set[str] = set()
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for posting in postings:
        if posting.txn_id in seen:
            continue
        seen.add(posting.txn_id)
        for entry in posting.entries:
            totals[(entry.account, posting.currency)] += entry.amount
    return dict(totals)
