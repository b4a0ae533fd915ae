"""Refunds limited as Stripe limits them, shaped as Stripe shapes them.

``POST /v1/refunds`` (``payment_intent`` or ``charge``, optional ``amount``,
``reason``, ``metadata``) is refused when the PaymentIntent has not been captured
(``charge_not_refundable``: cancel it instead), when the charge is disputed
(``charge_disputed``), when nothing is left to refund (``charge_already_refunded``),
and when ``amount`` is more than what is left of the captured amount (400,
``param: amount``, ``code: amount_too_large``, "Refund amount ($X) is greater than
unrefunded amount on charge ($Y)"). A refund sends ``refund.created`` and ``charge.refunded``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from localstripe import resources

from infra.local.stripe_stand_in.charges import amount_captured, unrefunded
from infra.local.stripe_stand_in.errors import invalid, no_such
from infra.local.stripe_stand_in.events import emit
from infra.local.stripe_stand_in.params import Params, merge_metadata
from infra.local.stripe_stand_in.shapes import reshape

REASONS = ("duplicate", "fraudulent", "requested_by_customer")
SYMBOLS = {"usd": "$", "cad": "$", "aud": "$", "sgd": "$", "mxn": "$", "gbp": "£", "eur": "€", "jpy": "¥"}
ZERO_DECIMAL = {
    "jpy",
    "krw",
    "vnd",
    "clp",
    "pyg",
    "ugx",
    "xaf",
    "xof",
    "bif",
    "djf",
    "gnf",
    "kmf",
    "mga",
    "rwf",
    "vuv",
    "xpf",
}

_localstripe_export = resources.Refund._export


def money(amount: int, currency: str) -> str:
    """Stripe's way of writing an amount in its messages: ``$12.34``, ``€5.00``, ``¥500``, ``CHF 3.00``."""
    value = str(amount) if currency in ZERO_DECIMAL else f"{Decimal(amount) / 100:.2f}"
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{value}" if symbol else f"{currency.upper()} {value}"


def _charge_to_refund(charge_id: str | None, intent_id: str | None) -> Any:
    if intent_id is not None:
        intent = resources.store.get(f"payment_intent:{intent_id}")
        if intent is None:
            raise no_such("payment_intent", intent_id, param="payment_intent")
        if intent.status == "requires_capture":
            raise invalid(
                f"This PaymentIntent ({intent_id}) has not been captured, so it cannot be refunded. "
                "Cancel the PaymentIntent to release the authorization instead.",
                param="payment_intent",
                code="charge_not_refundable",
            )
        if intent.latest_charge is None or intent.status != "succeeded":
            raise invalid(
                f"This PaymentIntent ({intent_id}) does not have a successful charge to refund.",
                param="payment_intent",
                code="charge_not_refundable",
            )
        return intent.latest_charge
    if charge_id is None:
        raise invalid("One of the following params should be provided for this request: payment_intent or charge.")
    charge = resources.store.get(f"charge:{charge_id}")
    if charge is None:
        raise no_such("charge", charge_id, param="charge")
    if not charge.captured or charge.status != "succeeded":
        raise invalid(
            f"Charge {charge_id} has not been captured, so it cannot be refunded.",
            param="charge",
            code="charge_not_refundable",
        )
    return charge


def _create(cls: Any, **data: Any) -> Any:
    params = Params(data)
    charge = _charge_to_refund(params.text("charge"), params.text("payment_intent"))
    amount = params.integer("amount", minimum=1)
    reason = params.text("reason", choices=REASONS)
    metadata = merge_metadata(None, params.metadata())
    params.discard("refund_application_fee", "reverse_transfer", "instructions_email")
    params.done()
    dispute = getattr(charge, "_dispute", None)
    if dispute is not None and resources.store[f"dispute:{dispute}"].status != "won":
        raise invalid(f"Charge {charge.id} has been charged back; cannot issue a refund.", code="charge_disputed")
    left = unrefunded(charge)
    if left <= 0:
        raise invalid(f"Charge {charge.id} has already been refunded.", code="charge_already_refunded")
    amount = left if amount is None else amount
    if amount > left:
        against = "unrefunded amount on charge" if left < amount_captured(charge) else "charge amount"
        asked, limit = money(amount, charge.currency), money(left, charge.currency)
        raise invalid(
            f"Refund amount ({asked}) is greater than {against} ({limit})",
            param="amount",
            code="amount_too_large",
        )
    refund = cls(charge=charge.id, amount=amount, metadata=metadata)
    refund.payment_intent = charge.payment_intent
    refund.reason = reason
    emit("refund.created", refund)
    emit("charge.refunded", charge)
    return refund


def _export(self: Any, expand: Any = None) -> dict[str, Any]:
    exported = _localstripe_export(self, expand)
    charge = resources.store.get(f"charge:{self.charge}")
    kind = "reversal" if getattr(self, "_release", False) else "refund"
    known = {
        "destination_details": {"card": {"reference_status": "pending", "type": kind}, "type": "card"},
        "reason": getattr(self, "reason", None),
        "receipt_number": None,
        "source_transfer_reversal": None,
        "transfer_reversal": None,
        "customer": getattr(charge, "customer", None),
        "customer_account": None,
        "payment_method": None,
        "payment_intent": getattr(self, "payment_intent", None),
    }
    return reshape("refund", exported, known)


def install() -> None:
    resources.Refund._api_create = classmethod(_create)
    resources.Refund._export = _export
