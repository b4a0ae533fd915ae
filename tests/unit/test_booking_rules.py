"""The pure booking rules: what a cancellation costs, and when the agenda next looks at a booking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.bookings.agenda_rules import (
    CANCELLED,
    CONFIRMED,
    HOLDING,
    REQUESTED,
    AgendaState,
    due_reminder,
    next_due,
    reminders_already_past,
)
from chalicelib.bookings.cancellation_policy import CancellationPolicy

START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def state(status: str = CONFIRMED, **changes: object) -> AgendaState:
    base: dict[str, object] = {
        "status": status, "start": START, "end": START + 30 * timedelta(minutes=1),
        "created_at": START - 72 * HOUR, "updated_at": START - 72 * HOUR, "paid": True,
        "hold_placed_at": START - 72 * HOUR, "hold_captured": False, "settled": False, "reminders_sent": 0,
        "approval_reminded": False,
    } | changes  # fmt: skip
    return AgendaState(**base)  # type: ignore[arg-type]


def test_cancelling_before_the_cut_off_is_free_and_after_it_costs_the_share() -> None:
    policy = CancellationPolicy(cutoff_hours=24, late_share_bps=5000)

    assert policy.cancellation_charge(9000, start=START, now=START - 25 * HOUR, by_expert=False) == 0
    assert policy.cancellation_charge(9000, start=START, now=START - 24 * HOUR, by_expert=False) == 4500
    assert policy.cancellation_charge(9000, start=START, now=START - HOUR, by_expert=True) == 0


@given(amount=st.integers(0, 10**9), share=st.integers(0, 10_000))
def test_a_late_cancellation_never_costs_more_than_the_booking(amount: int, share: int) -> None:
    charge = CancellationPolicy(cutoff_hours=1, late_share_bps=share).cancellation_charge(
        amount, start=START, now=START, by_expert=False
    )

    assert 0 <= charge <= amount


def test_a_stuck_booking_is_looked_at_five_minutes_after_it_was_made() -> None:
    assert next_due(state(HOLDING, created_at=START - 10 * HOUR)) == START - 10 * HOUR + timedelta(minutes=5)


def test_a_request_is_reminded_four_hours_before_it_expires_then_expires_at_24_hours() -> None:
    made = START - 48 * HOUR

    assert next_due(state(REQUESTED, created_at=made)) == made + 20 * HOUR
    assert next_due(state(REQUESTED, created_at=made, approval_reminded=True)) == made + 24 * HOUR


def test_a_request_made_close_to_the_start_expires_at_the_start() -> None:
    assert next_due(state(REQUESTED, created_at=START - 2 * HOUR, approval_reminded=True)) == START


def test_a_confirmed_booking_is_next_due_at_its_first_reminder_or_before_its_hold_lapses() -> None:
    assert next_due(state()) == START - 24 * HOUR
    placed = START - 10 * 24 * HOUR
    assert next_due(state(hold_placed_at=placed, reminders_sent=0)) == placed + 6 * 24 * HOUR
    assert next_due(state(reminders_sent=2, hold_captured=True)) == START + timedelta(minutes=60)


def test_only_the_latest_due_reminder_is_sent_and_none_after_the_start() -> None:
    assert due_reminder(state(), START - 30 * timedelta(minutes=1)) == 1
    assert due_reminder(state(), START - 2 * HOUR) == 0
    assert due_reminder(state(), START + timedelta(minutes=1)) is None
    assert reminders_already_past(START, START - 2 * HOUR) == 1


def test_an_ended_booking_is_looked_at_again_only_until_its_card_is_settled() -> None:
    assert next_due(state(CANCELLED, updated_at=START)) == START + timedelta(minutes=2)
    assert next_due(state(CANCELLED, settled=True)) is None
    assert next_due(state(CANCELLED, paid=False)) is None
