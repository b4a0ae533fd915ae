"""Email about appointments: requests, confirmations with calendar invites, changes, reminders.

A confirmed appointment reaches both people as an iMIP invite (:rfc:`6047`): an email with an
``invite.ics`` attachment of type ``text/calendar; method=REQUEST``, built with the ``icalendar``
library. Its UID (``<appointment id>@parley``) never changes, so a reschedule (``REQUEST`` again)
and a cancellation (``CANCEL``) update the event already in the recipient's calendar; the
``SEQUENCE`` the booking use cases bump on each of those tells calendars which version wins.

Each person sees the times in their own zone: the expert in the zone of their availability, the
client in the zone they booked in, both in the email text and in the .ics (``DTSTART;TZID=...``
with the matching ``VTIMEZONE``).

Imported only when mail is sent (``chalicelib.bookings.announce`` imports it inside the call):
icalendar is not loaded on a cold start that sends nothing. The deliveries consumer
(``chalicelib.outbox``) sends each ``appointment_mails`` entry once, retrying until SES takes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import icalendar

from chalicelib.accounts.account_records import get_account
from chalicelib.bookings.agenda_rules import APPROVAL_WINDOW, approval_deadline
from chalicelib.mail.send import Attachment, send_email, sender_address
from chalicelib.models.appointment import Appointment
from chalicelib.money.currency import format_money
from chalicelib.web.logs import log_error, log_info

PRODID = "-//Parley//Appointments//EN"
ICS_FILENAME = "invite.ics"
LOCAL_WEB_ORIGIN = "http://localhost:8000"  # where links point when the stage allows any origin ("*")
EVENTS = (
    "requested",
    "confirmed",
    "rescheduled",
    "cancelled",
    "declined",
    "expired",
    "reminder",
    "approval_reminder",
)
# A VTIMEZONE needs to cover only the event; a year either side keeps it short and still correct.
_ZONE_MARGIN = timedelta(days=366)


@dataclass(frozen=True)
class Person:
    """One side of an appointment, as the mail addresses them."""

    role: str  # "expert" | "client"
    email: str
    name: str
    zone: str  # IANA name


@dataclass(frozen=True)
class Mail:
    to: Person
    subject: str
    text: str
    method: str | None = None  # "REQUEST" | "CANCEL": attach the .ics with this METHOD


# --------------------------------------------------------------------------- sending


def send_appointment_mail(item: Appointment, event: str, *, now: datetime) -> None:
    """Send the emails ``event`` calls for. One recipient's failure is logged, never raised."""
    for mail in appointment_mails(item, event, now=now):
        try:
            mail.send()
        except Exception as error:  # the other recipient still gets theirs
            log_error(
                "appointment mail not sent", appointment_id=item.appointment_id, event_name=event,
                recipient=mail.role, error=repr(error),
            )  # fmt: skip


@dataclass(frozen=True)
class OutgoingMail:
    role: str  # the recipient's: "expert" | "client"
    send: Callable[[], str]  # sends it (raising if SES does not take it); returns SES's message id


def appointment_mails(item: Appointment, event: str, *, now: datetime) -> list[OutgoingMail]:
    """The emails ``event`` calls for, one per recipient, each ready to send."""
    if event not in EVENTS:
        raise ValueError(f"unknown appointment mail event {event!r}")
    expert_account, client_account = get_account(item.expert_id), get_account(item.client_id)
    expert = Person("expert", expert_account.email, expert_account.display_name, item.expert_zone or "UTC")
    client = Person("client", client_account.email, client_account.display_name, item.client_zone or "UTC")
    return [
        OutgoingMail(mail.to.role, partial(_send, item, event, mail, expert=expert, client=client, now=now))
        for mail in _WRITERS[event](item, expert, client, now)
    ]


