"""Telling the people an appointment concerns that it changed: email (with calendar invites) and an
entry in the booking's conversation.

Nothing here runs in the request that changes the booking. The appointment's stream record (its item
before and after the write) reaches the deliveries consumer (``chalicelib.outbox``), and
``appointment_events`` reads what happened from the two images:

* the status became requested, confirmed, cancelled, declined, expired or completed: that event;
* the start moved and the status stayed: "rescheduled" (a confirmed booking) or "requested" again;
* ``reminders_sent`` grew before the start: "reminder" (the agenda marks reminders it skips as sent
  too, once the appointment has started; those send nothing);
* ``approval_reminded`` became 1: "approval_reminder" (to the expert).

Each event's mails (one per recipient) and thread entry are effects keyed by the appointment, its
revision (bumped by every write) and the event, so a retried delivery never sends one twice.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from chalicelib.bookings.agenda_rules import AWAITING_CARD, CONFIRMED, HOLDING, REQUESTED
from chalicelib.models.appointment import Appointment
from chalicelib.outbox.changes import Change
from chalicelib.outbox.effects import Effect
from chalicelib.timestamps import utc_text

SUBJECT = "booking"

_EVENT_TEXT = {
    "requested": "Appointment requested for {start}; waiting for the expert's approval.",
    "confirmed": "Appointment confirmed for {start}.",
    "rescheduled": "Appointment moved to {start}.",
    "cancelled": "Appointment cancelled.",
    "declined": "The expert declined the request; the card hold was released.",
    "expired": "The request was not answered within 24 hours and expired; the card hold was released.",
    "completed": "Appointment completed.",
}
_STATUS_EVENTS = ("requested", "confirmed", "cancelled", "declined", "expired", "completed")
_BEING_MADE = (HOLDING, AWAITING_CARD)  # not announced until the card hold is in place


def appointment_events(old: Appointment | None, new: Appointment) -> list[str]:
    """What the change from ``old`` (None: a new booking) to ``new`` tells the people involved."""
    if new.status in _BEING_MADE:
        return []
    if old is None or old.status != new.status:
        return [new.status] if new.status in _STATUS_EVENTS else []
    events: list[str] = []
    if old.start != new.start and new.status in (CONFIRMED, REQUESTED):
        events.append("rescheduled" if new.status == CONFIRMED else "requested")
    if new.reminders_sent > old.reminders_sent and new.updated_at < new.start:
        events.append("reminder")
    if new.approval_reminded and not old.approval_reminded:
        events.append("approval_reminder")
    return events


def appointment_effects(change: Change) -> list[Effect]:
    """The mails and thread entries of the change, dated when the change was made (``updated_at``, which
    every write of a booking sets), not when they are delivered: the thread keeps its order."""
    if change.new is None:
        return []  # a booking that was never made (its hold failed) is removed without a word
    from chalicelib.bookings.invites import EVENTS, appointment_mails

    new = Appointment.from_raw_data(change.new)
    old = Appointment.from_raw_data(change.old) if change.old is not None else None
    at = new.updated_at
    effects: list[Effect] = []
    for event in appointment_events(old, new):
        cause = f"appointment:{new.appointment_id}:r{new.revision}:{event}"
        if event in EVENTS:
            effects += [Effect(f"{cause}:{m.role}", "email", m.send) for m in appointment_mails(new, event, now=at)]
        if event in _EVENT_TEXT:
            effects.append(Effect(f"{cause}:thread", "thread entry", partial(_record_in_thread, new, event, at)))
    return effects


def open_booking_thread(item: Appointment, now: datetime) -> str:
    """The booking's conversation, opened when the booking is made, so the ``conversation_id`` its answer
    names exists at once; opening it again changes nothing (its first entry opens it too, if this failed)."""
    from chalicelib.conversations.threads import open_thread

    return open_thread(
        subject=SUBJECT, subject_id=item.appointment_id, client_id=item.client_id, expert_id=item.expert_id,
        title=f"{item.service_name or 'Appointment'} on {utc_text(item.start)}", now=now,
    )  # fmt: skip


def _record_in_thread(item: Appointment, event: str, now: datetime) -> None:
    from chalicelib.conversations.threads import record_event

    thread_id = open_booking_thread(item, now)
    text = _EVENT_TEXT[event].format(start=utc_text(item.start))
    if event == "cancelled" and item.charged:
        text += f" Charged {item.charged} ({item.currency}, minor units) under the cancellation policy."
    record_event(
        thread_id, event_key=f"{item.appointment_id}:{item.revision}:{event}", text=text, now=now,
        payment_id=item.payment_id,
    )  # fmt: skip
