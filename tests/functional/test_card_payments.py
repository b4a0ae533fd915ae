"""Holds, captures and refunds through the real stripe library against the local Stripe, ledger exact."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest

from chalicelib import runtime
from chalicelib.errors import Conflict, InvalidInput, PaymentRequired
from chalicelib.models.ledger import LedgerRecord
from chalicelib.models.payment import Payment
from chalicelib.payments.card_payments import authorise_hold, capture_payment, refund_payment, release_hold
from tests.functional.builders import register
from tests.functional.conftest import Users
from tests.functional.money import DECLINED_CARD, balance, card, revenue

EXPERT = "expert-ada"


@pytest.fixture
def client(api: Any, users: Users, stripe_api: Any) -> Any:
    grace = users.sign_up("grace@example.com")
    register(api, grace)
    return grace


def _hold(client: Any, stripe_api: Any, amount: int, number: str | None = None, purpose: str = "session:s1") -> Payment:
    payment, _ = authorise_hold(
        purpose=purpose, client_id=client.sub, expert_id=EXPERT, currency="USD", amount=amount,
        payment_method_id=card(stripe_api, number) if number else card(stripe_api),
        commission_bps=1_000, gateway=runtime.stripe_gateway(), now=runtime.now(),
    )  # fmt: skip
    return payment


def _capture(payment_id: str, amount: int) -> Payment:
    return capture_payment(payment_id, amount, gateway=runtime.stripe_gateway(), hold_days=7, now=runtime.now())


def test_a_hold_then_a_partial_capture_then_a_refund_leave_the_ledger_exact(client: Any, stripe_api: Any) -> None:
    payment = _hold(client, stripe_api, 9_000)
    assert payment.status == "authorised"

    captured = _capture(payment.payment_id, 6_000)
    intent = stripe_api.v1.payment_intents.retrieve(payment.stripe_payment_intent_id)
    assert (intent.status, intent.amount_received) == ("succeeded", 6_000)
    assert (captured.captured, balance(EXPERT, "pending"), revenue()) == (6_000, 5_400, 600)

    refunded = refund_payment(payment.payment_id, 1_005, gateway=runtime.stripe_gateway(), now=runtime.now())
    assert refunded.refunded == 1_005
    # 4,995 left: fee round-half-up(499.5) = 500, earnings 4,495
    assert (balance(EXPERT, "pending"), revenue()) == (4_495, 500)
    refunds = stripe_api.v1.refunds.list(params={"payment_intent": payment.stripe_payment_intent_id})
    assert sorted(r.amount for r in refunds.data) == [1_005, 3_000]  # the refund, and the hold's uncaptured rest


def test_capturing_twice_posts_once(client: Any, stripe_api: Any) -> None:
    payment = _hold(client, stripe_api, 3_000)
    _capture(payment.payment_id, 3_000)
    _capture(payment.payment_id, 3_000)
    assert balance(EXPERT, "pending") == 2_700
    assert LedgerRecord.count(f"capture:{payment.payment_id}") == 1


def test_a_capture_above_the_hold_is_refused_and_nothing_moves(client: Any, stripe_api: Any) -> None:
    payment = _hold(client, stripe_api, 3_000)
    with pytest.raises(InvalidInput) as refused:
        _capture(payment.payment_id, 3_001)
    assert refused.value.code == "capture_exceeds_authorised"
    assert stripe_api.v1.payment_intents.retrieve(payment.stripe_payment_intent_id).status == "requires_capture"
    assert balance(EXPERT, "pending") == 0


def test_a_refund_above_what_was_captured_is_refused(client: Any, stripe_api: Any) -> None:
    payment = _hold(client, stripe_api, 3_000)
    _capture(payment.payment_id, 2_000)
    with pytest.raises(InvalidInput) as refused:
        refund_payment(payment.payment_id, 2_001, gateway=runtime.stripe_gateway(), now=runtime.now())
    assert refused.value.code == "refund_exceeds_captured"


def test_a_declined_card_is_a_402_with_stripes_reason_and_nothing_is_written(client: Any, stripe_api: Any) -> None:
    with pytest.raises(PaymentRequired) as declined:
        _hold(client, stripe_api, 3_000, number=DECLINED_CARD)
    assert declined.value.status == 402
    assert declined.value.code == "card_declined"
    assert "declined" in declined.value.message.lower()
    assert Payment.count("pay:session:s1") == 0


def test_a_released_hold_charges_nothing(client: Any, stripe_api: Any) -> None:
    payment = _hold(client, stripe_api, 3_000)
    released = release_hold(payment.payment_id, gateway=runtime.stripe_gateway(), now=runtime.now())
    assert released.status == "released"
    assert stripe_api.v1.payment_intents.retrieve(payment.stripe_payment_intent_id).status == "canceled"
    assert revenue() == 0


def test_an_admin_refunds_through_the_api_and_others_may_not(
    api: Any, users: Users, client: Any, stripe_api: Any
) -> None:
    payment = _hold(client, stripe_api, 5_000)
    _capture(payment.payment_id, 5_000)
    url = f"/admin/payments/{payment.payment_id}/refunds"
    assert api.post(url, headers=client.auth, body=json.dumps({"amount": 100})).status_code == 403
    admin = users.sign_up("ops@parley.example", admin=True)
    response = api.post(url, headers=admin.auth, body=json.dumps({"amount": 1_000}))
    assert response.status_code == 201
    assert response.json_body | {"created_at": None} == response.json_body | {
        "net": 4_000, "platform_fee": 400, "expert_earnings": 3_600, "refunded": 1_000, "created_at": None,
    }  # fmt: skip
    too_much = api.post(url, headers=admin.auth, body=json.dumps({"amount": 4_001}))
    assert too_much.status_code == 400
    assert too_much.json_body["error"]["code"] == "refund_exceeds_captured"


def test_a_payment_reads_partly_refunded_then_refunded_once_given_back_in_full(
    api: Any, users: Users, client: Any, stripe_api: Any
) -> None:
    payment = _hold(client, stripe_api, 5_000)
    _capture(payment.payment_id, 5_000)
    admin = users.sign_up("ops@parley.example", admin=True)
    url = f"/admin/payments/{payment.payment_id}/refunds"

    def shown() -> str:
        return str(api.get(f"/payments/{payment.payment_id}", headers=client.auth).json_body["status"])

    assert shown() == "captured"
    part = api.post(url, headers=admin.auth, body=json.dumps({"amount": 1_000}))
    assert (part.json_body["status"], shown()) == ("partly_refunded", "partly_refunded")
    rest = api.post(url, headers=admin.auth, body=json.dumps({"amount": 4_000}))
    assert (rest.json_body["status"], shown()) == ("refunded", "refunded")


def test_a_payment_is_visible_to_its_client_and_hidden_from_strangers(
    api: Any, users: Users, client: Any, stripe_api: Any
) -> None:
    payment = _hold(client, stripe_api, 5_000)
    assert api.get(f"/payments/{payment.payment_id}", headers=client.auth).json_body["status"] == "authorised"
    eve = users.sign_up("eve@example.com")
    assert api.get(f"/payments/{payment.payment_id}", headers=eve.auth).status_code == 404


def test_a_payment_id_sent_percent_encoded_reaches_the_same_payment(api: Any, client: Any, stripe_api: Any) -> None:
    payment = _hold(client, stripe_api, 5_000, purpose="appointment:a1")
    encoded = quote(payment.payment_id, safe="")
    assert encoded != payment.payment_id
    response = api.get(f"/payments/{encoded}", headers=client.auth)
    assert response.status_code == 200, response.json_body
    assert response.json_body["payment_id"] == payment.payment_id


def test_saving_a_card_returns_a_setup_intent_secret_for_stripe_js(api: Any, client: Any) -> None:
    response = api.post("/payments/card-setup", headers=client.auth)
    assert response.status_code == 201
    assert response.json_body["client_secret"]
    assert response.json_body["customer_id"].startswith("cus_")


def test_a_capture_of_a_hold_older_than_7_days_is_refused_with_hold_expired_and_the_hold_is_released(
    client: Any, stripe_api: Any
) -> None:
    payment = _hold(client, stripe_api, 9_000)
    later = payment.created_at + timedelta(days=7)

    with pytest.raises(Conflict) as refused:
        capture_payment(payment.payment_id, 9_000, gateway=runtime.stripe_gateway(), hold_days=7, now=later)
    print("capturing a 7-day-old hold:", refused.value.code, refused.value.message)

    assert refused.value.code == "hold_expired"
    assert Payment.get(payment.payment_id, consistent_read=True).status == "released"
    assert stripe_api.v1.payment_intents.retrieve(payment.stripe_payment_intent_id).status == "canceled"
    assert (balance(EXPERT, "pending"), revenue()) == (0, 0)


def test_an_admins_refund_sent_many_times_at_once_with_one_idempotency_key_refunds_once_and_all_answers_agree(
    api: Any, users: Users, client: Any, stripe_api: Any
) -> None:
    from tests.functional.at_once import at_once

    payment = _hold(client, stripe_api, 5_000)
    _capture(payment.payment_id, 5_000)
    admin = users.sign_up("ops@parley.example", admin=True)
    url = f"/admin/payments/{payment.payment_id}/refunds"
    headers = admin.auth | {"Idempotency-Key": "refund-ticket-4711"}

    answers = at_once(lambda: api.post(url, headers=headers, body=json.dumps({"amount": 1_000})))

    seen = sorted({(a.status_code, json.dumps(a.json_body | {"created_at": None}, sort_keys=True)) for a in answers})
    print("refund:", [(status, body[:120]) for status, body in seen])
    assert [status for status, _ in seen] == [201], seen
    assert json.loads(seen[0][1])["refunded"] == 1_000
    refunds = stripe_api.v1.refunds.list(params={"payment_intent": payment.stripe_payment_intent_id}).data
    assert [r.amount for r in refunds] == [1_000]
    assert Payment.get(payment.payment_id).refunded == 1_000
    shown = api.get(f"/payments/{payment.payment_id}", headers=admin.auth).json_body
    assert (shown["status"], shown["refunded"]) == (json.loads(seen[0][1])["status"], 1_000)


def test_an_admins_refund_repeated_with_its_idempotency_key_after_stripes_webhook_wrote_it_first_refunds_once(
    api: Any, users: Users, client: Any, stripe_api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.payments.stripe_events import EventContext, handle_event
    from chalicelib.payments.stripe_gateway import StripeGateway
    from tests.functional.money import event

    payment = _hold(client, stripe_api, 5_000)
    _capture(payment.payment_id, 5_000)
    admin = users.sign_up("ops@parley.example", admin=True)
    url = f"/admin/payments/{payment.payment_id}/refunds"
    headers = admin.auth | {"Idempotency-Key": "refund-ticket-4712"}
    stripe_refund = StripeGateway.refund

    def webhook_first(gateway: StripeGateway, intent_id: str, amount: int, refund_key: str) -> str:
        """Stripe answers, and its charge.refunded webhook is handled before our own write."""
        refund_id = stripe_refund(gateway, intent_id, amount, refund_key)
        given_back = sum(r.amount for r in stripe_api.v1.refunds.list(params={"payment_intent": intent_id}).data)
        charge = {"object": "charge", "payment_intent": intent_id, "amount": 5_000, "amount_captured": 5_000,
                  "amount_refunded": given_back}  # fmt: skip
        handle_event(event(f"evt_{refund_id}", "charge.refunded", charge), EventContext(now=runtime.now(), hold_days=7))
        return refund_id

    monkeypatch.setattr(StripeGateway, "refund", webhook_first)

    first = api.post(url, headers=headers, body=json.dumps({"amount": 1_000}))
    again = api.post(url, headers=headers, body=json.dumps({"amount": 1_000}))

    assert (first.status_code, again.status_code) == (201, 201), (first.json_body, again.json_body)
    assert first.json_body["refunded"] == again.json_body["refunded"] == 1_000
    refunds = stripe_api.v1.refunds.list(params={"payment_intent": payment.stripe_payment_intent_id}).data
    assert [r.amount for r in refunds] == [1_000]
    assert Payment.get(payment.payment_id).refunded == 1_000
    assert (balance(EXPERT, "pending"), revenue()) == (3_600, 400)
