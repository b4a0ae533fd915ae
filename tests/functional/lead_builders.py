"""Builders for lead tests: a valid lead body, posting one, and stars given in skills."""

from __future__ import annotations

import json
from typing import Any

from tests.functional.builders import register
from tests.functional.conftest import User


def lead_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Port our billing jobs to AWS Lambda",
        "description": "Three cron jobs in Python; we want them serverless, with tests.",
        "skills": ["python", "aws"],
        "budget": 150_000,
        "currency": "USD",
        "wished_deadline": "2099-01-31",
    }
    body.update(changes)
    return body


def post_lead(api: Any, buyer: User, **changes: Any) -> dict[str, Any]:
    """Register ``buyer`` if needed and post a lead; fails the test if either step fails."""
    assert register(api, buyer).status_code in (201, 409)
    response = api.post("/leads", headers=buyer.auth, body=json.dumps(lead_body(**changes)))
    assert response.status_code == 201, response.json_body
    return dict(response.json_body)


def give_stars(seller_id: str, stars: dict[str, int]) -> None:
    """Stars as the lead engineer's closing transaction gives them (``ratings.write_stars``)."""
    from chalicelib.leads.ratings import write_stars
    from chalicelib.models.base import write_transaction

    with write_transaction() as transaction:
        write_stars(transaction, seller_id, stars)
