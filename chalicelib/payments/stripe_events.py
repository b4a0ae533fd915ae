"""Stripe webhook events: verified on the raw body, each handled once however often it arrives.

Handlers are idempotent on their own (every posting is keyed by its cause), and
each handled event is recorded so a redelivery is acknowledged without work.
Types we do not handle are acknowledged too, so Stripe stops resending them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.connect.onboarding import record_connect_account
from chalicelib.errors import InvalidInput
from chalicelib.ledger.transactions import LedgerTransaction
from chalicelib.models.conditions import condition_failed
from chalicelib.models.payment import Payment
from chalicelib.models.stripe_event import ProcessedStripeEvent
from chalicelib.payments.card_payments import (
    AWAITING_CONFIRMATION,
    FAILED,
    apply_charge,
    charge_of,
    commit_payment,
    record_capture,
)
from chalicelib.payments.charge import AUTHORISED, CAPTURED, Charge
from chalicelib.payments.stripe_gateway import connect_account_from
from chalicelib.sessions.notifier import CallNotifier

SIGNATURE_TOLERANCE_SECONDS = 300
CALL_PURPOSE = "session:"  # the purpose of a call's card hold (``calls.purpose_of``)
KEEP_EVENTS = timedelta(days=30)


@dataclass(frozen=True)
class EventContext:
    now: datetime
    hold_days: int
    notifier: CallNotifier | None = None  # how call events reach people; the default one when None


Handler = Callable[[dict[str, Any], EventContext], None]


def verify_event(payload: bytes, signature_header: str | None, secret: str) -> dict[str, Any]:
    """The event, if Stripe signed this exact body recently; otherwise a 400 and nothing changes."""
    import stripe

    if not signature_header:
        raise InvalidInput("The Stripe-Signature header is missing.", code="invalid_signature")
    try:
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"), signature_header, secret, tolerance=SIGNATURE_TOLERANCE_SECONDS
        )
    except stripe.SignatureVerificationError:
        raise InvalidInput(
            "The Stripe signature does not match this body, or is too old.", code="invalid_signature"
        ) from None
    import json

    event: dict[str, Any] = json.loads(payload)
    return event


def handle_event(event: dict[str, Any], context: EventContext) -> str:
    """Handle a verified event once. Returns what happened: handled, duplicate or ignored."""
    event_id = str(event["id"])
    if _seen(event_id):
        return "duplicate"
    handler = HANDLERS.get(str(event["type"]))
    if handler is not None:
        handler(event["data"]["object"], context)
    marker = ProcessedStripeEvent(
        event_id, type=str(event["type"]), processed_at=context.now, expires_at=context.now + KEEP_EVENTS
    )
    try:
        marker.save(condition=ProcessedStripeEvent.event_id.does_not_exist())
    except PutError as error:
        if condition_failed(error):
            return "duplicate"
        raise
    return "handled" if handler is not None else "ignored"


def _seen(event_id: str) -> bool:
    try:
        ProcessedStripeEvent.get(event_id, consistent_read=True)
    except DoesNotExist:
        return False
    return True


def _payment_of_intent(intent: dict[str, Any]) -> Payment | None:
    """The payment this PaymentIntent holds; none when the payment moved on to another card's intent
    (the first card's hold was dropped for it), so news of the old intent cannot change the new one."""
    payment_id = (intent.get("metadata") or {}).get("payment_id")
    payment = _payment(payment_id) if payment_id else _payment_by_intent_id(str(intent.get("id")))
    if payment is not None and payment.stripe_payment_intent_id != intent.get("id"):
        return None
    return payment


def _payment_by_intent_id(intent_id: str | None) -> Payment | None:
    if not intent_id:
        return None
    for key in Payment.by_payment_intent.query(intent_id, limit=1):
        return _payment(key.payment_id)
    return None


def _payment(payment_id: str) -> Payment | None:
    try:
        return Payment.get(payment_id, consistent_read=True)
    except DoesNotExist:
        return None


def _set_status(payment: Payment, status: str, context: EventContext) -> None:
    payment.status = status
    payment.updated_at = context.now
    payment.save()


def on_amount_capturable(intent: dict[str, Any], context: EventContext) -> None:
    """The client confirmed the card in the browser: the hold is in place (and, for a call, both are told)."""
    payment = _payment_of_intent(intent)
    if payment is not None and payment.status == AWAITING_CONFIRMATION:
        _set_status(payment, AUTHORISED, context)
    if payment is not None and payment.status == AUTHORISED and payment.purpose.startswith(CALL_PURPOSE):
        from chalicelib.sessions.calls import hold_became_ready
        from chalicelib.sessions.notifier import default_notifier

        notifier = context.notifier if context.notifier is not None else default_notifier()
        hold_became_ready(payment.purpose.removeprefix(CALL_PURPOSE), notifier=notifier, now=context.now)


def on_payment_failed(intent: dict[str, Any], context: EventContext) -> None:
    payment = _payment_of_intent(intent)
    if payment is not None and payment.status == AWAITING_CONFIRMATION:
        _set_status(payment, FAILED, context)


def on_payment_canceled(intent: dict[str, Any], context: EventContext) -> None:
    payment = _payment_of_intent(intent)
    if payment is not None and payment.status in (AUTHORISED, AWAITING_CONFIRMATION):
        _set_status(payment, "released", context)


def on_payment_succeeded(intent: dict[str, Any], context: EventContext) -> None:
    """Stripe captured: if our own write of the capture was lost, this writes it (same posting id)."""
    payment = _payment_of_intent(intent)
    if payment is None or payment.status != AUTHORISED:
        return
    captured, posting = charge_of(payment).capture(int(intent["amount_received"]))
    record_capture(payment, captured, posting, hold_days=context.hold_days, now=context.now)


def on_charge_refunded(charge: dict[str, Any], context: EventContext) -> None:
    """Refunds made outside our API (say, in Stripe's dashboard) are posted here; ours are already, or, when
    this comes first, it posts ours under the same refund number (the payment keeps its reserved key)."""
    payment = _payment_by_intent_id(charge.get("payment_intent"))
    if payment is None or payment.status != CAPTURED:
        return
    # Stripe counts the uncaptured rest of a partial capture as refunded too; only the captured part is ours.
    released = int(charge.get("amount", 0)) - int(charge.get("amount_captured", charge.get("amount", 0)))
    missing = int(charge.get("amount_refunded", 0)) - released - payment.refunded
    if missing <= 0 or payment.dispute_id is not None:
        return
    refunded, posting = charge_of(payment).refund(missing)
    _apply_and_commit(payment, refunded, posting, context)


def on_dispute_created(dispute: dict[str, Any], context: EventContext) -> None:
    """A cardholder disputes the charge: the expert's earnings from it are frozen until it closes."""
    payment = _payment_by_intent_id(dispute.get("payment_intent"))
    if payment is None or payment.dispute_id == dispute["id"] or payment.status != CAPTURED:
        return
    frozen, posting = charge_of(payment).open_dispute(str(dispute["id"]))
    _apply_and_commit(payment, frozen, posting, context)


def on_dispute_closed(dispute: dict[str, Any], context: EventContext) -> None:
    payment = _payment_by_intent_id(dispute.get("payment_intent"))
    if payment is None or payment.dispute_id != dispute["id"]:
        return
    charge = charge_of(payment)
    closed, posting = charge.win_dispute() if dispute.get("status") == "won" else charge.lose_dispute()
    _apply_and_commit(payment, closed, posting, context)


def on_account_updated(account: dict[str, Any], context: EventContext) -> None:
    expert_id = (account.get("metadata") or {}).get("expert_id")
    if expert_id:
        record_connect_account(connect_account_from(account), str(expert_id), context.now)


def _apply_and_commit(payment: Payment, charge: Charge, posting: LedgerTransaction, context: EventContext) -> None:
    apply_charge(payment, charge, context.now)
    commit_payment(payment, posting, context.now)


HANDLERS: dict[str, Handler] = {
    "payment_intent.amount_capturable_updated": on_amount_capturable,
    "payment_intent.succeeded": on_payment_succeeded,
    "payment_intent.payment_failed": on_payment_failed,
    "payment_intent.canceled": on_payment_canceled,
    "charge.refunded": on_charge_refunded,
    "charge.dispute.created": on_dispute_created,
    "charge.dispute.closed": on_dispute_closed,
    "account.updated": on_account_updated,
}
