"""Use cases of a lead's contract: the buyer pays, the seller delivers, the buyer accepts and rates,
or cancels after a missed deadline, or either side disputes.

Money (through the money backbone, purpose ``lead:<id>``): paying authorises and captures the
agreed price at once; the seller's earnings (less commission) then wait in *pending*, held by the
platform, until the work is accepted (``card_payments.held_until_accepted``); from then on they
follow the earnings hold that all earnings follow, counted from the payment
(``card_payments.start_earnings_hold``), and are paid at the first weekly payout after it. A missed
deadline lets the buyer cancel for a full refund; a dispute freezes them.

Every state change is one conditional write on the lead's version; the money step after it is
idempotent, and an accepted lead whose earnings hold did not start yet stays on the agenda until
it has (``chalicelib.leads.lead_agenda``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import TransactWriteError

from chalicelib import runtime
from chalicelib.due_index import due_key
from chalicelib.errors import Conflict, FieldProblem, Forbidden, InvalidInput, PaymentRequired
from chalicelib.leads.bids import record_lead_event, set_seller_stage
from chalicelib.leads.ratings import MAX_STARS, MIN_STARS, write_stars
from chalicelib.leads.states import (
    AWAITING_PAYMENT,
    CANCELLED,
    COMPLETED,
    DELIVERED,
    DISPUTED,
    IN_PROGRESS,
    buyer_stage_key,
)
from chalicelib.models.base import write_transaction
from chalicelib.models.lead import Lead
from chalicelib.money.currency import format_money
from chalicelib.timestamps import utc_text

AUTO_ACCEPT_AFTER = timedelta(days=14)  # a buyer silent this long after delivery has accepted
RELEASE_RETRY_AFTER = timedelta(minutes=5)
AUTO = "auto"


def pay(lead_id: str, buyer_id: str, payment_method_id: str, *, now: datetime) -> dict[str, Any]:
    """The buyer pays the agreed price; the platform holds it until the work is accepted.

    Returns the lead ``in_progress`` with its deadline; if the card needs its holder (3-D
    Secure) the lead stays ``awaiting_payment`` and the answer carries the client secret: after
    confirming with Stripe.js the buyer calls this again (the same hold is found, not a new one).
    """
    from chalicelib.leads.views import lead_view
    from chalicelib.payments.card_payments import (
        AWAITING_CONFIRMATION,
        FAILED,
        authorise_hold,
        capture_payment,
        refresh_hold,
    )

    lead = _lead_of_buyer(lead_id, buyer_id)
    if lead.status in (IN_PROGRESS, DELIVERED, COMPLETED):
        return lead_view(lead, viewer_id=buyer_id, now=now)  # a retry
    _require(lead, AWAITING_PAYMENT, "There is nothing to pay for this lead now.", "not_awaiting_payment")
    gateway, settings = runtime.stripe_gateway(), runtime.settings()
    payment, client_secret = authorise_hold(
        purpose=f"lead:{lead_id}", client_id=buyer_id, expert_id=str(lead.seller_id), currency=lead.currency,
        amount=int(lead.price or 0), payment_method_id=payment_method_id, commission_bps=settings.commission_bps,
        gateway=gateway, now=now,
    )  # fmt: skip
    payment = refresh_hold(payment.payment_id, gateway=gateway, now=now)
    if payment.status == FAILED:
        raise PaymentRequired("The card was not authorised; try another card.", code="card_declined")
    if payment.status == AWAITING_CONFIRMATION:  # the bank wants the cardholder: confirm with Stripe.js, then pay again
        secret = client_secret or gateway.retrieve_hold(payment.stripe_payment_intent_id).client_secret
        return lead_view(lead, viewer_id=buyer_id, now=now) | {"next_action": "confirm_card", "client_secret": secret}
    capture_payment(payment.payment_id, int(lead.price or 0), gateway=gateway,
                    hold_days=settings.earnings_hold_days, now=now)  # fmt: skip
    due = now + timedelta(days=int(lead.days or 0))
    _change(lead, IN_PROGRESS, now, payment_id=payment.payment_id, paid_at=now, due_at=due)
    set_seller_stage(lead, "in_progress", now)
    paid = format_money(int(lead.price or 0), lead.currency)
    text = f"Paid {paid}; the platform holds it until the work is accepted. Deadline {utc_text(due)}."
    record_lead_event(lead, str(lead.seller_id), "paid", text, now, payment_id=payment.payment_id)
    return lead_view(lead, viewer_id=buyer_id, now=now)


def deliver(lead_id: str, seller_id: str, *, note: str | None, now: datetime) -> dict[str, Any]:
    from chalicelib.leads.views import lead_view, visible_lead

    lead = visible_lead(lead_id, seller_id)  # a lead others may not see answers as a missing one
    if seller_id != lead.seller_id:
        raise Forbidden("Only the hired seller delivers.", code="not_the_seller")
    if lead.status == DELIVERED:
        return lead_view(lead, viewer_id=seller_id, now=now)
    _require(lead, IN_PROGRESS, "Only work in progress can be delivered.", "not_in_progress")
    due = now + AUTO_ACCEPT_AFTER
    _change(lead, DELIVERED, now, delivered_at=now, agenda=due)
    text = f"Work delivered. The buyer accepts it or it is accepted automatically on {utc_text(due)}."
    record_lead_event(lead, seller_id, "delivered", text + (f" Note: {note}" if note else ""), now)
    return lead_view(lead, viewer_id=seller_id, now=now)


def accept_work(lead_id: str, buyer_id: str, stars: dict[str, int], *, now: datetime) -> dict[str, Any]:
    """The buyer accepts the work, rates the seller 1-5 in each of the lead's skills, and closes the lead:
    the seller's earnings become payable once the earnings hold from the payment is over."""
    from chalicelib.leads.views import lead_view

    lead = _lead_of_buyer(lead_id, buyer_id)
    if lead.status == COMPLETED and lead.completed_by != buyer_id:
        how = "automatically, 14 days after delivery" if lead.completed_by == AUTO else "by an operator's decision"
        raise Conflict(f"This work was accepted {how}, without stars; it can no longer be rated.",
                       code="accepted_without_stars")  # fmt: skip
    if lead.status == COMPLETED:
        return lead_view(lead, viewer_id=buyer_id, now=now)  # a retry of the buyer's own acceptance
    if lead.status not in (IN_PROGRESS, DELIVERED):  # a disputed lead is decided by an operator
        raise Conflict(f"This lead is {lead.status}; there is no work to accept.", code="nothing_to_accept")
    _check_stars(lead, stars)
    complete(lead, by=buyer_id, stars=stars, now=now)
    return lead_view(lead, viewer_id=buyer_id, now=now)


