"""How a paid call is billed. Pure rules; every number comes from server timestamps.

- Billable time is the time both participants were connected, capped at 90 minutes, counted
  only from the first report that media flows between them (a page reports it when its
  RTCPeerConnection connects): a call whose media never connected costs nothing. The report
  is the server's time of it and never moves the start before both joined nor the end, so
  it can only lower a bill.
- Billed minutes = ceil(billable seconds / 60) minus the expert's free minutes (these
  apply to a client's first session with that expert), never below zero.
- A session that either side ends within its first 3 minutes costs nothing. Its end, for
  this and for the receipt, is the hang-up or the last moment both were connected (when
  one side never came back), never the grace period or the sweep's run time: see
  ``billing_end.py``, which bills an ended call with these rules, and the live meter as the
  bill of the call if it were hung up at the meter's tick.
- The price is the expert's rate per minute times the billed minutes; an expert with
  only an hourly rate charges round-half-up(hourly x minutes / 60).
- Before the call starts, the card is held for the most the call can cost:
  the price of (90 - free minutes) minutes.
- The platform's fee and the expert's earnings split the price by the commission.

Example from the seeds: $3.00 a minute, 30 minutes, no free minutes: 9000 cents,
the expert earns 8100 and the platform 900.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.money.commission import ChargeSplit, split_charge

SESSION_LIMIT = timedelta(minutes=90)
NO_CHARGE_WINDOW = timedelta(minutes=3)
WARNINGS_BEFORE_LIMIT = (timedelta(minutes=5), timedelta(minutes=1))
SECONDS_PER_MINUTE = 60


@dataclass(frozen=True)
class Tariff:
    """What an expert charges, in minor units of ``currency``."""

    currency: str
    rate_per_minute: int | None
    hourly_rate: int | None

    def __post_init__(self) -> None:
        if self.rate_per_minute is None and self.hourly_rate is None:
            raise ValueError("a tariff needs a rate per minute or an hourly rate")

    def price(self, minutes: int) -> int:
        if self.rate_per_minute is not None:
            return self.rate_per_minute * minutes
        assert self.hourly_rate is not None
        return (self.hourly_rate * minutes * 2 + SECONDS_PER_MINUTE) // (SECONDS_PER_MINUTE * 2)


@dataclass(frozen=True)
class Interval:
    """A span during which one participant was connected to the call."""

    start: datetime
    end: datetime


def most_the_call_can_cost(tariff: Tariff, free_minutes: int) -> int:
    """The amount to hold on the card before the call goes active."""
    limit_minutes = int(SESSION_LIMIT.total_seconds()) // SECONDS_PER_MINUTE
    return tariff.price(max(0, limit_minutes - free_minutes))


def cutoff_at(active_at: datetime) -> datetime:
    return active_at + SESSION_LIMIT


def warnings_due(active_at: datetime) -> list[datetime]:
    """When both sides are warned: 5 minutes and 1 minute before the cutoff."""
    return [cutoff_at(active_at) - before for before in WARNINGS_BEFORE_LIMIT]


def both_connected_seconds(
    client: Sequence[Interval], expert: Sequence[Interval], *, active_at: datetime, until: datetime,
    since: datetime | None = None,
) -> int:  # fmt: skip
    """Whole seconds within [max(active_at, since), min(until, cutoff)] in which both were connected."""
    end_of_billing = min(until, cutoff_at(active_at))
    counted_from = max(active_at, since) if since is not None else active_at
    total = timedelta()
    for a in client:
        for b in expert:
            start = max(a.start, b.start, counted_from)
            end = min(a.end, b.end, end_of_billing)
            if end > start:
                total += end - start
    return int(total.total_seconds())


def billed_minutes(billable_seconds: int, free_minutes: int) -> int:
    minutes = -(-billable_seconds // SECONDS_PER_MINUTE)  # ceil
    return max(0, minutes - free_minutes)


@dataclass(frozen=True)
class Bill:
    billable_seconds: int
    billed_minutes: int
    free_minutes: int
    amount: int
    fee: int
    earnings: int
    within_no_charge_window: bool


def bill_for(
    tariff: Tariff, *, free_minutes: int, billable_seconds: int, active_for: timedelta, commission_bps: int
) -> Bill:
    """The bill of a call with ``billable_seconds`` together, whose end for billing came ``active_for``
    after it went active."""
    free_call = active_for < NO_CHARGE_WINDOW
    minutes = 0 if free_call else billed_minutes(billable_seconds, free_minutes)
    split: ChargeSplit = split_charge(tariff.price(minutes), commission_bps)
    return Bill(
        billable_seconds=billable_seconds,
        billed_minutes=minutes,
        free_minutes=free_minutes,
        amount=split.total,
        fee=split.fee,
        earnings=split.earnings,
        within_no_charge_window=free_call,
    )
