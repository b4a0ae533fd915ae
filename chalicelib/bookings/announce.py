"""Tell the people an appointment concerns that it changed: email (with calendar invites)
and a state-change entry in the booking's conversation.

Called after the change is committed. A failure here is logged and does not undo the
change: the booking stands, and its conversation and the API show its true state.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.models.appointment import Appointment
from chalicelib.timestamps import utc_text
from chalicelib.web.logs import log_error

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


def announce(item: Appointment, event: str, *, now: datetime) -> None:
    """Mail for ``event`` and (for state changes) an entry in the booking's thread."""
    try:
        from chalicelib.bookings.invites import send_appointment_mail

        send_appointment_mail(item, event, now=now)
    except Exception as error:
        log_error("appointment mail failed", appointment_id=item.appointment_id, event_name=event, error=repr(error))
    if event in _EVENT_TEXT:
        _record_in_thread(item, event, now)


def _record_in_thread(item: Appointment, event: str, now: datetime) -> None:
    try:
        from chalicelib.conversations.threads import open_thread, record_event

        thread_id = open_thread(
            subject=SUBJECT, subject_id=item.appointment_id, client_id=item.client_id, expert_id=item.expert_id,
            title=f"{item.service_name or 'Appointment'} on {utc_text(item.start)}", now=now,
        )  # fmt: skip
        text = _EVENT_TEXT[event].format(start=utc_text(item.start))
        if event == "cancelled" and item.charged:
            text += f" Charged {item.charged} ({item.currency}, minor units) under the cancellation policy."
        record_event(
            thread_id, event_key=f"{item.appointment_id}:{item.revision}:{event}", text=text, now=now,
            payment_id=item.payment_id,
        )  # fmt: skip
    except Exception as error:
        log_error("booking thread update failed", appointment_id=item.appointment_id, error=repr(error))
