"""The same request sent by several clients at once, each clicking a few times, on the running local stack
(real HTTP, ``chalice local`` serving on threads, Stripe's webhooks arriving meanwhile): every answer is
the first outcome or 409 ``changed_concurrently``, never a 5xx or a misleading 4xx; Stripe moves money once."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import pytest
import requests

from tests.stack.test_lead_journey import _call, _card, _seller, _stripe

if TYPE_CHECKING:
    from pathlib import Path

    from tests.stack.conftest import LocalStack

pytestmark = pytest.mark.stack
CLIENTS = 10
CLICKS = 3
RACED = (409, "changed_concurrently")


def at_once(request: Callable[[requests.Session], requests.Response]) -> dict[tuple[int, str], int]:
    """``CLIENTS`` clients, each on its own open connection, released together, each sending
    ``request`` ``CLICKS`` times in a row; how many answers were each (status, code or status)."""
    barrier = threading.Barrier(CLIENTS)

    def client(session: requests.Session) -> list[requests.Response]:
        barrier.wait(timeout=60)
        return [request(session) for _ in range(CLICKS)]

    sessions = [requests.Session() for _ in range(CLIENTS)]
    try:
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            answers = [answer for answers in pool.map(client, sessions) for answer in answers]
    finally:
        for session in sessions:
            session.close()
    seen: Counter[tuple[int, str]] = Counter()
    for answer in answers:
        body = answer.json()
        seen[(answer.status_code, body["error"]["code"] if "error" in body else str(body.get("status", "")))] += 1
    return dict(sorted(seen.items()))


def test_ten_buyers_clicks_on_cancel_after_the_deadline_answer_cancelled_or_409_and_refund_once(
    local_stack: LocalStack, clock: Path
) -> None:
    api = local_stack.info["api_url"]
    run = uuid.uuid4().hex[:8]
    from tests.stack.conftest import new_person

    buyer = new_person(local_stack, f"late-buyer-{run}@example.com")
    seller = _seller(local_stack, "lena", run)
    lead_id = _call(api, buyer, "post", "/leads", {
        "title": f"Nightly exports {run}", "description": "Export our orders to S3 every night, with tests.",
        "skills": ["python", "aws"], "budget": 50_000, "currency": "USD", "wished_deadline": "2027-01-31",
    })["lead_id"]  # fmt: skip
    _call(api, seller, "post", f"/leads/{lead_id}/bids", {"price": 40_000, "days": 3})
    _call(api, buyer, "post", f"/leads/{lead_id}/bids/{seller.sub}/accept", {})
    paid = _call(api, buyer, "post", f"/leads/{lead_id}/pay", {"payment_method_id": _card(local_stack)})
    assert paid["status"] == "in_progress"
    clock.write_text(str(3 * 86_400 + 60))  # the seller's 3 days passed undelivered

    url = f"{api}/leads/{lead_id}/cancel"
    seen = at_once(lambda session: session.post(url, json={}, headers=buyer.auth, timeout=120))

    print("cancel:", seen)
    assert (200, "cancelled") in seen, seen
    assert set(seen) <= {(200, "cancelled"), RACED}, seen
    client = _stripe(local_stack)
    [intent] = [i for i in client.v1.payment_intents.list(params={"limit": 100}).auto_paging_iter()
                if i.metadata and i.metadata.to_dict().get("purpose") == f"lead:{lead_id}"]  # fmt: skip
    refunds = client.v1.refunds.list(params={"payment_intent": intent.id}).data
    assert [r.amount for r in refunds] == [40_000]
    assert _call(api, buyer, "get", f"/leads/{lead_id}")["status"] == "cancelled"


def test_ten_experts_clicks_on_start_payout_onboarding_answer_one_link_and_make_one_stripe_account(
    local_stack: LocalStack,
) -> None:
    api = local_stack.info["api_url"]
    run = uuid.uuid4().hex[:8]
    expert = _seller(local_stack, "omar", run)
    url = f"{api}/experts/me/payouts/onboarding"

    seen = at_once(lambda session: session.post(url, json={"country": "US"}, headers=expert.auth, timeout=120))

    print("onboarding:", seen)
    assert set(seen) <= {(201, ""), RACED}, seen
    assert (201, "") in seen, seen
    accounts = [a.id for a in _stripe(local_stack).v1.accounts.list(params={"limit": 100}).auto_paging_iter()
                if a.to_dict().get("metadata", {}).get("expert_id") == expert.sub]  # fmt: skip
    assert len(accounts) == 1, accounts
