"""Use case: move an appointment to another slot, keeping its card hold and its invite's UID.

The move is one transaction: locks for the granules the new time adds (each on condition
it does not exist: the new time cannot overlap anyone's booking), deletes of the granules
it leaves, and the appointment with its new time and the invite's SEQUENCE + 1. The client
may move it only before the policy's cut-off; the expert until the start.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pynamodb.transactions import TransactWrite

from chalicelib.bookings.agenda_rules import CONFIRMED, REQUESTED, reminders_already_past
from chalicelib.bookings.book import LOCK_KEPT_FOR, availability_of, require_offered
from chalicelib.bookings.records import (
    appointment_view,
    delete_locks,
    lock_keys_of,
    participant_of,
    policy_of,
    save_change,
)
from chalicelib.bookings.time_locks import granules, lock_key, occupied_span
from chalicelib.errors import Conflict
from chalicelib.models.appointment import AppointmentLock

_MAX_ITEMS = 100  # DynamoDB's limit on one transaction


def reschedule(appointment_id: str, caller_id: str, new_start: datetime, *, now: datetime) -> dict[str, Any]:
    item = participant_of(appointment_id, caller_id)
    if item.status not in (REQUESTED, CONFIRMED):
        raise Conflict(f"This booking is {item.status}; it cannot be moved.", code="booking_ended")
    if new_start == item.start:
        return appointment_view(item, now)
    if item.call_session_id is not None:
        raise Conflict("This appointment's call has been opened; it cannot be moved now.", code="call_opened")
    if caller_id == item.expert_id:
        if now >= item.start:
            raise Conflict("This appointment has started.", code="booking_started")
    elif not policy_of(item).client_may_reschedule(item.start, now):
        cutoff = item.cancel_cutoff_hours
        raise Conflict(f"Appointments can be moved up to {cutoff} hours before the start.", code="too_late_to_move")
    require_offered(availability_of(item.expert_id), new_start, item.minutes, now)

    old_keys = set(lock_keys_of(item))
    new_end = new_start + timedelta(minutes=item.minutes)
    span = occupied_span(new_start, new_end, item.buffer_before_minutes, item.buffer_after_minutes)
    new_granules = {lock_key(item.expert_id, granule): granule for granule in granules(*span)}
    added = [granule for key, granule in new_granules.items() if key not in old_keys]
    left = sorted(old_keys - set(new_granules))
    if len(added) + len(left) + 1 > _MAX_ITEMS:
        raise Conflict("This move is too far for one step; cancel and book the new time.", code="move_too_large")

    item.start, item.end = new_start, new_end
    item.sequence += 1
    item.reminders_sent = reminders_already_past(new_start, now)

    def move_locks(transaction: TransactWrite) -> None:
        for granule in added:
            lock = AppointmentLock(
                lock_key(item.expert_id, granule), appointment_id=item.appointment_id, expires=granule + LOCK_KEPT_FOR
            )
            transaction.save(lock, condition=AppointmentLock.lock_key.does_not_exist())
        delete_locks(transaction, item, left)

    try:
        save_change(item, now, extra=move_locks)
    except Conflict as error:
        if _taken(added, item.expert_id, item.appointment_id):
            raise Conflict("Someone booked that time meanwhile; pick another slot.", code="slot_taken") from error
        raise
    return appointment_view(item, now)


def _taken(added: list[datetime], expert_id: str, appointment_id: str) -> bool:
    """Whether another appointment holds one of the granules the move needed."""
    keys = [lock_key(expert_id, granule) for granule in added]
    return any(lock.appointment_id != appointment_id for lock in AppointmentLock.batch_get(keys))
