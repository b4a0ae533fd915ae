"""Stripe's webhook: signed bodies only, each event once, and the money it reports lands in the ledger."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest

from chalicelib import runtime
from chalicelib.models.ledger import LedgerRecord
from chalicelib.payments.card_payments import authorise_hold, capture_payment, get_payment
from chalicelib.payments.earnings_release import release_matured_earnings
from tests.functional.builders import register
from tests.functional.conftest import WEBHOOK_SECRET, Users
from tests.functional.money import balance, card, event, revenue, signed

EXPERT = "expert-ada"


@pytest.fixture
def captured(api: Any, users: Users, stripe_api: Any) -> Any:
    """A 100.00 USD payment, held and captured: 10.00 fee, 90.00 pending for the expert."""
    grace = users.sign_up("grace@example.com")
    register(api, grace)
    payment, _ = authorise_hold(
        purpose="session:s1", client_id=grace.sub, expert_id=EXPERT, currency="USD", amount=10_000,
        payment_method_id=card(stripe_api), commission_bps=1_000, gateway=runtime.stripe_gateway(), now=runtime.now(),
    )  # fmt: skip
    return capture_payment(payment.payment_id, 10_000, gateway=runtime.stripe_gateway(), hold_days=7, now=runtime.now())


def _deliver(api: Any, body_and_headers: tuple[str, dict[str, str]]) -> Any:
    body, headers = body_and_headers
    return api.post("/webhooks/stripe", headers=headers, body=body)


def _dispute(payment: Any, status: str = "needs_response", dispute_id: str = "dp_1") -> dict[str, Any]:
    return {"id": dispute_id, "object": "dispute", "amount": 10_000, "currency": "usd", "status": status,
            "payment_intent": payment.stripe_payment_intent_id, "charge": "ch_x"}  # fmt: skip


def test_an_event_delivered_twice_is_handled_once(api: Any, captured: Any) -> None:
    delivery = signed(event("evt_1", "charge.dispute.created", _dispute(captured)), WEBHOOK_SECRET)
    assert _deliver(api, delivery).json_body["outcome"] == "handled"
    assert _deliver(api, delivery).json_body["outcome"] == "duplicate"
    assert (balance(EXPERT, "frozen"), balance(EXPERT, "pending")) == (9_000, 0)
    assert LedgerRecord.count("dispute:dp_1:freeze") == 1


def test_the_same_dispute_in_two_events_freezes_once(api: Any, captured: Any) -> None:
    _deliver(api, signed(event("evt_1", "charge.dispute.created", _dispute(captured)), WEBHOOK_SECRET))
    _deliver(api, signed(event("evt_2", "charge.dispute.created", _dispute(captured)), WEBHOOK_SECRET))
    assert balance(EXPERT, "frozen") == 9_000


def test_a_tampered_body_is_rejected_and_changes_nothing(api: Any, captured: Any) -> None:
    body, headers = signed(event("evt_1", "charge.dispute.created", _dispute(captured)), WEBHOOK_SECRET)
    response = api.post("/webhooks/stripe", headers=headers, body=body.replace("10000", "99999"))
    assert response.status_code == 400
    assert response.json_body["error"]["code"] == "invalid_signature"
    assert balance(EXPERT, "frozen") == 0


def test_an_old_signature_is_rejected(api: Any, captured: Any) -> None:
    stale = signed(
        event("evt_1", "charge.dispute.created", _dispute(captured)), WEBHOOK_SECRET, at=int(time.time()) - 3600
    )
    assert _deliver(api, stale).status_code == 400


def test_a_body_signed_with_another_secret_or_unsigned_is_rejected(api: Any, captured: Any) -> None:
    delivery = event("evt_1", "charge.dispute.created", _dispute(captured))
    assert _deliver(api, signed(delivery, "whsec_someone_else")).status_code == 400
    body, _ = signed(delivery, WEBHOOK_SECRET)
    assert api.post("/webhooks/stripe", headers={"Content-Type": "application/json"}, body=body).status_code == 400


def test_unknown_event_types_are_acknowledged(api: Any, stripe_api: Any) -> None:
    response = _deliver(api, signed(event("evt_9", "customer.created", {"id": "cus_1"}), WEBHOOK_SECRET))
    assert response.status_code == 200
    assert response.json_body["outcome"] == "ignored"


def test_a_won_dispute_gives_the_earnings_back(api: Any, captured: Any) -> None:
    _deliver(api, signed(event("evt_1", "charge.dispute.created", _dispute(captured)), WEBHOOK_SECRET))
    _deliver(api, signed(event("evt_2", "charge.dispute.closed", _dispute(captured, "won")), WEBHOOK_SECRET))
    assert (balance(EXPERT, "frozen"), balance(EXPERT, "pending"), revenue()) == (0, 9_000, 1_000)


def test_a_lost_dispute_takes_the_charge_back_with_fee_and_earnings(api: Any, captured: Any) -> None:
    _deliver(api, signed(event("evt_1", "charge.dispute.created", _dispute(captured)), WEBHOOK_SECRET))
    _deliver(api, signed(event("evt_2", "charge.dispute.closed", _dispute(captured, "lost")), WEBHOOK_SECRET))
    assert (balance(EXPERT, "frozen"), balance(EXPERT, "pending"), revenue()) == (0, 0, 0)
    assert get_payment(captured.payment_id).refunded == 10_000


def test_a_refund_made_in_stripes_dashboard_reaches_the_ledger_once(api: Any, captured: Any, stripe_api: Any) -> None:
    stripe_api.v1.refunds.create(params={"payment_intent": captured.stripe_payment_intent_id, "amount": 2_000})
    charge = {"id": "ch_x", "object": "charge", "payment_intent": captured.stripe_payment_intent_id,
              "amount": 10_000, "amount_refunded": 2_000}  # fmt: skip
    _deliver(api, signed(event("evt_1", "charge.refunded", charge), WEBHOOK_SECRET))
    _deliver(api, signed(event("evt_2", "charge.refunded", charge), WEBHOOK_SECRET))
    assert (balance(EXPERT, "pending"), revenue()) == (7_200, 800)


def test_a_capture_whose_write_was_lost_is_posted_from_the_succeeded_event(
    api: Any, users: Users, stripe_api: Any
) -> None:
    grace = users.sign_up("grace@example.com")
    register(api, grace)
    payment, _ = authorise_hold(
        purpose="session:s2", client_id=grace.sub, expert_id=EXPERT, currency="USD", amount=5_000,
        payment_method_id=card(stripe_api), commission_bps=1_000, gateway=runtime.stripe_gateway(), now=runtime.now(),
    )  # fmt: skip
    intent = stripe_api.v1.payment_intents.capture(
        payment.stripe_payment_intent_id, params={"amount_to_capture": 4_000}
    )
    _deliver(api, signed(event("evt_1", "payment_intent.succeeded", intent.to_dict()), WEBHOOK_SECRET))
    assert get_payment(payment.payment_id).captured == 4_000
    assert balance(EXPERT, "pending") == 3_600


@pytest.fixture
def webhook_first(api: Any, stripe_api: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A gateway whose capture is reported by Stripe's webhook before our own write of it lands."""
    gateway = runtime.stripe_gateway()
    capture = gateway.capture

    def capture_then_deliver_the_webhook(intent_id: str, amount: int, key: str) -> None:
        capture(intent_id, amount, key)
        intent = stripe_api.v1.payment_intents.retrieve(intent_id).to_dict()
        delivered = _deliver(api, signed(event(f"evt_{intent_id}", "payment_intent.succeeded", intent), WEBHOOK_SECRET))
        assert delivered.json_body["outcome"] == "handled"

    monkeypatch.setattr(gateway, "capture", capture_then_deliver_the_webhook)
    return gateway


