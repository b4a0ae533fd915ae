"""A booked appointment's call: opened once by either side in its window, joined like an instant call, ended at
the booked end by the sweep, paid by the booking alone, and rated after it took place."""

from __future__ import annotations

import itertools
import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.errors import NotFound
from chalicelib.models.appointment import Appointment
from chalicelib.models.ledger import LedgerRecord
from chalicelib.models.payment import Payment
from chalicelib.models.session import CallSession
from chalicelib.sessions import calls
from chalicelib.sessions.appointment_calls import open_appointment_call
from tests.functional.booking_cast import Cast, at, book, booking_mail, cast, holds, run_agenda
from tests.functional.call_timers import PlayedTimers
from tests.functional.money import balance, revenue
from tests.functional.test_calls import RecordingNotifier

__all__ = ["cast"]  # the fixture

START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # the booked slot: Monday 10:00-10:30 UTC, 9000 cents
END = START + timedelta(minutes=30)


@pytest.fixture
def booking(api: Any, cast: Cast) -> dict[str, Any]:
    made = book(api, cast, cast.client, "10:00", media="voice")
    assert made.status_code == 201, made.json_body
    return dict(made.json_body)


def open_call(api: Any, who: Any, appointment_id: str, **headers: str) -> Any:
    return api.post(f"/bookings/{appointment_id}/call", headers=who.auth | headers)


def read_booking(api: Any, who: Any, appointment_id: str) -> dict[str, Any]:
    response = api.get(f"/bookings/{appointment_id}", headers=who.auth)
    assert response.status_code == 200, response.json_body
    return dict(response.json_body)


def call_receipt(address: str, subject: str) -> str:
    [receipt] = [mail for mail in booking_mail(address) if mail["Subject"] == subject]
    return str(receipt.get_content())


def held_call(cast: Cast, booking: dict[str, Any], notifier: RecordingNotifier) -> str:
    """Open the call five minutes early, both join at the start and the client's media connects."""
    view = open_appointment_call(booking["appointment_id"], cast.client.sub, notifier=notifier,
                                 now=START - timedelta(minutes=5))  # fmt: skip
    session_id = str(view["session_id"])
    calls.join_call(session_id, cast.client.sub, notifier=notifier, now=START)
    assert calls.join_call(session_id, cast.expert.sub, notifier=notifier, now=START)["state"] == "active"
    calls.report_media_connected(session_id, cast.client.sub, now=START)
    return session_id


def test_joining_opens_the_appointments_call_once_for_both_sides(api: Any, cast: Cast, booking: dict[str, Any]) -> None:
    appointment_id = booking["appointment_id"]
    assert read_booking(api, cast.client, appointment_id)["call"] == {
        "session_id": None, "joinable_from": "2026-03-02T09:50:00Z", "joinable_until": "2026-03-02T10:30:00Z",
        "joinable_now": False, "media": "voice",
    }  # fmt: skip
    at(START - timedelta(minutes=5))

    by_client = open_call(api, cast.client, appointment_id)
    by_expert = open_call(api, cast.expert, appointment_id, **{"Idempotency-Key": "join-1"})
    again = open_call(api, cast.client, appointment_id)

    assert by_client.status_code == 200, by_client.json_body
    session = by_client.json_body
    assert (session["state"], session["appointment_id"], session["media"], session["role"]) == (
        "accepted", appointment_id, "voice", "client",
    )  # fmt: skip
    assert (session["hold_ready"], session["payment_id"], session["paid"]) == (True, None, True)
    assert (by_expert.status_code, by_expert.json_body["session_id"], by_expert.json_body["role"]) == (
        200, session["session_id"], "expert",
    )  # fmt: skip
    assert again.json_body["session_id"] == session["session_id"]
    assert len(list(CallSession.scan())) == 1
    for person in (cast.client, cast.expert):
        call = read_booking(api, person, appointment_id)["call"]
        assert (call["session_id"], call["joinable_now"]) == (session["session_id"], True)
    read = api.get(f"/sessions/{session['session_id']}", headers=cast.expert.auth)
    assert (read.status_code, read.json_body["appointment_id"]) == (200, appointment_id)
    assert api.get(f"/sessions/{session['session_id']}", headers=cast.stranger.auth).status_code == 404
    assert len(holds(cast)) == 1  # the booking's hold only: the call holds nothing more


