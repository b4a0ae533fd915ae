"""The expert's cancellation and reschedule policy, as the client and the expert meet it.

The cast's expert charges 300 cents a minute; a 30-minute booking holds 9000. The clock is
Sunday 12:00 UTC and the bookings are on Monday, 22 hours or less away.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from chalicelib.models.payment import Payment
from tests.functional.booking_cast import (
    MONDAY,
    Cast,
    at,
    book,
    booking_mail,
    cast,
    holds,
    run_agenda,
    set_hours,
    slot_starts,
)

__all__ = ["cast"]  # the fixture


def cancel(api: Any, who: Any, booking: dict[str, Any]) -> Any:
    return api.post(f"/bookings/{booking['appointment_id']}/cancel", headers=who.auth)


def move(api: Any, who: Any, booking: dict[str, Any], start: str) -> Any:
    body = json.dumps({"start": f"{MONDAY}T{start}:00Z"})
    return api.post(f"/bookings/{booking['appointment_id']}/reschedule", headers=who.auth, body=body)


def test_the_policy_is_shown_before_booking_and_copied_onto_the_booking(api: Any, cast: Cast) -> None:
    set_hours(api, cast.expert, cancel_cutoff_hours=48, late_cancel_share_bps=2500)

    slots = api.get(f"/experts/{cast.expert.sub}/slots?from={MONDAY}&to={MONDAY}").json_body
    booking = book(api, cast, cast.client, "10:00").json_body
    set_hours(api, cast.expert, cancel_cutoff_hours=1, late_cancel_share_bps=10_000)  # later changes do not apply

    assert slots["booking_policy"] == {
        "requires_approval": False,
        "cancel_cutoff_hours": 48,
        "late_cancel_share_bps": 2500,
        "free_consultation": {"enabled": True, "minutes": 30},
    }
    assert booking["policy"] == {
        "cancel_cutoff_hours": 48, "late_cancel_share_bps": 2500, "free_cancellation_until": "2026-02-28T10:00:00Z",
    }  # fmt: skip
    assert cancel(api, cast.client, booking).json_body["charged"] == 2250


def test_a_late_cancellation_by_the_client_charges_the_policys_share_and_releases_the_rest(
    api: Any, cast: Cast
) -> None:
    set_hours(api, cast.expert, cancel_cutoff_hours=24, late_cancel_share_bps=5000)
    booking = book(api, cast, cast.client, "10:00").json_body

    cancelled = cancel(api, cast.client, booking)

    assert cancelled.status_code == 200, cancelled.json_body
    assert (cancelled.json_body["status"], cancelled.json_body["charged"]) == ("cancelled", 4500)
    [intent] = holds(cast)
    assert (intent.status, intent.amount_received) == ("succeeded", 4500)
    payment = Payment.get(booking["payment_id"])
    assert (payment.status, payment.captured, payment.refunded) == ("captured", 4500, 0)
    assert f"{MONDAY}T10:00:00Z" in slot_starts(api, cast)


def test_an_expert_who_cancels_late_releases_everything(api: Any, cast: Cast) -> None:
    booking = book(api, cast, cast.client, "10:00").json_body

    cancelled = cancel(api, cast.expert, booking)

    assert (cancelled.json_body["charged"], cancelled.json_body["cancelled_by"]) == (0, cast.expert.sub)
    assert [intent.status for intent in holds(cast)] == ["canceled"]


def test_a_cancellation_sends_both_a_calendar_cancel_for_the_same_invite(api: Any, cast: Cast) -> None:
    booking = book(api, cast, cast.client, "10:00").json_body

    cancel(api, cast.client, booking)

    for person in ("grace@example.com", "ada@example.com"):
        invite, cancellation = [_calendar(message) for message in booking_mail(person)]
        assert (_line(invite, "METHOD"), _line(cancellation, "METHOD")) == ("REQUEST", "CANCEL")
        assert _line(invite, "UID") == _line(cancellation, "UID")
        assert int(_line(cancellation, "SEQUENCE")) > int(_line(invite, "SEQUENCE"))


def test_the_expert_moves_a_booking_and_both_get_an_update_of_the_same_invite(api: Any, cast: Cast) -> None:
    booking = book(api, cast, cast.client, "10:00").json_body

    moved = move(api, cast.expert, booking, "14:00")

    assert moved.status_code == 200, moved.json_body
    assert (moved.json_body["appointment_id"], moved.json_body["start"]) == (
        booking["appointment_id"], f"{MONDAY}T14:00:00Z",
    )  # fmt: skip
    assert moved.json_body["payment_id"] == booking["payment_id"]
    starts = slot_starts(api, cast)
    assert f"{MONDAY}T10:00:00Z" in starts
    assert f"{MONDAY}T14:00:00Z" not in starts
    assert book(api, cast, cast.other, "14:00").json_body["error"]["code"] == "slot_taken"
    assert book(api, cast, cast.other, "10:00").status_code == 201
    invite, update = [_calendar(message) for message in booking_mail("grace@example.com")]
    assert _line(invite, "UID") == _line(update, "UID")
    assert int(_line(update, "SEQUENCE")) == int(_line(invite, "SEQUENCE")) + 1


def test_a_booking_cannot_be_moved_onto_someone_elses_time(api: Any, cast: Cast) -> None:
    booking = book(api, cast, cast.client, "10:00").json_body
    assert book(api, cast, cast.other, "11:00", minutes=60).status_code == 201

    refused = move(api, cast.expert, booking, "11:30")

    assert (refused.status_code, refused.json_body["error"]["code"]) == (409, "slot_taken")
    read = api.get(f"/bookings/{booking['appointment_id']}", headers=cast.client.auth).json_body
    assert read["start"] == f"{MONDAY}T10:00:00Z"
    assert f"{MONDAY}T10:00:00Z" not in slot_starts(api, cast)  # its own time is still held


def test_a_move_may_overlap_the_bookings_own_time(api: Any, cast: Cast) -> None:
    set_hours(api, cast.expert, buffer_after_minutes=30)  # 10:00-11:00 holds until 11:30
    booking = book(api, cast, cast.client, "10:00", minutes=60).json_body

    moved = move(api, cast.expert, booking, "11:00")

    assert moved.status_code == 200, moved.json_body
    assert book(api, cast, cast.other, "10:00", minutes=30).status_code == 201
    assert book(api, cast, cast.other, "12:00", minutes=30).json_body["error"]["code"] == "slot_taken"


def test_the_client_may_move_only_before_the_cut_off(api: Any, cast: Cast) -> None:
    set_hours(api, cast.expert, cancel_cutoff_hours=12)
    booking = book(api, cast, cast.client, "10:00").json_body

    early = move(api, cast.client, booking, "11:00")
    at(datetime(2026, 3, 1, 23, 0, tzinfo=UTC))  # 11 hours before 10:00
    late = move(api, cast.client, booking, "12:00")

    assert early.status_code == 200, early.json_body
    assert (late.status_code, late.json_body["error"]["code"]) == (409, "too_late_to_move")


def test_a_booking_charged_before_its_hold_lapsed_is_refunded_per_policy(api: Any, cast: Cast) -> None:
    far = "2026-03-16"  # two weeks ahead: longer than a card hold lasts
    body_start = f"{far}T10:00:00Z"
    booking = book(api, cast, cast.client, "10:00", start=body_start).json_body
    assert booking["status"] == "confirmed", booking

    run_agenda(datetime(2026, 3, 7, 12, 0, tzinfo=UTC))  # six days after the hold was placed
    payment = Payment.get(booking["payment_id"])
    assert (payment.status, payment.captured) == ("captured", 9000)
    assert str(payment.release_due_at) > "2026-03-16T10:30"  # the expert is paid only after delivering
    run_agenda(datetime(2026, 3, 7, 12, 5, tzinfo=UTC))
    assert Payment.get(booking["payment_id"]).captured == 9000  # once

    at(datetime(2026, 3, 15, 22, 0, tzinfo=UTC))  # 12 hours before: late
    cancelled = cancel(api, cast.client, booking)

    assert cancelled.json_body["charged"] == 4500
    payment = Payment.get(booking["payment_id"])
    assert (payment.captured, payment.refunded) == (9000, 4500)


def _calendar(message: Any) -> str:
    [part] = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
    content = part.get_content()
    return content.decode() if isinstance(content, bytes) else str(content)


def _line(calendar: str, name: str) -> str:
    unfolded = calendar.replace("\r\n ", "").replace("\r\n\t", "")
    [value] = [line.split(":", 1)[1] for line in unfolded.splitlines() if line.split(";")[0].split(":")[0] == name]
    return value.strip()


def test_the_bookings_conversation_records_each_change_and_its_evidence_shows_the_money(api: Any, cast: Cast) -> None:
    booking = book(api, cast, cast.client, "10:00", note="About my thesis").json_body
    thread = quote(booking["conversation_id"], safe="")
    at(datetime(2026, 3, 1, 12, 1, tzinfo=UTC))
    move(api, cast.expert, booking, "11:00")
    at(datetime(2026, 3, 1, 12, 2, tzinfo=UTC))
    message = api.post(
        f"/conversations/{thread}/messages", headers=cast.client.auth, body=json.dumps({"text": "Sorry, must cancel"})
    )
    at(datetime(2026, 3, 1, 12, 3, tzinfo=UTC))
    cancel(api, cast.client, booking)

    evidence = api.get(f"/conversations/{thread}/evidence", headers=cast.expert.auth)

    assert message.status_code == 201, message.json_body
    assert evidence.status_code == 200, evidence.json_body
    entries = [(entry["kind"], entry["text"].split(" ")[1]) for entry in evidence.json_body["entries"]]
    assert entries == [("event", "confirmed"), ("event", "moved"), ("message", "must"), ("event", "cancelled.")]
    [payment] = evidence.json_body["payments"]
    assert (payment["payment_id"], payment["captured"]) == (booking["payment_id"], 4500)
    outsider = api.get(f"/conversations/{thread}/evidence", headers=cast.stranger.auth)
    assert outsider.status_code == 404
