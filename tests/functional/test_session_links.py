"""Session links: a permanent paid link per expert, and one-time free links spent by the first call."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from chalicelib import runtime
from chalicelib.models.payment import Payment
from chalicelib.sessions import calls
from tests.functional.conftest import Users
from tests.functional.money import balance, card
from tests.functional.test_calls import Parties, email_to, make_parties, start_call


@pytest.fixture
def parties(api: Any, users: Users, stripe_api: Any) -> Parties:
    return make_parties(api, users, stripe_api)


def test_an_expert_has_one_permanent_paid_link_made_on_first_read(api: Any, parties: Parties) -> None:
    p = parties
    first = api.get("/experts/me/session-links", headers=p.expert.auth)
    assert first.status_code == 200, first.json_body
    again = api.get("/experts/me/session-links", headers=p.expert.auth)
    assert first.json_body["paid_link"]["link_id"] == again.json_body["paid_link"]["link_id"]
    assert first.json_body["paid_link"]["kind"] == "paid"
    assert first.json_body["free_links"] == []
    assert api.get("/experts/me/session-links", headers=p.client.auth).status_code == 404  # not an expert
    assert api.get("/experts/me/session-links").status_code == 401

    paid_link = first.json_body["paid_link"]["link_id"]
    t0 = runtime.now()
    session_id = start_call(p, t0, link_id=None)
    calls.hang_up(session_id, p.client.sub, now=t0 + timedelta(minutes=1))
    body = {"expert_id": p.expert.sub, "media": "voice", "payment_method_id": card(p.stripe), "link_id": paid_link}
    for _ in range(2):  # the paid link is never spent
        response = api.post("/sessions", headers=p.client.auth, body=json.dumps(body))
        assert response.status_code == 201, response.json_body
        assert response.json_body["paid"] is True


def test_a_free_link_makes_one_call_free_and_a_second_use_gets_409(api: Any, parties: Parties) -> None:
    p = parties
    made = api.post("/experts/me/session-links", headers=p.expert.auth)
    assert made.status_code == 201, made.json_body
    link_id = made.json_body["link_id"]
    assert made.json_body["kind"] == "free"
    assert made.json_body["spent"] is False

    t0 = runtime.now()
    session_id = start_call(p, t0, link_id=link_id)
    view = calls.get_call(session_id, p.client.sub)
    assert view["paid"] is False
    assert view["payment_id"] is None
    listed = api.get("/experts/me/session-links", headers=p.expert.auth).json_body["free_links"]
    assert [(link["link_id"], link["spent"]) for link in listed] == [(link_id, True)]

    body = {"expert_id": p.expert.sub, "media": "voice", "link_id": link_id}
    second = api.post("/sessions", headers=p.client.auth, body=json.dumps(body))
    assert second.status_code == 409
    assert second.json_body["error"]["code"] == "link_spent"

    ended = calls.hang_up(session_id, p.client.sub, now=t0 + timedelta(minutes=30))
    assert ended["bill"]["amount"] == 0
    assert ended["bill"]["free_call"] is True
    assert Payment.count() == 0
    assert balance(p.expert.sub, "pending") == 0
    receipt = email_to(p.client.email)
    assert "free session" in receipt
    assert "Amount: USD 0.00" in receipt


def test_a_free_link_given_to_a_declined_call_can_be_used_again(parties: Parties) -> None:
    p, t0 = parties, runtime.now()
    from chalicelib.sessions.links import create_free_link

    link_id = create_free_link(p.expert.sub, t0)["link_id"]
    asked = calls.request_call(
        p.client.sub, p.expert.sub, "voice", payment_method_id=None, link_id=link_id, notifier=p.notifier, now=t0
    )
    calls.decline_call(asked["session_id"], p.expert.sub, now=t0)
    again = calls.request_call(
        p.client.sub, p.expert.sub, "voice", payment_method_id=None, link_id=link_id, notifier=p.notifier, now=t0
    )
    assert again["paid"] is False


def test_a_link_of_another_expert_is_not_found(api: Any, users: Users, parties: Parties) -> None:
    p = parties
    link_id = api.post("/experts/me/session-links", headers=p.expert.auth).json_body["link_id"]
    from tests.functional.builders import become_expert
    from tests.functional.presence_cast import online_expert

    other = users.sign_up("other@example.com")
    become_expert(api, other, slug="other-expert")
    online_expert(api, other)
    body = {"expert_id": other.sub, "media": "voice", "link_id": link_id}
    response = api.post("/sessions", headers=p.client.auth, body=json.dumps(body))
    assert response.status_code == 404
    assert response.json_body["error"]["code"] == "link_not_found"
