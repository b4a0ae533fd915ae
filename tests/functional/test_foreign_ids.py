"""Ids cannot be probed: someone else's object answers a stranger exactly as a made-up id does.

The table below names every route with an id in its path, read from the app's routes: a new
route without an entry fails ``test_every_route_with_a_path_id_is_in_the_table``. Each private
route is called by a stranger (signed in, registered, no part in the object) with the ids of real
objects, then with made-up ids; the status and error code must be the same.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from tests.functional.booking_cast import MONDAY, set_hours
from tests.functional.builders import become_expert, register
from tests.functional.conftest import User, Users
from tests.functional.lead_cast import NOW, LeadCast, deal, hire  # noqa: F401  (deal is a fixture)
from tests.functional.money import card
from tests.functional.presence_cast import online_expert

# Routes whose object anyone may see (public profiles, offers, open slots): not secret, so not probed.
PUBLIC = {
    ("/experts/{expert_id}", "GET"),
    ("/experts/by-slug/{slug}", "GET"),
    ("/experts/{expert_id}/reviews", "GET"),
    ("/experts/{expert_id}/services", "GET"),
    ("/experts/by-slug/{slug}/services/{service_slug}", "GET"),
    ("/experts/{expert_id}/slots", "GET"),
    ("/experts/{expert_id}/services/{service_id}/checkout", "POST"),
    # Questions and answers are published for everyone: their ids are not secret, so the asker's or the expert's
    # own routes may answer a stranger 403 (a removed one answers 404 like a made-up id).
    ("/experts/{expert_id}/answers", "GET"),
    ("/questions/{question_id}", "GET"),
    ("/questions/{question_id}", "PATCH"),
    ("/questions/{question_id}", "DELETE"),
    ("/questions/{question_id}/revisions", "GET"),
    ("/questions/{question_id}/answers", "POST"),
    ("/questions/{question_id}/accept", "POST"),
    ("/answers/{answer_id}", "PATCH"),
    ("/answers/{answer_id}", "DELETE"),
    ("/answers/{answer_id}/revisions", "GET"),
    # Articles, documents and answers are public: anyone reads them, so their existence is no secret;
    # a stranger's edit or removal is 403 not_the_author, a vote is open to every signed-in person.
    ("/articles/{article_id}", "GET"),
    ("/articles/{article_id}", "PATCH"),
    ("/articles/{article_id}", "DELETE"),
    ("/articles/{article_id}/revisions", "GET"),
    ("/articles/{article_id}/vote", "PUT"),
    ("/experts/{expert_id}/articles", "GET"),
    ("/experts/{expert_id}/documents", "GET"),
    ("/documents/{document_id}", "DELETE"),
    ("/documents/{document_id}/vote", "PUT"),
    ("/answers/{answer_id}/vote", "PUT"),
    ("/experts/{expert_id}/messages", "POST"),  # anyone may message an expert: it opens the caller's own thread
    ("/experts/{expert_id}/views", "POST"),  # a beacon anyone sends after showing a public profile
}
# The body a stranger sends with each private route: a valid one where validation would answer first.
BODIES: dict[tuple[str, str], dict[str, Any] | None] = {
    ("/sessions/{session_id}", "GET"): None,
    ("/sessions/{session_id}/accept", "POST"): {},
    ("/sessions/{session_id}/decline", "POST"): {},
    ("/sessions/{session_id}/cancel", "POST"): {},
    ("/sessions/{session_id}/hang-up", "POST"): {},
    ("/sessions/{session_id}/card", "POST"): {"payment_method_id": "pm_card_visa"},
    ("/sessions/{session_id}/ice-servers", "GET"): None,
    ("/sessions/{session_id}/confirm-card", "POST"): {},
    ("/sessions/{session_id}/review", "POST"): {"stars": 5, "text": "Good."},
    ("/leads/{lead_id}/bids", "POST"): {"price": 10_000, "days": 3},
    ("/leads/{lead_id}/bids", "GET"): None,
    ("/leads/{lead_id}/bids/{seller_id}", "GET"): None,
    ("/leads/{lead_id}/bids/{seller_id}/proposals", "POST"): {"price": 10_000, "days": 3},
    ("/leads/{lead_id}/bids/{seller_id}/accept", "POST"): {},
    ("/leads/{lead_id}/bids/{seller_id}/withdraw", "POST"): {},
    ("/leads/{lead_id}/conversations/{seller_id}", "POST"): {},
    ("/leads/{lead_id}/pay", "POST"): {"payment_method_id": "pm_card_visa"},
    ("/leads/{lead_id}/deliver", "POST"): {},
    ("/leads/{lead_id}/accept-work", "POST"): {},
    ("/leads/{lead_id}/cancel", "POST"): {},
    ("/leads/{lead_id}/dispute", "POST"): {"reason": "The work never came."},
    ("/admin/leads/{lead_id}/dispute/decision", "POST"): {"outcome": "buyer"},
    ("/leads/{lead_id}", "GET"): None,
    ("/leads/{lead_id}", "PUT"): {},
    ("/leads/{lead_id}/close", "POST"): {},
    ("/leads/{lead_id}/sellers", "GET"): None,
    ("/experts/me/services/{service_id}", "PUT"): {},
    ("/experts/me/services/{service_id}", "DELETE"): None,
    ("/checkouts/{checkout_id}", "GET"): None,
    ("/checkouts/{checkout_id}/accept", "POST"): {},
    ("/checkouts/{checkout_id}/decline", "POST"): {},
    ("/payments/{payment_id}", "GET"): None,
    ("/admin/payments/{payment_id}/refunds", "POST"): {"amount": 100},
    ("/bookings/{appointment_id}/confirm-card", "POST"): {},
    ("/bookings/{appointment_id}", "GET"): None,
    ("/bookings/{appointment_id}/cancel", "POST"): {},
    ("/bookings/{appointment_id}/reschedule", "POST"): {"start": f"{MONDAY}T15:00:00Z"},
    ("/bookings/{appointment_id}/approve", "POST"): {},
    ("/bookings/{appointment_id}/decline", "POST"): {},
    ("/bookings/{appointment_id}/call", "POST"): {},
    ("/conversations/{thread_id}", "GET"): None,
    ("/conversations/{thread_id}/messages", "GET"): None,
    ("/conversations/{thread_id}/messages", "POST"): {"text": "Hello?"},
    ("/conversations/{thread_id}/evidence", "GET"): None,
    ("/admin/articles/{article_id}", "GET"): None,
}


@dataclass
class World:
    stranger: User
    ids: dict[str, str]


@pytest.fixture
def world(api: Any, users: Users, deal: LeadCast) -> World:  # noqa: F811
    hired = hire(api, deal)
    expert, client = users.sign_up("ada@example.com"), users.sign_up("grace@example.com")
    become_expert(api, expert, free_minutes=0)
    assert register(api, client).status_code == 201
    set_hours(api, expert, minimum_notice_minutes=0)
    service = {
        "name": "Architecture review", "slug": "architecture-review", "description": "I read your design.",
        "upfront_hold": 25_000, "ongoing_rate": {"amount": 15_000, "unit": "hour"}, "meeting": None,
    }  # fmt: skip
    service_id = _ok(api.post("/experts/me/services", headers=expert.auth, body=json.dumps(service)))["service_id"]
    checkout = _ok(api.post(
        f"/experts/{expert.sub}/services/{service_id}/checkout", headers=client.auth,
        body=json.dumps({"message": "Please review my design.", "payment_method_id": card(deal.stripe)}),
    ))  # fmt: skip
    booking = _ok(api.post("/bookings", headers=client.auth, body=json.dumps({
        "expert_id": expert.sub, "start": f"{MONDAY}T14:00:00Z", "minutes": 30, "kind": "paid",
        "payment_method_id": card(deal.stripe),
    })))  # fmt: skip
    article = _ok(api.post("/articles", headers=expert.auth, body=json.dumps({
        "title": "How to prepare for a first call", "body": "Bring one page of notes: what you tried and measured.",
    })))  # fmt: skip
    online_expert(api, expert)
    call = _ok(api.post("/sessions", headers=client.auth, body=json.dumps({
        "expert_id": expert.sub, "media": "video", "payment_method_id": card(deal.stripe),
    })))  # fmt: skip
    ids = {
        "session_id": call["session_id"], "lead_id": deal.lead_id, "seller_id": deal.seller.sub,
        "service_id": service_id, "checkout_id": checkout["checkout"]["checkout_id"],
        "payment_id": hired["payment_id"], "appointment_id": booking["appointment_id"],
        "thread_id": checkout["thread_id"], "article_id": article["article_id"],
    }  # fmt: skip
    return World(deal.stranger, ids)


def _ok(response: Any) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.json_body
    return dict(response.json_body)


def _with_path_ids() -> set[tuple[str, str]]:
    from app import app

    return {(path, method) for path, entries in app.routes.items() for method in entries if "{" in path}


def test_every_route_with_a_path_id_is_in_the_table() -> None:
    assert _with_path_ids() == PUBLIC | set(BODIES)


def test_someone_elses_object_answers_a_stranger_exactly_as_a_made_up_id(api: Any, world: World) -> None:
    def answer(path: str, method: str, ids: dict[str, str]) -> tuple[int, str | None]:
        url = path.format(**ids)
        body = BODIES[(path, method)]
        sent = json.dumps(body) if body is not None else None
        response = api.request(method, url, headers=world.stranger.auth, body=(sent or "").encode())
        error = (json.loads(response.body or b"{}") or {}).get("error") or {}
        return response.status_code, error.get("code")

    made_up = {name: f"made-up-{name}" for name in world.ids}
    differences = {}
    for path, method in sorted(BODIES):
        real, fake = answer(path, method, world.ids), answer(path, method, made_up)
        if real != fake:
            differences[f"{method} {path}"] = {"real": real, "made_up": fake}
    assert differences == {}
