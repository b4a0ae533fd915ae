"""A buyer, two competing sellers who list python and aws, and a stranger; a lead to bid on."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib import runtime
from tests.functional.builders import become_expert, register
from tests.functional.conftest import User, Users
from tests.functional.lead_builders import post_lead
from tests.functional.money import card

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SKILLS = ["python", "aws"]


@dataclass
class LeadCast:
    buyer: User
    seller: User
    rival: User
    stranger: User
    stripe: Any
    lead_id: str


@pytest.fixture
def deal(api: Any, users: Users, stripe_api: Any) -> LeadCast:
    runtime.set_clock(lambda: NOW)
    buyer, seller, rival, stranger = (
        users.sign_up(email) for email in ("bob@example.com", "sam@example.com", "rita@example.com", "eve@example.com")
    )
    for person in (buyer, stranger):
        assert register(api, person).status_code == 201
    become_expert(api, seller, slug="sam-seller", name="Sam Seller", skills=SKILLS)
    become_expert(api, rival, slug="rita-rival", name="Rita Rival", skills=SKILLS)
    lead_id = post_lead(api, buyer, skills=SKILLS)["lead_id"]
    return LeadCast(buyer, seller, rival, stranger, stripe_api, lead_id)


def at(moment: datetime) -> None:
    runtime.set_clock(lambda: moment)


def call(api: Any, who: User, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    return getattr(api, method)(path, headers=who.auth, body=json.dumps(body) if body is not None else None)


def bid(api: Any, deal: LeadCast, seller: User, price: int, days: int) -> Any:
    return call(api, seller, "post", f"/leads/{deal.lead_id}/bids", {"price": price, "days": days})


def propose(api: Any, deal: LeadCast, who: User, seller: User, price: int, days: int) -> Any:
    path = f"/leads/{deal.lead_id}/bids/{seller.sub}/proposals"
    return call(api, who, "post", path, {"price": price, "days": days})


def accept(api: Any, deal: LeadCast, who: User, seller: User) -> Any:
    return call(api, who, "post", f"/leads/{deal.lead_id}/bids/{seller.sub}/accept", {})


def hire(api: Any, deal: LeadCast, price: int = 50_000, days: int = 10) -> dict[str, Any]:
    """The seller bids ``price`` in ``days``, the buyer accepts and pays: the lead is in progress."""
    assert bid(api, deal, deal.seller, price, days).status_code == 201
    assert accept(api, deal, deal.buyer, deal.seller).status_code == 200
    paid = call(api, deal.buyer, "post", f"/leads/{deal.lead_id}/pay", {"payment_method_id": card(deal.stripe)})
    assert paid.status_code == 200, paid.json_body
    assert paid.json_body["status"] == "in_progress"
    result: dict[str, Any] = paid.json_body
    return result
