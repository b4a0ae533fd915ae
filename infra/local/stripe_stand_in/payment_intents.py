"""PaymentIntents as Stripe shapes and runs them, on top of localstripe's.

* ``application_fee_amount``, ``transfer_group``, ``description``,
  ``statement_descriptor(_suffix)``, ``receipt_email``, ``setup_future_usage``,
  ``transfer_data``, ``on_behalf_of`` are accepted, stored and echoed (localstripe refuses them).
* ``confirm`` takes a ``payment_method`` (localstripe answers 500), also after a decline.
* A ``payment_method`` attached to a customer other than the intent's is refused, on create and
  confirm, with Stripe's 400 ``resource_missing`` (localstripe charges it).
* ``capture`` and ``cancel`` check the status first and answer Stripe's
  ``payment_intent_unexpected_state``; ``cancel`` takes a ``cancellation_reason``
  and releases an uncaptured authorisation.
* The object has Stripe's fields: ``amount_capturable``, ``amount_received``,
  ``latest_charge`` as an id (unless expanded), ``canceled_at``, ``last_payment_error``
  with ``type``/``decline_code``, ...; no ``charges`` list (gone from Stripe's API).
* Events: ``payment_intent.created``, ``charge.succeeded``,
  ``payment_intent.amount_capturable_updated`` (authorised, manual capture),
  ``charge.captured``, ``payment_intent.canceled``, besides localstripe's
  ``payment_intent.succeeded`` and ``payment_intent.payment_failed``.
"""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web
from localstripe import resources

from infra.local.stripe_stand_in.card_declines import DISPUTED_CARD, card_number, payment_method_of
from infra.local.stripe_stand_in.charges import amount_captured, release
from infra.local.stripe_stand_in.disputes import open_dispute
from infra.local.stripe_stand_in.errors import invalid, no_such, unexpected_state
from infra.local.stripe_stand_in.events import emit
from infra.local.stripe_stand_in.params import Params, answer, merge_metadata
from infra.local.stripe_stand_in.shapes import expanded, reshape

CANCELABLE = ("requires_payment_method", "requires_capture", "requires_confirmation", "requires_action", "processing")
CONFIRMABLE = ("requires_payment_method", "requires_confirmation", "requires_action")
CANCELLATION_REASONS = ("duplicate", "fraudulent", "requested_by_customer", "abandoned")
IGNORED_ON_CONFIRM = (
    "return_url",
    "off_session",
    "mandate_data",
    "use_stripe_sdk",
    "error_on_requires_action",
    "payment_method_options",
    "client_secret",
    "receipt_email",
)

_localstripe_export = resources.PaymentIntent._export
_localstripe_create_charge = resources.PaymentIntent._create_charge
_localstripe_on_success = resources.PaymentIntent._on_success


def _extras(params: Params) -> dict[str, Any]:
    extras: dict[str, Any] = {
        "application_fee_amount": params.integer("application_fee_amount", minimum=0),
        "transfer_group": params.text("transfer_group"),
        "description": params.text("description"),
        "statement_descriptor": params.text("statement_descriptor"),
        "statement_descriptor_suffix": params.text("statement_descriptor_suffix"),
        "receipt_email": params.text("receipt_email"),
        "setup_future_usage": params.text("setup_future_usage", choices=("on_session", "off_session")),
        "transfer_data": params.mapping("transfer_data"),
        "on_behalf_of": params.text("on_behalf_of"),
        "confirmation_method": params.text("confirmation_method", choices=("automatic", "manual")) or "automatic",
    }
    automatic = params.mapping("automatic_payment_methods")
    extras["automatic_payment_methods"] = (
        None if automatic is None else {"enabled": str(automatic.get("enabled")).lower() == "true"}
    )
    return extras


