"""Reputation: an append-only record of point events; each cause counts once; the total ranks search."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib import runtime
from chalicelib.models.expert_profile import ExpertProfile
from chalicelib.models.reputation import ReputationEvent
from chalicelib.profiles.presence import set_presence
from chalicelib.reputation.points import STARS_POINTS, review_event_id
from chalicelib.reputation.record import events_between, recompute_total, record_points
from chalicelib.sessions import calls
from tests.functional.builders import become_expert
from tests.functional.conftest import Users
from tests.functional.test_calls import Parties, make_parties, start_call


@pytest.fixture
def parties(api: Any, users: Users, stripe_api: Any) -> Parties:
    return make_parties(api, users, stripe_api)


def _paid_call(p: Parties) -> str:
    t0 = runtime.now()
    session_id = start_call(p, t0)
    calls.hang_up(session_id, p.client.sub, now=t0 + timedelta(minutes=10))
    return session_id


def _reputation(expert_id: str) -> int:
    return ExpertProfile.get(expert_id, consistent_read=True).reputation


def test_a_rated_paid_session_earns_points_by_its_stars_once(api: Any, parties: Parties) -> None:
    p = parties
    session_id = _paid_call(p)
    review = {"stars": 4, "comment": "Useful."}
    assert api.post(f"/sessions/{session_id}/review", headers=p.client.auth, body=json.dumps(review)).status_code == 201
    again = api.post(f"/sessions/{session_id}/review", headers=p.client.auth, body=json.dumps(review))
    assert again.status_code == 409

    assert _reputation(p.expert.sub) == STARS_POINTS[4]
    event = ReputationEvent.get(p.expert.sub, review_event_id(session_id))
    assert (event.points, event.cause) == (STARS_POINTS[4], "review")
    assert api.get(f"/experts/{p.expert.sub}").json_body["reputation"] == STARS_POINTS[4]


def test_a_poor_rating_costs_points(api: Any, parties: Parties) -> None:
    p = parties
    session_id = _paid_call(p)
    review = {"stars": 1}
    assert api.post(f"/sessions/{session_id}/review", headers=p.client.auth, body=json.dumps(review)).status_code == 201
    assert _reputation(p.expert.sub) == STARS_POINTS[1] < 0


def test_the_same_cause_recorded_twice_counts_once_and_the_total_is_the_sum_of_the_events(
    api: Any, users: Users
) -> None:
    expert = users.sign_up("ada@example.com")
    become_expert(api, expert, slug="ada", name="Ada")
    now = runtime.now()

    assert record_points(expert.sub, "answer#a1", 2, "answer", now=now) is True
    assert record_points(expert.sub, "answer#a1", 2, "answer", now=now) is False
    assert record_points(expert.sub, "vote#answer#a1#bob#1", 10, "vote", now=now) is True
    assert record_points(expert.sub, "vote#answer#a1#bob#2", -12, "vote", now=now) is True

    assert _reputation(expert.sub) == 2 + 10 - 12
    assert recompute_total(expert.sub) == _reputation(expert.sub)


def test_points_cannot_be_recorded_for_someone_without_a_profile(users: Users) -> None:
    nobody = users.sign_up("nobody@example.com")
    with pytest.raises(ValueError, match="no profile"):
        record_points(nobody.sub, "answer#a1", 2, "answer", now=runtime.now())
    assert list(ReputationEvent.query(nobody.sub)) == []


def test_a_weeks_events_are_read_by_time(api: Any, users: Users) -> None:
    expert = users.sign_up("ada@example.com")
    become_expert(api, expert, slug="ada", name="Ada")
    monday = datetime(2026, 11, 30, tzinfo=UTC)
    record_points(expert.sub, "article#before", 5, "article", now=monday - timedelta(seconds=1))
    record_points(expert.sub, "article#in", 5, "article", now=monday)
    record_points(expert.sub, "document#in", 3, "document", now=monday + timedelta(days=6, hours=23))
    record_points(expert.sub, "document#after", 3, "document", now=monday + timedelta(days=7))

    week = events_between(expert.sub, monday, monday + timedelta(days=7))
    assert [event.event_id for event in week] == ["article#in", "document#in"]


def test_search_ranks_by_reputation_by_default_and_by_rating_on_request(api: Any, users: Users) -> None:
    rated, known = users.sign_up("rated@example.com"), users.sign_up("known@example.com")
    become_expert(api, rated, slug="rated", name="Rated")
    become_expert(api, known, slug="known", name="Known")
    ExpertProfile.get(rated.sub).update(actions=[ExpertProfile.rating_total.set(5), ExpertProfile.rating_count.set(1)])
    set_presence(rated.sub, "offline", media_base_url="http://media", now=runtime.now())  # re-index
    record_points(known.sub, "article#k1", 5, "article", now=runtime.now())
    set_presence(known.sub, "offline", media_base_url="http://media", now=runtime.now())

    by_default = api.get("/experts?category=technology").json_body["items"]
    assert [(e["expert_id"], e["reputation"]) for e in by_default] == [(known.sub, 5), (rated.sub, 0)]
    by_rating = api.get("/experts?category=technology&sort=rating").json_body["items"]
    assert [e["expert_id"] for e in by_rating] == [rated.sub, known.sub]
    assert api.get("/experts?sort=fame").json_body["error"]["code"] == "invalid_input"


def test_editing_the_profile_keeps_the_reputation_and_points_keep_the_profiles_version_moving(
    api: Any, users: Users
) -> None:
    expert = users.sign_up("ada@example.com")
    become_expert(api, expert, slug="ada", name="Ada")
    before = ExpertProfile.get(expert.sub, consistent_read=True).version
    assert record_points(expert.sub, "article#a1", 5, "article", now=runtime.now()) is True
    assert ExpertProfile.get(expert.sub, consistent_read=True).version == before + 1

    edited = become_expert(api, expert, slug="ada", name="Ada L.")
    assert (edited["name"], edited["reputation"]) == ("Ada L.", 5)
    assert record_points(expert.sub, "document#d1", 3, "document", now=runtime.now()) is True
    assert _reputation(expert.sub) == 8 == recompute_total(expert.sub)
