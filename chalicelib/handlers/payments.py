"""Routes for cards and payments, and Stripe's webhook."""

from __future__ import annotations

from typing import Any

from chalicelib import runtime
from chalicelib.web.api import IDEMPOTENCY_KEY, STRIPE_SIGNATURE, ApiBlueprint, ApiRequest

api = ApiBlueprint(__name__, tag="payments")
RESPONSES = "chalicelib.payments.responses"


@api.route(
    "/payments/card-setup", "POST", summary="Start saving a card: a SetupIntent client secret for Stripe.js",
    status=201, errors=(404, 502, 503), response=f"{RESPONSES}:CardSetup",
)  # fmt: skip
def card_setup(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.payments.card_payments import start_card_setup

    return start_card_setup(request.caller.account_id, runtime.stripe_gateway())


@api.route(
    "/payments/{payment_id}", "GET", summary="A payment, for its client, its expert or an admin",
    response=f"{RESPONSES}:PaymentView",
)  # fmt: skip
def read_payment(request: ApiRequest, payment_id: str) -> dict[str, Any]:
    from chalicelib.payments.card_payments import get_payment
    from chalicelib.payments.views import payment_view, visible_payment

    return payment_view(visible_payment(get_payment(payment_id), request.caller))


@api.route(
    "/admin/payments/{payment_id}/refunds", "POST",
    summary="Refund part or all of a captured payment (admins; with an Idempotency-Key a repeat is the same refund)",
    status=201, body="chalicelib.payments.schemas:RefundInput", headers=(IDEMPOTENCY_KEY,), errors=(403, 409, 502, 503),
    response=f"{RESPONSES}:PaymentView",
)  # fmt: skip
def refund(request: ApiRequest, payment_id: str) -> dict[str, Any]:
    from chalicelib.payments.card_payments import refund_payment
    from chalicelib.payments.schemas import RefundInput
    from chalicelib.payments.views import payment_view

    request.caller.require_admin("refund payments")
    amount = request.body(RefundInput).amount
    key = request.header(IDEMPOTENCY_KEY)
    refunded = refund_payment(payment_id, amount, gateway=runtime.stripe_gateway(), now=runtime.now(),
                              idempotency_key=key)  # fmt: skip
    return payment_view(refunded)


@api.route(
    "/webhooks/stripe", "POST", summary="Stripe's events (400 invalid_signature unless Stripe signed this body)",
    public=True, headers=(STRIPE_SIGNATURE,), response=f"{RESPONSES}:StripeWebhookReceipt",
)  # fmt: skip
def stripe_webhook(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.payments.secrets import stripe_webhook_secret
    from chalicelib.payments.stripe_events import EventContext, handle_event, verify_event

    raw = request.raw.raw_body
    payload = raw.encode() if isinstance(raw, str) else raw
    event = verify_event(payload, request.header(STRIPE_SIGNATURE), stripe_webhook_secret())
    context = EventContext(now=runtime.now(), hold_days=runtime.settings().earnings_hold_days)
    return {"received": True, "outcome": handle_event(event, context)}
