"""What the ledger says to people: an expert's earnings and weekly statement, the platform's revenue."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from chalicelib.ledger.accounts import (
    AVAILABLE,
    EXPERT_BUCKETS,
    FROZEN,
    IN_TRANSIT,
    PENDING,
    expert_account,
    platform_fee_accounts,
)
from chalicelib.models.ledger import LedgerBalance, LedgerRecord
from chalicelib.models.payout import Payout
from chalicelib.money.currency import CURRENCIES
from chalicelib.timestamps import iso_week


def _balances(accounts: list[str]) -> dict[tuple[str, str], int]:
    keys = [(account, currency) for account in accounts for currency in CURRENCIES]
    return {(item.account, item.currency): item.balance for item in LedgerBalance.batch_get(keys)}


def expert_earnings(expert_id: str) -> dict[str, Any]:
    """Per currency: pending (in the hold period), available (paid next Monday), frozen (disputed),
    on the way (a transfer under way) and paid (transferred to the expert's Stripe account)."""
    balances = _balances([expert_account(expert_id, bucket) for bucket in EXPERT_BUCKETS])
    paid: dict[str, int] = defaultdict(int)
    payouts = list(Payout.by_expert.query(expert_id, scan_index_forward=False))
    for payout in payouts:
        if payout.status == "paid":
            paid[payout.currency] += payout.amount
    currencies = sorted({currency for _, currency in balances} | set(paid))
    return {
        "currencies": [
            {
                "currency": currency,
                "pending": balances.get((expert_account(expert_id, PENDING), currency), 0),
                "available": balances.get((expert_account(expert_id, AVAILABLE), currency), 0),
                "frozen": balances.get((expert_account(expert_id, FROZEN), currency), 0),
                "on_the_way": balances.get((expert_account(expert_id, IN_TRANSIT), currency), 0),
                "paid": paid.get(currency, 0),
            }
            for currency in currencies
        ],
        "payouts": [
            {"week": p.week, "currency": p.currency, "amount": p.amount, "status": p.status} for p in payouts[:20]
        ],
    }


_STATEMENT_COLUMNS = {
    "capture": "earned",
    "refund": "refunded",
    "dispute_lost": "disputed",
    "payout_settle": "paid_out",
}


def weekly_statement(expert_id: str, *, weeks: int, now: datetime) -> list[dict[str, Any]]:
    """Week by week, newest first: what the expert earned, had refunded or disputed, and was paid."""
    since = (now - timedelta(weeks=weeks)).isoformat()
    rows: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(_STATEMENT_COLUMNS.values(), 0))
    prefix = f"expert:{expert_id}:"
    for record in LedgerRecord.by_expert.query(expert_id, LedgerRecord.occurred_at >= since):
        column = _STATEMENT_COLUMNS.get(record.kind)
        if column is None:
            continue
        week = iso_week(datetime.fromisoformat(record.occurred_at))
        amount = sum(entry.amount for entry in record.entries if entry.account.startswith(prefix))
        rows[(week, record.currency)][column] += abs(amount)
    return [
        {"week": week, "currency": currency} | columns
        for (week, currency), columns in sorted(rows.items(), reverse=True)
    ]


def platform_revenue() -> list[dict[str, Any]]:
    """The platform's commission, net of refunds and lost disputes, per currency."""
    totals: dict[str, int] = defaultdict(int)
    for (_, currency), balance in _balances(platform_fee_accounts()).items():
        totals[currency] += balance
    return [{"currency": currency, "revenue": totals[currency]} for currency in sorted(totals)]