def _send(item: Appointment, event: str, mail: Mail, *, expert: Person, client: Person, now: datetime) -> str:
    other = client if mail.to.role == "expert" else expert
    attachments: tuple[Attachment, ...] = ()
    if mail.method is not None:
        ics = appointment_ics(
            item, recipient_zone=mail.to.zone, method=mail.method,
            recipient_email=mail.to.email, other_email=other.email, now=now,
            recipient_name=mail.to.name, other_name=other.name,
        )  # fmt: skip
        content_type = f"text/calendar; method={mail.method}; charset=UTF-8"
        attachments = (Attachment(ICS_FILENAME, content_type, ics),)
    message_id = send_email(mail.to.email, mail.subject, mail.text, attachments)
    log_info(
        "appointment mail sent", appointment_id=item.appointment_id, event_name=event,
        recipient=mail.to.role, message_id=message_id, calendar_method=mail.method,
    )  # fmt: skip
    return message_id


# --------------------------------------------------------------------------- the .ics


def appointment_ics(
    item: Appointment,
    *,
    recipient_zone: str,
    method: str,
    recipient_email: str,
    other_email: str,
    now: datetime,
    recipient_name: str | None = None,
    other_name: str | None = None,
    organizer_email: str | None = None,
) -> bytes:
    """The iCalendar object (:rfc:`5545`) for one recipient: ``method`` is "REQUEST" or "CANCEL".

    DTSTART/DTEND are the appointment's instants written in ``recipient_zone`` (with its
    VTIMEZONE); the organizer is Parley's sender address (``organizer_email`` overrides it) and
    both people are attendees, so neither is asked to reply to themselves.
    """
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"unsupported calendar method {method!r}")
    zone = ZoneInfo(recipient_zone)
    start, end = item.start.astimezone(zone), item.end.astimezone(zone)
    link = booking_url(item.appointment_id)
    where = item.meeting_url or link
    other = other_name or other_email
    summary = f"{_what(item)} with {other}"
    description = [f"{summary} on Parley.", f"Booking: {link}"]
    if item.meeting_url:
        description.append(f"Join: {item.meeting_url}")
    if item.note:
        description.append(f"Note from the client: {item.note}")

    organizer = icalendar.vCalAddress(f"mailto:{organizer_email or sender_address()}")
    organizer.params["CN"] = "Parley"
    attendees = [
        _attendee(recipient_email, recipient_name),
        _attendee(other_email, other_name),
    ]
    cancelled = method == "CANCEL"
    event = icalendar.Event.new(
        uid=appointment_uid(item.appointment_id),
        sequence=int(item.sequence or 0),
        stamp=now,
        start=start,
        end=end,
        summary=summary,
        description="\n".join(description),
        location=where,
        url=where,
        organizer=organizer,
        attendees=attendees,
        status=icalendar.STATUS.CANCELLED if cancelled else icalendar.STATUS.CONFIRMED,
        transparency=icalendar.TRANSP.OPAQUE,
    )
    if not cancelled:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", timedelta(minutes=-15))
        event.add_component(alarm)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add_component(event)
    first, last = start.date() - _ZONE_MARGIN, end.date() + _ZONE_MARGIN
    calendar.add_missing_timezones(first_date=first, last_date=last)
    return bytes(calendar.to_ical())


def _attendee(email: str, name: str | None) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = name
    address.params["ROLE"] = "REQ-PARTICIPANT"
    address.params["PARTSTAT"] = "ACCEPTED"  # both agreed: one booked, the other approved or offers instant booking
    address.params["RSVP"] = "FALSE"  # nobody reads replies to Parley's sender address
    return address


def appointment_uid(appointment_id: str) -> str:
    """The calendar event's UID: the same for every invite, update and cancellation of one appointment."""
    return f"{appointment_id}@parley"


def booking_url(appointment_id: str) -> str:
    from chalicelib.settings import get_settings

    origin = get_settings().web_origin
    origin = LOCAL_WEB_ORIGIN if origin in ("", "*") else origin.rstrip("/")
    return f"{origin}/bookings/{appointment_id}"


# --------------------------------------------------------------------------- the texts


def local_time(moment: datetime, zone: str) -> str:
    """``Saturday 28 March 2026, 11:00 EDT (America/New_York)``."""
    here = moment.astimezone(ZoneInfo(zone))
    return f"{_day(here.date())}, {here:%H:%M} {here.tzname()} ({zone})"


