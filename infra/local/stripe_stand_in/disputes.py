"""Disputes (chargebacks), which localstripe cannot simulate.

Three ways to open one:

* ``POST /_config/disputes`` with ``payment_intent`` or ``charge`` (optional
  ``amount``, default what is left unrefunded; ``reason``, default ``fraudulent``);
* paying with Stripe's test card 4000000000000259 (``pm_card_createDispute``),
  disputed as soon as it is captured, as on Stripe.

Opening withdraws the amount from the platform's balance and sends
``charge.dispute.created`` and ``charge.dispute.funds_withdrawn``. To close one:

* ``POST /_config/disputes/{id}/close`` with ``status=won`` or ``status=lost``;
* Stripe's own test-mode way: ``POST /v1/disputes/{id}`` with
  ``evidence[uncategorized_text]=winning_evidence`` (or ``losing_evidence``);
* ``POST /v1/disputes/{id}/close`` (accepting it: lost).

Closing sends ``charge.dispute.closed`` (and ``charge.dispute.funds_reinstated``
with the money back first, when won). ``GET /v1/disputes[/{id}]`` read them.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from localstripe import resources

from infra.local.stripe_stand_in.balance import PlatformTransaction
from infra.local.stripe_stand_in.card_declines import payment_method_of
from infra.local.stripe_stand_in.charges import unrefunded
from infra.local.stripe_stand_in.errors import invalid, no_such
from infra.local.stripe_stand_in.events import emit
from infra.local.stripe_stand_in.fixtures import fixture
from infra.local.stripe_stand_in.params import Params, answer, merge_metadata

REASONS = (
    "bank_cannot_process",
    "check_returned",
    "credit_not_processed",
    "customer_initiated",
    "debit_not_authorized",
    "duplicate",
    "fraudulent",
    "general",
    "incorrect_account_details",
    "insufficient_funds",
    "product_not_received",
    "product_unacceptable",
    "subscription_canceled",
    "unrecognized",
)
OPEN = ("warning_needs_response", "warning_under_review", "needs_response", "under_review")
EVIDENCE_DAYS = 7


class Dispute(resources.StripeObject):
    object = "dispute"
    _id_prefix = "dp_"
    evidence: dict[str, Any]
    evidence_details: dict[str, Any]
    enhanced_eligibility_types: list[str]

    def __init__(self, *, charge: Any, amount: int, reason: str) -> None:
        super().__init__()
        for key, value in fixture("dispute").items():
            if key not in ("id", "object", "created", "livemode"):
                setattr(self, key, value)
        card = getattr(payment_method_of(charge.payment_method), "card", None) or {}
        self.amount = amount
        self.currency = charge.currency
        self.charge = charge.id
        self.payment_intent = charge.payment_intent
        self.reason = reason
        self.status = "needs_response"
        self.is_charge_refundable = False
        self.enhanced_eligibility_types = []
        self.evidence_details = {**self.evidence_details, "due_by": self.created + EVIDENCE_DAYS * 86400}
        self.payment_method_details = {
            "card": {
                "brand": card.get("brand", "visa"),
                "case_type": "chargeback",
                "network_reason_code": "10.4",
                "network": card.get("brand", "visa"),
            },
            "type": "card",
        }
        self.balance_transactions = [self._move(-amount, "dispute", f"Chargeback withdrawal for {charge.id}")]

    def _move(self, amount: int, category: str, description: str) -> dict[str, Any]:
        txn = PlatformTransaction(
            amount=amount,
            currency=self.currency,
            type="adjustment",
            reporting_category=category,
            source=self.id,
            description=description,
        )
        exported: dict[str, Any] = txn._export()
        return exported

    def _close(self, status: str) -> None:
        if self.status not in OPEN:
            raise invalid(f"This dispute is already closed (status {self.status}).")
        previous = {"status": self.status}
        if status == "won":
            reinstated = self._move(self.amount, "dispute_reversal", f"Chargeback reversal for {self.charge}")
            self.balance_transactions = [*self.balance_transactions, reinstated]
            emit("charge.dispute.funds_reinstated", self)
        self.status = status
        emit("charge.dispute.closed", self, previous_attributes=previous)


def open_dispute(charge: Any, *, amount: int | None = None, reason: str = "fraudulent") -> Dispute:
    if not charge.captured or charge.status != "succeeded":
        raise invalid(f"Charge {charge.id} has not been captured; only captured charges can be disputed.")
    if getattr(charge, "_dispute", None):
        raise invalid(f"Charge {charge.id} is already disputed ({charge._dispute}).")
    dispute = Dispute(charge=charge, amount=unrefunded(charge) if amount is None else amount, reason=reason)
    charge._dispute = dispute.id
    emit("charge.dispute.created", dispute)
    emit("charge.dispute.funds_withdrawn", dispute)
    return dispute


def dispute_of(dispute_id: str) -> Dispute:
    dispute = resources.store.get(f"dispute:{dispute_id}")
    if not isinstance(dispute, Dispute):
        raise no_such("dispute", dispute_id, status=404)
    return dispute


async def create_dispute(request: web.Request) -> web.Response:
    """``POST /_config/disputes``: the cardholder disputes a captured charge."""
    params = await Params.of(request)
    intent_id, charge_id = params.text("payment_intent"), params.text("charge")
    amount = params.integer("amount", minimum=1)
    reason = params.text("reason", choices=REASONS) or "fraudulent"
    params.done()
    if intent_id is not None:
        intent = resources.store.get(f"payment_intent:{intent_id}")
        charge = getattr(intent, "latest_charge", None)
        if charge is None:
            raise no_such("payment_intent", intent_id, param="payment_intent")
    else:
        charge = resources.store.get(f"charge:{charge_id}")
        if charge is None:
            raise no_such("charge", str(charge_id), param="charge")
    return answer(open_dispute(charge, amount=amount, reason=reason), params)


async def close_dispute(request: web.Request) -> web.Response:
    """``POST /_config/disputes/{id}/close`` with ``status`` won or lost: the card network decided."""
    dispute = dispute_of(request.match_info["id"])
    params = await Params.of(request)
    status = params.required_text("status", choices=("won", "lost"))
    params.done()
    dispute._close(status)
    return answer(dispute, params)


async def accept_dispute(request: web.Request) -> web.Response:
    """``POST /v1/disputes/{id}/close``: the platform accepts the dispute, and loses it."""
    dispute = dispute_of(request.match_info["id"])
    params = await Params.of(request)
    params.done()
    dispute._close("lost")
    return answer(dispute, params)


async def update_dispute(request: web.Request) -> web.Response:
    """``POST /v1/disputes/{id}``: evidence; Stripe's magic texts decide the outcome in test mode."""
    dispute = dispute_of(request.match_info["id"])
    params = await Params.of(request)
    evidence = params.mapping("evidence") or {}
    metadata = params.metadata()
    params.boolean("submit")
    params.done()
    unknown_fields = sorted(set(evidence) - set(dispute.evidence))
    if unknown_fields:
        raise invalid(
            f"Received unknown parameter: evidence[{unknown_fields[0]}]", param=f"evidence[{unknown_fields[0]}]"
        )
    if dispute.status not in OPEN:
        raise invalid(f"This dispute is already closed (status {dispute.status}).")
    dispute.evidence = {**dispute.evidence, **evidence}
    dispute.evidence_details = {**dispute.evidence_details, "has_evidence": bool(evidence)}
    if metadata is not None:
        dispute.metadata = merge_metadata(dispute.metadata, metadata)
    outcome = {"winning_evidence": "won", "losing_evidence": "lost"}.get(str(evidence.get("uncategorized_text")))
    if outcome:
        dispute._close(outcome)
    else:
        emit("charge.dispute.updated", dispute)
    return answer(dispute, params)


async def retrieve_dispute(request: web.Request) -> web.Response:
    params = await Params.of(request)
    return answer(dispute_of(request.match_info["id"]), params)


async def list_disputes(request: web.Request) -> web.Response:
    params = await Params.of(request)
    charge, intent = params.text("charge"), params.text("payment_intent")
    page = resources.List(
        "/v1/disputes", limit=params.integer("limit", minimum=1), starting_after=params.text("starting_after")
    )
    params.done()
    page._list = [
        obj
        for obj in reversed(resources.store.values())
        if isinstance(obj, Dispute) and charge in (None, obj.charge) and intent in (None, obj.payment_intent)
    ]
    return answer(page, params)
