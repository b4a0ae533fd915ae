"""Stripe's test cards, declining where and how Stripe's do.

localstripe declines 4000000000000002 (and the other "declined" cards) only when
the card is attached to a customer; charging it directly succeeds. Here every
declined test card also fails when charged, and the failure is Stripe's: HTTP
402, ``type: card_error``, ``code`` (card_declined, expired_card, ...) and
``decline_code`` (generic_decline, insufficient_funds, ...), with the charge,
PaymentIntent or SetupIntent and PaymentMethod in the error body, and the
charge's ``failure_code``/``outcome`` set. Stripe's test PaymentMethod ids
(``pm_card_visa``, ``pm_card_chargeDeclined``, ...) work as they do on Stripe.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from localstripe import resources
from localstripe.errors import UserError

from infra.local.stripe_stand_in.errors import StripeError
from infra.local.stripe_stand_in.events import emit


@dataclass(frozen=True)
class Decline:
    code: str
    decline_code: str
    message: str


_GENERIC = Decline("card_declined", "generic_decline", "Your card was declined.")
DECLINES: dict[str, Decline] = {
    "4000000000000002": _GENERIC,
    "4000000000000341": _GENERIC,
    "4000008400001629": _GENERIC,
    "4000000000009995": Decline("card_declined", "insufficient_funds", "Your card has insufficient funds."),
    "4000008260003178": Decline("card_declined", "insufficient_funds", "Your card has insufficient funds."),
    "4000000000009987": Decline("card_declined", "lost_card", "Your card was declined."),
    "4000000000009979": Decline("card_declined", "stolen_card", "Your card was declined."),
    "4000000000000069": Decline("expired_card", "expired_card", "Your card has expired."),
    "4000000000000127": Decline("incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect."),
    "4000000000000119": Decline(
        "processing_error",
        "processing_error",
        "An error occurred while processing your card. Try again in a little bit.",
    ),
    "4242424242424241": Decline("incorrect_number", "incorrect_number", "Your card number is incorrect."),
}
DISPUTED_CARD = "4000000000000259"  # charges succeed, then the cardholder disputes them
TEST_PAYMENT_METHODS = {
    "pm_card_visa": "4242424242424242",
    "pm_card_mastercard": "5555555555554444",
    "pm_card_chargeDeclined": "4000000000000002",
    "pm_card_visa_chargeDeclined": "4000000000000002",
    "pm_card_chargeDeclinedInsufficientFunds": "4000000000009995",
    "pm_card_chargeDeclinedExpiredCard": "4000000000000069",
    "pm_card_chargeCustomerFail": "4000000000000341",
    "pm_card_createDispute": DISPUTED_CARD,
}
BRANDS = (("4", "visa"), ("5", "mastercard"), ("34", "amex"), ("37", "amex"), ("6", "discover"))


def card_number(payment_method: Any) -> str | None:
    number = getattr(payment_method, "_card_number", None)
    return str(number) if number else None


def decline_for(payment_method: Any) -> Decline:
    return DECLINES.get(card_number(payment_method) or "", _GENERIC)


def payment_method_of(payment_method_id: str | None) -> Any:
    if not payment_method_id:
        return None
    try:
        return resources.PaymentMethod._api_retrieve(payment_method_id)
    except UserError:
        return None


_localstripe_charging_is_declined = resources.PaymentMethod._charging_is_declined
_localstripe_pm_init = resources.PaymentMethod.__init__
_localstripe_attach_pm = resources.SetupIntent._attach_pm


def _charging_is_declined(self: Any) -> bool:
    return bool(_localstripe_charging_is_declined(self) or card_number(self) in DECLINES)


def _pm_init(self: Any, *args: Any, **kwargs: Any) -> None:
    _localstripe_pm_init(self, *args, **kwargs)
    number = card_number(self)
    if number:
        brand = next((name for prefix, name in BRANDS if number.startswith(prefix)), "unknown")
        self.card = {**self.card, "brand": brand, "display_brand": brand, "country": "US"}


def _canonical_test_article(cls: Any, payment_method_id: str) -> Any:
    number = TEST_PAYMENT_METHODS.get(payment_method_id)
    if number is None:
        return None
    return cls(type="card", card={"number": number, "exp_month": "12", "exp_year": "2034", "cvc": "123"})


def _set_auth_failure(self: Any) -> None:
    decline = decline_for(payment_method_of(self.payment_method))
    self.status = "failed"
    self.failure_code = decline.code
    self.failure_message = decline.message
    self._decline_code = decline.decline_code
    emit("charge.failed", self)


def _raise_failure(self: Any) -> None:
    extra: dict[str, Any] = {"charge": self.id, "decline_code": self._decline_code}
    if self.payment_intent:
        extra["payment_intent"] = resources.PaymentIntent._api_retrieve(self.payment_intent)._export()
    payment_method = payment_method_of(self.payment_method)
    if payment_method is not None:
        extra["payment_method"] = payment_method._export()
    raise StripeError(402, self.failure_message, type="card_error", code=self.failure_code, **extra)


def _attach_pm(self: Any, payment_method: Any) -> None:
    """SetupIntent confirmation: a declined card fails as on Stripe; a good one is saved to the customer."""
    try:
        _localstripe_attach_pm(self, payment_method)
    except UserError as error:
        if error.code != 402:
            raise
        decline = decline_for(payment_method)
        self.status = "requires_payment_method"  # Stripe's state after a decline; localstripe cancels the intent
        emit("setup_intent.setup_failed", self)
        raise StripeError(
            402,
            decline.message,
            type="card_error",
            code=decline.code,
            decline_code=decline.decline_code,
            setup_intent=self._export(),
            payment_method=payment_method._export(),
        ) from None
    if self.status == "succeeded":
        if self.customer:
            payment_method.customer = self.customer
        emit("setup_intent.succeeded", self)


def install() -> None:
    resources.PaymentMethod._charging_is_declined = _charging_is_declined
    resources.PaymentMethod.__init__ = _pm_init
    resources.PaymentMethod._try_get_canonical_test_article = classmethod(_canonical_test_article)
    resources.Charge._set_auth_failure = _set_auth_failure
    resources.Charge._raise_failure = _raise_failure
    resources.SetupIntent._attach_pm = _attach_pm
