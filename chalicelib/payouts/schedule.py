"""Which week a payout run pays, and the one id a payout of that week can have. Pure rules.

Weeks are ISO 8601 weeks in UTC (``2026-W47``: Monday to Sunday). The run on a
Monday pays the week that has just ended, as does an operator's run on any day of
the following week. The payout id names the expert, the currency and the week,
so a second payout of the same money that week cannot be written, and Stripe sees
the same idempotency key on every attempt.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from chalicelib.timestamps import iso_week

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def week_to_pay(now: datetime) -> str:
    """The week a run started at ``now`` pays: the last full week before ``now``'s."""
    return iso_week(now - timedelta(weeks=1))


def parse_week(text: str) -> str:
    """``text`` if it names a real ISO week (``2026-W47``; ``W53`` only in years that have one)."""
    match = _WEEK.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not an ISO week such as 2026-W47")
    year, week = int(match.group(1)), int(match.group(2))
    try:
        datetime.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(f"{year} has no week {week}") from None
    return f"{year}-W{week:02d}"


def week_start(week: str) -> datetime:
    """Monday 00:00 UTC of ``week``."""
    year, number = parse_week(week).split("-W")
    return datetime.fromisocalendar(int(year), int(number), 1).replace(tzinfo=UTC)


def payout_id(expert_id: str, currency: str, week: str) -> str:
    """``payout:<expert>:<currency>:<week>``: the Payout item's key, the ledger causes' prefix, Stripe's key."""
    if ":" in expert_id:
        raise ValueError(f"expert id {expert_id!r} may not contain ':'")
    return f"payout:{expert_id}:{currency}:{parse_week(week)}"


def parse_payout_id(pid: str) -> tuple[str, str, str]:
    """``(expert_id, currency, week)`` of a payout id made by ``payout_id``."""
    kind, expert_id, currency, week = pid.split(":")
    if kind != "payout":
        raise ValueError(f"{pid!r} is not a payout id")
    return expert_id, currency, week
