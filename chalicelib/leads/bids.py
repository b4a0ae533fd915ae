"""Use cases: a seller connects to a lead with terms; buyer and seller negotiate; one accepts.

Every proposal is a ``LeadProposal`` put on condition that its number is new, in the same
transaction that moves the bid's latest terms (conditioned on the round read): proposals are
kept in order and never edited. Accepting writes the lead (open -> awaiting_payment, on
condition it is still open and unchanged: only one seller's terms can ever be accepted), the
bid and the removal of the lead's search entries in ONE transaction; the other bids then end.

Each (lead, seller) pair has its own conversation (subject "lead"): proposals and the
acceptance are recorded there as state changes, and all messages go through it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError

from chalicelib.errors import Conflict, Forbidden, NotFound
from chalicelib.leads import bid_rules as rules
from chalicelib.leads.limits import DEFAULT_PAGE_SIZE, MAX_BID_PAGE_SIZE, SELLER_STAGES
from chalicelib.leads.open_entries import delete_entries
from chalicelib.leads.states import AWAITING_PAYMENT, OPEN, buyer_stage_key, stage_key
from chalicelib.models.base import write_transaction
from chalicelib.models.conditions import condition_failed, lost_a_race
from chalicelib.models.lead import Lead
from chalicelib.models.lead_bid import LeadBid, LeadProposal
from chalicelib.money.currency import format_money
from chalicelib.timestamps import utc_text
from chalicelib.web.cursors import decode_cursor, encode_cursor
from chalicelib.web.numbers import is_plain_digits

THREAD_SUBJECT = "lead"


def connect(
    lead_id: str, seller_id: str, *, price: int, days: int, message: str | None, now: datetime
) -> dict[str, Any]:
    """A seller bids on an open lead: the first proposal, and the conversation with the buyer."""
    from chalicelib.models.expert_profile import ExpertProfile

    lead = _lead_seen_by(lead_id, seller_id)
    if seller_id == lead.buyer_id:
        raise Forbidden("You cannot bid on your own lead.", code="own_lead")
    if lead.status != OPEN:
        raise Conflict("This lead no longer takes bids.", code="lead_not_open")
    try:
        ExpertProfile.get(seller_id)
    except DoesNotExist:
        raise Forbidden("Create your seller profile before bidding.", code="profile_not_found") from None
    bid = LeadBid(
        lead_id, seller_id, buyer_id=lead.buyer_id, lead_title=lead.title, currency=lead.currency,
        status=rules.NEGOTIATING, rounds=1, price=price, days=days, proposed_by=rules.SELLER,
        seller_stage=stage_key(rules.seller_stage(rules.NEGOTIATING), now, lead_id), created_at=now, updated_at=now,
    )  # fmt: skip
    proposal = LeadProposal(
        bid_key(lead_id, seller_id), 1, proposed_by=rules.SELLER, price=price, days=days, message=message,
        created_at=now,
    )  # fmt: skip
    try:
        with write_transaction() as transaction:
            transaction.condition_check(Lead, lead_id, condition=Lead.status == OPEN)
            transaction.save(bid, condition=LeadBid.seller_id.does_not_exist())
            transaction.save(proposal, condition=LeadProposal.number.does_not_exist())
    except TransactWriteError:
        existing = _find_bid(lead_id, seller_id)
        if existing is not None:
            raise Conflict(
                "You have bid on this lead already; propose new terms instead.", code="already_bid"
            ) from None
        raise Conflict("This lead no longer takes bids.", code="lead_not_open") from None
    thread_id = _open_thread(lead, seller_id, now)
    _record(thread_id, bid, proposal, now)
    return bid_view(bid, [proposal], thread_id=thread_id)


def propose(
    lead_id: str, seller_id: str, caller_id: str, *, price: int, days: int, message: str | None, now: datetime
) -> dict[str, Any]:
    """The buyer or the seller proposes new terms; the other side may accept them."""
    from chalicelib.leads.views import load_lead

    bid = _bid_for_party(lead_id, seller_id, caller_id)
    side = rules.side_of(caller_id, bid.buyer_id, seller_id)
    rules.require_negotiating(bid.status)
    rules.require_may_propose(bid.rounds)
    currency = load_lead(lead_id).currency  # a proposal is in the lead's currency as it is now
    number = bid.rounds + 1
    proposal = LeadProposal(
        bid_key(lead_id, seller_id), number, proposed_by=side, price=price, days=days, message=message, created_at=now
    )
    try:
        with write_transaction() as transaction:
            transaction.condition_check(Lead, lead_id, condition=(Lead.status == OPEN) & (Lead.currency == currency))
            transaction.save(proposal, condition=LeadProposal.number.does_not_exist())
            transaction.update(
                bid,
                actions=[
                    LeadBid.rounds.set(number), LeadBid.price.set(price), LeadBid.days.set(days),
                    LeadBid.proposed_by.set(side), LeadBid.currency.set(currency), LeadBid.updated_at.set(now),
                ],
                condition=(LeadBid.rounds == bid.rounds) & (LeadBid.status == rules.NEGOTIATING),
            )  # fmt: skip
    except TransactWriteError:
        raise Conflict("The negotiation moved on meanwhile (or the lead closed); load it and retry.",
                       code="changed_concurrently") from None  # fmt: skip
    bid.rounds, bid.price, bid.days, bid.proposed_by, bid.updated_at = number, price, days, side, now
    bid.currency = currency
    _record(thread_id_of(lead_id, seller_id), bid, proposal, now)
    return bid_view(bid, _proposals(lead_id, seller_id), thread_id=thread_id_of(lead_id, seller_id))


def accept(lead_id: str, seller_id: str, caller_id: str, *, round_seen: int | None, now: datetime) -> dict[str, Any]:
    """Accept the other side's latest terms: the lead now awaits the buyer's payment.

    ``round_seen`` (the proposal number the caller read) guards against accepting terms that
    changed under them; without it the latest terms are accepted.
    """
    lead = _lead_seen_by(lead_id, caller_id)
    bid = _bid_for_party(lead_id, seller_id, caller_id)
    side = rules.side_of(caller_id, bid.buyer_id, seller_id)
    if bid.status == rules.ACCEPTED:
        return bid_view(bid, _proposals(lead_id, seller_id), thread_id=thread_id_of(lead_id, seller_id))
    rules.require_negotiating(bid.status)
    rules.require_may_accept(side, bid.proposed_by)
    if round_seen is not None and round_seen != bid.rounds:
        raise Conflict("The terms changed since you read them; read them again.", code="terms_changed")
    if lead.status != OPEN:
        raise Conflict("Another seller's terms were accepted for this lead.", code="lead_not_open")
    if lead.currency != bid.currency:  # the buyer changed the lead's currency after this bid
        raise Conflict(f"These terms are in {bid.currency} but the lead is now in {lead.currency}; propose terms "
                       f"again first.", code="currency_changed")  # fmt: skip
    stage = rules.seller_stage(rules.ACCEPTED)
    try:
        with write_transaction() as transaction:
            transaction.update(
                lead,
                actions=[
                    Lead.status.set(AWAITING_PAYMENT), Lead.seller_id.set(seller_id), Lead.price.set(bid.price),
                    Lead.days.set(bid.days), Lead.accepted_at.set(now), Lead.updated_at.set(now),
                    Lead.buyer_stage.set(buyer_stage_key(AWAITING_PAYMENT, lead.created_at, lead_id)),
                ],
                condition=(Lead.status == OPEN) & (Lead.currency == bid.currency),  # and, as always, its version
            )  # fmt: skip
            transaction.update(
                bid,
                actions=[
                    LeadBid.status.set(rules.ACCEPTED), LeadBid.updated_at.set(now),
                    LeadBid.seller_stage.set(stage_key(stage, bid.created_at, lead_id)),
                ],
                condition=(LeadBid.rounds == bid.rounds) & (LeadBid.status == rules.NEGOTIATING),
            )  # fmt: skip
            delete_entries(transaction, lead)
    except TransactWriteError:
        raise Conflict("The lead or these terms changed meanwhile; load them and retry.",
                       code="changed_concurrently") from None  # fmt: skip
    bid.status = rules.ACCEPTED
    lead.status = AWAITING_PAYMENT
    end_open_bids(lead, now, keep=seller_id)
    record_lead_event(lead, seller_id, f"accepted:{bid.rounds}", _terms_text("Terms accepted", bid), now)
    return bid_view(bid, _proposals(lead_id, seller_id), thread_id=thread_id_of(lead_id, seller_id))


def withdraw(lead_id: str, seller_id: str, caller_id: str, *, now: datetime) -> dict[str, Any]:
    """The seller takes their bid back (while it is still being negotiated)."""
    if caller_id != seller_id:
        raise Forbidden("Only the seller withdraws their bid.", code="not_the_seller")
    bid = _bid_for_party(lead_id, seller_id, caller_id)
    if bid.status == rules.WITHDRAWN:
        return bid_view(bid, _proposals(lead_id, seller_id), thread_id=thread_id_of(lead_id, seller_id))
    rules.require_negotiating(bid.status)
    _end(bid, rules.WITHDRAWN, now)
    return bid_view(bid, _proposals(lead_id, seller_id), thread_id=thread_id_of(lead_id, seller_id))


def message_seller(lead_id: str, buyer_id: str, seller_id: str, *, now: datetime) -> dict[str, Any]:
    """The buyer opens the lead's conversation with a seller to ask before they bid (the same thread
    their bid will use). Idempotent."""
    from chalicelib.leads.views import buyers_lead
    from chalicelib.models.expert_profile import ExpertProfile

    lead = buyers_lead(lead_id, buyer_id)
    if seller_id == buyer_id:
        raise Forbidden("You cannot message yourself.", code="own_lead")
    try:
        ExpertProfile.get(seller_id, attributes_to_get=["expert_id"])
    except DoesNotExist:
        raise NotFound("No seller has this id.", code="seller_not_found") from None
    return {"conversation_id": _open_thread(lead, seller_id, now), "lead_id": lead_id, "seller_id": seller_id}


def end_open_bids(lead: Lead, now: datetime, keep: str | None = None) -> int:
    """The lead stopped taking bids (hired or closed): every other open negotiation ends. Idempotent."""
    ended = 0
    for bid in LeadBid.query(lead.lead_id, consistent_read=True):
        if bid.seller_id != keep and bid.status == rules.NEGOTIATING:
            try:
                _end(bid, rules.LOST, now)
                ended += 1
            except Conflict:
                continue  # it changed meanwhile (withdrawn, say): theirs stands
    return ended


def set_seller_stage(lead: Lead, stage: str, now: datetime) -> None:
    """Keep the hired seller's dashboard in step with the contract (in progress, completed, ended)."""
    if lead.seller_id is None:
        return
    bid = LeadBid.get(lead.lead_id, lead.seller_id, consistent_read=True)
    if bid.seller_stage.startswith(f"{stage}#"):
        return
    try:
        bid.update(
            actions=[LeadBid.seller_stage.set(stage_key(stage, bid.created_at, lead.lead_id)),
                     LeadBid.updated_at.set(now)],
            condition=LeadBid.status == rules.ACCEPTED,  # and its version, as read
        )  # fmt: skip
    except UpdateError as error:
        bid = LeadBid.get(lead.lead_id, lead.seller_id, consistent_read=True)
        if not (lost_a_race(error) and bid.seller_stage.startswith(f"{stage}#")):
            raise  # a concurrent repeat set this stage first: done; otherwise the API answers 409