def test_the_other_participant_is_told_the_call_opened_and_both_join_as_for_an_instant_call(
    cast: Cast, booking: dict[str, Any]
) -> None:
    notifier = RecordingNotifier()
    opened_at = START - timedelta(minutes=2)

    view = open_appointment_call(booking["appointment_id"], cast.expert.sub, notifier=notifier, now=opened_at)
    session_id = view["session_id"]

    [told] = notifier.to(cast.client.sub, "session.opened")
    assert (told["session_id"], told["appointment_id"], told["role"]) == (
        session_id, booking["appointment_id"], "expert",
    )  # fmt: skip
    assert told["session"]["role"] == "client"
    assert notifier.to(cast.expert.sub) == []
    open_appointment_call(booking["appointment_id"], cast.client.sub, notifier=notifier, now=opened_at)
    assert len(notifier.to(cast.client.sub, "session.opened")) == 1  # told once, when it was opened

    first = calls.join_call(session_id, cast.client.sub, device="conn-client=", notifier=notifier, now=opened_at)
    second = calls.join_call(session_id, cast.expert.sub, device="conn-expert=", notifier=notifier, now=START)
    assert (first["state"], first["peer_present"]) == ("accepted", False)
    assert (second["state"], second["peer_present"]) == ("active", True)
    [active] = notifier.to(cast.client.sub, "session.active")
    assert active["cutoff_at"] == END.isoformat()  # the booked end, not 90 minutes on
    assert calls.relay_route(session_id, "conn-client=", START, account=lambda: cast.client.sub).to_devices == (
        "conn-expert=",
    )
    with pytest.raises(NotFound) as stranger:
        calls.relay_route(session_id, "conn-stranger=", START, account=lambda: cast.stranger.sub)
    assert stranger.value.code == "session_not_found"


def test_both_sides_opening_the_call_many_times_at_once_get_one_session(
    api: Any, cast: Cast, booking: dict[str, Any]
) -> None:
    from tests.functional.at_once import at_once

    at(START - timedelta(minutes=1))
    sides = itertools.cycle([cast.client, cast.expert])
    lock = threading.Lock()

    def either_side() -> Any:
        with lock:
            who = next(sides)
        return open_call(api, who, booking["appointment_id"])

    answers = at_once(either_side)

    statuses = sorted({(a.status_code, (a.json_body.get("error") or {}).get("code", "")) for a in answers})
    print("appointment call opens:", statuses)
    assert set(statuses) <= {(200, ""), (409, "changed_concurrently")}, statuses
    assert (200, "") in statuses
    opened = {a.json_body["session_id"] for a in answers if a.status_code == 200}
    [session] = list(CallSession.scan())
    assert opened == {session.session_id}
    assert Appointment.get(booking["appointment_id"]).call_session_id == session.session_id


def test_opening_the_call_too_early_is_refused_saying_when_it_opens(
    api: Any, cast: Cast, booking: dict[str, Any]
) -> None:
    at(START - timedelta(minutes=11))

    early = open_call(api, cast.client, booking["appointment_id"])

    assert (early.status_code, early.json_body["error"]["code"]) == (409, "call_not_open_yet")
    assert "2026-03-02T09:50:00Z" in early.json_body["error"]["message"]
    assert list(CallSession.scan()) == []
    at(START - timedelta(minutes=10))
    assert open_call(api, cast.expert, booking["appointment_id"]).status_code == 200


