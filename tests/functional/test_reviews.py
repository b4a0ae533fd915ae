"""Reviews: once per paid, charged call, by its client only; the rating moves the expert in search."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib import runtime
from chalicelib.models.expert_profile import ExpertProfile
from chalicelib.sessions import calls
from tests.functional.builders import become_expert
from tests.functional.conftest import Users
from tests.functional.test_calls import Parties, make_parties, start_call


@pytest.fixture
def parties(api: Any, users: Users, stripe_api: Any) -> Parties:
    return make_parties(api, users, stripe_api)


def _call(p: Parties, minutes: int, *, link_id: str | None = None, offset_hours: int = 0) -> str:
    t0 = runtime.now() + timedelta(hours=offset_hours)
    session_id = start_call(p, t0, link_id=link_id)
    calls.hang_up(session_id, p.client.sub, now=t0 + timedelta(minutes=minutes))
    return session_id


def _review(api: Any, user: Any, session_id: str, stars: int = 5, comment: str | None = "Clear and kind.") -> Any:
    body = {"stars": stars, "comment": comment}
    return api.post(f"/sessions/{session_id}/review", headers=user.auth, body=json.dumps(body))


def test_the_client_reviews_a_paid_call_once_and_the_rating_is_counted_once(api: Any, parties: Parties) -> None:
    p = parties
    session_id = _call(p, 10)
    assert _review(api, p.expert, session_id).status_code == 403
    assert _review(api, p.stranger, session_id).status_code == 404
    made = _review(api, p.client, session_id, stars=4)
    assert made.status_code == 201, made.json_body
    assert made.json_body["stars"] == 4
    again = _review(api, p.client, session_id, stars=1)
    assert again.status_code == 409
    assert again.json_body["error"]["code"] == "already_reviewed"
    profile = ExpertProfile.get(p.expert.sub)
    assert (profile.rating_total, profile.rating_count) == (4, 1)
    public = api.get(f"/experts/{p.expert.sub}")
    assert public.json_body["rating"] == {"average": 4.0, "count": 1}


def test_free_and_uncharged_calls_cannot_be_reviewed(api: Any, parties: Parties) -> None:
    p = parties
    within_three_minutes = _call(p, 2)
    refused = _review(api, p.client, within_three_minutes)
    assert refused.status_code == 409
    assert refused.json_body["error"]["code"] == "not_reviewable"

    link_id = api.post("/experts/me/session-links", headers=p.expert.auth).json_body["link_id"]
    free = _call(p, 20, link_id=link_id, offset_hours=1)
    assert _review(api, p.client, free).status_code == 409

    live = start_call(p, runtime.now() + timedelta(hours=2))
    assert _review(api, p.client, live).status_code == 409


def test_a_review_is_validated(api: Any, parties: Parties) -> None:
    p = parties
    session_id = _call(p, 10)
    assert _review(api, p.client, session_id, stars=6).status_code == 400
    assert _review(api, p.client, session_id, stars=0).status_code == 400
    assert _review(api, p.client, session_id, comment="x" * 1001).status_code == 400
    contact = _review(api, p.client, session_id, comment="Mail me at grace@example.com")
    assert contact.status_code == 400
    assert contact.json_body["error"]["code"] == "contact_details"
    assert _review(api, p.client, session_id, comment=None).status_code == 201


def test_reviews_are_public_newest_first_and_paginated(api: Any, parties: Parties) -> None:
    p = parties
    for hour, stars in enumerate((3, 4, 5)):
        session_id = _call(p, 10, offset_hours=hour)
        runtime.set_clock(lambda hour=hour: datetime.now(UTC) + timedelta(hours=hour))
        assert _review(api, p.client, session_id, stars=stars).status_code == 201
    runtime.reset()
    first = api.get(f"/experts/{p.expert.sub}/reviews?limit=2")
    assert first.status_code == 200, first.json_body
    assert [r["stars"] for r in first.json_body["items"]] == [5, 4]
    rest = api.get(f"/experts/{p.expert.sub}/reviews?limit=2&cursor={first.json_body['next_cursor']}")
    assert [r["stars"] for r in rest.json_body["items"]] == [3]
    assert rest.json_body["next_cursor"] is None
    assert api.get("/experts/nobody/reviews").status_code == 404
    assert api.get(f"/experts/{p.expert.sub}/reviews?cursor=junk").status_code == 422


def test_a_good_review_moves_the_expert_up_in_search(api: Any, users: Users, parties: Parties) -> None:
    p = parties
    rival = users.sign_up("rival@example.com")
    become_expert(api, rival, slug="rival-expert", name="Rival")
    from chalicelib.models.expert_profile import ExpertProfile as Profile
    from chalicelib.profiles.presence import set_presence

    Profile.get(rival.sub).update(actions=[Profile.rating_total.set(4), Profile.rating_count.set(1)])
    set_presence(rival.sub, "offline", media_base_url="http://media", now=runtime.now())  # re-index
    before = [e["expert_id"] for e in api.get("/experts?category=technology").json_body["items"]]
    assert before == [rival.sub, p.expert.sub]

    session_id = _call(p, 10)
    assert _review(api, p.client, session_id, stars=5).status_code == 201
    after = api.get("/experts?category=technology").json_body["items"]
    assert [e["expert_id"] for e in after] == [p.expert.sub, rival.sub]
    assert after[0]["rating"] == {"average": 5.0, "count": 1}
