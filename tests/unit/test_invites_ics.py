"""The calendar invite of an appointment: what we send parses back, with a standard parser, to the
appointment's instants, in the recipient's zone, with the UID and SEQUENCE calendars update by."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import pytest

from chalicelib.bookings.invites import appointment_ics, booking_url, local_span, local_time
from chalicelib.models.appointment import Appointment
from chalicelib.settings import reset_settings

NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
# Between the US (8 March) and the EU (29 March) switching to summer time: New York is 5 hours behind
# Berlin instead of 6, and Kolkata (no DST) 4.5 hours ahead of Berlin instead of 3.5 in summer.
START = datetime(2026, 3, 27, 15, 0, tzinfo=UTC)
EXPERT, CLIENT = "ada@example.com", "bob@example.com"


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {
        "PARLEY_USER_POOL_ID": "us-east-1_test",
        "PARLEY_USER_POOL_CLIENT_IDS": "web",
        "PARLEY_MEDIA_BUCKET": "media",
        "PARLEY_SENDER_EMAIL": "bookings@parley.test",
        "PARLEY_WEB_ORIGIN": "*",
    }.items():
        monkeypatch.setenv(name, value)
    reset_settings()
    yield
    reset_settings()


def appointment(**changes: Any) -> Appointment:
    fields: dict[str, Any] = {
        "appointment_id": "apt_123",
        "expert_id": "expert-1",
        "client_id": "client-1",
        "kind": "paid",
        "status": "confirmed",
        "start": START,
        "end": START + timedelta(minutes=45),
        "minutes": 45,
        "buffer_before_minutes": 0,
        "buffer_after_minutes": 0,
        "lock_count": 9,
        "expert_zone": "Europe/Berlin",
        "client_zone": "America/New_York",
        "sequence": 0,
        "service_name": "Tax review",
        "created_at": NOW,
        "updated_at": NOW,
    }
    fields.update(changes)
    return Appointment(**fields)


def ics(item: Appointment, zone: str, method: str = "REQUEST") -> bytes:
    return appointment_ics(
        item, recipient_zone=zone, method=method, recipient_email=CLIENT, other_email=EXPERT, now=NOW,
        recipient_name="Bob Client", other_name="Ada Expert",
    )  # fmt: skip


def parsed(data: bytes) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    (event,) = calendar.events
    return calendar, event


@pytest.mark.parametrize(
    ("zone", "local_start", "offset"),
    [
        ("Europe/Berlin", "20260327T160000", "+0100"),
        ("America/New_York", "20260327T110000", "-0400"),
        ("Asia/Kolkata", "20260327T203000", "+0530"),
    ],
)
def test_an_invite_parses_back_to_the_appointments_instants_written_in_the_recipients_zone(
    zone: str, local_start: str, offset: str
) -> None:
    item = appointment(sequence=0)
    data = ics(item, zone)
    calendar, event = parsed(data)

    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//Parley//Appointments//EN"
    assert str(event["UID"]) == "apt_123@parley"
    assert int(event["SEQUENCE"]) == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.start == item.start
    assert event.end == item.end
    assert event["DTSTART"].params["TZID"] == zone
    assert event["DTEND"].params["TZID"] == zone
    assert f"DTSTART;TZID={zone}:{local_start}".encode() in data  # the local wall time, not UTC
    assert [tz.tz_name for tz in calendar.timezones] == [zone]  # the VTIMEZONE the TZID refers to
    assert calendar.get_missing_tzids() == set()
    assert f"TZOFFSETTO:{offset}".encode() in data
    assert event.stamp == NOW
    assert str(event["SUMMARY"]) == "Tax review with Ada Expert"
    assert str(event["ORGANIZER"]) == "mailto:bookings@parley.test"
    assert sorted(str(a) for a in event["ATTENDEE"]) == sorted([f"mailto:{CLIENT}", f"mailto:{EXPERT}"])
    assert str(event["LOCATION"]) == "http://localhost:8000/bookings/apt_123"
    assert "Booking: http://localhost:8000/bookings/apt_123" in str(event["DESCRIPTION"])


def test_an_appointment_across_berlins_spring_forward_is_one_hour_long_and_starts_at_0130_cet() -> None:
    start = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 01:30 CET; at 01:00 UTC Berlin jumps from 02:00 to 03:00
    item = appointment(start=start, end=start + timedelta(hours=1), minutes=60)
    data = ics(item, "Europe/Berlin")
    _, event = parsed(data)

    assert b"DTSTART;TZID=Europe/Berlin:20260329T013000\r\n" in data
    assert b"DTEND;TZID=Europe/Berlin:20260329T033000\r\n" in data  # two hours on the clock, one hour of time
    # (Python subtracts two datetimes of one zone on the wall clock: compare the instants in UTC.)
    assert event.end.astimezone(UTC) - event.start.astimezone(UTC) == timedelta(hours=1)
    assert event.start == start
    assert local_span(item.start, item.end, "Europe/Berlin") == (
        "Sunday 29 March 2026, 01:30 CET to 03:30 CEST (Europe/Berlin)"
    )


def test_a_reschedule_keeps_the_uid_and_raises_the_sequence_with_the_new_times() -> None:
    first = parsed(ics(appointment(sequence=0), "America/New_York"))[1]
    moved_start = START + timedelta(days=3)
    moved = parsed(ics(appointment(sequence=1, start=moved_start, end=moved_start + timedelta(minutes=45)),
                       "America/New_York"))[1]  # fmt: skip

    assert moved["UID"] == first["UID"] == "apt_123@parley"
    assert int(moved["SEQUENCE"]) == int(first["SEQUENCE"]) + 1
    assert moved.start == moved_start
    assert moved.start != first.start


def test_a_cancellation_is_method_cancel_with_status_cancelled_for_the_same_uid() -> None:
    calendar, event = parsed(ics(appointment(status="cancelled", sequence=2), "Asia/Kolkata", method="CANCEL"))

    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == "apt_123@parley"
    assert int(event["SEQUENCE"]) == 2
    assert event.walk("VALARM") == []  # nothing to remind of


def test_the_calendar_text_has_crlf_lines_folded_at_75_octets_and_reserialises_to_the_same_bytes() -> None:
    long_name = "Quarterly tax, payroll and pension review for small companies with staff abroad"
    data = ics(appointment(service_name=long_name, note="Bring last year's return, please."), "Europe/Berlin")

    assert data.endswith(b"END:VCALENDAR\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)  # every line ends in CRLF
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # the long SUMMARY was folded
    _, event = parsed(data)
    assert str(event["SUMMARY"]) == f"{long_name} with Ada Expert"  # and unfolds back whole
    assert icalendar.Calendar.from_ical(data).to_ical() == data


def test_the_meeting_link_is_the_location_when_the_service_has_one() -> None:
    _, event = parsed(ics(appointment(meeting_url="https://meet.example.com/abc"), "Europe/Berlin"))

    assert str(event["LOCATION"]) == str(event["URL"]) == "https://meet.example.com/abc"
    assert "Join: https://meet.example.com/abc" in str(event["DESCRIPTION"])


def test_a_free_consultation_without_a_service_is_called_one() -> None:
    _, event = parsed(ics(appointment(kind="free_consultation", service_name=None), "Europe/Berlin"))

    assert str(event["SUMMARY"]) == "Free consultation with Ada Expert"


def test_links_use_the_stages_web_origin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_WEB_ORIGIN", "https://app.parley.example/")
    reset_settings()

    assert booking_url("apt_9") == "https://app.parley.example/bookings/apt_9"


def test_times_in_the_text_name_the_day_the_local_time_and_the_zone() -> None:
    assert local_time(START, "America/New_York") == "Friday 27 March 2026, 11:00 EDT (America/New_York)"
    assert local_time(START, "Asia/Kolkata") == "Friday 27 March 2026, 20:30 IST (Asia/Kolkata)"
    late = datetime(2026, 3, 27, 22, 30, tzinfo=UTC)
    assert local_span(late, late + timedelta(hours=1), "Europe/Berlin") == (
        "Friday 27 March 2026, 23:30 to Saturday 28 March 2026, 00:30 CET (Europe/Berlin)"
    )


def test_an_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="PUBLISH"):
        ics(appointment(), "Europe/Berlin", method="PUBLISH")
