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

from tests.stack.test_lead_journey import _admin, _call, _card, _seller, _stripe

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


def test_an_admins_refund_clicked_by_ten_at_once_with_one_idempotency_key_refunds_once_even_when_sent_again(
    local_stack: LocalStack,
) -> None:
    from tests.stack.conftest import new_person

    api = local_stack.info["api_url"]
    run = uuid.uuid4().hex[:8]
    buyer, seller, operator = (
        new_person(local_stack, f"refund-buyer-{run}@example.com"),
        _seller(local_stack, "rhea", run),
        _admin(local_stack, run),
    )
    lead_id = _call(api, buyer, "post", "/leads", {
        "title": f"Refunded work {run}", "description": "A lead paid for, then partly refunded by an operator.",
        "skills": ["python", "aws"], "budget": 50_000, "currency": "USD", "wished_deadline": "2027-01-31",
    })["lead_id"]  # fmt: skip
    _call(api, seller, "post", f"/leads/{lead_id}/bids", {"price": 30_000, "days": 5})
    _call(api, buyer, "post", f"/leads/{lead_id}/bids/{seller.sub}/accept", {})
    payment_id = _call(api, buyer, "post", f"/leads/{lead_id}/pay", {"payment_method_id": _card(local_stack)})[
        "payment_id"
    ]
    url = f"{api}/admin/payments/{payment_id}/refunds"
    headers = operator.auth | {"Idempotency-Key": f"ticket-{run}"}

    def refund(session: requests.Session) -> requests.Response:
        return session.post(url, json={"amount": 5_000}, headers=headers, timeout=120)

    seen = at_once(refund)
    again = requests.post(url, json={"amount": 5_000}, headers=headers, timeout=60)

    print("admin refund:", seen, "then", again.status_code, again.json().get("refunded"))
    assert set(seen) <= {(201, "captured"), (201, "partly_refunded"), RACED}, seen
    assert len({status for status, _ in seen if _ != "changed_concurrently"}) == 1, seen
    assert (again.status_code, again.json()["refunded"]) == (201, 5_000)
    intent_id = _call(api, operator, "get", f"/payments/{payment_id}")
    client = _stripe(local_stack)
    [intent] = [i for i in client.v1.payment_intents.list(params={"limit": 100}).auto_paging_iter()
                if i.metadata and i.metadata.to_dict().get("purpose") == f"lead:{lead_id}"]  # fmt: skip
    assert [r.amount for r in client.v1.refunds.list(params={"payment_intent": intent.id}).data] == [5_000]
    assert intent_id["refunded"] == 5_000
