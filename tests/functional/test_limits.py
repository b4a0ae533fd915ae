"""Limits against abuse: the per-account rate limit (429 with Retry-After) and the hold cap (409 too_many_holds).

The clock is Sunday 2026-03-01 12:00 UTC (``booking_cast.NOW``); bookings are of Monday's slots.
"""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.limits.hold_cap import HOLD_CAP
from chalicelib.limits.rate_limits import BOOKINGS, rate_limit
from chalicelib.models.appointment import Appointment
from chalicelib.models.limits import HoldSeat, RateCounter
from tests.functional.at_once import at_once, outcomes
from tests.functional.booking_cast import NOW, Cast, at, book, cast, set_hours
from tests.functional.conftest import LocalAws

__all__ = ["cast"]  # the fixture

BOOKINGS_AN_HOUR = rate_limit(BOOKINGS).most


def error_of(response: Any) -> tuple[int, str]:
    return response.status_code, response.json_body["error"]["code"]


def test_the_booking_after_the_hours_limit_gets_429_with_retry_after_and_after_the_window_it_succeeds(
    api: Any, cast: Cast
) -> None:
    at(NOW + timedelta(minutes=10))  # 50 minutes before the hour's window ends
    made = [book(api, cast, cast.client, start) for start in ("09:00", "09:30", "10:00")]
    repeats = [book(api, cast, cast.client, "09:00") for _ in range(BOOKINGS_AN_HOUR - len(made))]  # a script

    refused = book(api, cast, cast.client, "11:00")
    written = Appointment.count()
    at(NOW + timedelta(minutes=10, seconds=int(refused.headers["Retry-After"])))
    later = book(api, cast, cast.client, "11:00")

    assert [response.status_code for response in made] == [201, 201, 201]
    assert {error_of(response) for response in repeats} == {(409, "slot_taken")}  # every attempt counts
    assert error_of(refused) == (429, "rate_limited")
    assert refused.headers["Retry-After"] == str(50 * 60)
    assert refused.json_body["error"]["message"] == (
        f"Too many bookings and reschedules: at most {BOOKINGS_AN_HOUR} bookings and reschedules an hour per account;"
        " try again in 3000 seconds."
    )
    assert written == 3  # the refused request did nothing
    assert later.status_code == 201, later.json_body


def test_the_limit_is_per_account_another_client_books_while_one_is_limited(api: Any, cast: Cast) -> None:
    for _ in range(BOOKINGS_AN_HOUR):
        book(api, cast, cast.client, "09:00")

    limited = book(api, cast, cast.client, "10:00")
    other = book(api, cast, cast.other, "10:00")

    assert error_of(limited) == (429, "rate_limited")
    assert other.status_code == 201, other.json_body


def test_invalid_requests_are_refused_as_such_and_do_not_spend_the_limit(api: Any, cast: Cast) -> None:
    invalid = [
        api.post("/bookings", headers=cast.client.auth, body=json.dumps({"expert_id": cast.expert.sub}))
        for _ in range(BOOKINGS_AN_HOUR + 5)
    ]

    valid = book(api, cast, cast.client, "09:00")

    assert {response.status_code for response in invalid} == {400}
    assert valid.status_code == 201, valid.json_body


def test_requests_at_once_spend_the_limit_exactly_one_conditional_write_each(aws: LocalAws) -> None:
    from chalicelib.errors import TooManyRequests
    from chalicelib.limits.limiter import spend

    answers: list[int | None] = []  # None: passed; else the Retry-After of the refusal
    lock = threading.Lock()

    def once() -> None:
        try:
            spend(BOOKINGS, "acct-1", NOW)
            answer = None
        except TooManyRequests as refused:
            answer = refused.retry_after
        with lock:
            answers.append(answer)

    at_once(once, times=10, clicks=3)

    assert sorted(answers, key=str) == [3600] * (30 - BOOKINGS_AN_HOUR) + [None] * BOOKINGS_AN_HOUR
    (counter,) = RateCounter.scan()
    assert counter.spent == BOOKINGS_AN_HOUR
    assert counter.expires is not None
    assert counter.expires.replace(tzinfo=NOW.tzinfo) == NOW + timedelta(hours=2)  # the window's end and an hour


@pytest.fixture
def approving(api: Any, cast: Cast) -> Cast:
    """Bookings wait for the expert's approval: each is an unconfirmed hold of the expert's time."""
    set_hours(api, cast.expert, requires_approval=True)
    return cast


def test_a_fourth_booking_awaiting_approval_is_409_too_many_holds_until_the_expert_answers_one(
    api: Any, approving: Cast
) -> None:
    held = [book(api, approving, approving.client, start) for start in ("09:00", "10:00", "11:00")]

    fourth = book(api, approving, approving.client, "12:00")
    approved = api.post(f"/bookings/{held[0].json_body['appointment_id']}/approve", headers=approving.expert.auth)
    again = book(api, approving, approving.client, "12:00")

    assert [(r.status_code, r.json_body["status"]) for r in held] == [(201, "requested")] * HOLD_CAP
    assert error_of(fourth) == (409, "too_many_holds")
    assert "finish or cancel one" in fourth.json_body["error"]["message"]
    assert approved.json_body["status"] == "confirmed"
    assert (again.status_code, again.json_body["status"]) == (201, "requested")
    assert book(api, approving, approving.other, "13:00").status_code == 201  # the cap is per client


def test_a_cancelled_hold_frees_its_seat(api: Any, approving: Cast) -> None:
    held = [book(api, approving, approving.client, start) for start in ("09:00", "10:00", "11:00")]

    cancelled = api.post(f"/bookings/{held[1].json_body['appointment_id']}/cancel", headers=approving.client.auth)
    fourth = book(api, approving, approving.client, "12:00")

    assert cancelled.json_body["status"] == "cancelled"
    assert fourth.status_code == 201, fourth.json_body


def test_bookings_sent_at_once_never_pass_the_hold_cap(api: Any, approving: Cast) -> None:
    starts = iter(f"{hour:02d}:00" for hour in range(9, 17))  # eight free slots, one per request

    answers = at_once(lambda: book(api, approving, approving.client, next(starts)), times=6, clicks=1)

    assert outcomes(answers) == {(201, "requested"): HOLD_CAP, (409, "too_many_holds"): 6 - HOLD_CAP}
    waiting = [item for item in Appointment.scan() if item.status == "requested"]
    assert len(waiting) == HOLD_CAP
    assert {seat.holder for seat in HoldSeat.scan()} == {f"appointment:{item.appointment_id}" for item in waiting}