def local_span(start: datetime, end: datetime, zone: str) -> str:
    """``Saturday 28 March 2026, 11:00 to 12:00 EDT (America/New_York)``; the end's day if it differs."""
    tz = ZoneInfo(zone)
    first, last = start.astimezone(tz), end.astimezone(tz)
    until = f"{last:%H:%M}" if last.date() == first.date() else f"{_day(last.date())}, {last:%H:%M}"
    if first.tzname() != last.tzname():
        return f"{_day(first.date())}, {first:%H:%M} {first.tzname()} to {until} {last.tzname()} ({zone})"
    return f"{_day(first.date())}, {first:%H:%M} to {until} {last.tzname()} ({zone})"


def _day(day: date) -> str:
    # Not %A/%B: those follow the process locale.
    weekdays = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    months = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")  # fmt: skip
    return f"{weekdays[day.weekday()]} {day.day} {months[day.month - 1]} {day.year}"


def _what(item: Appointment) -> str:
    """The service's name; else what kind of appointment it is."""
    return item.service_name or ("Free consultation" if item.kind == "free_consultation" else "Appointment")


def _footer(item: Appointment) -> list[str]:
    lines = [f"Booking: {booking_url(item.appointment_id)}"]
    if item.meeting_url:
        lines.append(f"Meeting link: {item.meeting_url}")
    return lines


def _amount(item: Appointment) -> str | None:
    if item.amount and item.currency:
        return format_money(int(item.amount), item.currency)
    return None


def _text(*lines: str | None) -> str:
    return "\n".join(line for line in lines if line is not None) + "\n"


Writer = Callable[[Appointment, Person, Person, datetime], list[Mail]]


