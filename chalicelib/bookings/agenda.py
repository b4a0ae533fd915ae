"""The booking agenda: a scheduled job that does what is due for each appointment.

Every few minutes it reads the sparse ``agenda-by-shard`` index for entries whose time has come
(a Query per shard: everything due up to now, however long it was down; never a Scan) and, for
each, does the step the rules in ``agenda_rules`` name: recover a stuck booking, remind the
expert of a waiting request, expire it, send the reminders, capture a hold before the card
network drops it, complete an appointment after it ended (charging it), or finish settling a
card. Each step is a revision-checked write, so running the job twice, or two at once, does each
step once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.bookings.agenda_rules import (
    AWAITING_CARD,
    COMPLETED,
    CONFIRMED,
    DELIVERY_GRACE,
    ENDED,
    HOLDING,
    REMINDERS,
    REQUESTED,
    approval_deadline,
    due_reminder,
    hold_capture_due,
    next_due,
)
from chalicelib.bookings.card_settlement import capture_before_hold_lapses, settle
from chalicelib.bookings.records import agenda_state, load, save_change
from chalicelib.due_index import due_entries
from chalicelib.errors import Conflict
from chalicelib.models.appointment import Appointment
from chalicelib.web.logs import log_error


@dataclass
class AgendaOutcome:
    due: int = 0
    done: int = 0
    failed: int = 0


def run_booking_agenda(now: datetime) -> AgendaOutcome:
    outcome = AgendaOutcome()
    for appointment_id in due_appointments(now):
        outcome.due += 1
        try:
            advance(load(appointment_id), now)
            outcome.done += 1
        except Conflict:
            outcome.done += 1  # another run (or the people themselves) changed it just now: theirs stands
        except Exception as error:
            outcome.failed += 1
            log_error("booking agenda step failed", appointment_id=appointment_id, error=repr(error))
    return outcome


def due_appointments(now: datetime) -> list[str]:
    entries = due_entries(lambda shard, until: Appointment.agenda.query(shard, Appointment.agenda_at <= until), now)
    return [entry.appointment_id for entry in entries]


def advance(item: Appointment, now: datetime) -> None:
    """Do whatever is due for ``item`` at ``now`` (nothing if nothing is)."""
    due = next_due(agenda_state(item))
    if due is None or due > now:
        return
    if item.status in (HOLDING, AWAITING_CARD):
        from chalicelib.bookings.book import recover_stuck_booking

        recover_stuck_booking(item, now)
    elif item.status == REQUESTED:
        _advance_request(item, now)
    elif item.status == CONFIRMED:
        _advance_confirmed(item, now)
    elif item.status in ENDED:
        settle(item, now)


def _advance_request(item: Appointment, now: datetime) -> None:
    if now >= approval_deadline(item.created_at, item.start):
        from chalicelib.bookings.approval import expire_request

        expire_request(item, now)
        return
    item.approval_reminded = 1
    save_change(item, now)


def _advance_confirmed(item: Appointment, now: datetime) -> None:
    if now >= item.end + DELIVERY_GRACE:
        item.status, item.charged = COMPLETED, item.amount
        save_change(item, now)
        settle(item, now)
        return
    state = agenda_state(item)
    capture_due = hold_capture_due(state)
    if capture_due is not None and capture_due <= now:
        capture_before_hold_lapses(item, now)
        state = agenda_state(item)
    reminder = due_reminder(state, now)
    if reminder is not None:
        item.reminders_sent = reminder + 1
        save_change(item, now)
    elif item.reminders_sent < len(REMINDERS) and now >= item.start:
        item.reminders_sent = len(REMINDERS)  # started: reminders are moot
        save_change(item, now)