def complete(lead: Lead, *, by: str, stars: dict[str, int] | None, now: datetime) -> None:
    """Completed (by the buyer, or automatically): stars recorded with the lead, in one transaction; then the
    earnings are released."""
    try:
        with write_transaction() as transaction:
            _write_change(transaction, lead, COMPLETED, now, completed_at=now, completed_by=by, stars=stars,
                          agenda=now + RELEASE_RETRY_AFTER)  # fmt: skip
            if stars:
                write_stars(transaction, str(lead.seller_id), stars)
    except TransactWriteError:
        raise Conflict("This lead changed meanwhile; load it and retry.", code="changed_concurrently") from None
    set_seller_stage(lead, "completed", now)
    who = {AUTO: "automatically, 14 days after delivery", "dispute": "as the dispute was decided for the seller"}.get(
        by, "by the buyer"
    )
    rated = ", ".join(f"{skill} {given}/5" for skill, given in sorted((stars or {}).items()))
    record_lead_event(
        lead,
        str(lead.seller_id),
        "completed",
        f"Work accepted {who}; the lead is closed." + (f" Stars: {rated}." if rated else ""),
        now,
    )
    release_held_earnings(lead, now)


def release_held_earnings(lead: Lead, now: datetime) -> None:
    """The work is accepted: the seller's earnings follow the earnings hold counted from the payment, as
    every kind of earnings does (released now if it is over, else by the hourly release job), then the
    lead leaves the agenda. Idempotent."""
    from chalicelib.payments.card_payments import hold_accepted_earnings

    if lead.payment_id is not None:
        hold_accepted_earnings(lead.payment_id, hold_days=runtime.settings().earnings_hold_days, now=now)
    lead.update(actions=[Lead.agenda_shard.remove(), Lead.agenda_at.remove()], condition=Lead.status == COMPLETED)


