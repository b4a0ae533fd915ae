"""Reading and writing appointments: loading, the view clients see, and the revision-checked write.

Every change to an appointment is one DynamoDB transaction that bumps ``revision`` on
condition that it is still the revision read, and recomputes the agenda entry (when the
scheduled job must next look at it) from the new state. Two writers (a cancel and the
agenda job, say) can therefore never both act on the same state: the second gets 409.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.bookings.agenda_rules import (
    HOLDS_TIME,
    REQUESTED,
    AgendaState,
    approval_deadline,
    next_due,
)
from chalicelib.bookings.cancellation_policy import CancellationPolicy
from chalicelib.bookings.time_locks import granules, lock_key, occupied_span
from chalicelib.due_index import due_key
from chalicelib.errors import Conflict, NotFound
from chalicelib.models.appointment import Appointment, AppointmentLock, FreeConsultation
from chalicelib.models.base import write_transaction
from chalicelib.timestamps import sortable_utc, utc_text


def load(appointment_id: str) -> Appointment:
    try:
        return Appointment.get(appointment_id, consistent_read=True)
    except DoesNotExist:
        raise NotFound("No booking has this id.", code="booking_not_found") from None


def participant_of(appointment_id: str, caller_id: str) -> Appointment:
    """The appointment, if ``caller_id`` is its client or expert (404 otherwise: no hint it exists)."""
    item = load(appointment_id)
    if caller_id not in (item.client_id, item.expert_id):
        raise NotFound("No booking has this id.", code="booking_not_found")
    return item


def policy_of(item: Appointment) -> CancellationPolicy:
    return CancellationPolicy(cutoff_hours=item.cancel_cutoff_hours, late_share_bps=item.late_share_bps)


def agenda_state(item: Appointment) -> AgendaState:
    return AgendaState(
        status=item.status, start=item.start, end=item.end, created_at=item.created_at, updated_at=item.updated_at,
        paid=item.amount is not None, hold_placed_at=item.hold_placed_at,
        hold_captured=item.hold_captured_at is not None, settled=item.settled_at is not None,
        reminders_sent=item.reminders_sent, approval_reminded=bool(item.approval_reminded),
    )  # fmt: skip


def set_agenda(item: Appointment) -> None:
    """Point the agenda entry at the next due time of ``item`` as it now stands (in memory)."""
    due = next_due(agenda_state(item))
    if due is None:
        item.agenda_shard = item.agenda_at = None
    else:
        item.agenda_shard, item.agenda_at = due_key(item.appointment_id, due)


def set_busy(item: Appointment) -> None:
    """In the busy index while it holds the expert's time, out of it afterwards."""
    if item.status in HOLDS_TIME:
        item.busy_expert_id, item.busy_start = item.expert_id, sortable_utc(item.start)
        item.busy_end = sortable_utc(item.end)
    else:
        item.busy_expert_id = item.busy_start = item.busy_end = None


def save_change(item: Appointment, now: datetime, extra: Any = None) -> None:
    """Write ``item`` as changed in memory, on condition that nobody wrote it since it was read.

    ``extra(transaction)`` may add lock writes to the same transaction. On a lost race the
    caller gets 409 ``changed_concurrently`` and nothing is written.
    """
    read_revision = item.revision
    item.revision = read_revision + 1
    item.updated_at = now
    set_busy(item)
    set_agenda(item)
    try:
        with write_transaction() as transaction:
            if extra is not None:
                extra(transaction)
            transaction.save(item, condition=Appointment.revision == read_revision)
    except TransactWriteError as error:
        item.revision = read_revision
        raise Conflict("This booking changed meanwhile; load it and retry.", code="changed_concurrently") from error


def lock_keys_of(item: Appointment) -> list[str]:
    begin, finish = occupied_span(item.start, item.end, item.buffer_before_minutes, item.buffer_after_minutes)
    return [lock_key(item.expert_id, granule) for granule in granules(begin, finish)]


def delete_locks(transaction: TransactWrite, item: Appointment, keys: list[str]) -> None:
    for key in keys:
        transaction.delete(AppointmentLock(key), condition=AppointmentLock.appointment_id == item.appointment_id)


def free_consultation_marker(item: Appointment) -> FreeConsultation:
    """The client's one free consultation with this expert (one item per client and expert)."""
    return FreeConsultation(f"{item.client_id}#{item.expert_id}", appointment_id=item.appointment_id)


def freeing_time(item: Appointment, *, give_back_free_consultation: bool) -> Any:
    """The writes that free a booking's time, for ``save_change(extra=...)``: its locks (as it held them
    when read) and, if the client is to get it back, their free-consultation marker."""
    keys = lock_keys_of(item)
    give_back = give_back_free_consultation and item.kind == "free_consultation"

    def free(transaction: TransactWrite) -> None:
        delete_locks(transaction, item, keys)
        if give_back:
            transaction.delete(free_consultation_marker(item))

    return free


def appointment_view(item: Appointment, now: datetime | None = None) -> dict[str, Any]:
    from chalicelib import runtime
    from chalicelib.sessions.appointment_calls import booking_call_view

    policy = policy_of(item)
    view: dict[str, Any] = {
        "appointment_id": item.appointment_id,
        "expert_id": item.expert_id,
        "client_id": item.client_id,
        "kind": item.kind,
        "status": item.status,
        "start": utc_text(item.start),
        "end": utc_text(item.end),
        "minutes": item.minutes,
        "expert_time_zone": item.expert_zone,
        "client_time_zone": item.client_zone,
        "buffer_before_minutes": item.buffer_before_minutes,
        "buffer_after_minutes": item.buffer_after_minutes,
        "service_id": item.service_id,
        "service_name": item.service_name,
        "meeting_url": item.meeting_url,
        "note": item.note,
        "currency": item.currency,
        "amount": item.amount,
        "charged": item.charged,
        "payment_id": item.payment_id,
        "policy": {
            "cancel_cutoff_hours": policy.cutoff_hours,
            "late_cancel_share_bps": policy.late_share_bps,
            "free_cancellation_until": utc_text(policy.cutoff(item.start)),
        },
        "cancelled_by": item.cancelled_by,
        "media": item.media or "video",
        "call": booking_call_view(item, now or runtime.now()),
        "conversation_id": f"booking:{item.appointment_id}",
        "created_at": utc_text(item.created_at),
        "updated_at": utc_text(item.updated_at),
    }
    if item.status == REQUESTED:
        view["approval_expires_at"] = utc_text(approval_deadline(item.created_at, item.start))
        if now is not None:
            view["waiting_seconds"] = max(0, int((now - item.created_at).total_seconds()))
    return view