def resolve_payment_method(payment_method_id: str | None, *, param: str = "payment_method") -> str | None:
    """The id of a real PaymentMethod; Stripe's test ids (``pm_card_visa``) become one, once."""
    if payment_method_id is None:
        return None
    payment_method = payment_method_of(payment_method_id)
    if payment_method is None:
        raise no_such("PaymentMethod", payment_method_id, param=param)
    return str(payment_method.id)


def require_customers_card(payment_method_id: str | None, customer: str | None) -> None:
    """Stripe refuses a PaymentMethod attached to one customer on another customer's intent."""
    payment_method = payment_method_of(payment_method_id)
    owner = getattr(payment_method, "customer", None) if payment_method is not None else None
    if owner is not None and owner != customer:
        raise invalid(
            f"The customer does not have a payment method with the ID {payment_method_id}. "
            "The payment method must be attached to the customer.",
            param="payment_method",
            code="resource_missing",
        )


def _create(cls: Any, **data: Any) -> Any:
    params = Params(data)
    extras = _extras(params)
    confirm = params.boolean("confirm")
    params.discard("off_session", "return_url", "error_on_requires_action", "use_stripe_sdk", "mandate_data")
    payment_method = resolve_payment_method(params.text("payment_method"))
    customer = params.text("customer")
    if customer is not None and f"customer:{customer}" not in resources.store:
        raise no_such("customer", customer, param="customer")
    require_customers_card(payment_method, customer)
    rest = params.rest()
    amount = resources.try_convert_to_int(rest.get("amount"))
    fee = extras["application_fee_amount"]
    if fee is not None and isinstance(amount, int) and fee > amount:
        raise invalid("The application fee must not exceed the amount.", param="application_fee_amount")
    intent = cls(payment_method=payment_method, customer=customer, **rest)
    intent._extras = extras
    intent.payment_method_types = rest.get("payment_method_types") or ["card"]
    emit("payment_intent.created", intent)
    if confirm:
        intent._confirm(on_failure_now=intent._report_failure)
    return intent


def _create_charge(self: Any, on_failure_now: Any) -> None:
    _localstripe_create_charge(self, on_failure_now)
    if self.latest_charge.status == "succeeded":
        emit("charge.succeeded", self.latest_charge)
    if self.status == "requires_capture":
        emit("payment_intent.amount_capturable_updated", self)


def _on_success(self: Any) -> None:
    _localstripe_on_success(self)
    charge = self.latest_charge
    if charge is not None and card_number(payment_method_of(charge.payment_method)) == DISPUTED_CARD:
        open_dispute(charge, reason="fraudulent")


def _last_payment_error(intent: Any, given: dict[str, Any] | None) -> dict[str, Any] | None:
    if not given:
        return None
    error = {"type": "card_error", **given}
    charge = intent.latest_charge
    if charge is not None and getattr(charge, "_decline_code", None):
        error["decline_code"] = charge._decline_code
        payment_method = payment_method_of(charge.payment_method)
        error["payment_method"] = payment_method._export() if payment_method is not None else None
    return error


def _export(self: Any, expand: Any = None) -> dict[str, Any]:
    exported = _localstripe_export(self, expand)
    charge = self.latest_charge
    status = exported["status"]
    known: dict[str, Any] = {
        "amount_details": {"tip": {}},
        "application": None,
        "automatic_payment_methods": None,
        "last_payment_error": _last_payment_error(self, exported.get("last_payment_error")),
        "payment_method_configuration_details": None,
        "processing": None,
        "review": None,
        "shipping": None,
        "source": None,
        "excluded_payment_method_types": None,
        "customer_account": None,
        "managed_payments": {"enabled": False},
        "payment_method_options": {
            "card": {
                "installments": None,
                "mandate_options": None,
                "network": None,
                "request_three_d_secure": "automatic",
            }
        },
    }
    known |= getattr(self, "_extras", {})
    known |= {
        "amount_capturable": charge.amount if charge is not None and status == "requires_capture" else 0,
        "amount_received": amount_captured(charge) if charge is not None else 0,
        "canceled_at": getattr(self, "_canceled_at", None),
        "cancellation_reason": getattr(self, "_cancellation_reason", None),
        "payment_method_types": getattr(self, "payment_method_types", ["card"]),
    }
    if charge is not None and not expanded(expand, "latest_charge"):
        known["latest_charge"] = charge.id
    return reshape("payment_intent", exported, known)


