"""Helpers for money tests: cards as Stripe.js would make them, signed webhook bodies, balances."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

from chalicelib.ledger.accounts import expert_account
from chalicelib.ledger.statements import platform_revenue
from chalicelib.models.ledger import LedgerBalance

GOOD_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000002"


def card(stripe_client: Any, number: str = GOOD_CARD) -> str:
    """A PaymentMethod id, as Stripe.js hands one to the browser after the client types a card."""
    method = stripe_client.v1.payment_methods.create(
        params={"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2031, "cvc": "123"}}
    )
    return str(method.id)


def saved_card(api: Any, stripe_client: Any, user: Any, number: str = GOOD_CARD) -> str:
    """A card saved to ``user``'s Stripe customer, as the web app saves one: our SetupIntent, confirmed by Stripe.js."""
    setup = api.post("/payments/card-setup", headers=user.auth)
    assert setup.status_code in (200, 201), setup.json_body
    method = card(stripe_client, number)
    stripe_client.v1.setup_intents.confirm(setup.json_body["setup_intent_id"], params={"payment_method": method})
    assert stripe_client.v1.payment_methods.retrieve(method).customer == setup.json_body["customer_id"]
    return method


def intents_left_over(stripe_client: Any) -> list[tuple[str, str]]:
    """Every PaymentIntent at Stripe that is neither succeeded, canceled, nor a live hold: (id, status)."""
    intents = stripe_client.v1.payment_intents.list(params={"limit": 100}).data
    return [(i.id, i.status) for i in intents if i.status not in ("succeeded", "canceled", "requires_capture")]


def signed(event: dict[str, Any], secret: str, *, at: int | None = None) -> tuple[str, dict[str, str]]:
    """A webhook body and the Stripe-Signature header Stripe would send with it."""
    body = json.dumps(event)
    timestamp = at if at is not None else int(time.time())
    signature = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return body, {"Stripe-Signature": f"t={timestamp},v1={signature}", "Content-Type": "application/json"}


def event(event_id: str, kind: str, obj: dict[str, Any]) -> dict[str, Any]:
    return {"id": event_id, "object": "event", "type": kind, "data": {"object": obj}, "created": int(time.time())}


def balance(expert_id: str, bucket: str, currency: str = "USD") -> int:
    try:
        return LedgerBalance.get(expert_account(expert_id, bucket), currency, consistent_read=True).balance
    except LedgerBalance.DoesNotExist:
        return 0


def revenue(currency: str = "USD") -> int:
    return next((row["revenue"] for row in platform_revenue() if row["currency"] == currency), 0)
