"""When something is next due for an appointment, and what (pure).

The scheduled agenda job (``chalicelib.bookings.agenda``) reads appointments whose
``agenda_at`` has come and performs the due step; every write recomputes ``next_due``.

* holding    — the booking request died between locking the time and holding the card:
               recover it ``STUCK_AFTER`` after it was made.
* awaiting_card — the card asked its holder to confirm (3-D Secure): the time is held for
               ``CARD_CONFIRMATION_WINDOW``; then the booking is confirmed if the hold went
               through, else undone.
* requested  — remind the expert ``APPROVAL_REMINDER_BEFORE`` the request expires; expire it
               (releasing the hold) ``APPROVAL_WINDOW`` after it was made, or at the start if sooner.
* confirmed  — the reminders (24 h and 1 h before the start); capture the hold before the card
               network drops it (``HOLD_CAPTURE_AFTER`` after it was placed); after the end (plus
               ``DELIVERY_GRACE``) complete the appointment and charge it.
* completed, cancelled, declined, expired — settle the card if it does not match ``charged`` yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

HOLDING = "holding"
AWAITING_CARD = "awaiting_card"  # the card needs its holder's confirmation (3-D Secure)
REQUESTED = "requested"
CONFIRMED = "confirmed"
COMPLETED = "completed"
CANCELLED = "cancelled"
DECLINED = "declined"
EXPIRED = "expired"
ENDED = (COMPLETED, CANCELLED, DECLINED, EXPIRED)
HOLDS_TIME = (HOLDING, AWAITING_CARD, REQUESTED, CONFIRMED)
STATUSES = (*HOLDS_TIME, *ENDED)

STUCK_AFTER = timedelta(minutes=5)
CARD_CONFIRMATION_WINDOW = timedelta(minutes=15)
APPROVAL_WINDOW = timedelta(hours=24)
APPROVAL_REMINDER_BEFORE = timedelta(hours=4)
REMINDERS = (timedelta(hours=24), timedelta(hours=1))  # before the start
# Card networks drop an uncaptured authorisation after 7 days (online, most cards): capture a day early.
HOLD_CAPTURE_AFTER = timedelta(days=6)
DELIVERY_GRACE = timedelta(minutes=30)
SETTLE_RETRY_AFTER = timedelta(minutes=2)


@dataclass(frozen=True)
class AgendaState:
    """What the rules need to know about one appointment."""

    status: str
    start: datetime
    end: datetime
    created_at: datetime
    updated_at: datetime
    paid: bool  # a card hold belongs to it
    hold_placed_at: datetime | None
    hold_captured: bool
    settled: bool
    reminders_sent: int
    approval_reminded: bool


def approval_deadline(created_at: datetime, start: datetime) -> datetime:
    return min(created_at + APPROVAL_WINDOW, start)


def reminders_already_past(start: datetime, now: datetime) -> int:
    """How many reminders a booking made (or moved) at ``now`` skips: their time has passed."""
    return sum(1 for before in REMINDERS if start - before <= now)


def next_reminder_at(state: AgendaState) -> datetime | None:
    if state.reminders_sent >= len(REMINDERS):
        return None
    return state.start - REMINDERS[state.reminders_sent]


def due_reminder(state: AgendaState, now: datetime) -> int | None:
    """The latest reminder whose time has come (earlier unsent ones are skipped), or None."""
    due = [i for i in range(state.reminders_sent, len(REMINDERS)) if state.start - REMINDERS[i] <= now]
    return due[-1] if due and now < state.start else None


def hold_capture_due(state: AgendaState) -> datetime | None:
    if not state.paid or state.hold_captured or state.hold_placed_at is None:
        return None
    return state.hold_placed_at + HOLD_CAPTURE_AFTER


def next_due(state: AgendaState) -> datetime | None:
    """When the agenda job must next look at this appointment (None: never again)."""
    if state.status == HOLDING:
        return state.created_at + STUCK_AFTER
    if state.status == AWAITING_CARD:
        return state.created_at + CARD_CONFIRMATION_WINDOW
    if state.status == REQUESTED:
        deadline = approval_deadline(state.created_at, state.start)
        if state.approval_reminded:
            return deadline
        return max(state.created_at, deadline - APPROVAL_REMINDER_BEFORE)
    if state.status == CONFIRMED:
        times = [state.end + DELIVERY_GRACE, next_reminder_at(state), hold_capture_due(state)]
        return min(time for time in times if time is not None)
    if state.status in ENDED and state.paid and not state.settled:
        return state.updated_at + SETTLE_RETRY_AFTER
    return None
