"""Approval of booking requests, and the scheduled agenda: expiry, reminders, charging after
delivery, and recovering a booking whose request died half-way.

The clock is Sunday 2026-03-01 12:00 UTC; bookings are on Monday (22 hours or less away).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.models.appointment import Appointment
from chalicelib.models.payment import Payment
from tests.functional.booking_cast import (
    MONDAY,
    NOW,
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

CLIENT, EXPERT = "grace@example.com", "ada@example.com"


def subjects(to: str) -> list[str]:
    return [str(message["Subject"]) for message in booking_mail(to)]


def post(api: Any, who: Any, booking: dict[str, Any], action: str) -> Any:
    return api.post(f"/bookings/{booking['appointment_id']}/{action}", headers=who.auth)


def read(api: Any, who: Any, booking: dict[str, Any]) -> dict[str, Any]:
    response = api.get(f"/bookings/{booking['appointment_id']}", headers=who.auth)
    assert response.status_code == 200, response.json_body
    body: dict[str, Any] = response.json_body
    return body


@pytest.fixture
def approving(api: Any, cast: Cast) -> Cast:
    set_hours(api, cast.expert, requires_approval=True)
    return cast


def test_a_request_waits_for_the_expert_who_sees_how_long_it_has_waited(api: Any, approving: Cast) -> None:
    booking = book(api, approving, approving.client, "10:00").json_body
    at(NOW + timedelta(hours=3))

    waiting = api.get("/bookings?as=expert&status=requested", headers=approving.expert.auth).json_body["items"]

    assert booking["status"] == "requested"
    assert [(b["appointment_id"], b["waiting_seconds"]) for b in waiting] == [(booking["appointment_id"], 3 * 3600)]
    assert waiting[0]["approval_expires_at"] == "2026-03-02T10:00:00Z"  # the start comes before 24 hours pass
    assert [intent.status for intent in holds(approving)] == ["requires_capture"]
    assert f"{MONDAY}T10:00:00Z" not in slot_starts(api, approving)  # its time is held meanwhile
    assert not [s for s in subjects(CLIENT) + subjects(EXPERT) if "invite" in s.lower()]


def test_only_the_expert_approves_and_then_both_get_invites(api: Any, approving: Cast) -> None:
    booking = book(api, approving, approving.client, "10:00").json_body

    by_client = post(api, approving.client, booking, "approve")
    approved = post(api, approving.expert, booking, "approve")
    again = post(api, approving.expert, booking, "approve")

    assert (by_client.status_code, by_client.json_body["error"]["code"]) == (403, "expert_only")
    assert (approved.status_code, approved.json_body["status"]) == (200, "confirmed")
    assert again.json_body["status"] == "confirmed"
    for person in (CLIENT, EXPERT):
        calendars = [m for m in booking_mail(person) if any(True for _ in m.iter_attachments())]
        assert len(calendars) == 1, subjects(person)


def test_a_declined_request_frees_the_time_and_the_card(api: Any, approving: Cast) -> None:
    booking = book(api, approving, approving.client, "10:00").json_body

    declined = post(api, approving.expert, booking, "decline")

    assert (declined.status_code, declined.json_body["status"], declined.json_body["charged"]) == (200, "declined", 0)
    assert [intent.status for intent in holds(approving)] == ["canceled"]
    assert f"{MONDAY}T10:00:00Z" in slot_starts(api, approving)


def test_an_unanswered_request_reminds_the_expert_then_expires_once(api: Any, approving: Cast) -> None:
    at(datetime(2026, 2, 28, 12, 0, tzinfo=UTC))  # two days before: the 24-hour window applies
    booking = book(api, approving, approving.client, "10:00").json_body
    mails_before = len(subjects(EXPERT))

    run_agenda(datetime(2026, 2, 28, 19, 0, tzinfo=UTC))
    assert len(subjects(EXPERT)) == mails_before  # nothing due yet
    run_agenda(datetime(2026, 3, 1, 8, 0, tzinfo=UTC))  # 20 hours: 4 left
    run_agenda(datetime(2026, 3, 1, 8, 5, tzinfo=UTC))
    assert len(subjects(EXPERT)) == mails_before + 1
    assert read(api, approving.client, booking)["status"] == "requested"

    run_agenda(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    run_agenda(datetime(2026, 3, 1, 12, 5, tzinfo=UTC))

    assert read(api, approving.client, booking)["status"] == "expired"
    assert [intent.status for intent in holds(approving)] == ["canceled"]
    assert f"{MONDAY}T10:00:00Z" in slot_starts(api, approving)
    late = post(api, approving.expert, booking, "approve")
    assert (late.status_code, late.json_body["error"]["code"]) == (409, "not_a_request")


def test_an_appointment_is_charged_once_after_it_took_place(api: Any, cast: Cast) -> None:
    booking = book(api, cast, cast.client, "10:00").json_body

    run_agenda(datetime(2026, 3, 2, 10, 45, tzinfo=UTC))  # within the grace after its end
    assert read(api, cast.client, booking)["status"] == "confirmed"
    run_agenda(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))
    run_agenda(datetime(2026, 3, 2, 11, 5, tzinfo=UTC))

    done = read(api, cast.client, booking)
    assert (done["status"], done["charged"]) == ("completed", 9000)
    [intent] = holds(cast)
    assert (intent.status, intent.amount_received) == ("succeeded", 9000)
    assert Payment.get(booking["payment_id"]).captured == 9000


def test_reminders_go_out_a_day_and_an_hour_before_each_once(api: Any, cast: Cast) -> None:
    at(datetime(2026, 2, 27, 12, 0, tzinfo=UTC))
    book(api, cast, cast.client, "10:00")
    count = len(subjects(CLIENT))

    for moment in (datetime(2026, 3, 1, 10, 0), datetime(2026, 3, 1, 10, 5), datetime(2026, 3, 2, 9, 0)):
        run_agenda(moment.replace(tzinfo=UTC))
    run_agenda(datetime(2026, 3, 2, 9, 5, tzinfo=UTC))

    assert len(subjects(CLIENT)) == count + 2
    assert len(subjects(EXPERT)) >= 2


def test_a_booking_whose_request_died_after_the_card_was_held_is_confirmed_by_the_agenda(
    api: Any, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    import chalicelib.bookings.book as booking_module

    def crash(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt  # the Lambda is killed: nothing of ours runs after this

    with monkeypatch.context() as patched:
        patched.setattr(booking_module, "_confirm_hold", crash)
        with pytest.raises(KeyboardInterrupt):
            book(api, cast, cast.client, "10:00")
    [stuck] = list(Appointment.scan())
    assert stuck.status == "holding"

    run_agenda(NOW + timedelta(minutes=6))

    assert Appointment.get(stuck.appointment_id).status == "confirmed"
    assert [intent.status for intent in holds(cast)] == ["requires_capture"]


def test_a_booking_whose_request_died_before_the_card_was_held_is_undone(
    api: Any, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    import chalicelib.payments.card_payments as card_payments

    def crash(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(card_payments, "authorise_hold", crash)
        with pytest.raises(KeyboardInterrupt):
            book(api, cast, cast.client, "10:00")
    assert f"{MONDAY}T10:00:00Z" not in slot_starts(api, cast)

    run_agenda(NOW + timedelta(minutes=4))
    assert len(list(Appointment.scan())) == 1  # not yet: the request may still be running
    run_agenda(NOW + timedelta(minutes=6))

    assert list(Appointment.scan()) == []
    assert f"{MONDAY}T10:00:00Z" in slot_starts(api, cast)


def test_the_agenda_reads_an_index_and_never_scans(api: Any, cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    book(api, cast, cast.client, "10:00")
    scans: list[str] = []
    monkeypatch.setattr(Appointment, "scan", classmethod(lambda cls, *a, **k: scans.append("scan") or iter(())))

    outcome = run_agenda(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))

    assert (outcome.due, outcome.done, outcome.failed, scans) == (1, 1, 0, [])


def test_after_a_30_day_outage_the_agenda_still_expires_an_unanswered_request_and_frees_the_card(
    api: Any, approving: Cast
) -> None:
    at(datetime(2026, 2, 28, 12, 0, tzinfo=UTC))
    booking = book(api, approving, approving.client, "10:00").json_body  # to be answered by 1 March 12:00

    run = run_agenda(datetime(2026, 3, 31, 12, 0, tzinfo=UTC))  # the first run in 30 days
    print(f"after a 30-day outage the booking agenda found {run}")

    assert (run.due, run.done, run.failed) == (1, 1, 0)
    assert read(api, approving.client, booking)["status"] == "expired"
    assert [intent.status for intent in holds(approving)] == ["canceled"]
    assert run_agenda(datetime(2026, 3, 31, 12, 5, tzinfo=UTC)).due == 0  # handled: it left the agenda


@pytest.mark.parametrize(("action", "status", "hold"), [("approve", "confirmed", "requires_capture"),
                                                         ("decline", "declined", "canceled")])  # fmt: skip
def test_an_experts_answer_to_a_request_sent_many_times_at_once_is_that_answer_or_409(
    api: Any, approving: Cast, action: str, status: str, hold: str
) -> None:
    from tests.functional.at_once import at_once, outcomes

    booking = book(api, approving, approving.client, "10:00").json_body

    seen = outcomes(at_once(lambda: post(api, approving.expert, booking, action)))

    print(f"booking {action}:", seen)
    assert (200, status) in seen, seen
    assert set(seen) <= {(200, status), (409, "changed_concurrently")}, seen
    assert read(api, approving.client, booking)["status"] == status
    assert [intent.status for intent in holds(approving)] == [hold]


def test_a_booking_cancelled_many_times_at_once_is_cancelled_once_and_its_hold_released(api: Any, cast: Cast) -> None:
    from tests.functional.at_once import at_once, outcomes

    set_hours(api, cast.expert, cancel_cutoff_hours=12)  # the booking is 22 hours away: nothing is charged
    booking = book(api, cast, cast.client, "10:00").json_body

    seen = outcomes(at_once(lambda: post(api, cast.client, booking, "cancel")))

    print("booking cancel:", seen)
    assert (200, "cancelled") in seen, seen
    assert set(seen) <= {(200, "cancelled"), (409, "changed_concurrently")}, seen
    assert [intent.status for intent in holds(cast)] == ["canceled"]
    assert f"{MONDAY}T10:00:00Z" in slot_starts(api, cast)


def test_a_booking_moved_many_times_at_once_to_one_slot_is_moved_once(api: Any, cast: Cast) -> None:
    import json

    from tests.functional.at_once import at_once, outcomes

    set_hours(api, cast.expert, cancel_cutoff_hours=12)  # the booking is 22 hours away: it may move
    booking = book(api, cast, cast.client, "10:00").json_body
    url = f"/bookings/{booking['appointment_id']}/reschedule"
    body = json.dumps({"start": f"{MONDAY}T14:00:00Z"})

    seen = outcomes(at_once(lambda: api.post(url, headers=cast.client.auth, body=body)))

    print("booking reschedule:", seen)
    assert (200, "confirmed") in seen, seen
    assert set(seen) <= {(200, "confirmed"), (409, "changed_concurrently")}, seen
    moved = read(api, cast.client, booking)
    assert moved["start"] == f"{MONDAY}T14:00:00Z"
    starts = slot_starts(api, cast)
    assert f"{MONDAY}T10:00:00Z" in starts
    assert f"{MONDAY}T14:00:00Z" not in starts
