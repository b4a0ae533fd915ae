"""How a payment is shown, and to whom."""

from __future__ import annotations

from typing import Any

from chalicelib.errors import NotFound
from chalicelib.identity.caller import Caller
from chalicelib.models.payment import Payment
from chalicelib.payments.card_payments import charge_of


def visible_payment(payment: Payment, caller: Caller) -> Payment:
    """Only the client, the expert and admins see a payment; others are told it does not exist."""
    if caller.account_id not in (payment.client_id, payment.expert_id) and not caller.is_admin:
        raise NotFound("No payment has this id.", code="payment_not_found")
    return payment


def payment_view(payment: Payment) -> dict[str, Any]:
    charge = charge_of(payment)
    return {
        "payment_id": payment.payment_id,
        "purpose": payment.purpose,
        "status": charge.shown_status,
        "currency": payment.currency,
        "authorised": payment.authorised,
        "captured": payment.captured,
        "refunded": payment.refunded,
        "net": charge.net,
        "platform_fee": charge.fee,
        "expert_earnings": charge.earnings,
        "disputed": payment.dispute_id is not None,
        "created_at": payment.created_at.isoformat(),
    }