# ---------------------------------------------------------------- reading


def read_bid(lead_id: str, seller_id: str, caller_id: str) -> dict[str, Any]:
    """A bid and its proposals in order: for the lead's buyer and this bid's seller only."""
    bid = _bid_for_party(lead_id, seller_id, caller_id)
    return bid_view(bid, _proposals(lead_id, seller_id), thread_id=thread_id_of(lead_id, seller_id))


def list_bids(lead_id: str, caller_id: str) -> dict[str, Any]:
    """The buyer sees every bid on their lead; a seller sees only their own (never another's)."""
    lead = _lead_seen_by(lead_id, caller_id)
    if caller_id == lead.buyer_id:
        bids = list(LeadBid.query(lead_id))
    else:
        own = _find_bid(lead_id, caller_id)
        bids = [own] if own is not None else []
    return {"items": [bid_view(bid, None, thread_id=thread_id_of(lead_id, bid.seller_id)) for bid in bids]}


def my_bids(seller_id: str, *, stage: str | None, limit: str | None, cursor: str | None) -> dict[str, Any]:
    """The seller's dashboard: requested (bids pending), in_progress, completed, ended; newest first."""
    from chalicelib.errors import FieldProblem, InvalidInput

    stage = stage or "requested"
    if stage not in SELLER_STAGES:
        raise InvalidInput("'stage' is requested, in_progress, completed or ended.",
                           [FieldProblem("stage", "invalid_choice", "Unknown stage.")])  # fmt: skip
    if limit is not None and not (is_plain_digits(limit) and 1 <= int(limit) <= MAX_BID_PAGE_SIZE):
        raise InvalidInput(f"'limit' is a whole number from 1 to {MAX_BID_PAGE_SIZE}.",
                           [FieldProblem("limit", "out_of_range", f"Use 1 to {MAX_BID_PAGE_SIZE}.")])  # fmt: skip
    size = int(limit) if limit is not None else DEFAULT_PAGE_SIZE
    scope = f"bids:{seller_id}:{stage}"
    page = LeadBid.by_seller.query(
        seller_id, LeadBid.seller_stage.startswith(f"{stage}#"), scan_index_forward=False, limit=size,
        last_evaluated_key=decode_cursor(scope, cursor) if cursor else None,
    )  # fmt: skip
    items = [bid_view(bid, None, thread_id=thread_id_of(bid.lead_id, bid.seller_id)) for bid in page]
    last = page.last_evaluated_key
    return {"items": items, "next_cursor": encode_cursor(scope, last) if last else None}


