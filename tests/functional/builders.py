"""Builders for test data: a valid profile body with whatever a test changes."""

from __future__ import annotations

from typing import Any

from tests.functional.conftest import User


def profile_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "slug": "ada-lovelace",
        "name": "Ada Lovelace",
        "job_title": "Analyst",
        "company": "Analytical Engines Ltd",
        "advice_on": "I'm available for advice on algorithms and engine design.",
        "offering": "Thirty-minute reviews of your computation plans.",
        "description": "Twenty years of designing programs for machines that do not exist yet.",
        "categories": ["technology"],
        "tags": ["algorithms", "python"],
        "languages": ["en", "fr"],
        "skills": ["mathematics"],
        "education": [{"institution": "Home tutoring", "qualification": "Mathematics", "start_year": 1998}],
        "currency": "USD",
        "rate_per_minute": 300,
        "free_minutes": 5,
    }
    body.update(changes)
    return body


def register(api: Any, user: User, kind: str = "individual", **extra: Any) -> Any:
    body = {"kind": kind, "display_name": user.email.split("@")[0], **extra}
    return api.post("/accounts/me", headers=user.auth, body=_json(body))


def become_expert(api: Any, user: User, **changes: Any) -> dict[str, Any]:
    """Register ``user`` and give them a profile; fails the test if either step fails."""
    assert register(api, user).status_code in (201, 409)
    response = api.put("/experts/me", headers=user.auth, body=_json(profile_body(**changes)))
    assert response.status_code == 200, response.json_body
    return dict(response.json_body)


def _json(body: dict[str, Any]) -> str:
    import json

    return json.dumps(body)
