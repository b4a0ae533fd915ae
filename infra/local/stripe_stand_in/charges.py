"""Charges: Stripe's fields, captures as Stripe makes them, and released authorisations.

A capture of less than the authorised amount records a refund of the rest that
moves no money (``amount_refunded`` counts it, ``amount_captured`` does not), as
Stripe does; the same happens to the whole amount when an uncaptured
PaymentIntent is cancelled. The balance gains exactly the captured amount.
"""

from __future__ import annotations

from typing import Any

from localstripe import resources

from infra.local.stripe_stand_in.card_declines import payment_method_of
from infra.local.stripe_stand_in.errors import invalid
from infra.local.stripe_stand_in.events import emit
from infra.local.stripe_stand_in.fixtures import fixture
from infra.local.stripe_stand_in.shapes import reshape

AUTHORISATION_DAYS = 7

_localstripe_capture = resources.Charge._capture
_localstripe_export = resources.Charge._export


def amount_captured(charge: Any) -> int:
    return int(getattr(charge, "_amount_captured", charge.amount if charge.captured else 0))


def real_refunds(charge: Any) -> list[Any]:
    """Refunds that gave money back (not the release of an uncaptured remainder)."""
    return [r for r in charge.refunds._list if not getattr(r, "_release", False)]


def unrefunded(charge: Any) -> int:
    return amount_captured(charge) - sum(int(r.amount) for r in real_refunds(charge))


def release(charge: Any, amount: int) -> None:
    """Give back the uncaptured part of an authorisation: a refund that moves no money."""
    refund = resources.Refund(charge=charge.id, amount=amount)
    refund._release = True
    refund.payment_intent = charge.payment_intent
    del resources.store[f"balance_transaction:{refund.balance_transaction}"]
    refund.balance_transaction = None


def _capture(self: Any, amount: Any = None, on_success: Any = None) -> None:
    amount = resources.try_convert_to_int(self.amount if amount is None else amount)
    if not isinstance(amount, int) or amount < 1:
        raise invalid(f"Invalid integer: {amount}", param="amount_to_capture")
    if amount > self.amount:
        raise invalid(
            f"The amount to capture ({amount}) is greater than the amount authorised ({self.amount}).",
            param="amount_to_capture",
            code="amount_too_large",
        )
    if self.captured:
        raise invalid(f"Charge {self.id} has already been captured.", code="charge_already_captured")
    if self.status != "succeeded":
        raise invalid(f"Charge {self.id} cannot be captured because its status is {self.status}.")
    if self._is_async_payment_method():
        _localstripe_capture(self, amount, on_success)
        return
    self.captured = True
    self._amount_captured = amount
    txn = resources.BalanceTransaction(
        amount=amount,
        currency=self.currency,
        description=self.description,
        exchange_rate=1.0,
        reporting_category="charge",
        source=self.id,
        type="charge",
    )
    self.balance_transaction = txn.id
    if amount < self.amount:
        release(self, self.amount - amount)
    emit("charge.captured", self)
    if on_success:
        on_success()


def _payment_method_details(charge: Any, payment_method: Any) -> dict[str, Any] | None:
    card = getattr(payment_method, "card", None)
    if not isinstance(card, dict):
        return None
    template = fixture("charge")["payment_method_details"]["card"]
    details = template | {
        "amount_authorized": charge.amount,
        "brand": card.get("brand"),
        "country": card.get("country"),
        "exp_month": card.get("exp_month"),
        "exp_year": card.get("exp_year"),
        "fingerprint": card.get("fingerprint"),
        "funding": card.get("funding"),
        "last4": card.get("last4"),
        "network": card.get("brand"),
        "wallet": None,
        "installments": None,
        "network_token": {"used": False},
        "checks": {"address_line1_check": None, "address_postal_code_check": None, "cvc_check": "pass"},
        "overcapture": {"maximum_amount_capturable": charge.amount, "status": "unavailable"},
        "three_d_secure": None,
    }
    if not charge.captured and charge.status == "succeeded":
        details["capture_before"] = charge.created + AUTHORISATION_DAYS * 86400
    return {"card": details, "type": "card"}


def _outcome(charge: Any) -> dict[str, Any]:
    base = {"advice_code": None, "network_advice_code": None, "network_decline_code": None, "risk_level": "normal"}
    if charge.status == "failed":
        return base | {
            "network_status": "declined_by_network",
            "reason": getattr(charge, "_decline_code", "generic_decline"),
            "seller_message": "The bank did not return any further details with this decline.",
            "type": "issuer_declined",
        }
    return base | {
        "network_status": "approved_by_network",
        "reason": None,
        "seller_message": "Payment complete.",
        "type": "authorized",
    }


def _billing_details(payment_method: Any) -> dict[str, Any]:
    template: dict[str, Any] = fixture("charge")["billing_details"] | {"name": None}
    given = getattr(payment_method, "billing_details", None) or {}
    return template | {key: value for key, value in given.items() if key in template}


def _export(self: Any, expand: Any = None) -> dict[str, Any]:
    exported = _localstripe_export(self, expand)
    intent = resources.store.get(f"payment_intent:{self.payment_intent}") if self.payment_intent else None
    extras: dict[str, Any] = getattr(intent, "_extras", {})
    payment_method = payment_method_of(self.payment_method)
    known = {
        "amount_captured": amount_captured(self),
        "application": None,
        "application_fee": None,
        "application_fee_amount": extras.get("application_fee_amount"),
        "billing_details": _billing_details(payment_method),
        "calculated_statement_descriptor": None,
        "disputed": getattr(self, "_dispute", None) is not None,
        "failure_balance_transaction": None,
        "fraud_details": {},
        "on_behalf_of": extras.get("on_behalf_of"),
        "outcome": _outcome(self),
        "payment_method_details": _payment_method_details(self, payment_method),
        "receipt_url": None,
        "review": None,
        "shipping": None,
        "source": None,
        "source_transfer": None,
        "statement_descriptor_suffix": extras.get("statement_descriptor_suffix"),
        "transfer_data": extras.get("transfer_data"),
        "transfer_group": extras.get("transfer_group"),
    }
    return reshape("charge", exported, known)


def install() -> None:
    resources.Charge._capture = _capture
    resources.Charge._export = _export