def test_a_cancelled_booking_has_no_call_and_an_ended_one_can_no_longer_be_opened(
    api: Any, cast: Cast, booking: dict[str, Any]
) -> None:
    later = book(api, cast, cast.other, "11:00").json_body
    cancelled = api.post(f"/bookings/{booking['appointment_id']}/cancel", headers=cast.client.auth)
    assert cancelled.status_code == 200, cancelled.json_body
    at(START)

    refused = open_call(api, cast.expert, booking["appointment_id"])
    at(datetime(2026, 3, 2, 11, 30, tzinfo=UTC))
    over = open_call(api, cast.other, later["appointment_id"])

    assert (refused.status_code, refused.json_body["error"]["code"]) == (409, "booking_cancelled")
    assert (over.status_code, over.json_body["error"]["code"]) == (409, "appointment_ended")
    assert read_booking(api, cast.client, booking["appointment_id"])["call"]["joinable_now"] is False
    assert list(CallSession.scan()) == []
    stranger = open_call(api, cast.stranger, later["appointment_id"])
    assert (stranger.status_code, stranger.json_body["error"]["code"]) == (404, "booking_not_found")


def test_a_booking_awaiting_the_experts_approval_has_no_call_yet(api: Any, cast: Cast) -> None:
    from tests.functional.booking_cast import set_hours

    set_hours(api, cast.expert, requires_approval=True)
    waiting = book(api, cast, cast.client, "10:00").json_body
    assert waiting["status"] == "requested"
    at(START)

    refused = open_call(api, cast.client, waiting["appointment_id"])

    assert (refused.status_code, refused.json_body["error"]["code"]) == (409, "booking_not_confirmed")


def test_its_timer_ends_the_call_at_the_booked_end_with_a_receipt_showing_no_extra_charge(
    cast: Cast, booking: dict[str, Any], call_timers: PlayedTimers
) -> None:
    notifier = RecordingNotifier()
    session_id = held_call(cast, booking, notifier)

    for minute in range(1, 30):
        call_timers.run_until(START + timedelta(minutes=minute, seconds=1), notifier)
    assert [m["minutes_left"] for m in notifier.to(cast.client.sub, "session.warning")] == [5, 1]
    assert calls.get_call(session_id, cast.client.sub)["state"] == "active"

    first = call_timers.run_until(END + timedelta(seconds=40), notifier)
    second = call_timers.run_until(END + timedelta(seconds=50), notifier)

    assert (first.ended, second.ended, second.timers) == (1, 0, 0)
    ended = calls.get_call(session_id, cast.client.sub)
    assert (ended["state"], ended["end_reason"], ended["ended_at"]) == ("ended", "booked_end", END.isoformat())
    assert ended["bill"] == {
        "currency": "USD", "free_call": False, "billable_seconds": 1_800, "billed_minutes": 0, "free_minutes": 0,
        "amount": 9_000, "appointment_id": booking["appointment_id"], "paid_by_booking": True,
    }  # fmt: skip
    assert len(notifier.to(cast.client.sub, "session.ended")) == 1
    [intent] = holds(cast)  # no second charge: the booking's hold is all there is, not captured yet
    assert (intent.status, intent.amount) == ("requires_capture", 9_000)
    assert Payment.get(booking["payment_id"]).captured == 0
    receipt = call_receipt("grace@example.com", "Your Parley call receipt")
    assert "Appointment price: USD 90.00, paid by the booking" in receipt
    assert "Charged for this call: USD 0.00 (no per-minute charge)" in receipt
    assert "Duration: 30 min 00 s" in receipt
    assert "Your earnings: USD 81.00, from the booking" in call_receipt("ada@example.com", "Your Parley call earnings")


def test_the_experts_earnings_are_the_bookings_and_the_call_adds_nothing_to_the_ledger(
    api: Any, cast: Cast, booking: dict[str, Any], call_timers: PlayedTimers
) -> None:
    notifier = RecordingNotifier()
    session_id = held_call(cast, booking, notifier)
    calls.hang_up(session_id, cast.expert.sub, now=START + timedelta(minutes=25))
    call_timers.run_until(END + timedelta(minutes=1), notifier)
    assert (balance(cast.expert.sub, "pending"), revenue()) == (0, 0)

    run_agenda(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))  # the booking completes after its grace: it is charged
    run_agenda(datetime(2026, 3, 2, 11, 5, tzinfo=UTC))
    call_timers.run_until(datetime(2026, 3, 2, 11, 6, tzinfo=UTC), notifier)

    done = read_booking(api, cast.client, booking["appointment_id"])
    assert (done["status"], done["charged"]) == ("completed", 9_000)
    assert Payment.get(booking["payment_id"]).captured == 9_000
    assert (balance(cast.expert.sub, "pending"), revenue()) == (8_100, 900)
    postings = [(record.txn_id, record.kind) for record in LedgerRecord.scan()]
    assert postings
    assert all(booking["appointment_id"] in txn_id for txn_id, _ in postings), postings  # the booking's capture only
    expert_view = calls.get_call(session_id, cast.expert.sub)["bill"]
    assert (expert_view["amount"], expert_view["fee"], expert_view["earnings"]) == (9_000, 900, 8_100)


