"""What an appointment's change tells its people, read from the item before and after (bookings/announce.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.bookings.announce import appointment_events
from chalicelib.models.appointment import Appointment

START = datetime(2026, 12, 10, 15, 0, tzinfo=UTC)
BEFORE = START - timedelta(days=2)


def booking(**changes: Any) -> Appointment:
    values: dict[str, Any] = {
        "status": "confirmed", "start": START, "end": START + timedelta(minutes=30), "reminders_sent": 0,
        "approval_reminded": 0, "updated_at": BEFORE, "revision": 1,
    } | changes  # fmt: skip
    return Appointment("apt_1", **values)


@pytest.mark.parametrize("status", ["requested", "confirmed"])
def test_a_new_booking_announces_its_status(status: str) -> None:
    assert appointment_events(None, booking(status=status)) == [status]


@pytest.mark.parametrize("status", ["holding", "awaiting_card"])
def test_a_booking_still_being_made_announces_nothing(status: str) -> None:
    assert appointment_events(None, booking(status=status)) == []
    assert appointment_events(booking(status="holding"), booking(status=status)) == []


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("awaiting_card", "requested"),
        ("holding", "confirmed"),
        ("requested", "confirmed"),
        ("requested", "declined"),
        ("requested", "expired"),
        ("confirmed", "cancelled"),
        ("confirmed", "completed"),
    ],
)
def test_a_change_of_status_announces_the_new_one(before: str, after: str) -> None:
    assert appointment_events(booking(status=before), booking(status=after, revision=2)) == [after]


def test_moving_a_confirmed_booking_announces_a_reschedule_and_a_requested_one_a_new_request() -> None:
    moved = {"start": START + timedelta(hours=2), "end": START + timedelta(hours=2, minutes=30), "revision": 2}

    assert appointment_events(booking(), booking(**moved)) == ["rescheduled"]
    assert appointment_events(booking(status="requested"), booking(status="requested", **moved)) == ["requested"]


def test_a_reminder_marked_before_the_start_is_sent_and_one_marked_after_it_is_not() -> None:
    due = booking(reminders_sent=1, updated_at=START - timedelta(hours=24), revision=2)
    moot = booking(reminders_sent=2, updated_at=START + timedelta(minutes=1), revision=2)

    assert appointment_events(booking(), due) == ["reminder"]
    assert appointment_events(booking(), moot) == []


def test_the_expert_is_reminded_of_a_waiting_request_once() -> None:
    waiting = booking(status="requested")
    reminded = booking(status="requested", approval_reminded=1, revision=2)

    assert appointment_events(waiting, reminded) == ["approval_reminder"]
    assert appointment_events(reminded, booking(status="requested", approval_reminded=1, revision=3)) == []


def test_a_write_that_changes_nothing_people_see_announces_nothing() -> None:
    assert appointment_events(booking(), booking(revision=2, updated_at=BEFORE + timedelta(hours=1))) == []
