"""Routes for bidding on a lead and for its contract: connect, propose, accept, pay, deliver, accept the
work with stars, cancel after a missed deadline, dispute; and the seller's dashboard."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Rate

from chalicelib import runtime
from chalicelib.leads.limits import DEFAULT_PAGE_SIZE, MAX_BID_PAGE_SIZE, SELLER_STAGES
from chalicelib.web.api import ApiBlueprint, ApiRequest, QueryParam
from chalicelib.web.logs import log_info

api = ApiBlueprint(__name__, tag="leads")
jobs = Blueprint(__name__)

RESPONSES = "chalicelib.leads.responses"


@api.route(
    "/leads/{lead_id}/bids", "POST", summary="Connect to a lead with a price and a number of days (a seller)",
    status=201, body="chalicelib.leads.deal_schemas:TermsInput", errors=(403, 409),
    response=f"{RESPONSES}:LeadBidView",
)  # fmt: skip
def connect_to_lead(request: ApiRequest, lead_id: str) -> dict[str, Any]:
    from chalicelib.leads.bids import connect
    from chalicelib.leads.deal_schemas import TermsInput

    terms = request.body(TermsInput)
    return connect(lead_id, request.caller.account_id, price=terms.price, days=terms.days, message=terms.message,
                   now=runtime.now())  # fmt: skip


@api.route(
    "/leads/{lead_id}/bids", "GET", summary="Bids on a lead: the buyer sees all, a seller only their own",
    response=f"{RESPONSES}:LeadBidList",
)  # fmt: skip
def lead_bids(request: ApiRequest, lead_id: str) -> dict[str, Any]:
    from chalicelib.leads.bids import list_bids

    return list_bids(lead_id, request.caller.account_id)


@api.route(
    "/leads/{lead_id}/bids/{seller_id}", "GET", summary="A bid with every proposal in order (its buyer and seller)",
    response=f"{RESPONSES}:LeadBidView",
)  # fmt: skip
def lead_bid(request: ApiRequest, lead_id: str, seller_id: str) -> dict[str, Any]:
    from chalicelib.leads.bids import read_bid

    return read_bid(lead_id, seller_id, request.caller.account_id)


@api.route(
    "/leads/{lead_id}/bids/{seller_id}/proposals", "POST",
    summary="Propose new terms (the buyer or the seller); every proposal is kept, in order", status=201,
    body="chalicelib.leads.deal_schemas:TermsInput", errors=(409,), response=f"{RESPONSES}:LeadBidView",
)  # fmt: skip
def propose_terms(request: ApiRequest, lead_id: str, seller_id: str) -> dict[str, Any]:
    from chalicelib.leads.bids import propose
    from chalicelib.leads.deal_schemas import TermsInput

    terms = request.body(TermsInput)
    return propose(lead_id, seller_id, request.caller.account_id, price=terms.price, days=terms.days,
                   message=terms.message, now=runtime.now())  # fmt: skip


@api.route(
    "/leads/{lead_id}/bids/{seller_id}/accept", "POST",
    summary="Accept the other side's latest terms: the lead awaits the buyer's payment; other bids end",
    body="chalicelib.leads.deal_schemas:AcceptInput", errors=(409,), response=f"{RESPONSES}:LeadBidView",
)  # fmt: skip
def accept_terms(request: ApiRequest, lead_id: str, seller_id: str) -> dict[str, Any]:
    from chalicelib.leads.bids import accept
    from chalicelib.leads.deal_schemas import AcceptInput

    data = request.body(AcceptInput)
    return accept(lead_id, seller_id, request.caller.account_id, round_seen=data.round, now=runtime.now())


@api.route(
    "/leads/{lead_id}/bids/{seller_id}/withdraw", "POST", summary="Withdraw my bid (the seller)",
    errors=(403, 409), response=f"{RESPONSES}:LeadBidView",
)  # fmt: skip
def withdraw_bid(request: ApiRequest, lead_id: str, seller_id: str) -> dict[str, Any]:
    from chalicelib.leads.bids import withdraw

    return withdraw(lead_id, seller_id, request.caller.account_id, now=runtime.now())


@api.route(
    "/leads/{lead_id}/conversations/{seller_id}", "POST",
    summary="Open the lead's conversation with a seller, to ask before they bid (the buyer)",
    status=201, errors=(403,), response=f"{RESPONSES}:LeadConversationOpened",
)  # fmt: skip
def message_lead_seller(request: ApiRequest, lead_id: str, seller_id: str) -> dict[str, Any]:
    from chalicelib.leads.bids import message_seller

    return message_seller(lead_id, request.caller.account_id, seller_id, now=runtime.now())


@api.route(
    "/sellers/me/bids", "GET", summary="My bids as a seller: requested, in progress, completed or ended",
    response=f"{RESPONSES}:SellerBidPage",
    query=(
        QueryParam("stage", "Dashboard stage.", enum=SELLER_STAGES, default="requested"),
        QueryParam("limit", f"Page size, 1 to {MAX_BID_PAGE_SIZE}.", "integer", minimum=1, maximum=MAX_BID_PAGE_SIZE,
                   default=DEFAULT_PAGE_SIZE),
        QueryParam("cursor", "next_cursor of the previous page."),
    ),
)  # fmt: skip
def my_bids(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.leads.bids import my_bids as list_mine

    return list_mine(request.caller.account_id, stage=request.query("stage"), limit=request.query("limit"),
                     cursor=request.query("cursor"))  # fmt: skip


@api.route(
    "/leads/{lead_id}/pay", "POST", summary="Pay the agreed price (the buyer); the platform holds it until the "
    "work is accepted", body="chalicelib.leads.deal_schemas:PayInput", errors=(402, 403, 409, 502, 503),
    response=f"{RESPONSES}:LeadPaymentView",
)  # fmt: skip
def pay_for_lead(request: ApiRequest, lead_id: str) -> dict[str, Any]:
    from chalicelib.leads.contract import pay
    from chalicelib.leads.deal_schemas import PayInput

    data = request.body(PayInput)
    return pay(lead_id, request.caller.account_id, data.payment_method_id, now=runtime.now())


@api.route(
    "/leads/{lead_id}/deliver", "POST", summary="Mark the work delivered (the hired seller)",
    body="chalicelib.leads.deal_schemas:DeliverInput", errors=(403, 409), response=f"{RESPONSES}:LeadView",
)  # fmt: skip
def deliver_lead(request: ApiRequest, lead_id: str) -> dict[str, Any]:
    from chalicelib.leads.contract import deliver
    from chalicelib.leads.deal_schemas import DeliverInput

    data = request.body(DeliverInput)
    return deliver(lead_id, request.caller.account_id, note=data.note, now=runtime.now())


@api.route(
    "/leads/{lead_id}/accept-work", "POST",
    summary="Accept the work, rate the seller 1-5 in each skill, and close the lead (the buyer): the seller is "
    "paid once the earnings hold from the payment is over",
    body="chalicelib.leads.deal_schemas:AcceptWorkInput", errors=(403, 409), response=f"{RESPONSES}:LeadView",
)  # fmt: skip
def accept_lead_work(request: ApiRequest, lead_id: str) -> dict[str, Any]:
    from chalicelib.leads.contract import accept_work
    from chalicelib.leads.deal_schemas import AcceptWorkInput

    data = request.body(AcceptWorkInput)
    return accept_work(lead_id, request.caller.account_id, data.stars, now=runtime.now())


@api.route(
    "/leads/{lead_id}/cancel", "POST",
    summary="Cancel (the buyer): before paying at any time; after paying once the deadline passed undelivered, "
    "refunded in full",
    errors=(403, 409, 502, 503), response=f"{RESPONSES}:LeadView",
)  # fmt: skip
def cancel_lead(request: ApiRequest, lead_id: str) -> dict[str, Any]:
    from chalicelib.leads.contract import cancel

    return cancel(lead_id, request.caller.account_id, now=runtime.now())


@api.route(
    "/leads/{lead_id}/dispute", "POST",
    summary="Dispute the work (the buyer or the hired seller): the funds are frozen; returns the evidence record",
    body="chalicelib.leads.deal_schemas:DisputeInput", errors=(403, 409), response=f"{RESPONSES}:LeadDisputeView",
)  # fmt: skip
def dispute_lead(request: ApiRequest, lead_id: str) -> dict[str, Any]:
    from chalicelib.leads.contract import dispute
    from chalicelib.leads.deal_schemas import DisputeInput

    data = request.body(DisputeInput)
    return dispute(lead_id, request.caller.account_id, reason=data.reason, now=runtime.now())


@api.route(
    "/admin/leads/{lead_id}/dispute/decision", "POST",
    summary="Decide a lead's dispute (admins): for the seller (earnings released) or the buyer (refunded in full)",
    body="chalicelib.leads.deal_schemas:DisputeDecisionInput", errors=(403, 409, 502, 503),
    response=f"{RESPONSES}:LeadView",
)  # fmt: skip
def decide_lead_dispute(request: ApiRequest, lead_id: str) -> dict[str, Any]:
    from chalicelib.leads.contract import resolve_dispute
    from chalicelib.leads.deal_schemas import DisputeDecisionInput

    data = request.body(DisputeDecisionInput)
    return resolve_dispute(lead_id, request.caller, outcome=data.outcome, now=runtime.now())


@jobs.schedule(Rate(1, unit=Rate.HOURS))
def run_lead_agenda(event: Any) -> None:
    """Hourly: deliveries the buyer left unanswered for 14 days are accepted (once, however often it runs)."""
    from chalicelib.leads.lead_agenda import run_lead_agenda as run

    outcome = run(runtime.now())
    log_info("lead agenda", due=outcome.due, completed=outcome.completed, released=outcome.released,
             failed=outcome.failed)  # fmt: skip