def bid_view(bid: LeadBid, proposals: list[LeadProposal] | None, *, thread_id: str) -> dict[str, Any]:
    view: dict[str, Any] = {
        "lead_id": bid.lead_id,
        "seller_id": bid.seller_id,
        "buyer_id": bid.buyer_id,
        "lead_title": bid.lead_title,
        "status": bid.status,
        "stage": bid.seller_stage.split("#", 1)[0],
        "currency": bid.currency,
        "price": bid.price,
        "days": bid.days,
        "proposed_by": bid.proposed_by,
        "rounds": bid.rounds,
        "conversation_id": thread_id,
        "created_at": utc_text(bid.created_at),
        "updated_at": utc_text(bid.updated_at),
    }
    if proposals is not None:
        view["proposals"] = [
            {"number": p.number, "proposed_by": p.proposed_by, "price": p.price, "days": p.days,
             "message": p.message, "created_at": utc_text(p.created_at)}
            for p in proposals
        ]  # fmt: skip
    return view


def bid_key(lead_id: str, seller_id: str) -> str:
    return f"{lead_id}#{seller_id}"


def thread_id_of(lead_id: str, seller_id: str) -> str:
    from chalicelib.conversations.threads import thread_id_for

    return thread_id_for(THREAD_SUBJECT, f"{lead_id}.{seller_id}")


