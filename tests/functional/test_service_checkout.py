"""Service checkout (as on Otechie): the upfront hold, the conversation it opens, the expert's answer,
and holds nobody accepted released before card networks drop them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from chalicelib import runtime
from chalicelib.models.checkout import ServiceCheckout
from chalicelib.models.conversation import Conversation
from chalicelib.models.payment import Payment
from chalicelib.services.checkout import release_unaccepted_holds
from tests.functional.builders import become_expert, register
from tests.functional.clock import Clock
from tests.functional.conftest import User, Users
from tests.functional.money import DECLINED_CARD, card, intents_left_over, saved_card


@dataclass
class Cast:
    expert: User
    client: User
    stranger: User
    stripe: Any
    clock: Clock
    service_id: str


def offer(api: Any, expert: User, **changes: Any) -> str:
    body: dict[str, Any] = {
        "name": "Architecture review", "slug": "architecture-review",
        "description": "I read your design and tell you, in writing, what will break first.",
        "upfront_hold": 25_000, "ongoing_rate": {"amount": 15_000, "unit": "hour"}, "meeting": None,
    } | changes  # fmt: skip
    response = api.post("/experts/me/services", headers=expert.auth, body=json.dumps(body))
    assert response.status_code == 201, response.json_body
    return str(response.json_body["service_id"])


@pytest.fixture
def cast(api: Any, users: Users, stripe_api: Any) -> Cast:
    clock = Clock()
    runtime.set_clock(lambda: clock.now)
    expert = users.sign_up("ada@example.com")
    become_expert(api, expert)  # USD
    client, stranger = users.sign_up("grace@example.com"), users.sign_up("mallory@example.com")
    for person in (client, stranger):
        assert register(api, person).status_code == 201
    return Cast(expert, client, stranger, stripe_api, clock, offer(api, expert))


def check_out(
    api: Any, cast: Cast, *, service_id: str | None = None, number: str | None = None, key: str | None = None,
    message: str = "I need my event pipeline reviewed before launch.", with_card: bool = True,
) -> Any:  # fmt: skip
    body: dict[str, Any] = {"message": message}
    if with_card:
        body["payment_method_id"] = card(cast.stripe, number) if number else card(cast.stripe)
    headers = cast.client.auth | ({"Idempotency-Key": key} if key else {})
    url = f"/experts/{cast.expert.sub}/services/{service_id or cast.service_id}/checkout"
    return api.post(url, headers=headers, body=json.dumps(body))


def answer(api: Any, who: User, checkout_id: str, action: str) -> Any:
    return api.post(f"/checkouts/{checkout_id}/{action}", headers=who.auth)


def payment_of(checkout_id: str) -> Payment:
    return Payment.get(f"pay:checkout:{checkout_id}", consistent_read=True)


def thread_texts(api: Any, who: User, thread_id: str) -> list[str]:
    response = api.get(f"/conversations/{thread_id}/messages", headers=who.auth)
    assert response.status_code == 200, response.json_body
    return [m["text"] for m in response.json_body["items"]]


def test_a_client_checks_out_a_service_and_the_expert_sees_the_thread_with_the_first_message_and_the_hold(
    api: Any, cast: Cast
) -> None:
    response = check_out(api, cast)

    assert response.status_code == 201, response.json_body
    checkout, thread_id = response.json_body["checkout"], response.json_body["thread_id"]
    assert (checkout["status"], checkout["upfront_hold"], checkout["currency"]) == ("awaiting_expert", 25_000, "USD")
    assert payment_of(checkout["checkout_id"]).status == "authorised"
    [listed] = api.get("/conversations", headers=cast.expert.auth).json_body["items"]
    assert (listed["thread_id"], listed["subject"], listed["title"]) == (
        thread_id, "service_checkout", "Architecture review",
    )  # fmt: skip
    assert listed["waiting_on"] == cast.expert.sub
    assert listed["payment_ids"] == [checkout["payment_id"]]
    assert thread_texts(api, cast.expert, thread_id) == [
        "Checked out Architecture review; USD 250.00 held on the card.",
        "I need my event pipeline reviewed before launch.",
    ]


def test_a_declined_card_is_a_402_and_leaves_no_checkout_and_no_conversation(api: Any, cast: Cast) -> None:
    response = check_out(api, cast, number=DECLINED_CARD)

    assert response.status_code == 402
    assert response.json_body["error"]["code"] == "card_declined"
    assert list(ServiceCheckout.scan()) == []  # test-only check of the whole table
    assert list(Conversation.scan()) == []
    assert api.get("/conversations", headers=cast.client.auth).json_body["items"] == []


def test_a_service_with_an_upfront_hold_needs_a_card(api: Any, cast: Cast) -> None:
    response = check_out(api, cast, with_card=False)

    assert response.status_code == 400
    assert response.json_body["error"]["code"] == "payment_method_required"


def test_a_service_without_a_hold_is_checked_out_without_a_card(api: Any, cast: Cast) -> None:
    free = offer(api, cast.expert, slug="quick-question", name="Quick question", upfront_hold=None)

    response = check_out(api, cast, service_id=free, with_card=False)

    assert response.status_code == 201, response.json_body
    assert response.json_body["checkout"]["payment_id"] is None
    assert thread_texts(api, cast.client, response.json_body["thread_id"])[0] == "Checked out Quick question."


def test_a_service_with_a_meeting_is_booked_from_the_calendar_not_checked_out(api: Any, cast: Cast) -> None:
    meeting = {"location_url": "https://meet.example.com/ada", "duration_minutes": 45}
    with_meeting = offer(api, cast.expert, slug="design-call", meeting=meeting)

    response = check_out(api, cast, service_id=with_meeting)

    assert response.status_code == 409
    assert response.json_body["error"]["code"] == "service_needs_booking"


def test_a_retried_checkout_with_the_same_idempotency_key_holds_once_and_opens_one_thread(api: Any, cast: Cast) -> None:
    first = check_out(api, cast, key="checkout-1")
    retry = check_out(api, cast, key="checkout-1")

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json_body == first.json_body
    assert len(api.get("/conversations", headers=cast.client.auth).json_body["items"]) == 1
    assert len(thread_texts(api, cast.client, first.json_body["thread_id"])) == 2


def test_the_expert_accepts_and_the_hold_is_captured_once(api: Any, cast: Cast) -> None:
    made = check_out(api, cast).json_body
    checkout_id = made["checkout"]["checkout_id"]

    accepted = answer(api, cast.expert, checkout_id, "accept")
    again = answer(api, cast.expert, checkout_id, "accept")

    assert (accepted.status_code, again.status_code) == (200, 200)
    assert accepted.json_body["status"] == "accepted"
    payment = payment_of(checkout_id)
    assert (payment.status, payment.captured) == ("captured", 25_000)
    texts = thread_texts(api, cast.client, made["thread_id"])
    assert texts.count("The expert accepted Architecture review; the hold was captured.") == 1
    assert answer(api, cast.expert, checkout_id, "decline").json_body["error"]["code"] == "checkout_closed"


def test_the_expert_declines_and_the_hold_is_released(api: Any, cast: Cast) -> None:
    made = check_out(api, cast).json_body
    checkout_id = made["checkout"]["checkout_id"]
    cast.clock.advance(hours=2)

    declined = answer(api, cast.expert, checkout_id, "decline")

    assert declined.status_code == 200, declined.json_body
    assert declined.json_body["status"] == "declined"
    payment = payment_of(checkout_id)
    assert (payment.status, payment.captured) == ("released", 0)
    assert thread_texts(api, cast.client, made["thread_id"])[-1] == (
        "The expert declined Architecture review; the hold was released."
    )


def test_only_the_expert_answers_a_checkout_the_client_gets_403_and_a_stranger_404(api: Any, cast: Cast) -> None:
    checkout_id = check_out(api, cast).json_body["checkout"]["checkout_id"]

    by_client = answer(api, cast.client, checkout_id, "accept")
    by_stranger = answer(api, cast.stranger, checkout_id, "decline")

    assert (by_client.status_code, by_client.json_body["error"]["code"]) == (403, "not_the_expert")
    assert (by_stranger.status_code, by_stranger.json_body["error"]["code"]) == (404, "checkout_not_found")
    assert api.get(f"/checkouts/{checkout_id}", headers=cast.stranger.auth).status_code == 404
    assert payment_of(checkout_id).status == "authorised"


def test_a_hold_not_accepted_within_6_days_is_released_once_by_the_job_even_when_it_runs_twice(
    api: Any, cast: Cast
) -> None:
    made = check_out(api, cast).json_body
    checkout_id = made["checkout"]["checkout_id"]

    assert release_unaccepted_holds(cast.clock.advance(days=5, hours=23)).released == 0
    later = cast.clock.advance(hours=1)
    first, second = release_unaccepted_holds(later), release_unaccepted_holds(later)

    assert (first.released, second.released, second.due) == (1, 0, 0)
    assert payment_of(checkout_id).status == "released"
    assert api.get(f"/checkouts/{checkout_id}", headers=cast.client.auth).json_body["status"] == "expired"
    texts = thread_texts(api, cast.client, made["thread_id"])
    assert texts.count("Architecture review was not accepted within 6 days; the hold was released.") == 1
    too_late = answer(api, cast.expert, checkout_id, "accept")
    assert (too_late.status_code, too_late.json_body["error"]["code"]) == (409, "checkout_closed")


def test_an_accepted_checkout_is_left_alone_by_the_hold_release_job(api: Any, cast: Cast) -> None:
    checkout_id = check_out(api, cast).json_body["checkout"]["checkout_id"]
    answer(api, cast.expert, checkout_id, "accept")

    run = release_unaccepted_holds(cast.clock.advance(days=7))

    assert (run.due, run.released) == (0, 0)
    assert payment_of(checkout_id).status == "captured"


def test_a_checkout_paid_with_another_clients_saved_card_is_refused_and_nothing_is_written(
    api: Any, cast: Cast
) -> None:
    others_card = saved_card(api, cast.stripe, cast.stranger)
    url = f"/experts/{cast.expert.sub}/services/{cast.service_id}/checkout"
    body = {"message": "Please review my pipeline.", "payment_method_id": others_card}

    refused = api.post(url, headers=cast.client.auth, body=json.dumps(body))

    assert (refused.status_code, refused.json_body["error"]["code"]) == (400, "card_not_yours")
    assert list(ServiceCheckout.scan()) == []  # test-only check of the whole table
    assert list(Conversation.scan()) == []
    assert list(Payment.scan()) == []
    assert cast.stripe.v1.payment_intents.list(params={"limit": 100}).data == []


def test_a_declined_checkout_leaves_no_payment_intent_at_stripe(api: Any, cast: Cast) -> None:
    assert check_out(api, cast, number=DECLINED_CARD).status_code == 402

    assert intents_left_over(cast.stripe) == []


def test_after_a_30_day_outage_the_hold_job_still_releases_a_checkout_left_unanswered_10_days_ago(
    api: Any, cast: Cast
) -> None:
    made = check_out(api, cast).json_body
    checkout_id = made["checkout"]["checkout_id"]
    cast.clock.advance(days=4)  # the hold expires 6 days after the checkout: 10 days before the job's return

    run = release_unaccepted_holds(cast.clock.advance(days=30))
    print(f"after a 30-day outage the hold job found due={run.due}, released={run.released}")

    assert (run.due, run.released) == (1, 1)
    payment = payment_of(checkout_id)
    assert payment.status == "released"
    assert cast.stripe.v1.payment_intents.retrieve(payment.stripe_payment_intent_id).status == "canceled"
    assert api.get(f"/checkouts/{checkout_id}", headers=cast.client.auth).json_body["status"] == "expired"
    assert release_unaccepted_holds(cast.clock.now).due == 0  # handled: it left the index


def test_accepting_a_checkout_whose_hold_has_expired_is_a_409_that_releases_the_hold_and_charges_nothing(
    api: Any, cast: Cast
) -> None:
    made = check_out(api, cast).json_body
    checkout_id = made["checkout"]["checkout_id"]
    cast.clock.advance(days=10)  # the job never ran

    accepted = answer(api, cast.expert, checkout_id, "accept")
    print("accept after the hold expired answered", accepted.status_code, accepted.json_body)

    assert (accepted.status_code, accepted.json_body["error"]["code"]) == (409, "hold_expired")
    payment = payment_of(checkout_id)
    assert (payment.status, payment.captured) == ("released", 0)
    assert cast.stripe.v1.payment_intents.retrieve(payment.stripe_payment_intent_id).status == "canceled"
    assert api.get(f"/checkouts/{checkout_id}", headers=cast.client.auth).json_body["status"] == "expired"


@pytest.mark.parametrize(("action", "status", "held"), [("accept", "captured", 25_000), ("decline", "released", 0)])
def test_an_experts_answer_sent_many_times_at_once_is_that_answer_or_409_and_moves_the_hold_once(
    api: Any, cast: Cast, action: str, status: str, held: int
) -> None:
    from tests.functional.at_once import at_once, outcomes

    made = check_out(api, cast).json_body
    checkout_id = made["checkout"]["checkout_id"]

    seen = outcomes(at_once(lambda: answer(api, cast.expert, checkout_id, action)))

    print(f"checkout {action}:", seen)
    assert (200, f"{action}ed".replace("eed", "ed")) in seen, seen
    assert set(seen) <= {(200, f"{action}ed".replace("eed", "ed")), (409, "changed_concurrently")}, seen
    payment = payment_of(checkout_id)
    assert (payment.status, payment.captured) == (status, held)
    intent = cast.stripe.v1.payment_intents.retrieve(payment.stripe_payment_intent_id)
    assert (intent.status, intent.amount_received) == ("succeeded" if held else "canceled", held)
    texts = thread_texts(api, cast.client, made["thread_id"])
    assert len([t for t in texts if t.startswith(f"The expert {action}")]) == 1


def test_an_idempotency_key_over_255_characters_is_a_400_naming_the_header_and_holds_nothing(
    api: Any, cast: Cast
) -> None:
    response = check_out(api, cast, key="k" * 256)

    assert response.status_code == 400, response.json_body
    error = response.json_body["error"]
    assert (error["code"], [problem["field"] for problem in error["fields"]]) == ("invalid_header", ["Idempotency-Key"])
    assert list(ServiceCheckout.scan()) == []  # test-only check of the whole table
    assert check_out(api, cast, key="k" * 255).status_code == 201


def test_a_fourth_checkout_awaiting_the_expert_is_409_too_many_holds_and_holds_no_card_until_one_is_answered(
    api: Any, cast: Cast
) -> None:
    held = [check_out(api, cast, key=f"checkout-{number}") for number in range(3)]

    fourth = check_out(api, cast, key="checkout-3")
    intents_after_refusal = len(cast.stripe.v1.payment_intents.list(params={"limit": 100}).data)
    retried = check_out(api, cast, key="checkout-0")  # a retry of a held one is still that checkout
    declined = answer(api, cast.expert, held[0].json_body["checkout"]["checkout_id"], "decline")
    again = check_out(api, cast, key="checkout-3")

    assert [response.status_code for response in held] == [201, 201, 201]
    assert (fourth.status_code, fourth.json_body["error"]["code"]) == (409, "too_many_holds")
    assert intents_after_refusal == 3  # refused before the card was touched
    assert retried.json_body == held[0].json_body
    assert declined.json_body["status"] == "declined"
    assert (again.status_code, again.json_body["checkout"]["status"]) == (201, "awaiting_expert")
