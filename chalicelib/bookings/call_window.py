"""When a booked appointment's call may be joined, and why not otherwise (pure).

Either participant opens the call (``POST /bookings/{id}/call``) from ``JOIN_OPENS_BEFORE`` before
the booked start until the booked end, only while the booking is ``confirmed`` (paid, and approved
if the expert approves bookings). Its session then lasts until the booked end, or 90 minutes after
both joined if that comes first (``chalicelib.sessions.session``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.bookings.agenda_rules import (
    AWAITING_CARD,
    CANCELLED,
    COMPLETED,
    CONFIRMED,
    DECLINED,
    EXPIRED,
    HOLDING,
    REQUESTED,
)
from chalicelib.errors import Conflict
from chalicelib.timestamps import utc_text

JOIN_OPENS_BEFORE = timedelta(minutes=10)


@dataclass(frozen=True)
class CallWindow:
    opens_at: datetime
    closes_at: datetime

    def open_at(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at


def call_window(start: datetime, end: datetime) -> CallWindow:
    return CallWindow(opens_at=start - JOIN_OPENS_BEFORE, closes_at=end)


def refusal(status: str, window: CallWindow, now: datetime) -> Conflict | None:
    """Why the call of a booking in ``status`` cannot be opened at ``now`` (None: it can)."""
    if status in (CANCELLED, DECLINED, EXPIRED):
        return Conflict(f"This booking is {status}: it has no call.", code=f"booking_{status}")
    if status == COMPLETED or (status == CONFIRMED and now >= window.closes_at):
        return Conflict(
            f"This appointment ended at {utc_text(window.closes_at)}; its call can no longer be joined.",
            code="appointment_ended",
        )
    if status == REQUESTED:
        return Conflict("The expert has not approved this booking yet.", code="booking_not_confirmed")
    if status in (HOLDING, AWAITING_CARD):
        return Conflict("This booking's payment is not confirmed yet.", code="booking_not_confirmed")
    if status != CONFIRMED:
        return Conflict(f"This booking is {status}: it has no call.", code="booking_not_confirmed")
    if now < window.opens_at:
        minutes = int(JOIN_OPENS_BEFORE.total_seconds()) // 60
        return Conflict(
            f"The call opens at {utc_text(window.opens_at)}, {minutes} minutes before the appointment starts.",
            code="call_not_open_yet",
        )
    return None
