"""Appointments through the API: no double booking (locks per 5-minute granule), holds, free consultations."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib import runtime
from chalicelib.models.appointment import Appointment
from tests.functional.builders import become_expert, register
from tests.functional.conftest import User, Users
from tests.functional.money import DECLINED_CARD, card

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)  # a Sunday
MONDAY = "2026-03-02"


@dataclass
class Cast:
    expert: User
    client: User
    other: User
    stranger: User
    stripe: Any


def set_hours(api: Any, expert: User, **changes: Any) -> None:
    body: dict[str, Any] = {
        "time_zone": "UTC", "weekly_hours": {"monday": ["09:00-17:00"]}, "overrides": [],
        "buffer_before_minutes": 0, "buffer_after_minutes": 0, "minimum_notice_minutes": 120,
        "booking_horizon_days": 60,
    } | changes  # fmt: skip
    response = api.put("/experts/me/availability", headers=expert.auth, body=json.dumps(body))
    assert response.status_code == 200, response.json_body


@pytest.fixture
def cast(api: Any, users: Users, stripe_api: Any) -> Cast:
    runtime.set_clock(lambda: NOW)
    expert = users.sign_up("ada@example.com")
    become_expert(api, expert)  # 300 cents a minute
    set_hours(api, expert)
    people = []
    for email in ("grace@example.com", "alan@example.com", "mallory@example.com"):
        person = users.sign_up(email)
        assert register(api, person).status_code == 201
        people.append(person)
    client, other, stranger = people
    return Cast(expert, client, other, stranger, stripe_api)


def book(api: Any, cast: Cast, who: User, at: str, minutes: int = 30, number: str | None = None, **extra: Any) -> Any:
    body: dict[str, Any] = {"expert_id": cast.expert.sub, "start": f"{MONDAY}T{at}:00Z", "minutes": minutes}
    body |= {"kind": "paid", "payment_method_id": card(cast.stripe, number) if number else card(cast.stripe)}
    body |= extra
    return api.post("/bookings", headers=who.auth, body=json.dumps({k: v for k, v in body.items() if v is not None}))


def holds(cast: Cast) -> list[Any]:
    intents = cast.stripe.v1.payment_intents.list(params={"limit": 100}).data
    return [i for i in intents if i.metadata and i.metadata.to_dict().get("expert_id") == cast.expert.sub]


def slot_starts(api: Any, cast: Cast, minutes: int = 30) -> list[str]:
    response = api.get(f"/experts/{cast.expert.sub}/slots?from={MONDAY}&to={MONDAY}&minutes={minutes}")
    assert response.status_code == 200, response.json_body
    return [slot["start_utc"] for slot in response.json_body["slots"]]


def test_a_client_books_a_slot_and_the_card_is_held_for_its_minutes(api: Any, cast: Cast) -> None:
    response = book(api, cast, cast.client, "10:00")

    assert response.status_code == 201, response.json_body
    booking = response.json_body
    assert (booking["status"], booking["amount"], booking["currency"]) == ("confirmed", 9_000, "USD")
    assert (booking["start"], booking["end"]) == (f"{MONDAY}T10:00:00Z", f"{MONDAY}T10:30:00Z")
    [intent] = holds(cast)
    assert (intent.status, intent.amount, intent.metadata["purpose"]) == (
        "requires_capture", 9_000, f"appointment:{booking['appointment_id']}",
    )  # fmt: skip
    for person in (cast.client, cast.expert):
        read = api.get(f"/bookings/{booking['appointment_id']}", headers=person.auth)
        assert read.status_code == 200
        assert read.json_body["payment_id"] == booking["payment_id"]


def test_strangers_cannot_read_a_booking(api: Any, cast: Cast) -> None:
    booking = book(api, cast, cast.client, "10:00").json_body

    read = api.get(f"/bookings/{booking['appointment_id']}", headers=cast.stranger.auth)
    cancel = api.post(f"/bookings/{booking['appointment_id']}/cancel", headers=cast.stranger.auth)

    assert (read.status_code, read.json_body["error"]["code"]) == (404, "booking_not_found")
    assert cancel.status_code == 404


def test_the_same_slot_twice_is_refused_and_the_loser_is_never_charged(api: Any, cast: Cast) -> None:
    assert book(api, cast, cast.client, "10:00").status_code == 201

    second = book(api, cast, cast.other, "10:00")

    assert (second.status_code, second.json_body["error"]["code"]) == (409, "slot_taken")
    assert len(holds(cast)) == 1
    assert len(list(Appointment.scan())) == 1


def test_overlapping_bookings_of_different_lengths_are_refused(api: Any, cast: Cast) -> None:
    assert book(api, cast, cast.client, "10:00", minutes=60).status_code == 201

    inside = book(api, cast, cast.other, "10:30", minutes=30)
    around = book(api, cast, cast.other, "09:00", minutes=90)

    assert (inside.status_code, inside.json_body["error"]["code"]) == (409, "slot_taken")
    assert (around.status_code, around.json_body["error"]["code"]) == (409, "slot_taken")
    assert len(holds(cast)) == 1


def test_adjacent_bookings_both_succeed(api: Any, cast: Cast) -> None:
    assert book(api, cast, cast.client, "10:00").status_code == 201
    assert book(api, cast, cast.other, "10:30").status_code == 201
    assert book(api, cast, cast.stranger, "09:30").status_code == 201


def test_a_booking_holds_the_experts_buffers(api: Any, cast: Cast) -> None:
    set_hours(api, cast.expert, buffer_before_minutes=5, buffer_after_minutes=15)
    assert book(api, cast, cast.client, "10:00").status_code == 201

    assert f"{MONDAY}T10:30:00Z" not in slot_starts(api, cast)
    after = book(api, cast, cast.other, "10:30")
    before = book(api, cast, cast.other, "09:30")
    assert (after.status_code, after.json_body["error"]["code"]) == (409, "slot_taken")
    assert (before.status_code, before.json_body["error"]["code"]) == (409, "slot_taken")
    assert book(api, cast, cast.other, "11:00").status_code == 201


def test_a_declined_card_frees_the_slot(api: Any, cast: Cast) -> None:
    declined = book(api, cast, cast.client, "10:00", number=DECLINED_CARD)

    assert (declined.status_code, declined.json_body["error"]["code"]) == (402, "card_declined")
    assert list(Appointment.scan()) == []
    assert f"{MONDAY}T10:00:00Z" in slot_starts(api, cast)
    assert book(api, cast, cast.other, "10:00").status_code == 201


def test_the_free_consultation_needs_no_card_and_is_given_once(api: Any, cast: Cast) -> None:
    first = book(api, cast, cast.client, "10:00", kind="free_consultation", payment_method_id=None)
    again = book(api, cast, cast.client, "11:00", kind="free_consultation", payment_method_id=None)

    assert first.status_code == 201, first.json_body
    assert (first.json_body["status"], first.json_body["amount"]) == ("confirmed", None)
    assert (again.status_code, again.json_body["error"]["code"]) == (409, "free_consultation_used")
    assert book(api, cast, cast.other, "11:00", kind="free_consultation", payment_method_id=None).status_code == 201
    assert holds(cast) == []


def test_a_booked_slot_is_no_longer_offered_until_the_expert_cancels(api: Any, cast: Cast) -> None:
    booking = book(api, cast, cast.client, "10:00").json_body
    assert f"{MONDAY}T10:00:00Z" not in slot_starts(api, cast)
    assert f"{MONDAY}T09:00:00Z" not in slot_starts(api, cast, minutes=90)

    cancelled = api.post(f"/bookings/{booking['appointment_id']}/cancel", headers=cast.expert.auth)

    assert cancelled.status_code == 200, cancelled.json_body
    assert (cancelled.json_body["status"], cancelled.json_body["cancelled_by"]) == ("cancelled", cast.expert.sub)
    assert [intent.status for intent in holds(cast)] == ["canceled"]
    assert f"{MONDAY}T10:00:00Z" in slot_starts(api, cast)
    assert book(api, cast, cast.other, "10:00").status_code == 201
    again = api.post(f"/bookings/{booking['appointment_id']}/cancel", headers=cast.client.auth)
    assert (again.status_code, again.json_body["status"]) == (200, "cancelled")


def test_the_client_may_cancel_and_the_hold_is_released(api: Any, cast: Cast) -> None:
    booking = book(api, cast, cast.client, "10:00").json_body

    cancelled = api.post(f"/bookings/{booking['appointment_id']}/cancel", headers=cast.client.auth)

    assert cancelled.status_code == 200
    assert [intent.status for intent in holds(cast)] == ["canceled"]


@pytest.mark.parametrize(
    ("at", "minutes", "status", "code"),
    [
        ("10:03", 30, 400, "not_on_grid"),  # off the 5-minute grid
        ("10:00", 32, 400, "not_on_grid"),
        ("10:15", 30, 409, "slot_not_offered"),  # not a 30-minute slot the expert offers
        ("18:00", 30, 409, "slot_not_offered"),  # outside the expert's hours
    ],
)
def test_only_slots_the_expert_offers_can_be_booked(
    api: Any, cast: Cast, at: str, minutes: int, status: int, code: str
) -> None:
    response = book(api, cast, cast.client, at, minutes=minutes)

    assert (response.status_code, response.json_body["error"]["code"]) == (status, code)
    assert holds(cast) == []


def test_the_minimum_notice_is_checked_on_the_server(api: Any, cast: Cast) -> None:
    runtime.set_clock(lambda: datetime(2026, 3, 2, 9, 0, tzinfo=UTC))

    response = book(api, cast, cast.client, "10:00")

    assert (response.status_code, response.json_body["error"]["code"]) == (409, "slot_not_offered")
