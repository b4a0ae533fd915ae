"""Use case: the client or the expert cancels an appointment, under the expert's policy.

The time is freed (locks deleted, out of the busy index) in the same transaction that marks
the appointment cancelled and fixes what it costs (``charged``, from
``chalicelib.bookings.cancellation_policy``); the card is then made to match
(``card_settlement.settle``): released, partly captured, or refunded if it was charged early.
A call opened for it (``chalicelib.sessions.appointment_calls``) is ended.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.bookings.agenda_rules import AWAITING_CARD, CANCELLED, CONFIRMED, HOLDING, REQUESTED
from chalicelib.bookings.card_settlement import settle
from chalicelib.bookings.records import (
    appointment_view,
    freeing_time,
    participant_of,
    policy_of,
    save_change,
)
from chalicelib.errors import Conflict
from chalicelib.models.appointment import Appointment


def cancel_booking(appointment_id: str, caller_id: str, *, now: datetime) -> dict[str, Any]:
    """Either participant cancels. 200 with the appointment, its ``charged`` amount included."""
    item = participant_of(appointment_id, caller_id)
    if item.status == CANCELLED:
        settle(item, now)  # a retry: finish the card if the first attempt stopped short
        return appointment_view(item, now)
    if item.status == HOLDING:
        raise Conflict("This booking is still being made; try again in a moment.", code="booking_in_progress")
    if item.status not in (AWAITING_CARD, REQUESTED, CONFIRMED):
        raise Conflict(f"This booking is {item.status}; it cannot be cancelled.", code="booking_ended")
    if now >= item.end:
        raise Conflict("This appointment has taken place.", code="booking_over")
    by_expert = caller_id == item.expert_id
    charge = 0
    if item.status == CONFIRMED and item.amount:
        charge = policy_of(item).cancellation_charge(item.amount, start=item.start, now=now, by_expert=by_expert)
    # The expert's cancellation gives the client their free consultation back; the client's does not.
    free = freeing_time(item, give_back_free_consultation=by_expert)
    item.status, item.cancelled_by, item.charged = CANCELLED, caller_id, charge
    item.sequence += 1  # the calendar's CANCEL supersedes the invite
    save_change(item, now, extra=free)
    settle(item, now)
    _end_its_call(item, now)
    return appointment_view(item, now)


def _end_its_call(item: Appointment, now: datetime) -> None:
    """A call opened for the appointment ends with it (its bill states what the cancellation charged)."""
    if item.call_session_id is None:
        return
    from chalicelib.sessions.calls import end_call

    end_call(item.call_session_id, "cancelled", now=now)
