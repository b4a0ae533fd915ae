"""Paid calls from request to receipt: the hold, the exact capture, the ledger, presence, receipts, strangers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest

from chalicelib import runtime
from chalicelib.errors import Conflict, NotFound
from chalicelib.models.expert_profile import ExpertProfile
from chalicelib.models.ledger import LedgerRecord
from chalicelib.models.payment import Payment
from chalicelib.models.session import CallSession
from chalicelib.sessions import calls
from tests.contract import FROM_SERVER, check_ws_message
from tests.functional.builders import become_expert, register
from tests.functional.conftest import User, Users
from tests.functional.deliveries import deliver_pending, sent_emails
from tests.functional.money import DECLINED_CARD, balance, card, intents_left_over, revenue, saved_card
from tests.functional.presence_cast import online_expert


@dataclass
class RecordingNotifier:
    """A CallNotifier fake: what each person was sent, in order, each checked against the AsyncAPI document.

    The newest one made is also the deliveries consumer's (``runtime.use_notifier``): what a change tells
    people (a call's end, a failed card) is delivered before ``sent`` or ``to`` answers."""

    _sent: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        runtime.use_notifier(self)

    def notify(self, account_id: str, message: dict[str, Any]) -> None:
        check_ws_message(FROM_SERVER, message)
        self._sent.append((account_id, message))

    @property
    def sent(self) -> list[tuple[str, dict[str, Any]]]:
        deliver_pending()
        return list(self._sent)

    def to(self, account_id: str, kind: str | None = None) -> list[dict[str, Any]]:
        return [m for who, m in self.sent if who == account_id and (kind is None or m["type"] == kind)]


@dataclass
class Parties:
    expert: User
    client: User
    stranger: User
    stripe: Any
    notifier: RecordingNotifier


def make_parties(api: Any, users: Users, stripe_api: Any, **profile: Any) -> Parties:
    expert = users.sign_up("ada@example.com")
    become_expert(api, expert, **({"free_minutes": 0} | profile))
    online_expert(api, expert)
    client = users.sign_up("grace@example.com")
    assert register(api, client).status_code == 201
    stranger = users.sign_up("mallory@example.com")
    assert register(api, stranger).status_code == 201
    return Parties(expert, client, stranger, stripe_api, RecordingNotifier())


@pytest.fixture
def parties(api: Any, users: Users, stripe_api: Any) -> Parties:
    return make_parties(api, users, stripe_api)


CLIENT_DEVICE, EXPERT_DEVICE = "conn-client-phone=", "conn-expert-laptop="  # the WebSocket connections that join


def start_call(
    p: Parties, at: datetime, *, link_id: str | None = None, number: str | None = None, media_connects: bool = True
) -> str:
    """Request, accept and join both sides at ``at``: the call is active from ``at`` and, unless
    ``media_connects`` is false, the client's page reports its media connected then."""
    method = None if link_id else card(p.stripe, number) if number else card(p.stripe)
    session = calls.request_call(
        p.client.sub, p.expert.sub, "video", payment_method_id=method, link_id=link_id, notifier=p.notifier, now=at
    )
    session_id = str(session["session_id"])
    calls.accept_call(session_id, p.expert.sub, notifier=p.notifier, now=at)
    calls.join_call(session_id, p.client.sub, device=CLIENT_DEVICE, notifier=p.notifier, now=at)
    view = calls.join_call(session_id, p.expert.sub, device=EXPERT_DEVICE, notifier=p.notifier, now=at)
    assert view["state"] == "active"
    if media_connects:
        calls.report_media_connected(session_id, p.client.sub, now=at)
    return session_id


def email_to(address: str) -> str:
    bodies = [m.body for m in sent_emails() if address in m.destinations["ToAddresses"]]
    assert len(bodies) == 1, bodies
    return str(bodies[0])


def presence(expert_id: str) -> str:
    return str(ExpertProfile.get(expert_id, consistent_read=True).presence)


def test_a_full_paid_call_is_held_then_captured_to_the_cent_and_both_get_receipts(parties: Parties) -> None:
    p, t0 = parties, runtime.now()
    method = card(p.stripe)
    requested = calls.request_call(
        p.client.sub, p.expert.sub, "video", payment_method_id=method, link_id=None, notifier=p.notifier, now=t0
    )
    session_id = requested["session_id"]
    assert requested["state"] == "requested"
    assert p.notifier.to(p.expert.sub, "session.requested")[0]["session"]["session_id"] == session_id

    accepted = calls.accept_call(session_id, p.expert.sub, notifier=p.notifier, now=t0 + timedelta(seconds=5))
    assert accepted["state"] == "accepted"
    payment = Payment.get(accepted["payment_id"])
    assert (payment.status, payment.authorised) == ("authorised", 27_000)  # 300 x 90 minutes
    assert p.notifier.to(p.client.sub, "session.accepted")

    start = t0 + timedelta(seconds=10)
    calls.join_call(session_id, p.client.sub, notifier=p.notifier, now=start)
    assert presence(p.expert.sub) == "online"
    calls.join_call(session_id, p.expert.sub, notifier=p.notifier, now=start)
    active = p.notifier.to(p.client.sub, "session.active")[0]
    assert active["cutoff_at"] == (start + timedelta(minutes=90)).isoformat()
    assert p.notifier.to(p.expert.sub, "session.active")
    assert presence(p.expert.sub) == "busy"
    calls.report_media_connected(session_id, p.expert.sub, now=start)

    ended = calls.hang_up(session_id, p.client.sub, now=start + timedelta(minutes=30))
    assert ended["state"] == "ended"
    assert ended["bill"] == {
        "currency": "USD", "free_call": False, "billable_seconds": 1_800, "billed_minutes": 30,
        "free_minutes": 0, "amount": 9_000,
    }  # fmt: skip
    captured = Payment.get(payment.payment_id)
    assert (captured.status, captured.captured) == ("captured", 9_000)
    intent = p.stripe.v1.payment_intents.retrieve(captured.stripe_payment_intent_id)
    assert (intent.status, intent.amount_received) == ("succeeded", 9_000)
    assert (balance(p.expert.sub, "pending"), revenue()) == (8_100, 900)

    expert_end = p.notifier.to(p.expert.sub, "session.ended")
    assert [m["bill"]["earnings"] for m in expert_end] == [8_100]
    assert [m["bill"]["fee"] for m in expert_end] == [900]
    assert "earnings" not in p.notifier.to(p.client.sub, "session.ended")[0]["bill"]
    assert presence(p.expert.sub) == "online"

    client_receipt = email_to(p.client.email)
    assert "Duration: 30 min 00 s" in client_receipt
    assert "Rate: USD 3.00 per minute" in client_receipt
    assert "Free minutes: 0" in client_receipt
    assert "Billed minutes: 30" in client_receipt
    assert "Amount: USD 90.00" in client_receipt
    assert "earnings" not in client_receipt.lower()
    expert_receipt = email_to(p.expert.email)
    assert "Amount: USD 90.00" in expert_receipt
    assert "Platform fee: USD 9.00" in expert_receipt
    assert "Your earnings: USD 81.00" in expert_receipt


def test_a_call_ended_within_three_minutes_costs_nothing_and_releases_the_hold(api: Any, parties: Parties) -> None:
    p = parties
    body = {"expert_id": p.expert.sub, "media": "voice", "payment_method_id": card(p.stripe)}
    requested = api.post("/sessions", headers=p.client.auth, body=json.dumps(body))
    assert requested.status_code == 201, requested.json_body
    session_id = requested.json_body["session_id"]
    accepted = api.post(f"/sessions/{session_id}/accept", headers=p.expert.auth)
    assert accepted.status_code == 200, accepted.json_body
    now = runtime.now()
    calls.join_call(session_id, p.client.sub, notifier=p.notifier, now=now)
    calls.join_call(session_id, p.expert.sub, notifier=p.notifier, now=now)
    runtime.set_clock(lambda: now + timedelta(minutes=2, seconds=59))

    ended = api.post(f"/sessions/{session_id}/hang-up", headers=p.expert.auth)
    assert ended.status_code == 200, ended.json_body
    assert ended.json_body["bill"]["amount"] == 0
    assert ended.json_body["bill"]["earnings"] == 0
    payment = Payment.get(ended.json_body["payment_id"])
    assert payment.status == "released"
    assert p.stripe.v1.payment_intents.retrieve(payment.stripe_payment_intent_id).status == "canceled"
    assert (balance(p.expert.sub, "pending"), revenue()) == (0, 0)
    assert "Amount: USD 0.00" in email_to(p.client.email)


def test_free_minutes_apply_to_the_first_call_with_an_expert_only(api: Any, users: Users, stripe_api: Any) -> None:
    p = make_parties(api, users, stripe_api, free_minutes=5)
    t0 = runtime.now()
    first = start_call(p, t0)
    assert Payment.get(calls.get_call(first, p.client.sub)["payment_id"]).authorised == 300 * 85
    bill = calls.hang_up(first, p.client.sub, now=t0 + timedelta(minutes=30))["bill"]
    assert (bill["free_minutes"], bill["billed_minutes"], bill["amount"]) == (5, 25, 7_500)
    assert "Free minutes: 5" in email_to(p.client.email)

    later = t0 + timedelta(hours=1)
    second = start_call(p, later)
    assert Payment.get(calls.get_call(second, p.client.sub)["payment_id"]).authorised == 300 * 90
    bill = calls.hang_up(second, p.expert.sub, now=later + timedelta(minutes=30))["bill"]
    assert (bill["free_minutes"], bill["billed_minutes"], bill["amount"]) == (0, 30, 9_000)
    assert balance(p.expert.sub, "pending") == 6_750 + 8_100


def test_billing_counts_only_the_time_both_were_connected(parties: Parties) -> None:
    p, t0 = parties, runtime.now()
    session_id = start_call(p, t0)
    calls.leave_call(session_id, p.client.sub, notifier=p.notifier, now=t0 + timedelta(minutes=10))
    assert p.notifier.to(p.expert.sub, "session.left")
    calls.join_call(session_id, p.client.sub, notifier=p.notifier, now=t0 + timedelta(minutes=10, seconds=30))
    bill = calls.hang_up(session_id, p.client.sub, now=t0 + timedelta(minutes=20))["bill"]
    assert (bill["billable_seconds"], bill["billed_minutes"], bill["amount"]) == (1_170, 20, 6_000)


def test_a_call_whose_media_never_connected_costs_nothing_after_30_minutes(parties: Parties) -> None:
    p, t0 = parties, runtime.now()
    session_id = start_call(p, t0, media_connects=False)
    ended = calls.hang_up(session_id, p.client.sub, now=t0 + timedelta(minutes=30))
    assert (ended["bill"]["billable_seconds"], ended["bill"]["amount"]) == (0, 0)
    payment = Payment.get(ended["payment_id"])
    assert payment.status == "released"
    assert (balance(p.expert.sub, "pending"), revenue()) == (0, 0)


def test_one_sides_report_of_media_connected_suffices_and_billing_counts_from_the_first_report(
    parties: Parties,
) -> None:
    p, t0 = parties, runtime.now()
    session_id = start_call(p, t0, media_connects=False)
    first = calls.report_media_connected(session_id, p.expert.sub, now=t0 + timedelta(minutes=2))
    later = calls.report_media_connected(session_id, p.client.sub, now=t0 + timedelta(minutes=5))
    again = calls.report_media_connected(session_id, p.expert.sub, now=t0 + timedelta(minutes=6))
    assert first["media_connected_at"] == later["media_connected_at"] == again["media_connected_at"]
    assert first["media_connected_at"] == (t0 + timedelta(minutes=2)).isoformat()
    bill = calls.hang_up(session_id, p.client.sub, now=t0 + timedelta(minutes=30))["bill"]
    assert (bill["billable_seconds"], bill["billed_minutes"], bill["amount"]) == (1_680, 28, 8_400)


def test_a_report_of_media_connected_cannot_start_billing_before_both_joined(parties: Parties) -> None:
    p, t0 = parties, runtime.now()
    method = card(p.stripe)
    session_id = calls.request_call(
        p.client.sub, p.expert.sub, "voice", payment_method_id=method, link_id=None, notifier=p.notifier, now=t0
    )["session_id"]
    calls.accept_call(session_id, p.expert.sub, notifier=p.notifier, now=t0)
    calls.join_call(session_id, p.client.sub, notifier=p.notifier, now=t0)
    calls.report_media_connected(session_id, p.client.sub, now=t0)  # before the expert is in
    joined = t0 + timedelta(minutes=10)
    assert calls.join_call(session_id, p.expert.sub, notifier=p.notifier, now=joined)["state"] == "active"
    bill = calls.hang_up(session_id, p.client.sub, now=joined + timedelta(minutes=20))["bill"]
    assert (bill["billable_seconds"], bill["billed_minutes"], bill["amount"]) == (1_200, 20, 6_000)


def test_a_stranger_cannot_report_a_calls_media_connected(parties: Parties) -> None:
    p, t0 = parties, runtime.now()
    session_id = start_call(p, t0, media_connects=False)
    with pytest.raises(NotFound):
        calls.report_media_connected(session_id, p.stranger.sub, now=t0)
    assert calls.get_call(session_id, p.client.sub)["media_connected_at"] is None


def test_hanging_up_twice_charges_once(parties: Parties) -> None:
    p, t0 = parties, runtime.now()
    session_id = start_call(p, t0)
    end = t0 + timedelta(minutes=10)
    first = calls.hang_up(session_id, p.client.sub, now=end)
    again = calls.hang_up(session_id, p.expert.sub, now=end + timedelta(minutes=1))
    assert first["bill"]["amount"] == again["bill"]["amount"] == 3_000
    assert LedgerRecord.count(f"capture:{first['payment_id']}") == 1
    assert len(p.notifier.to(p.client.sub, "session.ended")) == 1
    assert len([m for m in sent_emails() if p.client.email in m.destinations["ToAddresses"]]) == 1


def test_only_an_online_expert_can_be_called(parties: Parties, api: Any) -> None:
    p = parties
    api.put("/experts/me/presence", headers=p.expert.auth, body='{"status": "offline"}')
    with pytest.raises(Conflict) as refused:
        calls.request_call(
            p.client.sub, p.expert.sub, "voice", payment_method_id=None, link_id=None, notifier=p.notifier,
            now=runtime.now(),
        )  # fmt: skip
    assert refused.value.code == "expert_unavailable"
    assert p.notifier.sent == []


def test_a_declined_card_tells_the_client_why_at_once_tells_the_expert_it_failed_and_leaves_nothing_at_stripe(
    api: Any, parties: Parties
) -> None:
    p, t0 = parties, runtime.now()
    session = calls.request_call(
        p.client.sub, p.expert.sub, "voice", payment_method_id=card(p.stripe, DECLINED_CARD), link_id=None,
        notifier=p.notifier, now=t0,
    )  # fmt: skip
    session_id = session["session_id"]

    to_expert = calls.accept_call(session_id, p.expert.sub, notifier=p.notifier, now=t0)

    [told] = p.notifier.to(p.client.sub, "session.payment_failed")
    assert (told["code"], told["reason"]) == ("card_declined", "Your card was declined. (generic_decline)")
    assert told["session"]["payment_failed"]["retry"] == f"POST /sessions/{session_id}/card"
    [expert_told] = p.notifier.to(p.expert.sub, "session.payment_failed")
    assert "reason" not in expert_told
    assert "declined" not in json.dumps(expert_told)
    assert (to_expert["state"], to_expert["payment_failed"]["message"]) == (
        "requested", "The client's payment failed; they have been asked for another card.",
    )  # fmt: skip
    read = api.get(f"/sessions/{session_id}", headers=p.client.auth).json_body
    assert (read["state"], read["payment_failed"]["reason"]) == (
        "requested",
        "Your card was declined. (generic_decline)",
    )
    assert read["payment_failed"]["retry_until"] == read["expires_at"]
    assert p.notifier.to(p.client.sub, "session.accepted") == []
    assert intents_left_over(p.stripe) == []
    assert [i.status for i in p.stripe.v1.payment_intents.list().data] == ["canceled"]


def test_after_a_decline_the_client_retries_with_another_card_and_the_call_is_accepted(
    api: Any, parties: Parties
) -> None:
    p, t0 = parties, runtime.now()
    session_id = calls.request_call(
        p.client.sub, p.expert.sub, "voice", payment_method_id=card(p.stripe, DECLINED_CARD), link_id=None,
        notifier=p.notifier, now=t0,
    )["session_id"]  # fmt: skip
    calls.accept_call(session_id, p.expert.sub, notifier=p.notifier, now=t0)
    url = f"/sessions/{session_id}/card"

    again = api.post(url, headers=p.client.auth, body=json.dumps({"payment_method_id": card(p.stripe, DECLINED_CARD)}))
    by_expert = api.post(url, headers=p.expert.auth, body=json.dumps({"payment_method_id": card(p.stripe)}))
    someone_elses = api.post(
        url, headers=p.client.auth, body=json.dumps({"payment_method_id": saved_card(api, p.stripe, p.stranger)})
    )
    retried = api.post(url, headers=p.client.auth, body=json.dumps({"payment_method_id": card(p.stripe)}))

    assert (again.status_code, again.json_body["error"]["code"]) == (402, "card_declined")
    assert by_expert.status_code == 403
    assert (someone_elses.status_code, someone_elses.json_body["error"]["code"]) == (400, "card_not_yours")
    assert retried.status_code == 200, retried.json_body
    assert (retried.json_body["state"], retried.json_body["payment_failed"]) == ("accepted", None)
    assert Payment.get(retried.json_body["payment_id"]).status == "authorised"
    assert sorted(i.status for i in p.stripe.v1.payment_intents.list().data) == [
        "canceled", "canceled", "requires_capture",
    ]  # fmt: skip
    calls.join_call(session_id, p.client.sub, notifier=p.notifier, now=t0)
    assert calls.join_call(session_id, p.expert.sub, notifier=p.notifier, now=t0)["state"] == "active"


def test_no_card_can_be_sent_once_the_request_has_expired(api: Any, parties: Parties) -> None:
    p, t0 = parties, runtime.now()
    session_id = calls.request_call(
        p.client.sub, p.expert.sub, "voice", payment_method_id=card(p.stripe, DECLINED_CARD), link_id=None,
        notifier=p.notifier, now=t0,
    )["session_id"]  # fmt: skip
    calls.accept_call(session_id, p.expert.sub, notifier=p.notifier, now=t0)

    with pytest.raises(Conflict) as refused:
        calls.replace_card(session_id, p.client.sub, card(p.stripe), notifier=p.notifier, now=t0 + timedelta(minutes=5))

    assert refused.value.code == "session_expired"
    assert intents_left_over(p.stripe) == []


def test_the_expert_declines_and_the_client_cancels(parties: Parties) -> None:
    p, t0 = parties, runtime.now()

    def ask() -> str:
        return str(
            calls.request_call(
                p.client.sub, p.expert.sub, "voice", payment_method_id=card(p.stripe), link_id=None,
                notifier=p.notifier, now=t0,
            )["session_id"]
        )  # fmt: skip

    declined = calls.decline_call(ask(), p.expert.sub, now=t0)
    assert declined["state"] == "declined"
    assert p.notifier.to(p.client.sub, "session.declined")

    held = ask()
    accepted = calls.accept_call(held, p.expert.sub, notifier=p.notifier, now=t0)
    cancelled = calls.cancel_call(held, p.client.sub, now=t0)
    assert cancelled["state"] == "cancelled"
    assert Payment.get(accepted["payment_id"]).status == "released"
    assert p.notifier.to(p.expert.sub, "session.cancelled")


def test_strangers_cannot_see_or_touch_a_call(api: Any, parties: Parties) -> None:
    p, t0 = parties, runtime.now()
    session_id = start_call(p, t0)
    assert api.get(f"/sessions/{session_id}", headers=p.stranger.auth).status_code == 404
    assert api.get("/sessions/nope", headers=p.client.auth).status_code == 404
    assert api.get(f"/sessions/{session_id}", headers=p.client.auth).json_body["state"] == "active"
    assert api.get(f"/sessions/{session_id}").status_code == 401
    assert api.post(f"/sessions/{session_id}/hang-up", headers=p.stranger.auth).status_code == 404
    assert api.post(f"/sessions/{session_id}/accept", headers=p.client.auth).status_code == 403
    with pytest.raises(NotFound):
        calls.relay_route(session_id, "conn-stranger=", t0, account=lambda: p.stranger.sub)
    with pytest.raises(NotFound):
        calls.join_call(session_id, p.stranger.sub, device="conn-stranger=", notifier=p.notifier, now=t0)
    assert calls.relay_route(session_id, CLIENT_DEVICE, t0, account=nobody) == calls.RelayRoute(
        p.client.sub, (EXPERT_DEVICE,)
    )
    assert calls.relay_route(session_id, EXPERT_DEVICE, t0, account=nobody) == calls.RelayRoute(
        p.expert.sub, (CLIENT_DEVICE,)
    )
    with pytest.raises(Conflict) as late:
        calls.relay_route(session_id, CLIENT_DEVICE, t0 + timedelta(minutes=90), account=nobody)
    assert late.value.code == "session_time_limit"
    calls.hang_up(session_id, p.client.sub, now=t0 + timedelta(minutes=5))
    with pytest.raises(Conflict) as ended:
        calls.relay_route(session_id, CLIENT_DEVICE, t0 + timedelta(minutes=5), account=lambda: p.client.sub)
    assert ended.value.code == "session_ended"


def nobody() -> str:
    raise AssertionError("the relay asked who is behind a device that joined the call")


def test_a_hang_up_after_3_minutes_costs_nothing_when_the_other_side_had_dropped_within_them(
    parties: Parties,
) -> None:
    p, t0 = parties, runtime.now()
    session_id = start_call(p, t0)
    calls.leave_call(session_id, p.client.sub, notifier=p.notifier, now=t0 + timedelta(minutes=2, seconds=30))
    ended = calls.hang_up(session_id, p.expert.sub, now=t0 + timedelta(minutes=3, seconds=20))
    assert (ended["bill"]["billable_seconds"], ended["bill"]["amount"]) == (150, 0)
    assert Payment.get(ended["payment_id"]).status == "released"
    assert "Duration: 2 min 30 s" in email_to(p.expert.email)


def test_a_call_cannot_be_requested_or_paid_with_another_clients_saved_card(api: Any, parties: Parties) -> None:
    p = parties
    others_card = saved_card(api, p.stripe, p.stranger)
    body = {"expert_id": p.expert.sub, "media": "voice", "payment_method_id": others_card}

    refused = api.post("/sessions", headers=p.client.auth, body=json.dumps(body))

    assert (refused.status_code, refused.json_body["error"]["code"]) == (400, "card_not_yours")
    assert list(CallSession.scan()) == []
    assert p.stripe.v1.payment_intents.list(params={"limit": 100}).data == []


def test_an_expert_accepting_a_call_many_times_at_once_holds_the_card_once_and_is_told_accepted(
    api: Any, parties: Parties
) -> None:
    from tests.functional.at_once import at_once, outcomes

    p = parties
    body = {"expert_id": p.expert.sub, "media": "voice", "payment_method_id": card(p.stripe)}
    session_id = api.post("/sessions", headers=p.client.auth, body=json.dumps(body)).json_body["session_id"]

    seen = outcomes(at_once(lambda: api.post(f"/sessions/{session_id}/accept", headers=p.expert.auth)))

    print("call accept:", seen)
    assert (200, "accepted") in seen, seen
    assert set(seen) <= {(200, "accepted"), (409, "changed_concurrently")}, seen
    assert calls.get_call(session_id, p.client.sub)["state"] == "accepted"
    intents = list(p.stripe.v1.payment_intents.list(params={"limit": 100}).auto_paging_iter())
    assert [i.status for i in intents] == ["requires_capture"]


def test_both_sides_hanging_up_many_times_at_once_are_billed_once_and_all_get_the_same_bill(
    api: Any, parties: Parties
) -> None:
    from tests.functional.at_once import at_once

    p, t0 = parties, runtime.now()
    session_id = start_call(p, t0)
    runtime.set_clock(lambda: t0 + timedelta(minutes=10))
    people = iter([p.client, p.expert] * 100)

    answers = at_once(lambda: api.post(f"/sessions/{session_id}/hang-up", headers=next(people).auth))

    seen = sorted(
        {(a.status_code, str(a.json_body.get("bill", {}).get("amount", a.json_body.get("error")))) for a in answers}
    )
    print("hang-up:", seen)
    assert seen[0] == (200, "3000"), seen
    assert {status for status, _ in seen[1:]} <= {409}, seen
    payment = Payment.get(f"pay:session:{session_id}")
    assert (payment.status, payment.captured) == ("captured", 3_000)
    assert LedgerRecord.count(f"capture:{payment.payment_id}") == 1
