"""Use cases: an expert starts (or resumes) Connect onboarding and reads their payout status."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.accounts.account_records import get_account
from chalicelib.errors import Conflict, NotFound
from chalicelib.models.conditions import condition_failed
from chalicelib.models.payout import PayoutAccount
from chalicelib.payments.stripe_gateway import ConnectAccount, StripeGateway
from chalicelib.profiles.save_profile import find_own_profile


def start_onboarding(
    expert_id: str, country: str, *, gateway: StripeGateway, web_origin: str, now: datetime
) -> dict[str, Any]:
    """The expert's Express account (made once) and a fresh link to Stripe's onboarding."""
    if find_own_profile(expert_id) is None:
        raise NotFound("Create your expert profile before setting up payouts.", code="profile_not_found")
    account = _find(expert_id)
    if account is None:
        email = get_account(expert_id).email
        account_id = gateway.create_express_account(expert_id, email, country)
        account = PayoutAccount(
            expert_id, stripe_account_id=account_id, country=country, created_at=now, updated_at=now
        )
        try:
            account.save(condition=PayoutAccount.expert_id.does_not_exist())
        except PutError as error:
            if not condition_failed(error):
                raise
            account = PayoutAccount.get(expert_id, consistent_read=True)
    elif account.country != country:
        raise Conflict(
            f"Your payout account is set up for {account.country}; contact support to change country.",
            code="payout_country_fixed",
        )
    origin = web_origin.rstrip("/") if web_origin != "*" else "http://localhost:8000"
    url = gateway.onboarding_link(
        account.stripe_account_id,
        refresh_url=f"{origin}/settings/payouts?onboarding=expired",
        return_url=f"{origin}/settings/payouts?onboarding=done",
    )
    return {"onboarding_url": url} | payout_status_view(account)


def refresh_payout_status(expert_id: str, *, gateway: StripeGateway, now: datetime) -> dict[str, Any]:
    """Ask Stripe how far onboarding got (the webhook says the same; this answers at once)."""
    account = _find(expert_id)
    if account is None:
        return {"onboarding": "not_started", "payouts_enabled": False, "country": None, "requirements_due": []}
    record_connect_account(gateway.retrieve_account(account.stripe_account_id), expert_id, now)
    return payout_status_view(PayoutAccount.get(expert_id, consistent_read=True))


def record_connect_account(status: ConnectAccount, expert_id: str, now: datetime) -> None:
    """Store what Stripe says of an expert's account (from the API or an ``account.updated`` event)."""
    try:
        account = PayoutAccount.get(expert_id, consistent_read=True)
    except DoesNotExist:
        return
    if account.stripe_account_id != status.account_id:
        return
    account.update(
        actions=[
            PayoutAccount.details_submitted.set(status.details_submitted),
            PayoutAccount.payouts_enabled.set(status.payouts_enabled),
            PayoutAccount.requirements_due.set(status.requirements_due),
            PayoutAccount.updated_at.set(now),
        ]
    )


def payout_status_view(account: PayoutAccount) -> dict[str, Any]:
    if account.payouts_enabled:
        stage = "complete"
    elif account.details_submitted:
        stage = "pending_verification"
    else:
        stage = "in_progress"
    return {
        "onboarding": stage,
        "payouts_enabled": bool(account.payouts_enabled),
        "country": account.country,
        "requirements_due": list(account.requirements_due or []),
    }


def _find(expert_id: str) -> PayoutAccount | None:
    try:
        return PayoutAccount.get(expert_id, consistent_read=True)
    except DoesNotExist:
        return None