def _held(users: Users, api: Any, stripe_api: Any, gateway: Any, *, at: Any) -> Any:
    grace = users.sign_up("grace@example.com")
    register(api, grace)
    payment, _ = authorise_hold(
        purpose="appointment:a1", client_id=grace.sub, expert_id=EXPERT, currency="USD", amount=10_000,
        payment_method_id=card(stripe_api), commission_bps=1_000, gateway=gateway, now=at,
    )  # fmt: skip
    return payment


def test_earnings_captured_days_ago_are_released_on_time_when_the_webhook_recorded_the_capture_first(
    api: Any, users: Users, stripe_api: Any, webhook_first: Any
) -> None:
    nine_days_ago = runtime.now() - timedelta(days=9)
    payment = _held(users, api, stripe_api, webhook_first, at=nine_days_ago)
    capture_payment(payment.payment_id, 10_000, gateway=webhook_first, hold_days=7, now=nine_days_ago)

    assert get_payment(payment.payment_id).release_due_at == (nine_days_ago + timedelta(days=7)).isoformat()
    assert release_matured_earnings(runtime.now()).released == 1
    assert (balance(EXPERT, "available"), balance(EXPERT, "pending")) == (9_000, 0)


def test_an_appointment_charged_before_it_took_place_pays_after_it_even_when_the_webhook_recorded_the_capture(
    api: Any, users: Users, stripe_api: Any, webhook_first: Any
) -> None:
    now = runtime.now()
    appointment_end = now + timedelta(days=1)
    payment = _held(users, api, stripe_api, webhook_first, at=now)
    capture_payment(
        payment.payment_id, 10_000, gateway=webhook_first, hold_days=7, now=now, earnings_not_before=appointment_end
    )

    captured = get_payment(payment.payment_id)
    assert (captured.status, captured.captured) == ("captured", 10_000)
    assert captured.release_due_at == (appointment_end + timedelta(days=7)).isoformat()
    assert (balance(EXPERT, "pending"), LedgerRecord.count(f"capture:{payment.payment_id}")) == (9_000, 1)


def test_news_of_a_first_cards_dropped_hold_does_not_change_the_payment_that_moved_on_to_another_card(
    api: Any, users: Users, stripe_api: Any
) -> None:
    from tests.functional.test_booking_card_confirmation import THREE_D_SECURE_CARD

    grace = users.sign_up("grace@example.com")
    register(api, grace)

    def hold(number: str | None = None) -> Any:
        payment, _ = authorise_hold(
            purpose="lead:l1", client_id=grace.sub, expert_id=EXPERT, currency="USD", amount=10_000,
            payment_method_id=card(stripe_api, number) if number else card(stripe_api), commission_bps=1_000,
            gateway=runtime.stripe_gateway(), now=runtime.now(),
        )  # fmt: skip
        return payment

    first = hold(THREE_D_SECURE_CARD)
    second = hold()  # another card while the first awaits 3-D Secure: it replaces the first
    dropped = stripe_api.v1.payment_intents.retrieve(first.stripe_payment_intent_id).to_dict()
    assert (first.status, second.status, dropped["status"]) == ("awaiting_confirmation", "authorised", "canceled")

    _deliver(api, signed(event("evt_1", "payment_intent.canceled", dropped), WEBHOOK_SECRET))

    kept = get_payment(second.payment_id)
    assert (kept.status, kept.stripe_payment_intent_id) == ("authorised", second.stripe_payment_intent_id)
