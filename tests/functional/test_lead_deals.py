"""Bidding on a lead and its contract, as the buyer and two competing sellers meet them.

Sellers connect with a price and days, the two sides negotiate, one accepts the other's latest
terms, the buyer pays and the platform holds the money (in the ledger) until the work is accepted.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from chalicelib.errors import Conflict
from chalicelib.ledger.accounts import AVAILABLE, FROZEN, PENDING
from chalicelib.models.lead import SellerSkill
from chalicelib.models.payment import Payment
from chalicelib.payments.earnings_release import release_matured_earnings
from tests.functional.lead_cast import NOW, LeadCast, accept, at, bid, call, deal, hire, propose
from tests.functional.money import balance, saved_card

__all__ = ["deal"]  # the fixture


def test_each_seller_sees_only_their_own_bid_and_the_buyer_sees_both(api: Any, deal: LeadCast) -> None:
    assert bid(api, deal, deal.seller, 55_000, 12).status_code == 201
    assert bid(api, deal, deal.rival, 48_000, 20).status_code == 201

    by_buyer = call(api, deal.buyer, "get", f"/leads/{deal.lead_id}/bids").json_body["items"]
    by_seller = call(api, deal.seller, "get", f"/leads/{deal.lead_id}/bids").json_body["items"]
    peek = call(api, deal.seller, "get", f"/leads/{deal.lead_id}/bids/{deal.rival.sub}")

    assert sorted(b["price"] for b in by_buyer) == [48_000, 55_000]
    assert [(b["seller_id"], b["price"]) for b in by_seller] == [(deal.seller.sub, 55_000)]
    assert (peek.status_code, peek.json_body["error"]["code"]) == (404, "bid_not_found")
    again = bid(api, deal, deal.seller, 50_000, 12)
    assert (again.status_code, again.json_body["error"]["code"]) == (409, "already_bid")
    own = bid(api, deal, deal.buyer, 1_000, 1)
    assert own.status_code == 403


def test_a_negotiation_keeps_every_proposal_in_order_and_only_the_other_sides_terms_can_be_accepted(
    api: Any, deal: LeadCast
) -> None:
    bid(api, deal, deal.seller, 60_000, 14)
    at(NOW + timedelta(minutes=1))
    assert propose(api, deal, deal.buyer, deal.seller, 45_000, 10).status_code == 201
    at(NOW + timedelta(minutes=2))
    assert propose(api, deal, deal.seller, deal.seller, 52_000, 12).status_code == 201

    own = accept(api, deal, deal.seller, deal.seller)
    stranger = propose(api, deal, deal.stranger, deal.seller, 1, 1)
    accepted = accept(api, deal, deal.buyer, deal.seller)

    assert (own.status_code, own.json_body["error"]["code"]) == (409, "own_terms")
    assert stranger.status_code == 404
    assert accepted.status_code == 200, accepted.json_body
    history = [(p["number"], p["proposed_by"], p["price"], p["days"]) for p in accepted.json_body["proposals"]]
    assert history == [(1, "seller", 60_000, 14), (2, "buyer", 45_000, 10), (3, "seller", 52_000, 12)]
    lead = call(api, deal.buyer, "get", f"/leads/{deal.lead_id}").json_body
    assert (lead["status"], lead["seller_id"], lead["price"], lead["days"]) == (
        "awaiting_payment", deal.seller.sub, 52_000, 12,
    )  # fmt: skip
    late = propose(api, deal, deal.buyer, deal.seller, 40_000, 10)
    assert (late.status_code, late.json_body["error"]["code"]) == (409, "bid_closed")


def test_a_second_acceptance_on_the_same_lead_is_refused_even_when_it_read_the_lead_before_the_first(
    api: Any, deal: LeadCast, monkeypatch: Any
) -> None:
    import chalicelib.leads.bids as bids_module
    import chalicelib.leads.views as views
    from chalicelib.leads.bids import accept as accept_terms
    from chalicelib.models.lead_bid import LeadBid

    bid(api, deal, deal.seller, 50_000, 10)
    bid(api, deal, deal.rival, 45_000, 15)
    # What a second, concurrent request read before the first wrote: the lead open, the rival's bid negotiable.
    stale_lead, stale_bid = views.load_lead(deal.lead_id), LeadBid.get(deal.lead_id, deal.rival.sub)
    assert accept(api, deal, deal.buyer, deal.seller).status_code == 200

    with monkeypatch.context() as patched:
        patched.setattr(views, "load_lead", lambda lead_id: stale_lead)
        patched.setattr(bids_module, "_find_bid", lambda lead_id, seller_id: stale_bid)
        with pytest.raises(Conflict) as refused:
            accept_terms(deal.lead_id, deal.rival.sub, deal.buyer.sub, round_seen=None, now=NOW)

    assert refused.value.code == "changed_concurrently"
    bids = {
        b["seller_id"]: b["status"]
        for b in call(api, deal.buyer, "get", f"/leads/{deal.lead_id}/bids").json_body["items"]
    }
    assert bids == {deal.seller.sub: "accepted", deal.rival.sub: "lost"}
    later = accept(api, deal, deal.buyer, deal.rival)
    assert (later.status_code, later.json_body["error"]["code"]) == (409, "bid_closed")
    lead = call(api, deal.buyer, "get", f"/leads/{deal.lead_id}").json_body
    assert (lead["seller_id"], lead["price"]) == (deal.seller.sub, 50_000)


def test_the_buyers_payment_is_held_by_the_platform_until_the_work_is_accepted(api: Any, deal: LeadCast) -> None:
    lead = hire(api, deal, price=50_000)

    assert (balance(deal.seller.sub, PENDING), balance(deal.seller.sub, AVAILABLE)) == (45_000, 0)
    assert Payment.get(lead["payment_id"]).release_due_at is None
    release_matured_earnings(NOW + timedelta(days=60))  # the hourly release job never releases held funds
    assert balance(deal.seller.sub, AVAILABLE) == 0

    call(api, deal.seller, "post", f"/leads/{deal.lead_id}/deliver", {"note": "All twelve jobs run on Lambda."})
    done = call(api, deal.buyer, "post", f"/leads/{deal.lead_id}/accept-work", {"stars": {"python": 5, "aws": 4}})

    assert done.status_code == 200, done.json_body
    assert (done.json_body["status"], done.json_body["completed_by"]) == ("completed", deal.buyer.sub)
    release_matured_earnings(NOW + timedelta(days=7))  # the earnings hold from the payment is over
    assert (balance(deal.seller.sub, PENDING), balance(deal.seller.sub, AVAILABLE)) == (0, 45_000)
    stars = {skill: SellerSkill.get(skill, deal.seller.sub) for skill in ("python", "aws")}
    assert {skill: (item.stars_sum, item.stars_count) for skill, item in stars.items()} == {
        "python": (5, 1), "aws": (4, 1),
    }  # fmt: skip
    mine = call(api, deal.seller, "get", "/sellers/me/bids?stage=completed").json_body["items"]
    assert [b["lead_id"] for b in mine] == [deal.lead_id]


def test_a_leads_earnings_wait_the_same_earnings_hold_from_the_payment_before_any_payout_as_a_calls(
    api: Any, deal: LeadCast
) -> None:
    from chalicelib.payouts.owed import owed_balances

    lead = hire(api, deal, price=50_000)  # paid at NOW; the earnings hold is 7 days
    at(NOW + timedelta(days=2))
    call(api, deal.seller, "post", f"/leads/{deal.lead_id}/deliver", {})
    done = call(api, deal.buyer, "post", f"/leads/{deal.lead_id}/accept-work", {"stars": {"python": 5, "aws": 4}})
    assert done.status_code == 200, done.json_body

    assert (balance(deal.seller.sub, PENDING), balance(deal.seller.sub, AVAILABLE)) == (45_000, 0)
    assert Payment.get(lead["payment_id"]).release_due_at == (NOW + timedelta(days=7)).isoformat()
    assert deal.seller.sub not in {owed.expert_id for owed in owed_balances()}  # no weekly payout pays it yet
    release_matured_earnings(NOW + timedelta(days=6, hours=23))
    assert balance(deal.seller.sub, AVAILABLE) == 0
    release_matured_earnings(NOW + timedelta(days=7))
    assert (balance(deal.seller.sub, PENDING), balance(deal.seller.sub, AVAILABLE)) == (0, 45_000)
    assert deal.seller.sub in {owed.expert_id for owed in owed_balances()}


def test_work_accepted_after_the_earnings_hold_is_over_is_payable_at_once(api: Any, deal: LeadCast) -> None:
    hire(api, deal, price=50_000, days=30)
    at(NOW + timedelta(days=20))
    call(api, deal.seller, "post", f"/leads/{deal.lead_id}/deliver", {})
    call(api, deal.buyer, "post", f"/leads/{deal.lead_id}/accept-work", {"stars": {"python": 5, "aws": 4}})

    assert (balance(deal.seller.sub, PENDING), balance(deal.seller.sub, AVAILABLE)) == (0, 45_000)


def test_stars_are_required_for_each_skill_of_the_lead_and_only_from_1_to_5(api: Any, deal: LeadCast) -> None:
    hire(api, deal)

    missing = call(api, deal.buyer, "post", f"/leads/{deal.lead_id}/accept-work", {"stars": {"python": 5}})
    wrong = call(api, deal.buyer, "post", f"/leads/{deal.lead_id}/accept-work", {"stars": {"python": 6, "aws": 0}})
    by_seller = call(api, deal.seller, "post", f"/leads/{deal.lead_id}/accept-work", {"stars": {"python": 5}})

    assert [f["field"] for f in missing.json_body["error"]["fields"]] == ["stars.aws"]
    assert {f["code"] for f in wrong.json_body["error"]["fields"]} == {"out_of_range"}
    assert by_seller.status_code == 403


def test_after_a_missed_deadline_the_buyer_cancels_and_is_refunded_in_full(api: Any, deal: LeadCast) -> None:
    lead = hire(api, deal, price=50_000, days=10)

    early = call(api, deal.buyer, "post", f"/leads/{deal.lead_id}/cancel")
    at(NOW + timedelta(days=10, minutes=1))
    cancelled = call(api, deal.buyer, "post", f"/leads/{deal.lead_id}/cancel")

    assert (early.status_code, early.json_body["error"]["code"]) == (409, "deadline_not_passed")
    assert (cancelled.status_code, cancelled.json_body["status"]) == (200, "cancelled")
    payment = Payment.get(lead["payment_id"])
    assert (payment.captured, payment.refunded) == (50_000, 50_000)
    assert (balance(deal.seller.sub, PENDING), balance(deal.seller.sub, AVAILABLE)) == (0, 0)
    late = call(api, deal.seller, "post", f"/leads/{deal.lead_id}/deliver", {})
    assert late.status_code == 409


def test_a_silent_buyer_accepts_14_days_after_delivery_once_however_often_the_job_runs(
    api: Any, deal: LeadCast
) -> None:
    from chalicelib.leads.lead_agenda import run_lead_agenda

    hire(api, deal, price=50_000)
    at(NOW + timedelta(days=3))
    call(api, deal.seller, "post", f"/leads/{deal.lead_id}/deliver", {})

    early = run_lead_agenda(NOW + timedelta(days=16, hours=23))
    runs = [run_lead_agenda(NOW + timedelta(days=17, minutes=minutes)) for minutes in (0, 0, 30, 90)]

    assert early.completed == 0
    assert sum(outcome.completed for outcome in runs) == 1
    lead = call(api, deal.buyer, "get", f"/leads/{deal.lead_id}").json_body
    assert (lead["status"], lead["completed_by"]) == ("completed", "auto")
    assert balance(deal.seller.sub, AVAILABLE) == 45_000  # released once: 50,000 less 10%


def test_stars_sent_after_the_work_was_accepted_automatically_are_refused_not_dropped(api: Any, deal: LeadCast) -> None:
    from chalicelib.leads.lead_agenda import run_lead_agenda

    hire(api, deal, price=50_000)
    call(api, deal.seller, "post", f"/leads/{deal.lead_id}/deliver", {})
    run_lead_agenda(NOW + timedelta(days=15))
    at(NOW + timedelta(days=15, minutes=5))

    late = call(api, deal.buyer, "post", f"/leads/{deal.lead_id}/accept-work", {"stars": {"python": 5, "aws": 4}})

    assert late.status_code == 409, late.json_body
    assert late.json_body["error"]["code"] == "accepted_without_stars"
    assert SellerSkill.get("python", deal.seller.sub).stars_count == 0


def test_a_dispute_freezes_the_funds_and_returns_the_leads_evidence(api: Any, deal: LeadCast) -> None:
    from urllib.parse import quote

    lead = hire(api, deal, price=50_000)
    thread = quote(f"lead:{deal.lead_id}.{deal.seller.sub}", safe="")
    at(NOW + timedelta(hours=1))
    call(api, deal.buyer, "post", f"/conversations/{thread}/messages", {"text": "Where are the alarms?"})
    at(NOW + timedelta(hours=2))
    call(api, deal.seller, "post", f"/leads/{deal.lead_id}/deliver", {})
    at(NOW + timedelta(hours=3))

    disputed = call(api, deal.buyer, "post", f"/leads/{deal.lead_id}/dispute", {"reason": "No alarms were set up."})

    assert disputed.status_code == 200, disputed.json_body
    assert disputed.json_body["lead"]["status"] == "disputed"
    assert (balance(deal.seller.sub, PENDING), balance(deal.seller.sub, FROZEN)) == (0, 45_000)
    texts = [entry["text"] for entry in disputed.json_body["evidence"]["entries"]]
    assert {text.split(";")[0].split(".")[0] for text in texts[:3]} == {
        "Seller proposed USD 500",
        "Terms accepted USD 500",
        "Paid USD 500",
    }  # fmt: skip  (all three at the same instant in this test)
    assert texts[3:] == [
        "Where are the alarms?",
        "Work delivered. The buyer accepts it or it is accepted automatically on 2026-03-16T11:00:00Z.",
        "The buyer opened a dispute: No alarms were set up.",
    ]
    assert [p["payment_id"] for p in disputed.json_body["evidence"]["payments"]] == [lead["payment_id"]]
    outsider = call(api, deal.stranger, "post", f"/leads/{deal.lead_id}/dispute", {"reason": "I want to see it"})
    assert outsider.status_code in (403, 404)


def test_an_operator_decides_a_dispute_for_the_seller_or_for_the_buyer(api: Any, users: Any, deal: LeadCast) -> None:
    from tests.functional.lead_builders import post_lead

    admin = users.sign_up("olive@example.com", admin=True)
    hire(api, deal, price=50_000)
    call(api, deal.buyer, "post", f"/leads/{deal.lead_id}/dispute", {"reason": "It does not run."})
    path = f"/admin/leads/{deal.lead_id}/dispute/decision"

    by_party = call(api, deal.seller, "post", path, {"outcome": "seller"})
    for_seller = call(api, admin, "post", path, {"outcome": "seller"})

    assert by_party.status_code == 403
    assert (for_seller.status_code, for_seller.json_body["status"]) == (200, "completed")
    assert (balance(deal.seller.sub, FROZEN), balance(deal.seller.sub, PENDING)) == (0, 45_000)
    release_matured_earnings(NOW + timedelta(days=7))  # then the earnings hold from the payment, as for all
    assert balance(deal.seller.sub, AVAILABLE) == 45_000

    second = LeadCast(
        deal.buyer, deal.seller, deal.rival, deal.stranger, deal.stripe, post_lead(api, deal.buyer)["lead_id"]
    )
    lead = hire(api, second, price=20_000)
    call(api, second.seller, "post", f"/leads/{second.lead_id}/dispute", {"reason": "The buyer changed the scope."})
    for_buyer = call(api, admin, "post", f"/admin/leads/{second.lead_id}/dispute/decision", {"outcome": "buyer"})

    assert (for_buyer.status_code, for_buyer.json_body["status"]) == (200, "cancelled")
    payment = Payment.get(lead["payment_id"])
    assert (payment.captured, payment.refunded) == (20_000, 20_000)
    assert (balance(deal.seller.sub, FROZEN), balance(deal.seller.sub, PENDING)) == (0, 0)
    assert balance(deal.seller.sub, AVAILABLE) == 45_000  # the first lead's, untouched


def test_a_card_needing_its_holder_is_confirmed_and_a_failed_one_can_be_replaced_by_another(
    api: Any, deal: LeadCast, local_stripe_url: str
) -> None:
    from tests.functional.money import card
    from tests.functional.test_booking_card_confirmation import THREE_D_SECURE_CARD, authenticate

    bid(api, deal, deal.seller, 50_000, 10)
    accept(api, deal, deal.buyer, deal.seller)
    pay = f"/leads/{deal.lead_id}/pay"

    first_card = card(deal.stripe, THREE_D_SECURE_CARD)
    first = call(api, deal.buyer, "post", pay, {"payment_method_id": first_card})
    assert (first.json_body["status"], first.json_body["next_action"]) == ("awaiting_payment", "confirm_card")
    authenticate(local_stripe_url, first.json_body, success=False)
    failed = call(api, deal.buyer, "post", pay, {"payment_method_id": first_card})
    assert (failed.status_code, failed.json_body["error"]["code"]) == (402, "card_declined")

    second = call(api, deal.buyer, "post", pay, {"payment_method_id": card(deal.stripe, THREE_D_SECURE_CARD)})
    assert second.json_body.get("next_action") == "confirm_card", second.json_body
    authenticate(local_stripe_url, second.json_body, success=True)
    paid = call(api, deal.buyer, "post", pay, {"payment_method_id": "pm_unused_on_a_retry"})

    assert (paid.status_code, paid.json_body["status"]) == (200, "in_progress")
    assert Payment.get(paid.json_body["payment_id"]).captured == 50_000
    assert balance(deal.seller.sub, PENDING) == 45_000


def test_another_card_given_while_the_first_awaits_3d_secure_replaces_it_and_the_first_hold_is_cancelled(
    api: Any, deal: LeadCast
) -> None:
    from tests.functional.money import card
    from tests.functional.test_booking_card_confirmation import THREE_D_SECURE_CARD

    bid(api, deal, deal.seller, 50_000, 10)
    accept(api, deal, deal.buyer, deal.seller)
    pay = f"/leads/{deal.lead_id}/pay"
    first = call(api, deal.buyer, "post", pay, {"payment_method_id": card(deal.stripe, THREE_D_SECURE_CARD)})
    first_intent = str(first.json_body["client_secret"]).split("_secret_")[0]

    second_card = card(deal.stripe)
    paid = call(api, deal.buyer, "post", pay, {"payment_method_id": second_card})

    assert (paid.status_code, paid.json_body["status"]) == (200, "in_progress"), paid.json_body
    assert "client_secret" not in paid.json_body
    payment = Payment.get(paid.json_body["payment_id"])
    assert (payment.captured, payment.payment_method_id) == (50_000, second_card)
    assert payment.stripe_payment_intent_id != first_intent
    assert deal.stripe.v1.payment_intents.retrieve(first_intent).status == "canceled"
    assert balance(deal.seller.sub, PENDING) == 45_000


def test_closing_a_lead_ends_every_open_bid_and_its_sellers_see_it_ended(api: Any, deal: LeadCast) -> None:
    bid(api, deal, deal.seller, 50_000, 10)
    bid(api, deal, deal.rival, 45_000, 15)

    closed = call(api, deal.buyer, "post", f"/leads/{deal.lead_id}/close")

    assert closed.json_body["status"] == "closed"
    for seller in (deal.seller, deal.rival):
        assert call(api, seller, "get", "/sellers/me/bids?stage=requested").json_body["items"] == []
        [ended] = call(api, seller, "get", "/sellers/me/bids?stage=ended").json_body["items"]
        assert (ended["lead_id"], ended["status"]) == (deal.lead_id, "lost")
    late = accept(api, deal, deal.buyer, deal.seller)
    assert (late.status_code, late.json_body["error"]["code"]) == (409, "bid_closed")


def test_the_buyer_asks_a_seller_before_they_bid_in_the_conversation_their_bid_then_uses(
    api: Any, deal: LeadCast
) -> None:
    from urllib.parse import quote

    opened = call(api, deal.buyer, "post", f"/leads/{deal.lead_id}/conversations/{deal.seller.sub}")
    by_stranger = call(api, deal.stranger, "post", f"/leads/{deal.lead_id}/conversations/{deal.seller.sub}")
    thread = quote(opened.json_body["conversation_id"], safe="")
    asked = call(api, deal.buyer, "post", f"/conversations/{thread}/messages", {"text": "Have you used EventBridge?"})
    at(NOW + timedelta(minutes=5))
    offered = bid(api, deal, deal.seller, 52_000, 9)

    assert opened.status_code == 201, opened.json_body
    assert by_stranger.status_code in (403, 404)
    assert asked.status_code == 201
    assert offered.json_body["conversation_id"] == opened.json_body["conversation_id"]
    texts = [m["text"] for m in call(api, deal.seller, "get", f"/conversations/{thread}/messages").json_body["items"]]
    assert texts[0] == "Have you used EventBridge?"
    assert texts[-1].startswith("Seller proposed USD 520.00 in 9 days")


def test_a_buyer_who_cancels_while_the_bank_check_is_pending_leaves_no_hold_behind(api: Any, deal: LeadCast) -> None:
    from tests.functional.money import card
    from tests.functional.test_booking_card_confirmation import THREE_D_SECURE_CARD

    bid(api, deal, deal.seller, 50_000, 10)
    accept(api, deal, deal.buyer, deal.seller)
    pending = call(api, deal.buyer, "post", f"/leads/{deal.lead_id}/pay",
                   {"payment_method_id": card(deal.stripe, THREE_D_SECURE_CARD)})  # fmt: skip
    assert pending.json_body["next_action"] == "confirm_card"

    cancelled = call(api, deal.buyer, "post", f"/leads/{deal.lead_id}/cancel")

    assert (cancelled.status_code, cancelled.json_body["status"]) == (200, "cancelled")
    intents = deal.stripe.v1.payment_intents.list(params={"limit": 100}).data
    assert [i.status for i in intents if i.metadata.to_dict().get("purpose") == f"lead:{deal.lead_id}"] == ["canceled"]


def test_a_cancellation_whose_refund_failed_is_finished_by_the_buyers_retry(
    api: Any, deal: LeadCast, monkeypatch: Any
) -> None:
    import chalicelib.payments.card_payments as card_payments

    lead = hire(api, deal, price=50_000, days=10)
    at(NOW + timedelta(days=11))

    def stripe_down(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("Stripe did not answer")

    with monkeypatch.context() as patched:
        patched.setattr(card_payments, "refund_payment", stripe_down)
        failed = call(api, deal.buyer, "post", f"/leads/{deal.lead_id}/cancel")
    retried = call(api, deal.buyer, "post", f"/leads/{deal.lead_id}/cancel")

    assert failed.status_code == 500
    assert (retried.status_code, retried.json_body["status"]) == (200, "cancelled")
    payment = Payment.get(lead["payment_id"])
    assert (payment.captured, payment.refunded) == (50_000, 50_000)
    assert call(api, deal.buyer, "post", f"/leads/{deal.lead_id}/cancel").status_code == 200
    assert Payment.get(lead["payment_id"]).refunded == 50_000  # not twice


def test_terms_made_before_the_buyer_changed_the_leads_currency_cannot_be_accepted(api: Any, deal: LeadCast) -> None:
    from tests.functional.lead_builders import lead_body

    bid(api, deal, deal.seller, 50_000, 10)
    edited = call(api, deal.buyer, "put", f"/leads/{deal.lead_id}", lead_body(skills=["python", "aws"], currency="GBP"))
    assert edited.status_code == 200, edited.json_body

    refused = accept(api, deal, deal.buyer, deal.seller)
    proposed = propose(api, deal, deal.seller, deal.seller, 40_000, 10)
    accepted = accept(api, deal, deal.buyer, deal.seller)

    assert (refused.status_code, refused.json_body["error"]["code"]) == (409, "currency_changed")
    assert proposed.json_body["currency"] == "GBP"
    assert (accepted.status_code, accepted.json_body["currency"], accepted.json_body["price"]) == (200, "GBP", 40_000)


def test_paying_a_lead_with_another_persons_saved_card_is_refused_and_nothing_is_written(
    api: Any, deal: LeadCast
) -> None:
    others_card = saved_card(api, deal.stripe, deal.stranger)
    bid(api, deal, deal.seller, 50_000, 10)
    accept(api, deal, deal.buyer, deal.seller)

    refused = call(api, deal.buyer, "post", f"/leads/{deal.lead_id}/pay", {"payment_method_id": others_card})

    assert (refused.status_code, refused.json_body["error"]["code"]) == (400, "card_not_yours")
    assert list(Payment.scan()) == []
    assert deal.stripe.v1.payment_intents.list(params={"limit": 100}).data == []
    assert call(api, deal.buyer, "get", f"/leads/{deal.lead_id}").json_body["status"] == "awaiting_payment"


def test_after_a_30_day_outage_the_lead_agenda_still_accepts_a_delivery_left_silent_and_releases_the_money(
    api: Any, deal: LeadCast
) -> None:
    from chalicelib.leads.lead_agenda import run_lead_agenda

    hire(api, deal, price=50_000)
    at(NOW + timedelta(days=3))
    call(api, deal.seller, "post", f"/leads/{deal.lead_id}/deliver", {})

    run = run_lead_agenda(NOW + timedelta(days=3 + 14 + 30))  # the 14 silent days passed 30 days ago
    print(f"after a 30-day outage the lead agenda found {run}")

    assert (run.due, run.completed, run.failed) == (1, 1, 0)
    lead = call(api, deal.buyer, "get", f"/leads/{deal.lead_id}").json_body
    assert (lead["status"], lead["completed_by"]) == ("completed", "auto")
    assert balance(deal.seller.sub, AVAILABLE) == 45_000
    assert run_lead_agenda(NOW + timedelta(days=48)).due == 0  # handled: it left the agenda
