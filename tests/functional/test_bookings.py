"""Appointments through the API: no double booking (locks per 5-minute granule), holds, free consultations."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib import runtime
from chalicelib.models.appointment import Appointment
from tests.functional.booking_cast import MONDAY, Cast, book, cast, holds, set_hours, slot_starts
from tests.functional.money import DECLINED_CARD, intents_left_over, saved_card

__all__ = ["cast"]  # the fixture


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


def test_a_free_consultation_longer_than_the_expert_offers_is_refused_and_none_when_turned_off(
    api: Any, cast: Cast
) -> None:
    set_hours(api, cast.expert, free_consultation={"enabled": True, "minutes": 20})
    too_long = book(api, cast, cast.client, "10:00", minutes=240, kind="free_consultation", payment_method_id=None)
    assert too_long.status_code == 400, too_long.json_body
    assert [(f["field"], f["code"]) for f in too_long.json_body["error"]["fields"]] == [
        ("minutes", "free_consultation_too_long")
    ]
    assert book(api, cast, cast.client, "10:00", minutes=20, kind="free_consultation",
                payment_method_id=None).status_code == 201  # fmt: skip

    set_hours(api, cast.expert, free_consultation={"enabled": False})
    off = book(api, cast, cast.other, "11:00", minutes=20, kind="free_consultation", payment_method_id=None)
    assert (off.status_code, off.json_body["error"]["code"]) == (409, "free_consultation_not_offered")
    assert holds(cast) == []


def test_the_experts_free_consultation_setting_shows_on_the_profile_and_the_slots(api: Any, cast: Cast) -> None:
    slots = f"/experts/{cast.expert.sub}/slots?from={MONDAY}&to={MONDAY}&minutes=30"
    by_default = {"enabled": True, "minutes": 30}  # most experts offer one, the seeds say
    assert api.get(slots).json_body["booking_policy"]["free_consultation"] == by_default
    assert api.get(f"/experts/{cast.expert.sub}").json_body["free_consultation"] == by_default

    set_hours(api, cast.expert, free_consultation={"enabled": True, "minutes": 15})
    assert api.get(slots).json_body["booking_policy"]["free_consultation"] == {"enabled": True, "minutes": 15}
    set_hours(api, cast.expert, free_consultation={"enabled": False})
    assert api.get(f"/experts/{cast.expert.sub}").json_body["free_consultation"] == {"enabled": False, "minutes": None}
    bad = api.put("/experts/me/availability", headers=cast.expert.auth, body=json.dumps({
        "time_zone": "UTC", "weekly_hours": {}, "free_consultation": {"enabled": True, "minutes": 240},
    }))  # fmt: skip
    assert [f["field"] for f in bad.json_body["error"]["fields"]] == ["free_consultation.minutes"]


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


def test_a_client_who_cancels_before_the_cut_off_pays_nothing(api: Any, cast: Cast) -> None:
    set_hours(api, cast.expert, cancel_cutoff_hours=12)  # the booking is 22 hours away
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


def test_people_list_their_bookings_a_page_at_a_time_and_cannot_reuse_anothers_cursor(api: Any, cast: Cast) -> None:
    for hour in ("10:00", "11:00", "12:00"):
        assert book(api, cast, cast.client, hour).status_code == 201
    assert book(api, cast, cast.other, "13:00").status_code == 201

    first = api.get("/bookings?limit=2", headers=cast.client.auth).json_body
    second = api.get(f"/bookings?limit=2&cursor={first['next_cursor']}", headers=cast.client.auth).json_body
    stolen = api.get(f"/bookings?limit=2&cursor={first['next_cursor']}", headers=cast.other.auth)
    as_expert = api.get("/bookings?as=expert", headers=cast.expert.auth).json_body
    runtime.set_clock(lambda: datetime(2026, 3, 3, tzinfo=UTC))
    past = api.get("/bookings?when=past", headers=cast.client.auth).json_body

    starts = [b["start"][11:16] for b in first["items"] + second["items"]]
    assert starts == ["10:00", "11:00", "12:00"]
    assert (stolen.status_code, stolen.json_body["error"]["code"]) == (422, "invalid_cursor")
    assert len(as_expert["items"]) == 4
    assert [b["start"][11:16] for b in past["items"]] == ["12:00", "11:00", "10:00"]


def test_listing_bookings_by_a_status_no_booking_can_have_is_a_400_naming_the_status(api: Any, cast: Cast) -> None:
    assert book(api, cast, cast.client, "10:00").status_code == 201

    unknown = api.get("/bookings?status=pending", headers=cast.client.auth)
    confirmed = api.get("/bookings?status=confirmed", headers=cast.client.auth)

    assert unknown.status_code == 400, unknown.json_body
    assert [problem["field"] for problem in unknown.json_body["error"]["fields"]] == ["status"]
    assert [b["status"] for b in confirmed.json_body["items"]] == ["confirmed"]


def make_service(api: Any, cast: Cast, **changes: Any) -> str:
    body: dict[str, Any] = {
        "name": "Architecture review", "slug": f"review-{len(changes)}", "description": "A 45-minute review.",
        "upfront_hold": 25_000, "meeting": {"location_url": "https://meet.example.com/ada", "duration_minutes": 45},
    } | changes  # fmt: skip
    made = api.post("/experts/me/services", headers=cast.expert.auth, body=json.dumps(body))
    assert made.status_code == 201, made.json_body
    return str(made.json_body["service_id"])


def test_a_service_with_a_meeting_is_booked_for_its_length_and_holds_its_upfront_amount(api: Any, cast: Cast) -> None:
    service_id = make_service(api, cast)

    wrong = book(api, cast, cast.client, "10:00", minutes=30, service_id=service_id)
    booked = book(api, cast, cast.client, "09:45", minutes=45, service_id=service_id)

    assert (wrong.status_code, wrong.json_body["error"]["code"]) == (400, "meeting_length")
    assert booked.status_code == 201, booked.json_body
    assert (booked.json_body["amount"], booked.json_body["service_name"], booked.json_body["meeting_url"]) == (
        25_000, "Architecture review", "https://meet.example.com/ada",
    )  # fmt: skip
    assert [intent.amount for intent in holds(cast)] == [25_000]


def test_a_service_without_an_upfront_hold_is_booked_without_a_card(api: Any, cast: Cast) -> None:
    service_id = make_service(api, cast, upfront_hold=None)

    booked = book(api, cast, cast.client, "09:45", minutes=45, service_id=service_id, payment_method_id=None)

    assert booked.status_code == 201, booked.json_body
    assert (booked.json_body["status"], booked.json_body["amount"]) == ("confirmed", None)
    assert holds(cast) == []


@pytest.mark.parametrize("path", ["/bookings", "/leads/mine", "/conversations", "/sellers/me/bids"])
def test_a_page_size_written_in_other_digits_is_a_clear_400_not_a_crash(api: Any, cast: Cast, path: str) -> None:
    response = api.get(f"{path}?limit=%C2%B2", headers=cast.client.auth)  # "²": a digit to str.isdigit, not to int

    assert response.status_code == 400, response.json_body


def test_a_booking_paid_with_another_clients_saved_card_is_refused_and_nothing_is_written(api: Any, cast: Cast) -> None:
    others_card = saved_card(api, cast.stripe, cast.other)
    assert book(api, cast, cast.client, "09:00").status_code == 201  # the client has a Stripe customer of their own

    refused = book(api, cast, cast.client, "10:00", payment_method_id=others_card)

    assert (refused.status_code, refused.json_body["error"]["code"]) == (400, "card_not_yours")
    assert [a.start.isoformat() for a in Appointment.scan()] == [f"{MONDAY}T09:00:00+00:00"]
    assert len(holds(cast)) == 1
    assert f"{MONDAY}T10:00:00Z" in slot_starts(api, cast)
    assert book(api, cast, cast.other, "10:00", payment_method_id=others_card).status_code == 201  # its owner may


def test_a_declined_booking_writes_nothing_and_leaves_no_payment_intent_at_stripe(api: Any, cast: Cast) -> None:
    declined = book(api, cast, cast.client, "10:00", number=DECLINED_CARD)

    assert (declined.status_code, declined.json_body["error"]["code"]) == (402, "card_declined")
    assert list(Appointment.scan()) == []
    assert intents_left_over(cast.stripe) == []
    assert [i.status for i in holds(cast)] == ["canceled"]
