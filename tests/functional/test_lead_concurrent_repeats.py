"""A lead's contract steps sent several times at once (a double click, a retrying client): every
answer is the first outcome or 409 ``changed_concurrently``, never a 5xx or a misleading 4xx, and
the money moves once. (The late cancel with Stripe's webhooks arriving meanwhile is in
``tests/stack/test_concurrent_repeats.py``.)"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib.models.payment import Payment
from tests.functional.at_once import at_once, outcomes
from tests.functional.lead_cast import NOW, LeadCast, accept, at, bid, call, deal, hire
from tests.functional.money import card

__all__ = ["deal"]  # the fixture

RACED = (409, "changed_concurrently")


def _only(first: tuple[int, str], seen: dict[tuple[int, str], int]) -> None:
    assert first in seen, seen
    assert set(seen) <= {first, RACED}, seen


def _refunds(stripe: Any, intent_id: str) -> list[Any]:
    return list(stripe.v1.refunds.list(params={"payment_intent": intent_id, "limit": 100}).auto_paging_iter())


# ---------------------------------------------------------------- leads


def test_a_buyer_cancelling_a_late_lead_many_times_at_once_is_refunded_once_and_told_cancelled(
    api: Any, deal: LeadCast
) -> None:
    lead = hire(api, deal, price=50_000, days=10)
    at(NOW + timedelta(days=10, minutes=1))

    seen = outcomes(at_once(lambda: call(api, deal.buyer, "post", f"/leads/{deal.lead_id}/cancel")))

    print("cancel:", seen)
    _only((200, "cancelled"), seen)
    payment = Payment.get(lead["payment_id"])
    assert (payment.captured, payment.refunded, payment.refund_count) == (50_000, 50_000, 1)
    assert [r.amount for r in _refunds(deal.stripe, payment.stripe_payment_intent_id)] == [50_000]


def test_a_buyer_paying_many_times_at_once_is_charged_once_and_told_in_progress(api: Any, deal: LeadCast) -> None:
    assert bid(api, deal, deal.seller, 50_000, 10).status_code == 201
    assert accept(api, deal, deal.buyer, deal.seller).status_code == 200
    method = card(deal.stripe)

    pay = {"payment_method_id": method}
    seen = outcomes(at_once(lambda: call(api, deal.buyer, "post", f"/leads/{deal.lead_id}/pay", pay)))

    print("pay:", seen)
    _only((200, "in_progress"), seen)
    intents = list(deal.stripe.v1.payment_intents.list(params={"limit": 100}).auto_paging_iter())
    assert [(i.status, i.amount_received) for i in intents] == [("succeeded", 50_000)]


def test_a_buyer_accepting_a_bid_many_times_at_once_hires_the_seller_once(api: Any, deal: LeadCast) -> None:
    assert bid(api, deal, deal.seller, 50_000, 10).status_code == 201

    seen = outcomes(at_once(lambda: accept(api, deal, deal.buyer, deal.seller)))

    print("bid accept:", seen)
    _only((200, "accepted"), seen)
    lead = call(api, deal.buyer, "get", f"/leads/{deal.lead_id}").json_body
    assert (lead["status"], lead["seller_id"]) == ("awaiting_payment", deal.seller.sub)


def test_a_seller_delivering_many_times_at_once_is_told_delivered(api: Any, deal: LeadCast) -> None:
    hire(api, deal)

    seen = outcomes(at_once(lambda: call(api, deal.seller, "post", f"/leads/{deal.lead_id}/deliver", {})))

    print("deliver:", seen)
    _only((200, "delivered"), seen)


def test_a_buyer_accepting_the_work_many_times_at_once_rates_once_and_holds_the_earnings_once(
    api: Any, deal: LeadCast
) -> None:
    from chalicelib.ledger.accounts import AVAILABLE, PENDING
    from chalicelib.models.lead import SellerSkill
    from tests.functional.money import balance

    hire(api, deal, price=50_000)
    call(api, deal.seller, "post", f"/leads/{deal.lead_id}/deliver", {})
    stars = {"stars": {"python": 5, "aws": 4}}

    seen = outcomes(at_once(lambda: call(api, deal.buyer, "post", f"/leads/{deal.lead_id}/accept-work", stars)))

    print("accept-work:", seen)
    _only((200, "completed"), seen)
    # the earnings wait the earnings hold, as every kind of earnings does: pending once, not twice
    assert (balance(deal.seller.sub, PENDING), balance(deal.seller.sub, AVAILABLE)) == (45_000, 0)
    assert SellerSkill.get("python", deal.seller.sub).stars_count == 1
