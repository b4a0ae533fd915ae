"""Use cases: the expert approves or declines a booking request; an unanswered one expires.

An expert who requires approval gets bookings as ``requested``: the time and the card are
held meanwhile. Approving confirms it (invites go out); declining, or leaving it unanswered
for 24 hours (or until its start, if sooner), frees the time and releases the hold.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.bookings.agenda_rules import (
    CONFIRMED,
    DECLINED,
    EXPIRED,
    REQUESTED,
    approval_deadline,
    reminders_already_past,
)
from chalicelib.bookings.card_settlement import settle
from chalicelib.bookings.records import appointment_view, freeing_time, participant_of, save_change
from chalicelib.errors import Conflict, Forbidden
from chalicelib.models.appointment import Appointment


def approve(appointment_id: str, caller_id: str, *, now: datetime) -> dict[str, Any]:
    item = _request_for_expert(appointment_id, caller_id, now)
    if item.status == CONFIRMED:
        return appointment_view(item, now)  # a retry of the approval
    item.status, item.decided_at = CONFIRMED, now
    item.reminders_sent = reminders_already_past(item.start, now)
    save_change(item, now)
    return appointment_view(item, now)


def decline(appointment_id: str, caller_id: str, *, now: datetime) -> dict[str, Any]:
    item = _request_for_expert(appointment_id, caller_id, now)
    if item.status == DECLINED:
        settle(item, now)  # a retry: finish the release if the first attempt stopped short
        return appointment_view(item, now)
    item.decided_at = now
    end_request(item, DECLINED, now)
    return appointment_view(item, now)


def expire_request(item: Appointment, now: datetime) -> None:
    """The agenda job: nobody answered in time."""
    if item.status == REQUESTED and now >= approval_deadline(item.created_at, item.start):
        end_request(item, EXPIRED, now)


def end_request(item: Appointment, status: str, now: datetime) -> None:
    """Declined or expired: the time is freed, the free consultation given back, the hold released."""
    free = freeing_time(item, give_back_free_consultation=True)
    item.status, item.charged = status, 0
    save_change(item, now, extra=free)
    settle(item, now)


def _request_for_expert(appointment_id: str, caller_id: str, now: datetime) -> Appointment:
    item = participant_of(appointment_id, caller_id)
    if caller_id != item.expert_id:
        raise Forbidden("Only the expert answers a booking request.", code="expert_only")
    if item.status in (CONFIRMED, DECLINED):
        return item
    if item.status != REQUESTED:
        raise Conflict(f"This booking is {item.status}; there is no request to answer.", code="not_a_request")
    if now >= approval_deadline(item.created_at, item.start):
        raise Conflict("This request has expired.", code="request_expired")
    return item