def test_hanging_up_ends_the_appointments_call_and_opening_it_again_answers_the_ended_call(
    api: Any, cast: Cast, booking: dict[str, Any]
) -> None:
    session_id = held_call(cast, booking, RecordingNotifier())
    at(START + timedelta(minutes=10))

    hung_up = api.post(f"/sessions/{session_id}/hang-up", headers=cast.client.auth)
    again = open_call(api, cast.expert, booking["appointment_id"])

    assert (hung_up.status_code, hung_up.json_body["state"], hung_up.json_body["end_reason"]) == (
        200, "ended", "hung_up",
    )  # fmt: skip
    assert (again.status_code, again.json_body["session_id"], again.json_body["state"]) == (200, session_id, "ended")
    call = read_booking(api, cast.client, booking["appointment_id"])["call"]
    assert (call["session_id"], call["joinable_now"]) == (session_id, False)


def test_cancelling_the_booking_during_its_call_ends_the_call(api: Any, cast: Cast, booking: dict[str, Any]) -> None:
    session_id = held_call(cast, booking, RecordingNotifier())
    at(START + timedelta(minutes=5))

    cancelled = api.post(f"/bookings/{booking['appointment_id']}/cancel", headers=cast.expert.auth)

    assert cancelled.status_code == 200, cancelled.json_body
    ended = calls.get_call(session_id, cast.client.sub)
    assert (ended["state"], ended["end_reason"], ended["bill"]["amount"]) == ("ended", "cancelled", 0)


def test_the_client_rates_the_appointments_call_once_after_it_took_place(
    api: Any, cast: Cast, booking: dict[str, Any]
) -> None:
    session_id = held_call(cast, booking, RecordingNotifier())
    calls.hang_up(session_id, cast.client.sub, now=START + timedelta(minutes=28))
    body = json.dumps({"stars": 5, "comment": "Exactly what we booked for."})

    by_expert = api.post(f"/sessions/{session_id}/review", headers=cast.expert.auth, body=body)
    review = api.post(f"/sessions/{session_id}/review", headers=cast.client.auth, body=body)
    twice = api.post(f"/sessions/{session_id}/review", headers=cast.client.auth, body=body)

    assert (by_expert.status_code, by_expert.json_body["error"]["code"]) == (403, "not_the_client")
    assert review.status_code == 201, review.json_body
    assert (review.json_body["session_id"], review.json_body["stars"]) == (session_id, 5)
    assert (twice.status_code, twice.json_body["error"]["code"]) == (409, "already_reviewed")
    listed = api.get(f"/experts/{cast.expert.sub}/reviews").json_body["items"]
    assert [r["session_id"] for r in listed] == [session_id]


def test_an_appointments_call_nobody_joined_is_not_reviewable(
    api: Any, cast: Cast, booking: dict[str, Any], call_timers: PlayedTimers
) -> None:
    notifier = RecordingNotifier()
    view = open_appointment_call(booking["appointment_id"], cast.client.sub, notifier=notifier, now=START)
    call_timers.run_until(END + timedelta(seconds=30), notifier)
    assert calls.get_call(view["session_id"], cast.client.sub)["end_reason"] == "not_started"

    refused = api.post(f"/sessions/{view['session_id']}/review", headers=cast.client.auth,
                       body=json.dumps({"stars": 1}))  # fmt: skip

    assert (refused.status_code, refused.json_body["error"]["code"]) == (409, "not_reviewable")
