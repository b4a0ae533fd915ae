"""An expert sets up payouts and is paid by the operator's payout run, on the running local stack."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from typing import TYPE_CHECKING, Any

import pytest
import requests
import stripe

from infra.local.demo_payments import seed_paid_sessions
from tests.stack.conftest import new_person

if TYPE_CHECKING:
    from tests.stack.conftest import LocalStack

pytestmark = pytest.mark.stack


def _operator(stack: LocalStack, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "infra.ops.payouts", "--state-dir", str(stack.state_dir), *args],
        capture_output=True, text=True, timeout=120, env=dict(os.environ), check=False,
    )  # fmt: skip


def test_an_expert_onboards_and_the_operator_pays_their_earnings_once(local_stack: LocalStack) -> None:
    api = local_stack.info["api_url"]
    run = uuid.uuid4().hex[:8]
    payee, payer = (
        new_person(local_stack, f"payee-{run}@example.com"),
        new_person(local_stack, f"payer-{run}@example.com"),
    )
    expert_id, expert, client_id = payee.sub, payee.auth, payer.sub
    profile = {"slug": f"payee-{run}", "name": "Priya Payee", "categories": ["finance"], "languages": ["en"],
               "currency": "GBP", "rate_per_minute": 250}  # fmt: skip
    assert requests.put(f"{api}/experts/me", json=profile, headers=expert, timeout=30).status_code == 200

    # Onboarding, as the expert's browser goes through it.
    started = requests.post(f"{api}/experts/me/payouts/onboarding", json={"country": "GB"}, headers=expert, timeout=30)
    assert started.status_code == 201, started.text
    assert started.json()["payouts_enabled"] is False
    onboarding = requests.get(started.json()["onboarding_url"], allow_redirects=False, timeout=30)
    assert onboarding.status_code == 302
    assert "onboarding=done" in onboarding.headers["Location"]
    status = requests.get(f"{api}/experts/me/payouts", headers=expert, timeout=30).json()
    assert "onboarding" in status, status
    assert (status["onboarding"], status["payouts_enabled"]) == ("complete", True)

    # Two paid sessions nine days ago: 90.00 and 45.00, so 81.00 + 40.50 earned.
    env = local_stack.info["app_environment"]
    seed_paid_sessions(env, client_id=client_id, expert_id=expert_id, currency="GBP", amounts=[9_000, 4_500])
    earnings = requests.get(f"{api}/experts/me/earnings", headers=expert, timeout=30).json()
    assert earnings["currencies"][0] | {"currency": "GBP"} == earnings["currencies"][0]
    assert earnings["currencies"][0]["available"] == 12_150

    dry = _operator(local_stack, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert expert_id in dry.stdout
    assert "121.50" in dry.stdout

    for _ in range(2):  # the second run finds nothing owed
        paid = _operator(local_stack)
        assert paid.returncode == 0, paid.stderr

    earnings = requests.get(f"{api}/experts/me/earnings", headers=expert, timeout=30).json()["currencies"][0]
    assert (earnings["available"], earnings["paid"]) == (0, 12_150)
    local_stripe = {"api": env["PARLEY_STRIPE_API_BASE"]}
    stripe_client = stripe.StripeClient(env["PARLEY_STRIPE_SECRET_KEY"], base_addresses=local_stripe)
    account = local_stack_account(stripe_client, expert_id)
    transfers = stripe_client.v1.transfers.list(params={"destination": account})
    assert [t.amount for t in transfers.data] == [12_150]


def local_stack_account(stripe_client: Any, expert_id: str) -> str:
    for account in stripe_client.v1.accounts.list().auto_paging_iter():
        if account.to_dict().get("metadata", {}).get("expert_id") == expert_id:
            return str(account.id)
    raise AssertionError(f"no Connect account for {expert_id}")
