"""The local Stripe stand-in, through the real ``stripe`` library over HTTP.

The stand-in (``infra.local.stripe_stand_in``) runs once per session on a free
loopback port (fixture ``local_stripe_url`` in ``tests/conftest.py``). Its store
is shared by every test, so each test makes its own customers and accounts, and
checks the platform balance by its change rather than its value.
"""

from __future__ import annotations

import http.client
import json
import queue
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import stripe

from infra.local.stripe_stand_in.fixtures import fields_of

API_KEY = "sk_test_stand_in"
RETURN_URL = "https://parley.example/experts/me/payouts?onboarding=done"
REFRESH_URL = "https://parley.example/experts/me/payouts?onboarding=retry"
WEBHOOK_SECRET = "whsec_stand_in_tests"


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def client(local_stripe_url: str) -> Any:
    """The v1 services of a ``stripe.StripeClient`` pointed at the stand-in."""
    return stripe.StripeClient(API_KEY, base_addresses={"api": local_stripe_url}).v1


def config(base_url: str, method: str, path: str, **form: Any) -> dict[str, Any]:
    """Call one of the stand-in's hidden ``/_config`` helpers."""
    body = urllib.parse.urlencode(form, doseq=True).encode() if form else None
    request = urllib.request.Request(base_url + path, data=body, method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read()
    return json.loads(text) if text else {}


def browser_get(url: str) -> tuple[int, str | None]:
    """What a person's browser gets for ``url``, without following the redirect: (status, Location)."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        connection.request("GET", parts.path, headers={"User-Agent": "Mozilla/5.0 (expert's browser)"})
        response = connection.getresponse()
        return response.status, response.getheader("Location")
    finally:
        connection.close()


def available(client: Any, currency: str) -> int:
    for entry in client.balance.retrieve()["available"]:
        if entry["currency"] == currency:
            return int(entry["amount"])
    return 0


def top_up(base_url: str, amount: int, currency: str) -> None:
    config(base_url, "POST", "/_config/balance", amount=amount, currency=currency)


def new_account(client: Any, country: str = "GB", **params: Any) -> Any:
    return client.accounts.create(
        params={
            "type": "express",
            "country": country,
            "email": f"expert-{uuid.uuid4().hex[:8]}@parley.example",
            "capabilities": {"transfers": {"requested": True}},
            "metadata": {"expert_id": "exp_" + uuid.uuid4().hex[:8]},
            **params,
        }
    )


def onboarding_link(client: Any, account_id: str) -> Any:
    return client.account_links.create(
        params={
            "account": account_id,
            "refresh_url": REFRESH_URL,
            "return_url": RETURN_URL,
            "type": "account_onboarding",
        }
    )


def onboarded_account(client: Any, country: str = "GB") -> Any:
    account = new_account(client, country)
    status, _ = browser_get(onboarding_link(client, account.id).url)
    assert status == 302
    return client.accounts.retrieve(account.id)


def events_about(client: Any, event_type: str, object_id: str) -> list[Any]:
    listed = client.events.list(params={"type": event_type, "limit": 100}).auto_paging_iter()
    return [event for event in listed if event["data"]["object"]["id"] == object_id]


def authorised_payment(client: Any, amount: int, currency: str = "usd", **params: Any) -> Any:
    customer = client.customers.create(params={"email": "client@parley.example"})
    return client.payment_intents.create(
        params={
            "amount": amount,
            "currency": currency,
            "customer": customer.id,
            "capture_method": "manual",
            "payment_method": "pm_card_visa",
            "confirm": True,
            **params,
        }
    )


class WebhookReceiver:
    """A tiny HTTP endpoint that keeps what Stripe (here, the stand-in) posts to it."""

    def __init__(self) -> None:
        self.received: queue.Queue[tuple[bytes, str | None]] = queue.Queue()
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                received.put((body, self.headers.get("Stripe-Signature")))
                self.send_response(200)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhooks/stripe"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def next_event(self, event_type: str, object_id: str, timeout: float = 10.0) -> tuple[bytes, str | None]:
        while True:
            body, signature = self.received.get(timeout=timeout)
            event = json.loads(body)
            if event["type"] == event_type and event["data"]["object"]["id"] == object_id:
                return body, signature


@pytest.fixture
def webhook_receiver(local_stripe_url: str) -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    hook_id = "test-" + uuid.uuid4().hex[:8]
    config(local_stripe_url, "POST", f"/_config/webhooks/{hook_id}", url=receiver.url, secret=WEBHOOK_SECRET)
    yield receiver
    config(local_stripe_url, "DELETE", f"/_config/webhooks/{hook_id}")
    receiver.server.shutdown()


# --------------------------------------------------------------------------- Connect accounts


def test_a_new_express_account_cannot_be_paid_until_it_is_onboarded(client: Any) -> None:
    created = new_account(client, "DE", metadata={"expert_id": "exp_42"})

    account = client.accounts.retrieve(created.id)
    assert account.id.startswith("acct_")
    assert (account.type, account.country, account.default_currency) == ("express", "DE", "eur")
    assert account.metadata.to_dict() == {"expert_id": "exp_42"}
    assert (account.details_submitted, account.charges_enabled, account.payouts_enabled) == (False, False, False)
    assert account.requirements.currently_due
    assert account.capabilities.to_dict() == {"transfers": "inactive"}
    assert set(account.to_dict()) == fields_of("account")


def test_an_account_in_a_country_stripe_does_not_support_for_the_platform_is_refused(client: Any) -> None:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        new_account(client, "IN")

    assert refused.value.http_status == 400
    assert refused.value.param == "country"
    assert refused.value.code == "country_unsupported"
    assert refused.value.json_body["error"]["type"] == "invalid_request_error"


@pytest.mark.parametrize("country", ["US", "GB", "AU", "CA", "JP", "BR", "MX", "SG", "CH", "NO"])
def test_an_account_can_be_opened_in_each_payout_country(client: Any, country: str) -> None:
    assert new_account(client, country).country == country


def test_updating_an_account_merges_its_metadata_and_changes_its_email(client: Any) -> None:
    account = new_account(client, metadata={"expert_id": "exp_1", "cohort": "a"})

    updated = client.accounts.update(
        account.id, params={"email": "new@parley.example", "metadata": {"cohort": "", "tier": "gold"}}
    )

    assert updated.email == "new@parley.example"
    assert updated.metadata.to_dict() == {"expert_id": "exp_1", "tier": "gold"}
    assert client.accounts.retrieve(account.id).email == "new@parley.example"


def test_an_unknown_account_is_not_found(client: Any) -> None:
    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.accounts.retrieve("acct_doesnotexist")

    assert missing.value.http_status == 404
    assert missing.value.code == "resource_missing"


# --------------------------------------------------------------------------- onboarding links


def test_opening_an_onboarding_link_completes_onboarding_and_returns_to_the_platform(
    client: Any, local_stripe_url: str
) -> None:
    account = new_account(client)
    link = onboarding_link(client, account.id)
    assert link.url.startswith(f"{local_stripe_url}/_connect/onboard/")
    assert link.expires_at - link.created == 300
    assert set(link.to_dict()) == fields_of("account_link")

    status, location = browser_get(link.url)

    assert (status, location) == (302, RETURN_URL)
    onboarded = client.accounts.retrieve(account.id)
    assert (onboarded.details_submitted, onboarded.charges_enabled, onboarded.payouts_enabled) == (True, True, True)
    assert onboarded.capabilities.to_dict() == {"transfers": "active"}
    assert onboarded.requirements.currently_due == []
    assert onboarded.tos_acceptance.date is not None


def test_a_used_onboarding_link_sends_the_browser_to_the_refresh_url(client: Any) -> None:
    account = new_account(client)
    link = onboarding_link(client, account.id)
    browser_get(link.url)

    assert browser_get(link.url) == (302, REFRESH_URL)


def test_an_onboarding_link_expires_after_five_minutes(client: Any, local_stripe_url: str) -> None:
    account = new_account(client)
    link = onboarding_link(client, account.id)

    config(local_stripe_url, "POST", "/_config/clock", advance=301)

    assert browser_get(link.url) == (302, REFRESH_URL)
    assert client.accounts.retrieve(account.id).details_submitted is False


def test_an_onboarding_link_for_an_unknown_account_is_refused(client: Any) -> None:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        onboarding_link(client, "acct_doesnotexist")

    assert (refused.value.http_status, refused.value.param) == (400, "account")


def test_completing_onboarding_sends_a_signed_account_updated_event(
    client: Any, webhook_receiver: WebhookReceiver
) -> None:
    account = new_account(client, metadata={"expert_id": "exp_webhook"})

    browser_get(onboarding_link(client, account.id).url)

    payload, signature = webhook_receiver.next_event("account.updated", account.id)
    event = stripe.Webhook.construct_event(payload, signature, WEBHOOK_SECRET)
    assert event.type == "account.updated"
    assert event.account == account.id
    assert event.data.object.metadata.to_dict() == {"expert_id": "exp_webhook"}
    assert event.data.object.payouts_enabled is True
    assert event.data.previous_attributes["payouts_enabled"] is False
    assert set(event.to_dict()) >= fields_of("event")
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload, signature, "whsec_someone_else")


# --------------------------------------------------------------------------- transfers and balance


def test_a_transfer_moves_available_balance_to_an_onboarded_account(client: Any, local_stripe_url: str) -> None:
    account = onboarded_account(client)
    top_up(local_stripe_url, 10_000, "gbp")
    before = available(client, "gbp")

    transfer = client.transfers.create(
        params={
            "amount": 8100,
            "currency": "gbp",
            "destination": account.id,
            "transfer_group": "payout_2025-W07_exp_1",
            "description": "Parley earnings, week 2025-W07",
            "metadata": {"payout_id": "payout_2025-W07_exp_1"},
        }
    )

    assert transfer.id.startswith("tr_")
    assert (transfer.amount, transfer.currency, transfer.destination) == (8100, "gbp", account.id)
    assert transfer.transfer_group == "payout_2025-W07_exp_1"
    assert set(transfer.to_dict()) == fields_of("transfer")
    assert available(client, "gbp") == before - 8100
    assert client.transfers.retrieve(transfer.id).metadata.to_dict() == {"payout_id": "payout_2025-W07_exp_1"}
    listed = client.transfers.list(params={"destination": account.id})
    assert [t.id for t in listed.data] == [transfer.id]
    assert len(events_about(client, "transfer.created", transfer.id)) == 1


def test_a_transfer_to_an_unknown_account_is_refused(client: Any) -> None:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.transfers.create(params={"amount": 100, "currency": "gbp", "destination": "acct_doesnotexist"})

    assert (refused.value.param, refused.value.code) == ("destination", "resource_missing")
    assert "No such destination: 'acct_doesnotexist'" in str(refused.value.user_message)


def test_a_transfer_to_an_account_that_has_not_finished_onboarding_is_refused(
    client: Any, local_stripe_url: str
) -> None:
    account = new_account(client)
    top_up(local_stripe_url, 1000, "gbp")

    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.transfers.create(params={"amount": 100, "currency": "gbp", "destination": account.id})

    assert refused.value.code == "insufficient_capabilities_for_transfer"
    assert "needs to have at least one of the following capabilities enabled: transfers" in str(
        refused.value.user_message
    )


def test_a_transfer_larger_than_the_available_balance_is_refused(client: Any) -> None:
    account = onboarded_account(client)
    before = available(client, "gbp")

    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.transfers.create(params={"amount": before + 1, "currency": "gbp", "destination": account.id})

    assert refused.value.code == "balance_insufficient"
    assert "insufficient available funds" in str(refused.value.user_message)
    assert available(client, "gbp") == before


def test_the_balance_shows_available_and_pending_amounts_per_currency(client: Any, local_stripe_url: str) -> None:
    before = available(client, "chf")

    top_up(local_stripe_url, 2500, "chf")

    balance = client.balance.retrieve()
    assert set(balance.to_dict()) == fields_of("balance")
    assert available(client, "chf") == before + 2500
    assert {"amount": 0, "currency": "chf", "source_types": {"card": 0}} in balance.to_dict()["pending"]


# --------------------------------------------------------------------------- idempotency


def test_repeating_a_post_with_the_same_idempotency_key_replays_the_first_answer(
    client: Any, local_stripe_url: str
) -> None:
    account = onboarded_account(client)
    top_up(local_stripe_url, 5000, "gbp")
    params = {"amount": 1200, "currency": "gbp", "destination": account.id, "transfer_group": "payout_x"}
    key = "payout_" + uuid.uuid4().hex
    before = available(client, "gbp")

    first = client.transfers.create(params=params, options={"idempotency_key": key})
    again = client.transfers.create(params=params, options={"idempotency_key": key})

    assert again.id == first.id
    assert again.to_dict() == first.to_dict()
    assert again.last_response.headers.get("Idempotent-Replayed") == "true"
    assert first.last_response.headers.get("Idempotent-Replayed") is None
    assert available(client, "gbp") == before - 1200
    assert len(client.transfers.list(params={"destination": account.id}).data) == 1


def test_reusing_an_idempotency_key_with_other_parameters_is_an_idempotency_error(client: Any) -> None:
    key = "customer_" + uuid.uuid4().hex
    client.customers.create(params={"email": "one@parley.example"}, options={"idempotency_key": key})

    with pytest.raises(stripe.IdempotencyError) as refused:
        client.customers.create(params={"email": "two@parley.example"}, options={"idempotency_key": key})

    assert refused.value.http_status == 400
    assert refused.value.json_body["error"]["type"] == "idempotency_error"
    assert "same parameters" in str(refused.value.user_message)


def test_idempotency_also_covers_localstripes_own_posts(client: Any) -> None:
    key = "customer_" + uuid.uuid4().hex
    first = client.customers.create(params={"email": "same@parley.example"}, options={"idempotency_key": key})
    again = client.customers.create(params={"email": "same@parley.example"}, options={"idempotency_key": key})
    assert again.id == first.id

    intent = authorised_payment(client, 4000)
    captured = client.payment_intents.capture(intent.id, options={"idempotency_key": "capture_" + intent.id})
    replayed = client.payment_intents.capture(intent.id, options={"idempotency_key": "capture_" + intent.id})
    assert replayed.last_response.headers.get("Idempotent-Replayed") == "true"
    assert replayed.amount_received == captured.amount_received == 4000

    refund_key = "refund_" + uuid.uuid4().hex
    params = {"payment_intent": intent.id, "amount": 1000}
    refund = client.refunds.create(params=params, options={"idempotency_key": refund_key})
    assert client.refunds.create(params=params, options={"idempotency_key": refund_key}).id == refund.id
    assert client.charges.retrieve(captured.latest_charge).amount_refunded == 1000


def test_a_replayed_card_decline_is_the_same_decline(client: Any) -> None:
    key = "hold_" + uuid.uuid4().hex
    params = {"amount": 900, "currency": "usd", "capture_method": "manual", "payment_method": "pm_card_chargeDeclined"}
    params["confirm"] = True

    with pytest.raises(stripe.CardError) as first:
        client.payment_intents.create(params=params, options={"idempotency_key": key})
    with pytest.raises(stripe.CardError) as again:
        client.payment_intents.create(params=params, options={"idempotency_key": key})

    assert again.value.json_body == first.value.json_body
    assert again.value.headers.get("Idempotent-Replayed") == "true"


def test_a_request_refused_for_its_parameters_can_be_retried_with_the_same_key(client: Any) -> None:
    key = "transfer_" + uuid.uuid4().hex
    with pytest.raises(stripe.InvalidRequestError):
        client.transfers.create(params={"currency": "gbp", "destination": "acct_x"}, options={"idempotency_key": key})

    customer = client.customers.create(params={"email": "retry@parley.example"}, options={"idempotency_key": key})

    assert customer.id.startswith("cus_")


def test_idempotency_keys_are_forgotten_after_24_hours(client: Any, local_stripe_url: str) -> None:
    key = "customer_" + uuid.uuid4().hex
    first = client.customers.create(params={"email": "day1@parley.example"}, options={"idempotency_key": key})

    config(local_stripe_url, "POST", "/_config/clock", advance=24 * 3600)
    later = client.customers.create(params={"email": "day2@parley.example"}, options={"idempotency_key": key})

    assert later.id != first.id


# --------------------------------------------------------------------------- card payments


def test_application_fee_amount_and_transfer_group_are_stored_and_echoed(client: Any) -> None:
    intent = authorised_payment(client, 9000, application_fee_amount=900, transfer_group="session_42")

    assert (intent.application_fee_amount, intent.transfer_group) == (900, "session_42")
    fetched = client.payment_intents.retrieve(intent.id)
    assert (fetched.application_fee_amount, fetched.transfer_group) == (900, "session_42")
    charge = client.charges.retrieve(fetched.latest_charge)
    assert (charge.application_fee_amount, charge.transfer_group) == (900, "session_42")


def test_a_card_payment_from_customer_to_refund_moves_the_platform_balance(client: Any) -> None:
    before = available(client, "usd")
    customer = client.customers.create(params={"email": "client@parley.example", "name": "Ada Client"})
    setup = client.setup_intents.create(
        params={"customer": customer.id, "usage": "off_session", "payment_method_types": ["card"]}
    )
    card = client.payment_methods.create(
        params={"type": "card", "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}}
    )
    saved = client.setup_intents.confirm(setup.id, params={"payment_method": card.id})
    assert saved.status == "succeeded"
    assert client.payment_methods.retrieve(card.id).customer == customer.id

    hold = client.payment_intents.create(
        params={"amount": 9000, "currency": "usd", "customer": customer.id, "capture_method": "manual"}
    )
    assert hold.status == "requires_payment_method"
    hold = client.payment_intents.confirm(hold.id, params={"payment_method": card.id})
    assert (hold.status, hold.amount_capturable, hold.amount_received) == ("requires_capture", 9000, 0)
    assert available(client, "usd") == before

    captured = client.payment_intents.capture(hold.id, params={"amount_to_capture": 8100})
    assert (captured.status, captured.amount_capturable, captured.amount_received) == ("succeeded", 0, 8100)
    charge = client.charges.retrieve(captured.latest_charge)
    assert (charge.amount, charge.amount_captured, charge.amount_refunded) == (9000, 8100, 900)
    assert available(client, "usd") == before + 8100

    refund = client.refunds.create(params={"payment_intent": hold.id, "amount": 3000})
    assert (refund.status, refund.amount, refund.payment_intent) == ("succeeded", 3000, hold.id)
    assert set(refund.to_dict()) == fields_of("refund")

    with pytest.raises(stripe.InvalidRequestError) as too_much:
        client.refunds.create(params={"payment_intent": hold.id, "amount": 5200})
    assert too_much.value.http_status == 400
    assert (too_much.value.param, too_much.value.code) == ("amount", "amount_too_large")
    assert too_much.value.user_message == "Refund amount ($52.00) is greater than unrefunded amount on charge ($51.00)"

    assert available(client, "usd") == before + 8100 - 3000
    charge = client.charges.retrieve(captured.latest_charge)
    assert (charge.amount_refunded, charge.refunded) == (3900, False)
    assert set(charge.to_dict()) == fields_of("charge")
    assert set(client.payment_intents.retrieve(hold.id).to_dict()) == fields_of("payment_intent")


def test_an_authorised_payment_sends_the_events_stripe_sends(client: Any) -> None:
    intent = authorised_payment(client, 3000)
    client.payment_intents.capture(intent.id, params={"amount_to_capture": 2000})
    client.refunds.create(params={"payment_intent": intent.id, "amount": 500})

    intent_events = ("payment_intent.created", "payment_intent.amount_capturable_updated", "payment_intent.succeeded")
    for event_type in intent_events:
        assert len(events_about(client, event_type, intent.id)) == 1, event_type
    for event_type in ("charge.succeeded", "charge.captured", "charge.refunded"):
        assert len(events_about(client, event_type, intent.latest_charge)) == 1, event_type
    succeeded = events_about(client, "payment_intent.succeeded", intent.id)[0]
    assert succeeded.data.object.amount_received == 2000


def test_a_declined_card_surfaces_as_a_card_error_with_its_decline_code(client: Any) -> None:
    card = client.payment_methods.create(
        params={"type": "card", "card": {"number": "4000000000000002", "exp_month": 12, "exp_year": 2030, "cvc": "123"}}
    )

    with pytest.raises(stripe.CardError) as declined:
        client.payment_intents.create(
            params={
                "amount": 5000,
                "currency": "usd",
                "capture_method": "manual",
                "payment_method": card.id,
                "confirm": True,
            }
        )

    error = declined.value
    assert (error.http_status, error.code, error.error.decline_code) == (402, "card_declined", "generic_decline")
    assert error.user_message == "Your card was declined."
    assert error.json_body["error"]["type"] == "card_error"
    intent = client.payment_intents.retrieve(error.json_body["error"]["payment_intent"]["id"])
    assert intent.status == "requires_payment_method"
    assert intent.last_payment_error.decline_code == "generic_decline"
    assert len(events_about(client, "payment_intent.payment_failed", intent.id)) == 1


def test_a_payment_intent_can_be_confirmed_again_with_another_card_after_a_decline(client: Any) -> None:
    intent = client.payment_intents.create(params={"amount": 2500, "currency": "usd", "capture_method": "manual"})
    with pytest.raises(stripe.CardError) as declined:
        client.payment_intents.confirm(intent.id, params={"payment_method": "pm_card_chargeDeclinedInsufficientFunds"})
    assert declined.value.error.decline_code == "insufficient_funds"

    confirmed = client.payment_intents.confirm(intent.id, params={"payment_method": "pm_card_visa"})

    assert confirmed.status == "requires_capture"


def saved_card(client: Any, customer_id: str) -> str:
    """A card saved to a customer as Stripe.js saves one: a SetupIntent confirmed with it."""
    setup = client.setup_intents.create(params={"customer": customer_id, "usage": "off_session"})
    card = client.payment_methods.create(
        params={"type": "card", "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}}
    )
    client.setup_intents.confirm(setup.id, params={"payment_method": card.id})
    return str(card.id)


def test_a_payment_intent_with_a_card_saved_to_another_customer_is_refused_as_stripe_refuses_it(client: Any) -> None:
    owner = client.customers.create(params={"email": "owner@parley.example"})
    other = client.customers.create(params={"email": "other@parley.example"})
    card = saved_card(client, owner.id)
    hold = {"amount": 5000, "currency": "usd", "capture_method": "manual", "payment_method": card, "confirm": True}

    with pytest.raises(stripe.InvalidRequestError) as on_create:
        client.payment_intents.create(params=hold | {"customer": other.id})
    intent = client.payment_intents.create(params={"amount": 5000, "currency": "usd", "customer": other.id})
    with pytest.raises(stripe.InvalidRequestError) as on_confirm:
        client.payment_intents.confirm(intent.id, params={"payment_method": card})

    for refused in (on_create.value, on_confirm.value):
        assert (refused.http_status, refused.code, refused.param) == (400, "resource_missing", "payment_method")
        assert refused.json_body["error"]["type"] == "invalid_request_error"
        assert refused.user_message.startswith(f"The customer does not have a payment method with the ID {card}.")
    assert client.payment_intents.retrieve(intent.id).status == "requires_payment_method"
    assert client.payment_intents.create(params=hold | {"customer": owner.id}).status == "requires_capture"


def test_cancelling_an_uncaptured_payment_intent_releases_the_authorisation(client: Any) -> None:
    before = available(client, "usd")
    intent = authorised_payment(client, 6000)

    cancelled = client.payment_intents.cancel(intent.id, params={"cancellation_reason": "abandoned"})

    assert (cancelled.status, cancelled.cancellation_reason) == ("canceled", "abandoned")
    assert cancelled.amount_capturable == 0
    assert cancelled.canceled_at is not None
    charge = client.charges.retrieve(cancelled.latest_charge)
    assert (charge.captured, charge.amount_refunded, charge.refunded) == (False, 6000, True)
    assert available(client, "usd") == before
    assert len(events_about(client, "payment_intent.canceled", intent.id)) == 1
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.payment_intents.capture(intent.id)
    assert refused.value.code == "payment_intent_unexpected_state"


def test_an_uncaptured_payment_intent_cannot_be_refunded(client: Any) -> None:
    intent = authorised_payment(client, 3000)

    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.refunds.create(params={"payment_intent": intent.id, "amount": 1000})

    assert refused.value.code == "charge_not_refundable"
    assert client.payment_intents.retrieve(intent.id).status == "requires_capture"


def test_a_refund_without_an_amount_refunds_what_is_left_and_then_nothing_more(client: Any) -> None:
    intent = authorised_payment(client, 2000)
    client.payment_intents.capture(intent.id)
    client.refunds.create(params={"payment_intent": intent.id, "amount": 500})

    rest = client.refunds.create(params={"payment_intent": intent.id})

    assert rest.amount == 1500
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.refunds.create(params={"payment_intent": intent.id, "amount": 1})
    assert refused.value.code == "charge_already_refunded"


# --------------------------------------------------------------------------- disputes


def test_a_dispute_withdraws_the_amount_and_winning_it_gives_it_back(
    client: Any, local_stripe_url: str, webhook_receiver: WebhookReceiver
) -> None:
    intent = authorised_payment(client, 7000)
    client.payment_intents.capture(intent.id)
    before = available(client, "usd")

    dispute = config(local_stripe_url, "POST", "/_config/disputes", payment_intent=intent.id, reason="fraudulent")

    assert (dispute["status"], dispute["amount"], dispute["payment_intent"]) == ("needs_response", 7000, intent.id)
    assert set(dispute) == fields_of("dispute")
    assert available(client, "usd") == before - 7000
    assert client.charges.retrieve(intent.latest_charge).disputed is True
    payload, signature = webhook_receiver.next_event("charge.dispute.created", dispute["id"])
    assert stripe.Webhook.construct_event(payload, signature, WEBHOOK_SECRET).data.object.charge == intent.latest_charge
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.refunds.create(params={"payment_intent": intent.id})
    assert refused.value.code == "charge_disputed"

    closed = config(local_stripe_url, "POST", f"/_config/disputes/{dispute['id']}/close", status="won")

    assert closed["status"] == "won"
    assert available(client, "usd") == before
    payload, signature = webhook_receiver.next_event("charge.dispute.closed", dispute["id"])
    assert stripe.Webhook.construct_event(payload, signature, WEBHOOK_SECRET).data.object.status == "won"


def test_stripes_dispute_test_card_opens_a_dispute_that_losing_evidence_closes_as_lost(client: Any) -> None:
    intent = authorised_payment(client, 5000, payment_method="pm_card_createDispute")
    client.payment_intents.capture(intent.id)
    before = available(client, "usd")

    (dispute,) = client.disputes.list(params={"payment_intent": intent.id}).data
    assert dispute.status == "needs_response"
    lost = client.disputes.update(dispute.id, params={"evidence": {"uncategorized_text": "losing_evidence"}})

    assert lost.status == "lost"
    assert available(client, "usd") == before
    assert len(events_about(client, "charge.dispute.closed", dispute.id)) == 1


# --------------------------------------------------------------------------- the stripe library's global style


def test_the_stripe_librarys_global_api_base_works_too(local_stripe_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stripe, "api_key", API_KEY)
    monkeypatch.setattr(stripe, "api_base", local_stripe_url)

    account = stripe.Account.create(type="express", country="US", capabilities={"transfers": {"requested": True}})
    link = stripe.AccountLink.create(
        account=account.id, refresh_url=REFRESH_URL, return_url=RETURN_URL, type="account_onboarding"
    )
    browser_get(link.url)

    assert stripe.Account.retrieve(account.id).payouts_enabled is True
    assert stripe.Balance.retrieve().object == "balance"


def test_an_unknown_url_answers_as_stripe_does(local_stripe_url: str) -> None:
    headers = {"Authorization": f"Bearer {API_KEY}"}
    request = urllib.request.Request(local_stripe_url + "/v1/nothing_here", headers=headers)
    with pytest.raises(urllib.error.HTTPError) as answered:
        urllib.request.urlopen(request, timeout=10)

    assert answered.value.code == 404
    message = json.loads(answered.value.read())["error"]["message"]
    assert message.startswith("Unrecognized request URL (GET: /v1/nothing_here)")