def _requested(item: Appointment, expert: Person, client: Person, now: datetime) -> list[Mail]:
    hours = int(APPROVAL_WINDOW.total_seconds() // 3600)
    expires = approval_deadline(item.created_at, item.start)
    amount = _amount(item)
    to_expert = Mail(
        expert,
        f"New appointment request from {client.name}",
        _text(
            f"New appointment request from {client.name}, waiting for your approval "
            f"(it expires after {hours} hours, at {local_time(expires, expert.zone)}).",
            "",
            f"{_what(item)}, {item.minutes} minutes",
            f"When: {local_span(item.start, item.end, expert.zone)}",
            f"Amount held on the client's card: {amount}" if amount else None,
            f"Note from {client.name}: {item.note}" if item.note else None,
            "",
            *_footer(item),
        ),
    )
    to_client = Mail(
        client,
        f"Request sent to {expert.name}",
        _text(
            f"Request sent: {expert.name} has until {local_time(expires, client.zone)} to approve it.",
            "You will get a calendar invite once it is confirmed.",
            "",
            f"{_what(item)}, {item.minutes} minutes",
            f"When: {local_span(item.start, item.end, client.zone)}",
            f"Amount held on your card: {amount} (released if the request is declined or expires)" if amount else None,
            "",
            *_footer(item),
        ),
    )
    return [to_expert, to_client]


def _confirmed(item: Appointment, expert: Person, client: Person, now: datetime) -> list[Mail]:
    return [
        Mail(
            person,
            f"Confirmed: {_what(item)} with {other.name}",
            _text(
                f"Your appointment with {other.name} is confirmed.",
                "",
                f"{_what(item)}, {item.minutes} minutes",
                f"When: {local_span(item.start, item.end, person.zone)}",
                f"Note from {client.name}: {item.note}" if item.note and person is expert else None,
                "",
                *_footer(item),
                "The attached invite adds it to your calendar.",
            ),
            method="REQUEST",
        )
        for person, other in ((expert, client), (client, expert))
    ]


def _rescheduled(item: Appointment, expert: Person, client: Person, now: datetime) -> list[Mail]:
    return [
        Mail(
            person,
            f"Moved: {_what(item)} with {other.name}",
            _text(
                f"Your appointment with {other.name} was moved to {local_span(item.start, item.end, person.zone)}.",
                "",
                *_footer(item),
                "The attached invite updates the event in your calendar.",
            ),
            method="REQUEST",
        )
        for person, other in ((expert, client), (client, expert))
    ]


def _cancelled(item: Appointment, expert: Person, client: Person, now: datetime) -> list[Mail]:
    ids = {"expert": item.expert_id, "client": item.client_id}
    mails = []
    for person, other in ((expert, client), (client, expert)):
        span = local_span(item.start, item.end, person.zone)
        if item.cancelled_by == ids[person.role]:
            said = f"You cancelled your appointment with {other.name} on {span}."
        elif item.cancelled_by == ids[other.role]:
            said = f"{other.name} cancelled your appointment on {span}."
        else:
            said = f"Your appointment with {other.name} on {span} was cancelled."
        mails.append(
            Mail(
                person,
                f"Cancelled: {_what(item)} with {other.name}",
                _text(said, _cancellation_charge(item, person), "", *_footer(item), _CANCEL_NOTE),
                method="CANCEL",
            )
        )
    return mails


_CANCEL_NOTE = "The attached update removes it from your calendar."


def _cancellation_charge(item: Appointment, person: Person) -> str | None:
    if not (item.amount and item.currency):
        return None  # nothing was held: a free consultation
    held, charged = format_money(int(item.amount), item.currency), format_money(int(item.charged or 0), item.currency)
    if person.role == "client":
        if not item.charged:
            return f"You were not charged; the {held} held on your card was released."
        return f"Charged to your card under the cancellation policy: {charged} (of {held} held)."
    if not item.charged:
        return "The client was not charged."
    return f"Charged to the client under your cancellation policy: {charged}."


def _declined(item: Appointment, expert: Person, client: Person, now: datetime) -> list[Mail]:
    return [_request_ended(item, expert, client, "{expert} declined your request for {span}.")]


def _expired(item: Appointment, expert: Person, client: Person, now: datetime) -> list[Mail]:
    hours = int(APPROVAL_WINDOW.total_seconds() // 3600)
    said = f"Your request for {{span}} expired: {{expert}} did not answer it within {hours} hours."
    return [_request_ended(item, expert, client, said)]


def _request_ended(item: Appointment, expert: Person, client: Person, what: str) -> Mail:
    amount = _amount(item)
    return Mail(
        client,
        f"Not confirmed: {_what(item)} with {expert.name}",
        _text(
            what.format(expert=expert.name, span=local_span(item.start, item.end, client.zone)),
            f"The {amount} held on your card was released; you were not charged." if amount else None,
            "",
            *_footer(item),
        ),
    )


def _reminder(item: Appointment, expert: Person, client: Person, now: datetime) -> list[Mail]:
    return [
        Mail(
            person,
            f"Reminder: {_what(item)} with {other.name}",
            _text(
                f"Your appointment starts at {local_time(item.start, person.zone)}.",
                f"{_what(item)} with {other.name}, {item.minutes} minutes.",
                "",
                *_footer(item),
            ),
        )
        for person, other in ((expert, client), (client, expert))
    ]


def _approval_reminder(item: Appointment, expert: Person, client: Person, now: datetime) -> list[Mail]:
    waited = max(0, int((now - item.created_at).total_seconds() // 3600))
    expires = approval_deadline(item.created_at, item.start)
    return [
        Mail(
            expert,
            f"Waiting for your approval: {client.name}",
            _text(
                f"A request has waited {waited} hour{'s' if waited != 1 else ''}; "
                f"it expires at {local_time(expires, expert.zone)}.",
                f"{_what(item)} with {client.name}, {local_span(item.start, item.end, expert.zone)}.",
                "",
                *_footer(item),
            ),
        )
    ]


_WRITERS: dict[str, Writer] = {
    "requested": _requested,
    "confirmed": _confirmed,
    "rescheduled": _rescheduled,
    "cancelled": _cancelled,
    "declined": _declined,
    "expired": _expired,
    "reminder": _reminder,
    "approval_reminder": _approval_reminder,
}
