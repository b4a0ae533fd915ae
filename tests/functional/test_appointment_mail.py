"""Appointment emails through SES (moto): who gets what, and the invites each one carries."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import icalendar
import pytest

from chalicelib.bookings.invites import send_appointment_mail
from chalicelib.models.account import Account
from chalicelib.models.appointment import Appointment
from infra.local.provision import LocalAws
from tests.functional.deliveries import sent_emails

NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
START = datetime(2026, 3, 27, 15, 0, tzinfo=UTC)  # 16:00 in Berlin, 11:00 in New York
EXPERT = "ada.expert@example.com"
CLIENT = "bob.client@example.com"


def sent() -> list[Any]:
    return sent_emails(deliver_first=False)  # this file sends the mail itself, from items it writes


def raw_to(address: str) -> EmailMessage:
    """The one raw email sent to ``address``, parsed as a mail client would."""
    found = [m for m in sent() if hasattr(m, "raw_data") and address in m.raw_data]
    assert len(found) == 1, [getattr(m, "raw_data", m.__dict__) for m in sent()]
    message = email.message_from_string(found[0].raw_data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    assert message["To"] == address
    return message


def invite_of(message: EmailMessage) -> tuple[str, icalendar.Calendar]:
    (part,) = list(message.iter_attachments())
    assert part.get_filename() == "invite.ics"
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return f"{part.get_content_type()}; method={part.get_param('method')}", icalendar.Calendar.from_ical(payload)


def text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return "\n".join(body.get_content().splitlines())


def plain_to(address: str) -> list[Any]:
    return [m for m in sent() if not hasattr(m, "raw_data") and address in m.destinations["ToAddresses"]]


@pytest.fixture
def item(aws: LocalAws) -> Appointment:
    for account_id, address, name in (("expert-1", EXPERT, "Ada Expert"), ("client-1", CLIENT, "Bob Client")):
        Account(account_id, email=address, kind="individual", display_name=name, created_at=NOW, updated_at=NOW).save()
    return Appointment(
        "apt_42", expert_id="expert-1", client_id="client-1", kind="paid", status="confirmed",
        start=START, end=START + timedelta(minutes=60), minutes=60, buffer_before_minutes=0,
        buffer_after_minutes=0, lock_count=12, expert_zone="Europe/Berlin", client_zone="America/New_York",
        sequence=0, service_name="Tax review", currency="USD", amount=12000, created_at=NOW, updated_at=NOW,
    )  # fmt: skip


def test_a_confirmation_sends_each_side_an_invite_in_their_own_zone(item: Appointment) -> None:
    send_appointment_mail(item, "confirmed", now=NOW)

    assert len(sent()) == 2
    for address, zone, local in ((EXPERT, "Europe/Berlin", "16:00"), (CLIENT, "America/New_York", "11:00")):
        message = raw_to(address)
        content_type, calendar = invite_of(message)
        assert content_type == "text/calendar; method=REQUEST"
        assert str(calendar["METHOD"]) == "REQUEST"
        (event,) = calendar.events
        assert str(event["UID"]) == "apt_42@parley"
        assert int(event["SEQUENCE"]) == 0
        assert event["DTSTART"].params["TZID"] == zone
        assert event.start == START
        assert [tz.tz_name for tz in calendar.timezones] == [zone]
        assert f"Friday 27 March 2026, {local} to" in text_of(message)
        assert message["Subject"] == "Confirmed: Tax review with " + (
            "Bob Client" if address == EXPERT else "Ada Expert"
        )


def test_a_reschedule_updates_the_same_event_with_a_higher_sequence(item: Appointment) -> None:
    send_appointment_mail(item, "confirmed", now=NOW)
    item.start, item.end, item.sequence = START + timedelta(days=1), START + timedelta(days=1, hours=1), 1
    send_appointment_mail(item, "rescheduled", now=NOW + timedelta(hours=1))

    updates = [m for m in sent() if "Moved:" in m.raw_data and CLIENT in m.raw_data]
    assert len(updates) == 1
    message = email.message_from_string(updates[0].raw_data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    _, calendar = invite_of(message)
    (event,) = calendar.events
    assert str(event["UID"]) == "apt_42@parley"
    assert int(event["SEQUENCE"]) == 1
    assert event.start == START + timedelta(days=1)
    assert "moved to Saturday 28 March 2026, 11:00 to 12:00 EDT (America/New_York)" in text_of(message)


def test_a_cancellation_sends_method_cancel_and_says_who_cancelled_and_what_was_charged(item: Appointment) -> None:
    item.status, item.sequence, item.cancelled_by, item.charged = "cancelled", 1, "client-1", 6000
    send_appointment_mail(item, "cancelled", now=NOW)

    assert len(sent()) == 2
    for address in (EXPERT, CLIENT):
        message = raw_to(address)
        content_type, calendar = invite_of(message)
        assert content_type == "text/calendar; method=CANCEL"
        (event,) = calendar.events
        assert str(calendar["METHOD"]) == "CANCEL"
        assert str(event["STATUS"]) == "CANCELLED"
        assert str(event["UID"]) == "apt_42@parley"
        assert int(event["SEQUENCE"]) == 1
    expert_text, client_text = text_of(raw_to(EXPERT)), text_of(raw_to(CLIENT))
    assert expert_text.startswith("Bob Client cancelled your appointment on Friday 27 March 2026, 16:00 to 17:00 CET")
    assert "Charged to the client under your cancellation policy: USD 60.00." in expert_text
    assert client_text.startswith("You cancelled your appointment with Ada Expert on Friday 27 March 2026, 11:00")
    assert "Charged to your card under the cancellation policy: USD 60.00 (of USD 120.00 held)." in client_text


def test_a_request_asks_the_expert_to_approve_in_their_zone_and_tells_the_client_without_invites(
    item: Appointment,
) -> None:
    item.status = "requested"
    send_appointment_mail(item, "requested", now=NOW)

    (to_expert,) = plain_to(EXPERT)
    (to_client,) = plain_to(CLIENT)
    assert [m for m in sent() if hasattr(m, "raw_data")] == []  # nothing confirmed: no calendar invite
    assert to_expert.subject == "New appointment request from Bob Client"
    assert (
        "waiting for your approval (it expires after 24 hours, at Saturday 21 March 2026, 10:00 CET" in to_expert.body
    )
    assert "When: Friday 27 March 2026, 16:00 to 17:00 CET (Europe/Berlin)" in to_expert.body
    assert to_client.subject == "Request sent to Ada Expert"
    assert "When: Friday 27 March 2026, 11:00 to 12:00 EDT (America/New_York)" in to_client.body


@pytest.mark.parametrize("event", ["declined", "expired"])
def test_a_request_that_ends_unconfirmed_tells_only_the_client_that_the_hold_was_released(
    item: Appointment, event: str
) -> None:
    item.status = event
    send_appointment_mail(item, event, now=NOW)

    assert plain_to(EXPERT) == []
    (notice,) = plain_to(CLIENT)
    assert "The USD 120.00 held on your card was released; you were not charged." in notice.body


def test_reminders_name_the_start_in_each_zone_and_an_approval_reminder_reaches_the_expert(item: Appointment) -> None:
    send_appointment_mail(item, "reminder", now=START - timedelta(hours=1))
    assert "Your appointment starts at Friday 27 March 2026, 16:00 CET (Europe/Berlin)." in plain_to(EXPERT)[0].body
    assert "Your appointment starts at Friday 27 March 2026, 11:00 EDT (America/New_York)." in plain_to(CLIENT)[0].body

    item.status = "requested"
    send_appointment_mail(item, "approval_reminder", now=NOW + timedelta(hours=20))
    reminder = plain_to(EXPERT)[-1]
    assert "A request has waited 20 hours; it expires at Saturday 21 March 2026, 10:00 CET (Europe/Berlin)." in (
        reminder.body
    )
    assert len(plain_to(CLIENT)) == 1


def test_one_recipient_failing_does_not_stop_the_other(item: Appointment, capsys: pytest.CaptureFixture[str]) -> None:
    client = Account.get("client-1")
    client.email = "not an address"  # SES refuses it
    client.save()
    send_appointment_mail(item, "confirmed", now=NOW)

    assert len(sent()) == 1
    raw_to(EXPERT)
    assert '"message": "appointment mail not sent"' in capsys.readouterr().out
