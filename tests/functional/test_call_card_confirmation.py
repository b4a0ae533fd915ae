"""A card that asks its holder to confirm (3-D Secure) when the expert accepts a call: once the
client has confirmed it, both sides are told the hold is in place, and the call can start."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib import runtime
from chalicelib.errors import Conflict
from chalicelib.sessions import calls
from tests.functional.conftest import Users
from tests.functional.money import card
from tests.functional.test_booking_card_confirmation import THREE_D_SECURE_CARD, authenticate
from tests.functional.test_calls import Parties, make_parties


@pytest.fixture
def parties(api: Any, users: Users, stripe_api: Any) -> Parties:
    return make_parties(api, users, stripe_api)


def test_after_confirming_a_3d_secure_card_both_sides_are_told_the_hold_is_in_place_and_the_call_starts(
    api: Any, parties: Parties, local_stripe_url: str
) -> None:
    p, now = parties, runtime.now()
    method = card(p.stripe, THREE_D_SECURE_CARD)
    session_id = calls.request_call(
        p.client.sub, p.expert.sub, "voice", payment_method_id=method, link_id=None, notifier=p.notifier, now=now
    )["session_id"]
    calls.accept_call(session_id, p.expert.sub, notifier=p.notifier, now=now)
    [accepted] = p.notifier.to(p.client.sub, "session.accepted")
    calls.join_call(session_id, p.client.sub, notifier=p.notifier, now=now)
    with pytest.raises(Conflict) as not_yet:
        calls.join_call(session_id, p.expert.sub, notifier=p.notifier, now=now)
    url = f"/sessions/{session_id}/confirm-card"
    early = api.post(url, headers=p.client.auth)

    authenticate(local_stripe_url, accepted, success=True)
    confirmed = calls.confirm_card(session_id, p.client.sub, notifier=p.notifier, now=now)
    again = api.post(url, headers=p.client.auth)  # a retry says the same and tells nobody again
    view = calls.join_call(session_id, p.expert.sub, notifier=p.notifier, now=now)

    assert not_yet.value.code == "card_not_held"
    assert (early.status_code, early.json_body["error"]["code"]) == (409, "card_not_confirmed")
    assert confirmed["hold_ready"] is True
    assert (again.status_code, again.json_body["hold_ready"]) == (200, True)
    for person in (p.client.sub, p.expert.sub):
        [ready] = p.notifier.to(person, "session.hold_ready")
        assert (ready["session_id"], ready["session"]["hold_ready"]) == (session_id, True)
    assert view["state"] == "active"


def test_only_the_client_confirms_the_card_of_a_call(api: Any, parties: Parties) -> None:
    p, now = parties, runtime.now()
    session_id = calls.request_call(
        p.client.sub, p.expert.sub, "voice", payment_method_id=card(p.stripe, THREE_D_SECURE_CARD), link_id=None,
        notifier=p.notifier, now=now,
    )["session_id"]  # fmt: skip

    by_expert = api.post(f"/sessions/{session_id}/confirm-card", headers=p.expert.auth)
    by_stranger = api.post(f"/sessions/{session_id}/confirm-card", headers=p.stranger.auth)
    before_accept = api.post(f"/sessions/{session_id}/confirm-card", headers=p.client.auth)

    assert (by_expert.status_code, by_expert.json_body["error"]["code"]) == (403, "not_your_move")
    assert (by_stranger.status_code, by_stranger.json_body["error"]["code"]) == (404, "session_not_found")
    assert (before_accept.status_code, before_accept.json_body["error"]["code"]) == (409, "session_requested")
    assert p.notifier.to(p.client.sub, "session.hold_ready") == []


def _stripes_hold_event(p: Parties, accepted: dict[str, Any]) -> dict[str, Any]:
    """The payment_intent.amount_capturable_updated event the local Stripe recorded for the call's hold."""
    intent_id = accepted["client_secret"].split("_secret_")[0]
    listed = p.stripe.v1.events.list(params={"type": "payment_intent.amount_capturable_updated", "limit": 100})
    [found] = [e for e in listed.auto_paging_iter() if e["data"]["object"]["id"] == intent_id]
    return dict(found.to_dict())


def _webhook(p: Parties, event: dict[str, Any]) -> str:
    from chalicelib.payments.stripe_events import EventContext, handle_event

    return handle_event(event, EventContext(now=runtime.now(), hold_days=7, notifier=p.notifier))


def test_when_stripes_webhook_reports_the_3d_secure_hold_first_both_sides_are_told_once_and_the_call_starts(
    parties: Parties, local_stripe_url: str
) -> None:
    p, now = parties, runtime.now()
    session_id = calls.request_call(
        p.client.sub, p.expert.sub, "voice", payment_method_id=card(p.stripe, THREE_D_SECURE_CARD), link_id=None,
        notifier=p.notifier, now=now,
    )["session_id"]  # fmt: skip
    calls.accept_call(session_id, p.expert.sub, notifier=p.notifier, now=now)
    [accepted] = p.notifier.to(p.client.sub, "session.accepted")
    authenticate(local_stripe_url, accepted, success=True)

    assert _webhook(p, _stripes_hold_event(p, accepted)) == "handled"
    told_by_the_webhook = [len(p.notifier.to(person, "session.hold_ready")) for person in (p.client.sub, p.expert.sub)]
    confirmed = calls.confirm_card(session_id, p.client.sub, notifier=p.notifier, now=now)  # the browser, later
    calls.join_call(session_id, p.client.sub, notifier=p.notifier, now=now)
    view = calls.join_call(session_id, p.expert.sub, notifier=p.notifier, now=now)

    assert told_by_the_webhook == [1, 1]
    assert confirmed["hold_ready"] is True
    for person in (p.client.sub, p.expert.sub):  # and confirming afterwards told nobody again
        [ready] = p.notifier.to(person, "session.hold_ready")
        assert (ready["session_id"], ready["session"]["hold_ready"]) == (session_id, True)
    assert view["state"] == "active"


def test_stripes_webhook_after_the_client_confirmed_the_card_tells_nobody_again(
    parties: Parties, local_stripe_url: str
) -> None:
    p, now = parties, runtime.now()
    session_id = calls.request_call(
        p.client.sub, p.expert.sub, "voice", payment_method_id=card(p.stripe, THREE_D_SECURE_CARD), link_id=None,
        notifier=p.notifier, now=now,
    )["session_id"]  # fmt: skip
    calls.accept_call(session_id, p.expert.sub, notifier=p.notifier, now=now)
    [accepted] = p.notifier.to(p.client.sub, "session.accepted")
    authenticate(local_stripe_url, accepted, success=True)

    calls.confirm_card(session_id, p.client.sub, notifier=p.notifier, now=now)
    assert _webhook(p, _stripes_hold_event(p, accepted)) == "handled"

    assert [len(p.notifier.to(person, "session.hold_ready")) for person in (p.client.sub, p.expert.sub)] == [1, 1]
