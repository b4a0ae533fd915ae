"""A paid call is billed by the minute from server time, capped at 90 minutes, free in its first 3."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.sessions.billing import (
    Interval,
    Tariff,
    bill_for,
    billed_minutes,
    both_connected_seconds,
    most_the_call_can_cost,
    warnings_due,
)
from chalicelib.sessions.billing_end import running_bill
from chalicelib.sessions.session import Session

START = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
THREE_DOLLARS = Tariff("USD", rate_per_minute=300, hourly_rate=None)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def test_the_seed_example_30_minutes_at_3_dollars_is_90_dollars_split_81_and_9() -> None:
    bill = bill_for(THREE_DOLLARS, free_minutes=0, billable_seconds=1_800, active_for=minutes(30), commission_bps=1_000)
    assert (bill.billed_minutes, bill.amount, bill.earnings, bill.fee) == (30, 9_000, 8_100, 900)


def test_a_started_minute_is_billed_whole() -> None:
    assert billed_minutes(61, 0) == 2
    assert billed_minutes(60, 0) == 1


def test_free_minutes_come_off_and_never_make_the_bill_negative() -> None:
    assert billed_minutes(600, 5) == 5
    assert billed_minutes(120, 5) == 0


def test_a_call_ended_within_its_first_three_minutes_costs_nothing() -> None:
    bill = bill_for(THREE_DOLLARS, free_minutes=0, billable_seconds=179, active_for=minutes(2.99), commission_bps=1_000)
    assert (bill.amount, bill.within_no_charge_window) == (0, True)
    after = bill_for(THREE_DOLLARS, free_minutes=0, billable_seconds=180, active_for=minutes(3), commission_bps=1_000)
    assert after.amount == 900


def test_only_time_when_both_were_connected_counts_and_never_past_90_minutes() -> None:
    client = [Interval(START, START + minutes(10)), Interval(START + minutes(12), START + minutes(200))]
    expert = [Interval(START, START + minutes(200))]
    seconds = both_connected_seconds(client, expert, active_at=START, until=START + minutes(200))
    assert seconds == (10 + 78) * 60  # the 2-minute drop is not billed; billing stops at 90


def test_the_hold_covers_the_longest_possible_call_less_free_minutes() -> None:
    assert most_the_call_can_cost(THREE_DOLLARS, free_minutes=5) == 85 * 300


def test_an_hourly_rate_is_charged_per_minute_rounded_half_up() -> None:
    hourly = Tariff("GBP", rate_per_minute=None, hourly_rate=10_000)
    assert hourly.price(1) == 167  # 166.67
    assert hourly.price(60) == 10_000


def test_both_sides_are_warned_five_minutes_and_one_minute_before_the_cutoff() -> None:
    assert warnings_due(START) == [START + minutes(85), START + minutes(89)]


def test_the_live_meter_stops_at_the_cutoff() -> None:
    call = Session("s1", "grace", "ada", "voice", True, "requested", START, START + minutes(1))
    call = (
        call.accept("ada", START)
        .card_held()
        .connect("grace", START)
        .connect("ada", START)
        .media_connected("ada", START)
    )

    def meter_at(now: datetime) -> int:
        return running_bill(call, THREE_DOLLARS, now=now, free_minutes=0, commission_bps=1_000).amount

    assert (meter_at(START + minutes(89)), meter_at(START + minutes(120))) == (89 * 300, 90 * 300)


@given(
    rate=st.integers(1, 100_000),
    free=st.integers(0, 30),
    seconds=st.integers(0, 10 * 3600),
    active_minutes=st.integers(0, 300),
    bps=st.integers(0, 3_000),
)
def test_no_bill_exceeds_the_hold_and_every_bill_splits_exactly(
    rate: int, free: int, seconds: int, active_minutes: int, bps: int
) -> None:
    tariff = Tariff("USD", rate_per_minute=rate, hourly_rate=None)
    capped = min(seconds, 90 * 60)
    bill = bill_for(
        tariff, free_minutes=free, billable_seconds=capped, active_for=minutes(active_minutes), commission_bps=bps
    )
    assert 0 <= bill.amount <= most_the_call_can_cost(tariff, free)
    assert bill.amount == bill.fee + bill.earnings
