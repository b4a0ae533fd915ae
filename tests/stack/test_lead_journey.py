"""One lead from posting to payout on the running local stack, as its three people live it.

A buyer posts a lead; two sellers who list its skills find it and bid; the buyer and one seller
negotiate over three rounds and the buyer accepts; the buyer pays and the platform holds the
money; the seller delivers; the buyer accepts, rates the seller per skill and closes the lead;
the weekly payout pays the seller exactly the price less the 10% commission.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import requests
import stripe

from tests.stack.conftest import Person, eventually, new_person

if TYPE_CHECKING:
    from tests.stack.conftest import LocalStack

pytestmark = pytest.mark.stack
SKILLS = ["python", "aws"]


def test_a_lead_goes_from_posting_through_negotiation_to_the_sellers_weekly_payout(
    local_stack: LocalStack, clock: Path
) -> None:
    api = local_stack.info["api_url"]
    run = uuid.uuid4().hex[:8]
    buyer = new_person(local_stack, f"lead-buyer-{run}@example.com")
    seller, rival = (_seller(local_stack, name, run) for name in ("sana", "ravi"))
    _onboard(local_stack, seller)
    operator = _admin(local_stack, run)
    revenue_before = _revenue(api, operator)

    posted = _call(api, buyer, "post", "/leads", {
        "title": f"Serverless billing jobs {run}", "description": "Move our nightly billing to Lambda with alarms.",
        "skills": SKILLS, "budget": 80_000, "currency": "USD", "wished_deadline": "2027-01-31",
    })  # fmt: skip
    lead_id = posted["lead_id"]

    # Both sellers find it among the leads that fit their skills, and bid.
    for person in (seller, rival):
        found = _call(api, person, "get", "/leads?limit=50")
        assert lead_id in [item["lead_id"] for item in found["items"]]
    _call(api, rival, "post", f"/leads/{lead_id}/bids", {"price": 70_000, "days": 20})
    _call(api, seller, "post", f"/leads/{lead_id}/bids", {"price": 90_000, "days": 14})
    matches = _call(api, buyer, "get", f"/leads/{lead_id}/sellers")
    assert {seller.sub, rival.sub} <= {item["seller_id"] for item in matches["items"]}

    # Three rounds with Sana: she asked 900.00, the buyer offers 600.00, she settles at 750.00; the buyer accepts.
    bid_path = f"/leads/{lead_id}/bids/{seller.sub}"
    _call(api, buyer, "post", f"{bid_path}/proposals", {"price": 60_000, "days": 14})
    _call(api, seller, "post", f"{bid_path}/proposals", {"price": 75_000, "days": 12})
    accepted = _call(api, buyer, "post", f"{bid_path}/accept", {"round": 3})
    assert [p["price"] for p in accepted["proposals"]] == [90_000, 60_000, 75_000]
    assert _call(api, rival, "get", f"/leads/{lead_id}/bids")["items"][0]["status"] == "lost"

    # The buyer pays; the platform holds it: Sana's earnings are pending, not payable.
    paid = _call(api, buyer, "post", f"/leads/{lead_id}/pay", {"payment_method_id": _card(local_stack)})
    assert paid["status"] == "in_progress"
    assert _earnings(api, seller) == {"pending": 67_500, "available": 0, "paid": 0}

    _call(api, seller, "post", f"/leads/{lead_id}/deliver", {"note": "Jobs, alarms and a runbook are in."})
    closed = _call(api, buyer, "post", f"/leads/{lead_id}/accept-work", {"stars": {"python": 5, "aws": 4}})
    assert closed["status"] == "completed"
    # Like every kind of earnings, hers wait the earnings hold from the payment (7 days), for chargebacks.
    assert _earnings(api, seller) == {"pending": 67_500, "available": 0, "paid": 0}
    clock.write_text(str(7 * 24 * 3600 + 60))  # the hourly release fires on the moved clock
    released = {"pending": 0, "available": 67_500, "paid": 0}
    eventually("the hourly release of matured earnings", lambda: _earnings(api, seller) == released)
    profile = requests.get(f"{api}/experts/{seller.sub}", timeout=30).json()
    stars = {entry["skill"]: (entry["average"], entry["count"]) for entry in profile["skill_stars"]}
    assert (stars["python"], stars["aws"]) == ((5, 1), (4, 1))
    assert [i["lead_id"] for i in _call(api, buyer, "get", "/leads/mine?stage=completed")["items"]] == [lead_id]

    # The weekly payout pays her 750.00 less 10%: 675.00, to the cent, once.
    for _ in range(2):
        payout = subprocess.run(
            [sys.executable, "-m", "infra.ops.payouts", "--state-dir", str(local_stack.state_dir)],
            capture_output=True, text=True, timeout=120, env=dict(os.environ), check=False,
        )  # fmt: skip
        assert payout.returncode == 0, payout.stderr
    assert _earnings(api, seller) == {"pending": 0, "available": 0, "paid": 67_500}
    client = _stripe(local_stack)
    charge = [i for i in client.v1.payment_intents.list(params={"limit": 100}).auto_paging_iter()
              if i.metadata and i.metadata.to_dict().get("purpose") == f"lead:{lead_id}"]  # fmt: skip
    assert [(i.status, i.amount_received) for i in charge] == [("succeeded", 75_000)]
    assert _revenue(api, operator) - revenue_before == 7_500  # the commission: 75,000 = 67,500 + 7,500
    [account] = [a.id for a in client.v1.accounts.list().auto_paging_iter()
                 if a.to_dict().get("metadata", {}).get("expert_id") == seller.sub]  # fmt: skip
    transfers = client.v1.transfers.list(params={"destination": account}).data
    assert [t.amount for t in transfers] == [67_500]


def _seller(stack: LocalStack, name: str, run: str) -> Person:
    person = new_person(stack, f"{name}-{run}@example.com")
    profile = {"slug": f"{name}-{run}", "name": name.title(), "categories": ["technology"], "languages": ["en"],
               "currency": "USD", "rate_per_minute": 200, "skills": SKILLS}  # fmt: skip
    response = requests.put(f"{stack.info['api_url']}/experts/me", json=profile, headers=person.auth, timeout=30)
    assert response.status_code == 200, response.text
    return person


def _admin(stack: LocalStack, run: str) -> Person:
    person = new_person(stack, f"operator-{run}@example.com")
    email = f"operator-{run}@example.com"
    stack.cognito().admin_add_user_to_group(UserPoolId=stack.user_pool_id, Username=email, GroupName="admins")
    token = stack.cognito().initiate_auth(
        ClientId=stack.info["web_client_id"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": "Stack-person-2026"},
    )["AuthenticationResult"]["IdToken"]  # fmt: skip  (signed in again: the token now carries the group)
    return Person(person.sub, str(token), email)


def _revenue(api: str, admin: Person) -> int:
    rows = _call(api, admin, "get", "/admin/revenue")["revenue"]
    return next((int(row["revenue"]) for row in rows if row["currency"] == "USD"), 0)


def _onboard(stack: LocalStack, person: Person) -> None:
    api = stack.info["api_url"]
    started = requests.post(f"{api}/experts/me/payouts/onboarding", json={"country": "US"}, headers=person.auth,
                            timeout=30)  # fmt: skip
    assert started.status_code == 201, started.text
    assert requests.get(started.json()["onboarding_url"], allow_redirects=False, timeout=30).status_code == 302


def _call(api: str, person: Person, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    response = requests.request(method.upper(), f"{api}{path}", json=body, headers=person.auth, timeout=60)
    assert response.status_code in (200, 201), f"{method} {path}: {response.status_code} {response.text}"
    return response.json()


def _earnings(api: str, person: Person) -> dict[str, int]:
    [usd] = [c for c in _call(api, person, "get", "/experts/me/earnings")["currencies"] if c["currency"] == "USD"]
    return {key: usd[key] for key in ("pending", "available", "paid")}


def _stripe(stack: LocalStack) -> stripe.StripeClient:
    return stripe.StripeClient("sk_test_local", base_addresses={"api": stack.info["app_environment"]
                                                                ["PARLEY_STRIPE_API_BASE"]})  # fmt: skip


def _card(stack: LocalStack) -> str:
    method = _stripe(stack).v1.payment_methods.create(
        params={"type": "card", "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123"}}
    )
    return str(method.id)