def cancel(lead_id: str, buyer_id: str, *, now: datetime) -> dict[str, Any]:
    """Before paying, the buyer may cancel at any time; after paying, once the deadline has passed
    undelivered, with a full refund."""
    from chalicelib.leads.views import lead_view

    lead = _lead_of_buyer(lead_id, buyer_id)
    if lead.status == CANCELLED:
        _give_everything_back(lead_id, now)  # a retry: finish what the first attempt left undone
        return lead_view(lead, viewer_id=buyer_id, now=now)
    if lead.status == IN_PROGRESS:
        if lead.due_at is None or now < lead.due_at:
            raise Conflict(
                f"The seller has until {utc_text(lead.due_at or now)} to deliver.", code="deadline_not_passed"
            )
    elif lead.status != AWAITING_PAYMENT:
        raise Conflict(f"This lead is {lead.status}; it cannot be cancelled.", code="not_cancellable")
    _change(lead, CANCELLED, now, cancelled_at=now)
    set_seller_stage(lead, "ended", now)
    refunded = _give_everything_back(lead_id, now)
    text = "The buyer cancelled" + (f" after the deadline passed undelivered; {refunded} refunded in full." if
                                    refunded else " before paying.")  # fmt: skip
    record_lead_event(lead, str(lead.seller_id), "cancelled", text, now, payment_id=lead.payment_id)
    return lead_view(lead, viewer_id=buyer_id, now=now)


def dispute(lead_id: str, caller_id: str, *, reason: str, now: datetime) -> dict[str, Any]:
    """Either side disputes the work: the held funds are frozen, and the evidence record (every message
    and state change of the lead's conversation, and the payment) is returned for the dispute."""
    from chalicelib.conversations.evidence import evidence_record
    from chalicelib.identity.caller import Caller
    from chalicelib.leads.bids import thread_id_of
    from chalicelib.leads.views import lead_view, visible_lead
    from chalicelib.payments.card_payments import freeze_for_dispute

    lead = visible_lead(lead_id, caller_id)
    if caller_id not in (lead.buyer_id, lead.seller_id):
        raise Forbidden("Only the buyer and the hired seller dispute a lead.", code="not_a_party")
    if lead.status != DISPUTED:
        if lead.status not in (IN_PROGRESS, DELIVERED):
            raise Conflict(f"This lead is {lead.status}; it cannot be disputed.", code="not_disputable")
        _change(lead, DISPUTED, now, disputed_at=now, disputed_by=caller_id)
        side = "buyer" if caller_id == lead.buyer_id else "seller"
        record_lead_event(lead, str(lead.seller_id), "disputed", f"The {side} opened a dispute: {reason}", now)
    if lead.payment_id is not None:
        freeze_for_dispute(lead.payment_id, f"lead:{lead_id}", now=now)
    evidence = evidence_record(thread_id_of(lead_id, str(lead.seller_id)), Caller(caller_id), now=now)
    return {"lead": lead_view(lead, viewer_id=caller_id, now=now), "evidence": evidence}


def resolve_dispute(lead_id: str, caller: Any, *, outcome: str, now: datetime) -> dict[str, Any]:
    """An operator decides a dispute from its evidence: for the seller (the work stands: earnings
    released, lead completed without stars) or for the buyer (refunded in full, lead cancelled)."""
    from chalicelib.leads.views import lead_view, load_lead
    from chalicelib.payments.card_payments import unfreeze_after_dispute

    caller.require_admin("decide disputes")
    lead = load_lead(lead_id)
    if lead.status == CANCELLED and lead.disputed_at is not None and outcome == "buyer":
        _give_everything_back(lead_id, now)  # a retry of this decision: finish the refund
        return lead_view(lead, viewer_id=caller.account_id, now=now)
    if lead.status != DISPUTED:
        raise Conflict(f"This lead is {lead.status}; there is no open dispute.", code="not_disputed")
    if lead.payment_id is not None:
        unfreeze_after_dispute(lead.payment_id, f"lead:{lead_id}", now=now)
    if outcome == "seller":
        complete(lead, by="dispute", stars=None, now=now)
    else:
        _change(lead, CANCELLED, now, cancelled_at=now)
        set_seller_stage(lead, "ended", now)
        _give_everything_back(lead_id, now)
        record_lead_event(lead, str(lead.seller_id), "dispute-buyer",
                          "The dispute was decided for the buyer: refunded in full.", now)  # fmt: skip
    return lead_view(lead, viewer_id=caller.account_id, now=now)


