"""Who may do what in a lead's negotiation (pure).

A seller connects with a price and a number of days; from then on the buyer and that seller
take turns proposing changes. Either may accept, but only the OTHER side's latest terms: one
cannot accept one's own proposal. Once one seller's terms are accepted, the lead is no longer
open and every other negotiation on it ends.
"""

from __future__ import annotations

from chalicelib.errors import Conflict, Forbidden

BUYER, SELLER = "buyer", "seller"
NEGOTIATING = "negotiating"
ACCEPTED = "accepted"
LOST = "lost"  # another seller's terms were accepted, or the buyer closed the lead
WITHDRAWN = "withdrawn"

MAX_DAYS = 365
MAX_ROUNDS = 50


def side_of(caller_id: str, buyer_id: str, seller_id: str) -> str:
    if caller_id == buyer_id:
        return BUYER
    if caller_id == seller_id:
        return SELLER
    raise Forbidden("Only the lead's buyer and this bid's seller negotiate it.", code="not_a_party")


def require_negotiating(status: str) -> None:
    if status != NEGOTIATING:
        raise Conflict(f"This bid is {status}; its terms can no longer change.", code="bid_closed")


def require_may_propose(rounds: int) -> None:
    if rounds >= MAX_ROUNDS:
        raise Conflict(f"A negotiation has at most {MAX_ROUNDS} proposals.", code="too_many_rounds")


def require_may_accept(side: str, proposed_by: str) -> None:
    if side == proposed_by:
        raise Conflict("These are your own terms; the other side accepts them or proposes others.", code="own_terms")


def seller_stage(bid_status: str, lead_stage: str | None = None) -> str:
    """The seller's dashboard: requested (bid pending), in progress, completed, ended."""
    if bid_status == NEGOTIATING:
        return "requested"
    if bid_status == ACCEPTED:
        return lead_stage if lead_stage in ("in_progress", "completed", "ended") else "in_progress"
    return "ended"