def record_lead_event(
    lead: Lead, seller_id: str, key: str, text: str, now: datetime, payment_id: str | None = None
) -> None:
    """A state change of the lead, in the conversation with that seller (its evidence)."""
    from chalicelib.conversations.threads import record_event

    record_event(thread_id_of(lead.lead_id, seller_id), event_key=f"lead:{lead.lead_id}:{key}", text=text, now=now,
                 payment_id=payment_id)  # fmt: skip


# ---------------------------------------------------------------- helpers


def _open_thread(lead: Lead, seller_id: str, now: datetime) -> str:
    from chalicelib.conversations.threads import open_thread

    return open_thread(
        subject=THREAD_SUBJECT, subject_id=f"{lead.lead_id}.{seller_id}", client_id=lead.buyer_id,
        expert_id=seller_id, title=lead.title, now=now,
    )  # fmt: skip


def _record(thread_id: str, bid: LeadBid, proposal: LeadProposal, now: datetime) -> None:
    from chalicelib.conversations.threads import record_event

    who = "Seller" if proposal.proposed_by == rules.SELLER else "Buyer"
    text = _terms_text(f"{who} proposed", bid)
    if proposal.message:
        text += f": {proposal.message}"
    record_event(thread_id, event_key=f"proposal:{bid.lead_id}:{bid.seller_id}:{proposal.number}", text=text, now=now)


def _terms_text(prefix: str, bid: LeadBid) -> str:
    return f"{prefix} {format_money(bid.price, bid.currency)} in {bid.days} days"


def _end(bid: LeadBid, status: str, now: datetime) -> None:
    try:
        bid.update(
            actions=[
                LeadBid.status.set(status), LeadBid.updated_at.set(now),
                LeadBid.seller_stage.set(stage_key("ended", bid.created_at, bid.lead_id)),
            ],
            condition=LeadBid.status == rules.NEGOTIATING,
        )  # fmt: skip
    except UpdateError as error:
        if condition_failed(error):
            raise Conflict("This bid changed meanwhile.", code="changed_concurrently") from None
        raise


def _lead_seen_by(lead_id: str, caller_id: str) -> Lead:
    """The lead, if the caller may see it (open, theirs, or bid on by them); else 404 as for a missing lead."""
    from chalicelib.leads.views import can_see, lead_not_found, load_lead

    lead = load_lead(lead_id)
    if not can_see(lead, caller_id) and _find_bid(lead_id, caller_id) is None:
        raise lead_not_found()
    return lead


def _bid_for_party(lead_id: str, seller_id: str, caller_id: str) -> LeadBid:
    bid = _find_bid(lead_id, seller_id)
    if bid is None or caller_id not in (bid.buyer_id, bid.seller_id):
        raise NotFound("No bid by this seller on this lead.", code="bid_not_found")
    return bid


def _find_bid(lead_id: str, seller_id: str) -> LeadBid | None:
    try:
        return LeadBid.get(lead_id, seller_id, consistent_read=True)
    except DoesNotExist:
        return None


def _proposals(lead_id: str, seller_id: str) -> list[LeadProposal]:
    return list(LeadProposal.query(bid_key(lead_id, seller_id), consistent_read=True))