def _give_everything_back(lead_id: str, now: datetime) -> int:
    """The lead is cancelled: release a hold (also one still awaiting 3-D Secure) or refund what is not
    refunded yet. Idempotent: a retry does only what is missing. Returns the amount refunded now."""
    from chalicelib.payments.card_payments import (
        AWAITING_CONFIRMATION,
        find_payment,
        payment_id_for,
        refund_payment,
        release_hold,
    )
    from chalicelib.payments.charge import AUTHORISED, CAPTURED

    payment = find_payment(payment_id_for(f"lead:{lead_id}"))
    if payment is None:
        return 0
    if payment.status in (AUTHORISED, AWAITING_CONFIRMATION):
        release_hold(payment.payment_id, gateway=runtime.stripe_gateway(), now=now)
        return 0
    owed = payment.captured - payment.refunded
    if payment.status == CAPTURED and owed > 0:
        try:
            refund_payment(payment.payment_id, owed, gateway=runtime.stripe_gateway(), now=now)
        except InvalidInput as error:
            if error.code != "refund_exceeds_captured" or not _refunded_in_full(payment.payment_id):
                raise
            return 0  # a concurrent repeat of the cancellation refunded it meanwhile
        return owed
    return 0


def _refunded_in_full(payment_id: str) -> bool:
    from chalicelib.payments.card_payments import get_payment

    payment = get_payment(payment_id)
    return payment.refunded >= payment.captured


# ---------------------------------------------------------------- writing


def _change(lead: Lead, status: str, now: datetime, **fields: Any) -> None:
    try:
        with write_transaction() as transaction:
            _write_change(transaction, lead, status, now, **fields)
    except TransactWriteError:
        raise Conflict("This lead changed meanwhile; load it and retry.", code="changed_concurrently") from None


def _write_change(transaction: Any, lead: Lead, status: str, now: datetime, **fields: Any) -> None:
    """The lead's new status (and fields), on condition that its version is the one read (PynamoDB adds
    the version check and bump to every update of a model with a VersionAttribute)."""
    agenda: datetime | None = fields.pop("agenda", None)
    actions = [Lead.status.set(status), Lead.updated_at.set(now),
               Lead.buyer_stage.set(buyer_stage_key(status, lead.created_at, lead.lead_id))]  # fmt: skip
    for name, value in fields.items():
        actions.append(getattr(Lead, name).set(value))
    if agenda is not None:
        shard, due_at = due_key(lead.lead_id, agenda)
        actions += [Lead.agenda_shard.set(shard), Lead.agenda_at.set(due_at)]
    else:
        actions += [Lead.agenda_shard.remove(), Lead.agenda_at.remove()]
    transaction.update(lead, actions=actions)  # on condition that its version is the one read (VersionAttribute)
    lead.status, lead.updated_at = status, now
    for name, value in fields.items():
        setattr(lead, name, value)
    lead.buyer_stage = buyer_stage_key(status, lead.created_at, lead.lead_id)


def _lead_of_buyer(lead_id: str, buyer_id: str) -> Lead:
    from chalicelib.leads.views import visible_lead

    lead = visible_lead(lead_id, buyer_id)
    if buyer_id != lead.buyer_id:
        raise Forbidden("Only the lead's buyer does this.", code="not_the_buyer")
    return lead


def _require(lead: Lead, status: str, message: str, code: str) -> None:
    if lead.status != status:
        raise Conflict(f"{message} (the lead is {lead.status})", code=code)


def _check_stars(lead: Lead, stars: dict[str, int]) -> None:
    problems = [
        FieldProblem(f"stars.{skill}", "missing", f"Rate '{skill}' from {MIN_STARS} to {MAX_STARS}.")
        for skill in lead.skills
        if skill not in stars
    ]
    problems += [
        FieldProblem(f"stars.{skill}", "not_a_lead_skill", f"'{skill}' is not one of this lead's skills.")
        for skill in stars
        if skill not in lead.skills
    ]
    problems += [
        FieldProblem(f"stars.{skill}", "out_of_range", f"Stars are whole numbers from {MIN_STARS} to {MAX_STARS}.")
        for skill, given in stars.items()
        if not MIN_STARS <= given <= MAX_STARS
    ]
    if problems:
        raise InvalidInput("Rate the seller in each skill the lead named, 1 to 5 stars.", problems)
