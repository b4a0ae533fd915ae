"""Twenty clients book the same slot at once over HTTP: exactly one wins, and only its card is held.

``chalice local`` may serve requests one at a time; then this proves the sequential path (each
loser finds the winner's time locks). Parallel transactions on the same locks are excluded by
DynamoDB itself: at most one of them can commit (see ``chalicelib.bookings.book``).
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
import requests
import stripe

from tests.stack.conftest import Person, new_person

if TYPE_CHECKING:
    from tests.stack.conftest import LocalStack

pytestmark = pytest.mark.stack
CLIENTS = 20
HOURS = ["08:00-20:00"]


def test_twenty_parallel_bookings_of_one_slot_make_one_appointment_and_one_hold(local_stack: LocalStack) -> None:
    api = local_stack.info["api_url"]
    run = uuid.uuid4().hex[:8]
    expert = new_person(local_stack, f"booked-expert-{run}@example.com")
    profile: dict[str, Any] = {
        "slug": f"booked-{run}", "name": "Bea Booked", "categories": ["career"], "languages": ["en"],
        "currency": "USD", "rate_per_minute": 100, "free_minutes": 0,
    }  # fmt: skip
    assert requests.put(f"{api}/experts/me", json=profile, headers=expert.auth, timeout=30).status_code == 200
    days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    availability: dict[str, Any] = {
        "time_zone": "UTC", "weekly_hours": {day: HOURS for day in days}, "overrides": [],
        "buffer_before_minutes": 10, "buffer_after_minutes": 10, "minimum_notice_minutes": 0,
        "booking_horizon_days": 30,
    }  # fmt: skip
    saved = requests.put(f"{api}/experts/me/availability", json=availability, headers=expert.auth, timeout=30)
    assert saved.status_code == 200, saved.text

    stripe_base = local_stack.info["app_environment"]["PARLEY_STRIPE_API_BASE"]
    stripe_client = stripe.StripeClient("sk_test_local", base_addresses={"api": stripe_base})
    clients = [new_person(local_stack, f"booker-{i}-{run}@example.com") for i in range(CLIENTS)]
    cards = [_card(stripe_client) for _ in clients]
    day = (datetime.now(UTC) + timedelta(days=2)).date()
    start = datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC).isoformat().replace("+00:00", "Z")
    barrier = threading.Barrier(CLIENTS)
    # Each client's connection is opened (and kept alive) before the race, so the twenty requests
    # go out together on open connections instead of overflowing the server's listen backlog.
    sessions = [requests.Session() for _ in clients]
    for session in sessions:
        assert session.get(f"{api}/experts/{expert.sub}/slots?from={day}&to={day}", timeout=30).status_code == 200

    def attempt(session: requests.Session, person: Person, payment_method_id: str) -> requests.Response:
        body: dict[str, Any] = {"expert_id": expert.sub, "start": start, "minutes": 30, "kind": "paid",
                "payment_method_id": payment_method_id}  # fmt: skip
        barrier.wait(timeout=60)
        return session.post(f"{api}/bookings", json=body, headers=person.auth, timeout=120)

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        responses = list(pool.map(attempt, sessions, clients, cards))
    for session in sessions:
        session.close()

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [409] * (CLIENTS - 1), [r.text for r in responses if r.status_code not in (201, 409)]
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {"slot_taken"}
    [won] = [r.json() for r in responses if r.status_code == 201]
    assert won["status"] == "confirmed"
    intents = [
        intent
        for intent in stripe_client.v1.payment_intents.list(params={"limit": 100}).auto_paging_iter()
        if intent.metadata and intent.metadata.to_dict().get("expert_id") == expert.sub
    ]
    assert [(i.status, i.metadata.to_dict()["purpose"]) for i in intents] == [
        ("requires_capture", f"appointment:{won['appointment_id']}")
    ]
    slots = requests.get(f"{api}/experts/{expert.sub}/slots?from={day}&to={day}&minutes=30", timeout=30).json()
    assert start not in [slot["start_utc"] for slot in slots["slots"]]


def _card(client: Any) -> str:
    method = client.v1.payment_methods.create(
        params={"type": "card", "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123"}}
    )
    return str(method.id)