def intent_of(intent_id: str) -> Any:
    intent = resources.store.get(f"payment_intent:{intent_id}")
    if intent is None:
        raise no_such("payment_intent", intent_id, status=404)
    return intent


async def confirm(request: web.Request) -> web.Response:
    intent = intent_of(request.match_info["id"])
    params = await Params.of(request)
    payment_method = resolve_payment_method(params.text("payment_method"))
    params.discard(*IGNORED_ON_CONFIRM)
    params.done()
    if intent.status not in CONFIRMABLE:
        raise unexpected_state(
            f"You cannot confirm this PaymentIntent because it has a status of {intent.status}. "
            f"Only a PaymentIntent with one of the following statuses may be confirmed: {', '.join(CONFIRMABLE)}."
        )
    if payment_method is not None:
        require_customers_card(payment_method, intent.customer)
        intent.payment_method = payment_method
        if intent.latest_charge is not None and intent.latest_charge.status == "failed":
            intent.latest_charge = None  # a new attempt; the failed charge stays on record
    if not intent.payment_method:
        raise unexpected_state(
            "You cannot confirm this PaymentIntent because it's missing a payment method. "
            "To confirm the PaymentIntent with a payment method, provide payment_method."
        )
    intent._confirm(on_failure_now=intent._report_failure)
    return answer(intent, params)


async def capture(request: web.Request) -> web.Response:
    intent = intent_of(request.match_info["id"])
    params = await Params.of(request)
    amount = params.integer("amount_to_capture", minimum=1)
    fee = params.integer("application_fee_amount", minimum=0)
    metadata = params.metadata()
    for name in ("statement_descriptor", "statement_descriptor_suffix"):
        if name in params:
            intent._extras = {**getattr(intent, "_extras", {}), name: params.text(name)}
    params.boolean("final_capture")
    params.done()
    if intent.status != "requires_capture":
        raise unexpected_state(
            f"This PaymentIntent could not be captured because it has a status of {intent.status}. "
            "Only a PaymentIntent with one of the following statuses may be captured: requires_capture."
        )
    if fee is not None:
        intent._extras = {**getattr(intent, "_extras", {}), "application_fee_amount": fee}
    if metadata is not None:
        intent.metadata = merge_metadata(intent.metadata, metadata)
    intent.latest_charge._capture(amount, on_success=intent._on_success)
    return answer(intent, params)


async def cancel(request: web.Request) -> web.Response:
    intent = intent_of(request.match_info["id"])
    params = await Params.of(request)
    reason = params.text("cancellation_reason", choices=CANCELLATION_REASONS)
    params.done()
    if intent.status not in CANCELABLE:
        raise unexpected_state(
            f"You cannot cancel this PaymentIntent because it has a status of {intent.status}. "
            f"Only a PaymentIntent with one of the following statuses may be canceled: {', '.join(CANCELABLE)}."
        )
    charge = intent.latest_charge
    if charge is not None and charge.status == "succeeded" and not charge.captured:
        release(charge, charge.amount)
    intent._canceled = True
    intent.next_action = None
    intent._canceled_at = int(time.time())
    intent._cancellation_reason = reason
    emit("payment_intent.canceled", intent)
    return answer(intent, params)


def install() -> None:
    resources.PaymentIntent._api_create = classmethod(_create)
    resources.PaymentIntent._create_charge = _create_charge
    resources.PaymentIntent._on_success = _on_success
    resources.PaymentIntent._export = _export
