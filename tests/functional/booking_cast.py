"""The people and helpers booking tests share: an expert open on Mondays 09:00-17:00 UTC and three clients."""

from __future__ import annotations

import email
import email.policy
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

import pytest

from chalicelib import runtime
from tests.functional.builders import become_expert, register
from tests.functional.conftest import User, Users
from tests.functional.money import card

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)  # a Sunday
MONDAY = "2026-03-02"


@dataclass
class Cast:
    expert: User
    client: User
    other: User
    stranger: User
    stripe: Any


def set_hours(api: Any, expert: User, **changes: Any) -> None:
    body: dict[str, Any] = {
        "time_zone": "UTC", "weekly_hours": {"monday": ["09:00-17:00"]}, "overrides": [],
        "buffer_before_minutes": 0, "buffer_after_minutes": 0, "minimum_notice_minutes": 120,
        "booking_horizon_days": 60,
    } | changes  # fmt: skip
    response = api.put("/experts/me/availability", headers=expert.auth, body=json.dumps(body))
    assert response.status_code == 200, response.json_body


@pytest.fixture
def cast(api: Any, users: Users, stripe_api: Any) -> Cast:
    runtime.set_clock(lambda: NOW)
    expert = users.sign_up("ada@example.com")
    become_expert(api, expert)  # 300 cents a minute
    set_hours(api, expert)
    people = []
    for address in ("grace@example.com", "alan@example.com", "mallory@example.com"):
        person = users.sign_up(address)
        assert register(api, person).status_code == 201
        people.append(person)
    client, other, stranger = people
    return Cast(expert, client, other, stranger, stripe_api)


def book(api: Any, cast: Cast, who: User, at: str, minutes: int = 30, number: str | None = None, **extra: Any) -> Any:
    body: dict[str, Any] = {"expert_id": cast.expert.sub, "start": f"{MONDAY}T{at}:00Z", "minutes": minutes}
    body |= {"kind": "paid", "payment_method_id": card(cast.stripe, number) if number else card(cast.stripe)}
    body |= extra
    return api.post("/bookings", headers=who.auth, body=json.dumps({k: v for k, v in body.items() if v is not None}))


def holds(cast: Cast) -> list[Any]:
    intents = cast.stripe.v1.payment_intents.list(params={"limit": 100}).data
    return [i for i in intents if i.metadata and i.metadata.to_dict().get("expert_id") == cast.expert.sub]


def slot_starts(api: Any, cast: Cast, minutes: int = 30) -> list[str]:
    response = api.get(f"/experts/{cast.expert.sub}/slots?from={MONDAY}&to={MONDAY}&minutes={minutes}")
    assert response.status_code == 200, response.json_body
    return [slot["start_utc"] for slot in response.json_body["slots"]]


def booking_mail(to: str) -> list[EmailMessage]:
    """The emails SES accepted for ``to`` (moto runs in this process), oldest first, plain or raw."""
    from tests.functional.deliveries import sent_emails

    found: list[EmailMessage] = []
    for sent in sent_emails():
        if hasattr(sent, "raw_data") and to in sent.destinations:
            found.append(email.message_from_string(sent.raw_data, policy=email.policy.default))  # type: ignore[arg-type]
        elif hasattr(sent, "body") and to in sent.destinations.get("ToAddresses", []):
            plain = EmailMessage()
            plain["Subject"] = sent.subject
            plain.set_content(sent.body)
            found.append(plain)
    return found


def at(moment: datetime) -> None:
    runtime.set_clock(lambda: moment)


def run_agenda(moment: datetime) -> Any:
    """The scheduled job, as the platform runs it, at ``moment``."""
    from chalicelib.bookings.agenda import run_booking_agenda

    at(moment)
    return run_booking_agenda(moment)
