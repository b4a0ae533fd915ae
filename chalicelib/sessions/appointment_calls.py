"""Use case: the call of a booked appointment, opened by either participant in its window.

``open_appointment_call`` answers the appointment's one call session, creating it on first use:
the session (its id derived from the appointment's) is put on condition that it does not exist,
in ONE transaction with the appointment's ``call_session_id`` on condition that the appointment
is still ``confirmed`` at the revision read. Of any number of concurrent opens from both sides
exactly one writes; the others re-read and answer the session it wrote. The other participant is
told (``session.opened``).

The session starts ``accepted`` with nothing to hold (the booking paid for it): both sides
``session.join`` and signal as for an instant call. It ends at hang-up or at its cutoff (the booked
end, or 90 minutes after both joined if sooner) by its timer, which warns before it as for any
call. Its bill charges nothing: it states the booking's price as paid by the booking, whose capture
(``chalicelib.bookings.card_settlement``) stays the one money movement, and the expert's earnings
are the booking's (the call posts nothing to the ledger).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib import runtime
from chalicelib.bookings.agenda_rules import CANCELLED, CONFIRMED, DECLINED, EXPIRED
from chalicelib.bookings.call_window import call_window, refusal
from chalicelib.bookings.records import load, participant_of
from chalicelib.concurrent_repeats import changed_concurrently
from chalicelib.models.appointment import Appointment
from chalicelib.models.base import write_transaction
from chalicelib.models.conditions import cancelled_items, transaction_conflicted
from chalicelib.models.session import CallSession
from chalicelib.money.commission import split_charge
from chalicelib.sessions.billing import Bill
from chalicelib.sessions.billing_end import billed_seconds
from chalicelib.sessions.calls import WRITE_ATTEMPTS, _set_live, load_session, session_view
from chalicelib.sessions.notifier import CallNotifier
from chalicelib.sessions.session import ACCEPTED, ACTIVE, CLIENT, EXPERT, Session
from chalicelib.sessions.timers import set_timer_if_moved
from chalicelib.timestamps import utc_text

DEFAULT_MEDIA = "video"  # bookings made before they named their media


def appointment_session_id(appointment_id: str) -> str:
    """The id of an appointment's one call session (derived: a repeat can only find the same one)."""
    return hashlib.sha256(f"appointment-call:{appointment_id}".encode()).hexdigest()[:32]


def open_appointment_call(
    appointment_id: str, caller_id: str, *, notifier: CallNotifier, now: datetime
) -> dict[str, Any]:  # fmt: skip
    """The appointment's call session for ``caller_id`` (its client or expert), created on first use."""
    for _ in range(WRITE_ATTEMPTS):
        appointment = participant_of(appointment_id, caller_id)
        refused = refusal(appointment.status, call_window(appointment.start, appointment.end), now)
        if appointment.call_session_id is not None and appointment.status not in (CANCELLED, DECLINED, EXPIRED):
            return session_view(load_session(appointment.call_session_id), caller_id)  # opened already: the same one
        if refused is not None:
            raise refused
        item = _new_session(appointment, now)
        try:
            with write_transaction() as transaction:
                transaction.save(item, condition=CallSession.session_id.does_not_exist())
                transaction.update(
                    appointment,
                    actions=[
                        Appointment.call_session_id.set(item.session_id),
                        Appointment.revision.set(appointment.revision + 1),
                    ],
                    condition=(Appointment.revision == appointment.revision) & (Appointment.status == CONFIRMED),
                )
        except TransactWriteError as error:
            if any(cancelled_items(error)) or transaction_conflicted(error):
                continue  # the other side (or a repeat) opened it, or the booking changed: read again
            raise
        set_timer_if_moved(item, None, now, runtime.call_timers())
        other = appointment.expert_id if caller_id == appointment.client_id else appointment.client_id
        notifier.notify(
            other,
            {"type": "session.opened", "session_id": item.session_id, "appointment_id": appointment_id,
             "role": CLIENT if caller_id == appointment.client_id else EXPERT, "session": session_view(item, other)},
        )  # fmt: skip
        return session_view(item, caller_id)
    raise changed_concurrently("This booking is being changed elsewhere; try again.")


def _new_session(appointment: Appointment, now: datetime) -> CallSession:
    item = CallSession(
        appointment_session_id(appointment.appointment_id), client_id=appointment.client_id,
        expert_id=appointment.expert_id, media=appointment.media or DEFAULT_MEDIA,
        paid=bool(appointment.amount), state=ACCEPTED, requested_at=now, expires_at=appointment.end,
        accepted_at=now, hold_ready=True, appointment_id=appointment.appointment_id, ends_by=appointment.end,
        currency=appointment.currency or _expert_currency(appointment.expert_id), rate_per_minute=None,
        hourly_rate=None, free_minutes=0, commission_bps=_commission_of(appointment), warnings_sent=[],
    )  # fmt: skip
    _set_live(item, now)
    return item


def _commission_of(appointment: Appointment) -> int:
    """The commission the booking's payment splits by (the settings' for a booking without one)."""
    if appointment.payment_id:
        from chalicelib.models.payment import Payment

        try:
            return int(Payment.get(appointment.payment_id).commission_bps)
        except DoesNotExist:
            pass
    return runtime.settings().commission_bps


def _expert_currency(expert_id: str) -> str:
    from chalicelib.models.expert_profile import ExpertProfile

    try:
        return str(ExpertProfile.get(expert_id).currency)
    except DoesNotExist:
        return "USD"


def appointment_bill(item: CallSession, ended: Session) -> Bill:
    """An appointment call's bill: nothing charged by the call; ``amount`` is what the booking charges for it
    (its price, or what its cancellation costs), split as the booking's payment splits it."""
    appointment = load(str(item.appointment_id))
    price = appointment.charged if appointment.charged is not None else int(appointment.amount or 0)
    split = split_charge(price, item.commission_bps)
    return Bill(
        billable_seconds=billed_seconds(ended), billed_minutes=0, free_minutes=0, amount=split.total,
        fee=split.fee, earnings=split.earnings, within_no_charge_window=False,
    )  # fmt: skip


def booking_call_view(appointment: Appointment, now: datetime) -> dict[str, Any]:
    """The ``call`` of a booking's view: its session once opened, and when it can be joined."""
    window = call_window(appointment.start, appointment.end)
    joinable = refusal(appointment.status, window, now) is None
    if joinable and appointment.call_session_id is not None:  # in its window: has it been hung up?
        try:
            joinable = CallSession.get(appointment.call_session_id).state in (ACCEPTED, ACTIVE)
        except DoesNotExist:
            joinable = False
    return {
        "session_id": appointment.call_session_id,
        "joinable_from": utc_text(window.opens_at),
        "joinable_until": utc_text(window.closes_at),
        "joinable_now": joinable,
        "media": appointment.media or DEFAULT_MEDIA,
    }
