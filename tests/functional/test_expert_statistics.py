"""An expert's statistics per ISO week, and the beacons that count profile views and search appearances."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pynamodb.exceptions import DoesNotExist

from chalicelib import runtime
from chalicelib.ledger.posting import UnitOfWork
from chalicelib.ledger.transactions import capture
from chalicelib.models.expert_week import ExpertWeek
from chalicelib.models.question import Answer
from chalicelib.models.session import CallSession
from chalicelib.reputation.record import new_event
from chalicelib.timestamps import sortable_utc
from tests.functional.booking_cast import NOW as BOOKING_NOW
from tests.functional.booking_cast import Cast, book, cast  # noqa: F401  (cast is a fixture)
from tests.functional.builders import become_expert, register
from tests.functional.conftest import DynamoReads, Users

THURSDAY = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)  # in 2026-W49
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}


def _view(api: Any, expert_id: str, headers: dict[str, str] | None = None, viewer: str | None = None) -> Any:
    body = json.dumps({"viewer": viewer} if viewer else {})
    return api.post(f"/experts/{expert_id}/views", headers=headers or {"Content-Type": "application/json"}, body=body)


def _week(expert_id: str, week: str) -> ExpertWeek:
    return ExpertWeek.get(expert_id, week, consistent_read=True)


def test_a_view_beacon_counts_into_this_week_and_the_public_profile_read_writes_nothing(
    api: Any, users: Users, dynamo_reads: DynamoReads
) -> None:
    runtime.set_clock(lambda: THURSDAY)
    ada = users.sign_up("ada@example.com")
    become_expert(api, ada)

    first, second = _view(api, ada.sub), _view(api, ada.sub)
    counted = _week(ada.sub, "2026-W49")
    dynamo_reads.calls.clear()
    profile = api.get(f"/experts/{ada.sub}")

    assert (first.status_code, first.json_body, second.json_body) == (202, {"counted": True}, {"counted": True})
    assert counted.profile_views == 2
    assert profile.status_code == 200, profile.json_body
    assert dynamo_reads.operations & WRITES == set()
    assert _week(ada.sub, "2026-W49").attribute_values == counted.attribute_values


def test_a_view_next_week_counts_into_next_weeks_item(api: Any, users: Users) -> None:
    ada = users.sign_up("ada@example.com")
    become_expert(api, ada)
    runtime.set_clock(lambda: THURSDAY)
    _view(api, ada.sub)
    runtime.set_clock(lambda: THURSDAY + timedelta(days=4))  # Monday of 2026-W50
    _view(api, ada.sub)

    assert (_week(ada.sub, "2026-W49").profile_views, _week(ada.sub, "2026-W50").profile_views) == (1, 1)


def test_an_expert_viewing_their_own_profile_is_not_counted_and_another_signed_in_person_is(
    api: Any, users: Users
) -> None:
    runtime.set_clock(lambda: THURSDAY)
    ada, grace = users.sign_up("ada@example.com"), users.sign_up("grace@example.com")
    become_expert(api, ada)
    assert register(api, grace).status_code == 201

    own = _view(api, ada.sub, ada.auth)
    with pytest.raises(DoesNotExist):
        _week(ada.sub, "2026-W49")
    other = _view(api, ada.sub, grace.auth)

    assert (own.status_code, own.json_body) == (202, {"counted": False})
    assert (other.status_code, other.json_body) == (202, {"counted": True})
    assert _week(ada.sub, "2026-W49").profile_views == 1


def test_one_viewer_counts_once_per_expert_per_utc_day_and_again_the_next_day(api: Any, users: Users) -> None:
    runtime.set_clock(lambda: THURSDAY)
    ada, bob, grace = (users.sign_up(f"{n}@example.com") for n in ("ada", "bob", "grace"))
    become_expert(api, ada)
    become_expert(api, bob, slug="bob-builder")
    assert register(api, grace).status_code == 201

    browser = [_view(api, ada.sub, viewer="browser-one-1234").json_body["counted"] for _ in range(3)]
    other_browser = _view(api, ada.sub, viewer="browser-two-1234").json_body["counted"]
    signed_in = [_view(api, ada.sub, grace.auth, viewer=f"random-{n}-1234").json_body["counted"] for n in range(2)]
    other_expert = _view(api, bob.sub, viewer="browser-one-1234").json_body["counted"]
    runtime.set_clock(lambda: THURSDAY + timedelta(hours=7))  # Friday 01:00 UTC
    next_day = _view(api, ada.sub, viewer="browser-one-1234").json_body["counted"]

    assert (browser, other_browser, signed_in, other_expert, next_day) == (
        [True, False, False], True, [True, False], True, True,
    )  # fmt: skip
    assert _week(ada.sub, "2026-W49").profile_views == 4
    assert _week(bob.sub, "2026-W49").profile_views == 1


@pytest.mark.parametrize("viewer", ["short", "has space in it", "x" * 65])
def test_a_view_beacon_with_a_malformed_viewer_id_is_refused(api: Any, users: Users, viewer: str) -> None:
    ada = users.sign_up("ada@example.com")
    become_expert(api, ada)

    response = _view(api, ada.sub, viewer=viewer)

    assert response.status_code == 400, response.json_body
    assert response.json_body["error"]["fields"][0]["field"] == "viewer"


def test_a_view_beacon_for_an_unknown_expert_is_404_and_counts_nothing(api: Any) -> None:
    runtime.set_clock(lambda: THURSDAY)
    response = _view(api, "nobody")

    assert (response.status_code, response.json_body["error"]["code"]) == (404, "expert_not_found")
    with pytest.raises(DoesNotExist):
        _week("nobody", "2026-W49")


def test_search_appearances_are_counted_per_expert_and_unknown_ids_are_not(api: Any, users: Users) -> None:
    runtime.set_clock(lambda: THURSDAY)
    ada, bob = users.sign_up("ada@example.com"), users.sign_up("bob@example.com")
    become_expert(api, ada)
    become_expert(api, bob, slug="bob-builder")
    headers = {"Content-Type": "application/json"}

    first = api.post("/experts/appearances", headers=headers, body=json.dumps({"expert_ids": [ada.sub, bob.sub]}))
    second = api.post("/experts/appearances", headers=headers, body=json.dumps({"expert_ids": [ada.sub, "nobody"]}))

    assert (first.status_code, first.json_body, second.json_body) == (202, {"counted": 2}, {"counted": 1})
    assert _week(ada.sub, "2026-W49").search_appearances == 2
    assert _week(bob.sub, "2026-W49").search_appearances == 1
    assert _week(ada.sub, "2026-W49").profile_views == 0
    with pytest.raises(DoesNotExist):
        _week("nobody", "2026-W49")


@pytest.mark.parametrize(
    "ids", [[], ["a", "a"], [f"e{n}" for n in range(51)], [""]], ids=["none", "repeated", "51", "empty id"]
)
def test_a_search_appearances_beacon_with_no_repeated_or_too_many_ids_is_refused(api: Any, ids: list[str]) -> None:
    response = api.post(
        "/experts/appearances", headers={"Content-Type": "application/json"}, body=json.dumps({"expert_ids": ids})
    )

    assert response.status_code == 400, response.json_body
    assert response.json_body["error"]["fields"][0]["field"] == "expert_ids"


def _call(session_id: str, expert_id: str, state: str, active_at: datetime | None) -> None:
    requested = (active_at or BOOKING_NOW) - timedelta(minutes=1)
    CallSession(
        session_id, client_id="someone", expert_id=expert_id, media="video", paid=True, state=state,
        requested_at=requested, expires_at=requested + timedelta(minutes=1), active_at=active_at,
        ended_at=active_at + timedelta(minutes=20) if active_at and state == "ended" else None,
        currency="USD", commission_bps=1000,
    ).save()  # fmt: skip


def _answer(answer_id: str, expert_id: str, at: datetime, *, removed: bool = False) -> None:
    Answer(
        answer_id, question_id="q1", expert_id=expert_id, body="Use a queue.", created_at=at,
        created_key=f"{sortable_utc(at)}#{answer_id}", updated_at=at, removed_at=at if removed else None,
    ).save()  # fmt: skip


def _earned(payment_id: str, expert_id: str, currency: str, earnings: int, at: datetime) -> None:
    total = earnings * 10 // 9
    unit = UnitOfWork(occurred_at=at)
    unit.post(capture(payment_id, expert_id, currency, total, total - earnings))
    unit.commit()


def test_the_expert_reads_each_weeks_figures_from_the_real_records_newest_week_first(
    api: Any,
    users: Users,
    cast: Cast,  # noqa: F811
) -> None:
    ada = cast.expert
    sunday = BOOKING_NOW  # 2026-03-01 12:00, the last day of 2026-W09
    monday = sunday + timedelta(days=1, hours=-2)  # 2026-03-02 10:00, 2026-W10
    kept = book(api, cast, cast.client, "10:00")
    dropped = book(api, cast, cast.other, "14:00")
    assert (kept.status_code, dropped.status_code) == (201, 201), (kept.json_body, dropped.json_body)
    cancel = api.post(f"/bookings/{dropped.json_body['appointment_id']}/cancel", headers=cast.other.auth, body="{}")
    assert cancel.status_code == 200, cancel.json_body
    _view(api, ada.sub, cast.client.auth)
    api.post("/experts/appearances", headers=cast.client.auth, body=json.dumps({"expert_ids": [ada.sub]}))
    runtime.set_clock(lambda: monday)
    for _ in range(3):
        _view(api, ada.sub)
    _call("c1", ada.sub, "ended", sunday - timedelta(hours=3))
    _call("c2", ada.sub, "ended", monday)
    _call("c3", ada.sub, "active", monday + timedelta(hours=1))  # under way: not counted yet
    _call("c4", ada.sub, "declined", None)  # never went active
    _call("c5", cast.other.sub, "ended", monday)  # someone else's
    _answer("a1", ada.sub, sunday)
    _answer("a2", ada.sub, monday)
    _answer("a3", ada.sub, monday, removed=True)
    _answer("a4", ada.sub, monday - timedelta(days=7))  # 2026-W09 too
    # the events as record_points writes them, put directly (record_points refuses a versioned profile today)
    new_event(ada.sub, "r1", 10, "answer", sunday).save()
    new_event(ada.sub, "r2", 5, "answer", monday).save()
    new_event(ada.sub, "r3", -2, "vote", monday + timedelta(minutes=5)).save()
    new_event(cast.other.sub, "r4", 7, "answer", monday).save()  # someone else's
    _earned("p1", ada.sub, "USD", 8_100, sunday)
    _earned("p2", ada.sub, "USD", 900, monday)
    _earned("p3", ada.sub, "EUR", 4_500, monday)
    _earned("p4", ada.sub, "USD", 1_800, sunday - timedelta(days=7))  # 2026-W08: outside two weeks
    runtime.set_clock(lambda: monday + timedelta(days=1))

    two = api.get("/me/statistics?weeks=2", headers=ada.auth)
    three = api.get("/me/statistics?weeks=3", headers=ada.auth)

    assert two.status_code == 200, two.json_body
    assert two.json_body["weeks"] == [
        {"week": "2026-W10", "starts_at": "2026-03-02T00:00:00Z", "profile_views": 3, "search_appearances": 0,
         "calls": 1, "bookings": 1, "answers": 1, "reputation": 3,
         "earnings": [{"currency": "EUR", "amount": 4_500}, {"currency": "USD", "amount": 900}]},
        {"week": "2026-W09", "starts_at": "2026-02-23T00:00:00Z", "profile_views": 1, "search_appearances": 1,
         "calls": 1, "bookings": 0, "answers": 2, "reputation": 10,
         "earnings": [{"currency": "USD", "amount": 8_100}]},
    ]  # fmt: skip
    assert two.json_body["totals"] == {
        "profile_views": 4, "search_appearances": 1, "calls": 2, "bookings": 1, "answers": 3, "reputation": 13,
        "earnings": [{"currency": "EUR", "amount": 4_500}, {"currency": "USD", "amount": 9_000}],
    }  # fmt: skip
    assert [w["week"] for w in three.json_body["weeks"]] == ["2026-W10", "2026-W09", "2026-W08"]
    assert three.json_body["weeks"][2]["earnings"] == [{"currency": "USD", "amount": 1_800}]
    assert three.json_body["totals"]["earnings"][1] == {"currency": "USD", "amount": 10_800}


def test_the_default_is_eight_weeks_with_zeros_where_nothing_happened(api: Any, users: Users) -> None:
    runtime.set_clock(lambda: THURSDAY)
    ada = users.sign_up("ada@example.com")
    become_expert(api, ada)

    response = api.get("/me/statistics", headers=ada.auth)

    assert response.status_code == 200, response.json_body
    weeks = response.json_body["weeks"]
    assert [w["week"] for w in weeks] == [f"2026-W{n}" for n in range(49, 41, -1)]
    assert all(w["calls"] == w["profile_views"] == w["reputation"] == 0 and w["earnings"] == [] for w in weeks)


def test_a_signed_in_person_without_an_expert_profile_is_refused_statistics(api: Any, users: Users) -> None:
    grace = users.sign_up("grace@example.com")
    assert register(api, grace).status_code == 201

    response = api.get("/me/statistics", headers=grace.auth)

    assert (response.status_code, response.json_body["error"]["code"]) == (403, "not_an_expert")


@pytest.mark.parametrize("weeks", ["0", "27", "two", "-1", "1.5"])
def test_a_weeks_parameter_out_of_1_to_26_is_refused_by_name(api: Any, users: Users, weeks: str) -> None:
    ada = users.sign_up("ada@example.com")
    become_expert(api, ada)

    response = api.get(f"/me/statistics?weeks={weeks}", headers=ada.auth)

    assert response.status_code == 400, response.json_body
    assert (response.json_body["error"]["code"], response.json_body["error"]["fields"][0]["field"]) == (
        "invalid_number", "weeks",
    )  # fmt: skip


def test_statistics_need_a_signed_in_caller(api: Any) -> None:
    assert api.get("/me/statistics").status_code == 401
