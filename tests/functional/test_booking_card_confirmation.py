"""A card that asks its holder to confirm (3-D Secure) at booking: the time is held while the
client confirms with Stripe.js; unconfirmed, the booking is undone and the time freed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
import urllib3

from chalicelib.models.appointment import Appointment
from tests.functional.booking_cast import MONDAY, NOW, Cast, book, cast, holds, run_agenda, slot_starts
from tests.functional.conftest import WEBHOOK_SECRET
from tests.functional.money import event, intents_left_over, signed

__all__ = ["cast"]  # the fixture
THREE_D_SECURE_CARD = "4000002760003184"


def authenticate(local_stripe_url: str, booking: dict[str, Any], *, success: bool) -> None:
    """What the bank's page does when the cardholder passes (or fails) the check."""
    secret: str = booking["client_secret"]
    intent = secret.split("_secret_")[0]
    form = urlencode({"client_secret": secret, "success": "true" if success else "false"})
    response = urllib3.request(
        "POST", f"{local_stripe_url}/v1/payment_intents/{intent}/_authenticate", body=form,
        headers={"Authorization": "Bearer sk_test_parley", "Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    assert response.status == 200, response.data


def test_a_card_needing_its_holder_holds_the_time_until_the_client_confirms_it(
    api: Any, cast: Cast, local_stripe_url: str
) -> None:
    response = book(api, cast, cast.client, "10:00", number=THREE_D_SECURE_CARD)
    booking = response.json_body
    url = f"/bookings/{booking['appointment_id']}/confirm-card"

    assert response.status_code == 201, booking
    assert (booking["status"], booking["next_action"]) == ("awaiting_card", "confirm_card")
    assert f"{MONDAY}T10:00:00Z" not in slot_starts(api, cast)
    early = api.post(url, headers=cast.client.auth)
    assert (early.status_code, early.json_body["error"]["code"]) == (409, "card_not_confirmed")

    authenticate(local_stripe_url, booking, success=True)
    confirmed = api.post(url, headers=cast.client.auth)

    assert (confirmed.status_code, confirmed.json_body["status"]) == (200, "confirmed")
    assert [intent.status for intent in holds(cast)] == ["requires_capture"]
    assert api.post(url, headers=cast.client.auth).json_body["status"] == "confirmed"  # a retry changes nothing


def test_a_card_its_holder_never_confirms_frees_the_time_after_fifteen_minutes(api: Any, cast: Cast) -> None:
    booking = book(api, cast, cast.client, "10:00", number=THREE_D_SECURE_CARD).json_body

    run_agenda(NOW + timedelta(minutes=10))
    assert Appointment.get(booking["appointment_id"]).status == "awaiting_card"
    run_agenda(NOW + timedelta(minutes=16))

    assert list(Appointment.scan()) == []
    assert [intent.status for intent in holds(cast)] == ["canceled"]
    assert f"{MONDAY}T10:00:00Z" in slot_starts(api, cast)


def test_a_failed_bank_check_answers_402_and_frees_the_time(api: Any, cast: Cast, local_stripe_url: str) -> None:
    booking = book(api, cast, cast.client, "10:00", number=THREE_D_SECURE_CARD).json_body
    authenticate(local_stripe_url, booking, success=False)

    refused = api.post(f"/bookings/{booking['appointment_id']}/confirm-card", headers=cast.client.auth)

    assert (refused.status_code, refused.json_body["error"]["code"]) == (402, "card_declined")
    assert f"{MONDAY}T10:00:00Z" in slot_starts(api, cast)


def test_a_client_who_cancels_before_confirming_the_card_leaves_no_hold_behind(api: Any, cast: Cast) -> None:
    booking = book(api, cast, cast.client, "10:00", number=THREE_D_SECURE_CARD).json_body

    cancelled = api.post(f"/bookings/{booking['appointment_id']}/cancel", headers=cast.client.auth)

    assert (cancelled.status_code, cancelled.json_body["status"], cancelled.json_body["charged"]) == (
        200, "cancelled", 0,
    )  # fmt: skip
    assert [intent.status for intent in holds(cast)] == ["canceled"]
    assert f"{MONDAY}T10:00:00Z" in slot_starts(api, cast)


def test_the_agenda_never_lets_go_of_a_hold_the_client_confirmed_while_it_was_looking(
    api: Any, cast: Cast, local_stripe_url: str, monkeypatch: Any
) -> None:
    import chalicelib.bookings.book as booking_module
    from chalicelib.bookings.book import recover_stuck_booking
    from chalicelib.errors import Conflict
    from chalicelib.payments.card_payments import get_payment

    booking = book(api, cast, cast.client, "10:00", number=THREE_D_SECURE_CARD).json_body
    stale_item = Appointment.get(booking["appointment_id"])  # what the agenda read: awaiting the card
    stale_payment = get_payment(stale_item.payment_id)
    authenticate(local_stripe_url, booking, success=True)
    confirmed = api.post(f"/bookings/{booking['appointment_id']}/confirm-card", headers=cast.client.auth)
    assert confirmed.json_body["status"] == "confirmed"

    with monkeypatch.context() as patched:
        patched.setattr(booking_module, "_current_hold", lambda item, now: stale_payment)
        with pytest.raises(Conflict):
            recover_stuck_booking(stale_item, NOW + timedelta(minutes=16))

    assert Appointment.get(booking["appointment_id"]).status == "confirmed"
    assert [intent.status for intent in holds(cast)] == ["requires_capture"]


def test_a_failed_bank_check_leaves_no_payment_intent_even_when_stripes_webhook_reported_it_first(
    api: Any, cast: Cast, local_stripe_url: str
) -> None:
    booking = book(api, cast, cast.client, "10:00", number=THREE_D_SECURE_CARD).json_body
    authenticate(local_stripe_url, booking, success=False)
    intent = cast.stripe.v1.payment_intents.retrieve(booking["client_secret"].split("_secret_")[0])
    body, headers = signed(event("evt_failed", "payment_intent.payment_failed", intent.to_dict()), WEBHOOK_SECRET)
    assert api.post("/webhooks/stripe", headers=headers, body=body).status_code == 200

    declined = api.post(f"/bookings/{booking['appointment_id']}/confirm-card", headers=cast.client.auth)

    assert (declined.status_code, declined.json_body["error"]["code"]) == (402, "card_declined")
    assert list(Appointment.scan()) == []
    assert intents_left_over(cast.stripe) == []
