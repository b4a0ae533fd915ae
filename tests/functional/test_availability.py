"""Availability through the API: an expert sets their hours in their zone; anyone reads slots in their own."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib import runtime
from tests.functional.builders import become_expert
from tests.functional.conftest import User, Users

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def availability_body(**changes: Any) -> dict[str, Any]:
    weekdays = ["09:00-10:00", "13:00-14:00"]
    body: dict[str, Any] = {
        "time_zone": "America/New_York",
        "weekly_hours": {day: weekdays for day in ("monday", "tuesday", "wednesday", "thursday", "friday")},
        "overrides": [],
        "buffer_before_minutes": 0,
        "buffer_after_minutes": 0,
        "minimum_notice_minutes": 120,
        "booking_horizon_days": 60,
    }
    body.update(changes)
    return body


def set_availability(api: Any, user: User, **changes: Any) -> Any:
    return api.put("/experts/me/availability", headers=user.auth, body=json.dumps(availability_body(**changes)))


@pytest.fixture
def expert(api: Any, users: Users) -> User:
    runtime.set_clock(lambda: NOW)
    user = users.sign_up("ada.expert@example.com")
    become_expert(api, user)
    return user


def fields_of(response: Any) -> set[str]:
    return {problem["field"] for problem in response.json_body["error"]["fields"]}


def test_an_expert_sets_their_availability_and_reads_it_back_with_ranges_in_order(api: Any, expert: User) -> None:
    saved = set_availability(
        api, expert, weekly_hours={"monday": ["13:00-17:30", "09:00-12:00"]},
        overrides=[{"date": "2026-12-24", "ranges": []}, {"date": "2026-12-19", "ranges": ["10:00-12:00"]}],
    )  # fmt: skip

    assert saved.status_code == 200, saved.json_body
    read = api.get("/experts/me/availability", headers=expert.auth)
    assert read.status_code == 200
    assert read.json_body["weekly_hours"]["monday"] == ["09:00-12:00", "13:00-17:30"]
    assert read.json_body["weekly_hours"]["tuesday"] == []
    assert read.json_body["overrides"] == [
        {"date": "2026-12-19", "ranges": ["10:00-12:00"]},
        {"date": "2026-12-24", "ranges": []},
    ]
    assert read.json_body["time_zone"] == "America/New_York"


def test_a_client_in_berlin_sees_new_york_hours_in_berlin_time_across_the_us_change(api: Any, expert: User) -> None:
    assert set_availability(api, expert).status_code == 200

    response = api.get(f"/experts/{expert.sub}/slots?from=2026-03-06&to=2026-03-09&tz=Europe/Berlin&minutes=60")

    assert response.status_code == 200, response.json_body
    assert response.json_body["expert_time_zone"] == "America/New_York"
    assert [(s["start_utc"], s["start"]) for s in response.json_body["slots"]] == [
        ("2026-03-06T14:00:00Z", "2026-03-06T15:00:00+01:00"),
        ("2026-03-06T18:00:00Z", "2026-03-06T19:00:00+01:00"),
        ("2026-03-09T13:00:00Z", "2026-03-09T14:00:00+01:00"),
        ("2026-03-09T17:00:00Z", "2026-03-09T18:00:00+01:00"),
    ]
    assert response.json_body["slots"][0]["end"] == "2026-03-06T16:00:00+01:00"


def test_a_client_in_kolkata_sees_slots_on_the_half_hour(api: Any, expert: User) -> None:
    assert set_availability(api, expert, time_zone="Europe/Berlin").status_code == 200

    response = api.get(f"/experts/{expert.sub}/slots?from=2026-03-02&to=2026-03-02&tz=Asia/Kolkata&minutes=30")

    assert response.status_code == 200, response.json_body
    assert [s["start"] for s in response.json_body["slots"]] == [
        "2026-03-02T13:30:00+05:30",
        "2026-03-02T14:00:00+05:30",
        "2026-03-02T17:30:00+05:30",
        "2026-03-02T18:00:00+05:30",
    ]


def test_an_expert_without_availability_has_no_slots_and_an_unknown_expert_is_404(api: Any, expert: User) -> None:
    empty = api.get(f"/experts/{expert.sub}/slots?from=2026-03-02&to=2026-03-03")
    unknown = api.get("/experts/nobody/slots?from=2026-03-02&to=2026-03-03")

    assert (empty.status_code, empty.json_body["slots"]) == (200, [])
    assert (unknown.status_code, unknown.json_body["error"]["code"]) == (404, "expert_not_found")


def test_an_unknown_zone_and_bad_or_overlapping_ranges_are_refused_by_field(api: Any, expert: User) -> None:
    response = set_availability(
        api, expert, time_zone="Mars/Olympus_Mons",
        weekly_hours={"monday": ["09:00-12:00", "11:00-13:00"], "tuesday": ["9-5"], "friday": ["17:00-09:00"]},
        buffer_after_minutes=-5,
    )  # fmt: skip

    assert response.status_code == 400
    assert fields_of(response) == {
        "time_zone",
        "weekly_hours.monday",
        "weekly_hours.tuesday.0",
        "weekly_hours.friday.0",
        "buffer_after_minutes",
    }
    assert api.get("/experts/me/availability", headers=expert.auth).status_code == 404


def test_bad_slot_queries_are_refused_by_parameter(api: Any, expert: User) -> None:
    base = f"/experts/{expert.sub}/slots"

    bad_zone = api.get(f"{base}?from=2026-03-02&to=2026-03-03&tz=Nowhere/Land")
    backwards = api.get(f"{base}?from=2026-03-05&to=2026-03-03")
    too_long = api.get(f"{base}?from=2026-03-01&to=2026-04-01&minutes=2")
    missing = api.get(f"{base}?from=2026-3-1")

    assert (bad_zone.status_code, fields_of(bad_zone)) == (400, {"tz"})
    assert (backwards.status_code, fields_of(backwards)) == (400, {"to"})
    assert (too_long.status_code, fields_of(too_long)) == (400, {"to", "minutes"})
    assert (missing.status_code, fields_of(missing)) == (400, {"from", "to"})


def test_setting_availability_needs_a_signed_in_expert(api: Any, users: Users) -> None:
    client = users.sign_up("bea.client@example.com")

    anonymous = api.put("/experts/me/availability", body=json.dumps(availability_body()))
    not_an_expert = set_availability(api, client)

    assert anonymous.status_code == 401
    assert (not_an_expert.status_code, not_an_expert.json_body["error"]["code"]) == (404, "profile_not_found")
