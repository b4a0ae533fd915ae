"""A booking on the running local stack, as the two people see it.

A client in New York picks a slot of an expert in Berlin (shown in the client's own zone),
pays by card, and both find their calendar invite in the local email outbox, each in their
own zone. The expert moves the appointment (both get an update of the same invite); the
client cancels before the policy's cut-off and pays nothing. A second booking, cancelled
late, is charged exactly the share the expert's policy names.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import requests
import stripe

from tests.stack.conftest import Person, eventually, new_person

if TYPE_CHECKING:
    from tests.stack.conftest import LocalStack

pytestmark = pytest.mark.stack
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CLIENT_ZONE, EXPERT_ZONE = "America/New_York", "Europe/Berlin"


def test_a_client_books_in_their_zone_gets_invites_and_the_policy_decides_what_cancelling_costs(
    local_stack: LocalStack, clock: Path
) -> None:
    api = local_stack.info["api_url"]
    run = uuid.uuid4().hex[:8]
    expert, client = _expert(local_stack, run), new_person(local_stack, f"nyc-client-{run}@example.com")
    day = (datetime.now(UTC) + timedelta(days=4)).date()

    # The client reads the slots in New York time and picks the first one.
    query = f"from={day}&to={day}&tz={CLIENT_ZONE}&minutes=30"
    slots = requests.get(f"{api}/experts/{expert.sub}/slots?{query}", timeout=30).json()
    assert slots["booking_policy"] == {
        "requires_approval": False,
        "cancel_cutoff_hours": 24,
        "late_cancel_share_bps": 5000,
        "free_consultation": {"enabled": True, "minutes": 30},
    }
    first = slots["slots"][0]
    start = datetime.fromisoformat(first["start_utc"].replace("Z", "+00:00"))
    assert datetime.fromisoformat(first["start"]) == start
    assert datetime.fromisoformat(first["start"]).utcoffset() == start.astimezone(ZoneInfo(CLIENT_ZONE)).utcoffset()
    assert start.astimezone(ZoneInfo(EXPERT_ZONE)).hour == 9  # the expert's first hour in Berlin

    booking = _book(local_stack, expert, client, first["start_utc"])
    assert (booking["status"], booking["amount"]) == ("confirmed", 9000)

    # Both find an invite in the outbox, its times in their own zone.
    for person, zone in ((client, CLIENT_ZONE), (expert, EXPERT_ZONE)):
        [invite] = _calendars(local_stack, person.email, 1)
        event = _event(invite)
        assert (invite["METHOD"], event["STATUS"]) == ("REQUEST", "CONFIRMED")
        assert event.decoded("DTSTART") == start
        assert str(event["DTSTART"].params["TZID"]) == zone

    # The expert moves it two hours later; both get an update of the same invite.
    later = start + timedelta(hours=2)
    moved = requests.post(
        f"{api}/bookings/{booking['appointment_id']}/reschedule", headers=expert.auth, timeout=30,
        json={"start": later.isoformat().replace("+00:00", "Z")},
    )  # fmt: skip
    assert moved.status_code == 200, moved.text
    for person in (client, expert):
        invite, update = _calendars(local_stack, person.email, 2)
        assert _event(update)["UID"] == _event(invite)["UID"]
        assert int(_event(update)["SEQUENCE"]) == int(_event(invite)["SEQUENCE"]) + 1
        assert _event(update).decoded("DTSTART") == later

    # The client cancels days ahead, within the free-cancellation window: nothing is charged.
    cancelled = requests.post(f"{api}/bookings/{booking['appointment_id']}/cancel", headers=client.auth, timeout=30)
    assert cancelled.status_code == 200, cancelled.text
    assert (cancelled.json()["status"], cancelled.json()["charged"]) == ("cancelled", 0)
    assert _intent(local_stack, booking["payment_id"]).status == "canceled"
    for person in (client, expert):
        assert _calendars(local_stack, person.email, 3)[-1]["METHOD"] == "CANCEL"

    # A second booking, cancelled 12 hours before it starts: half of it is charged, as the policy says.
    second = _book(local_stack, expert, client, first["start_utc"])
    clock.write_text(str(int((start - timedelta(hours=12) - datetime.now(UTC)).total_seconds())))
    late = requests.post(f"{api}/bookings/{second['appointment_id']}/cancel", headers=client.auth, timeout=30)
    assert late.status_code == 200, late.text
    assert late.json()["charged"] == 4500
    intent = _intent(local_stack, second["payment_id"])
    assert (intent.status, intent.amount_received) == ("succeeded", 4500)


def _expert(stack: LocalStack, run: str) -> Person:
    api = stack.info["api_url"]
    expert = new_person(stack, f"berlin-expert-{run}@example.com")
    profile: dict[str, Any] = {
        "slug": f"berlin-{run}", "name": "Bettina Berlin", "categories": ["career"], "languages": ["en", "de"],
        "currency": "USD", "rate_per_minute": 300, "free_minutes": 0,
    }  # fmt: skip
    assert requests.put(f"{api}/experts/me", json=profile, headers=expert.auth, timeout=30).status_code == 200
    availability: dict[str, Any] = {
        "time_zone": EXPERT_ZONE, "weekly_hours": {day: ["09:00-17:00"] for day in DAYS},
        "minimum_notice_minutes": 60, "booking_horizon_days": 30,
        "cancel_cutoff_hours": 24, "late_cancel_share_bps": 5000,
    }  # fmt: skip
    saved = requests.put(f"{api}/experts/me/availability", json=availability, headers=expert.auth, timeout=30)
    assert saved.status_code == 200, saved.text
    return expert


def _book(stack: LocalStack, expert: Person, client: Person, start: str) -> dict[str, Any]:
    body = {
        "expert_id": expert.sub, "start": start, "minutes": 30, "kind": "paid", "time_zone": CLIENT_ZONE,
        "payment_method_id": _card(stack), "note": "My CV, and whether to move to Berlin",
    }  # fmt: skip
    response = requests.post(f"{stack.info['api_url']}/bookings", json=body, headers=client.auth, timeout=60)
    assert response.status_code == 201, response.text
    booking: dict[str, Any] = response.json()
    return booking


def _calendars(stack: LocalStack, address: str, count: int) -> list[icalendar.Calendar]:
    """The calendar attachments in ``address``'s mail in the local outbox, oldest first, parsed, once
    there are ``count`` of them (the deliveries consumer sends them just after the change commits)."""

    def found() -> list[icalendar.Calendar]:
        outbox = requests.get(f"{stack.moto_url}/_parley/outbox", params={"to": address}, timeout=30)
        assert outbox.status_code == 200, outbox.text
        return [
            icalendar.Calendar.from_ical(attachment["content"])
            for mail in outbox.json()["emails"]
            for attachment in mail["attachments"]
            if attachment["content_type"].startswith("text/calendar")
        ]

    eventually(f"{count} calendar invites to {address}", lambda: len(found()) >= count)
    return found()


def _event(calendar: icalendar.Calendar) -> Any:
    [event] = calendar.walk("VEVENT")
    return event


def _stripe(stack: LocalStack) -> stripe.StripeClient:
    base = stack.info["app_environment"]["PARLEY_STRIPE_API_BASE"]
    return stripe.StripeClient("sk_test_local", base_addresses={"api": base})


def _card(stack: LocalStack) -> str:
    method = _stripe(stack).v1.payment_methods.create(
        params={"type": "card", "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123"}}
    )
    return str(method.id)


def _intent(stack: LocalStack, payment_id: str) -> Any:
    intents = _stripe(stack).v1.payment_intents.list(params={"limit": 100}).auto_paging_iter()
    [intent] = [
        i for i in intents if i.metadata and i.metadata.to_dict().get("purpose") == payment_id.removeprefix("pay:")
    ]
    return intent
