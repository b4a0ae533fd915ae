"""Each call's own timer: expiry, warnings, the 90-minute cutoff, dropped calls, the backstop, once only.

Timers are played on the test's clock (``call_timers``: each runs when SQS would let it be received);
one test sends them through the real queue (moto) to check what SQS is asked for.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest

from chalicelib import runtime
from chalicelib.models.ledger import LedgerRecord
from chalicelib.models.payment import Payment
from chalicelib.models.session import CallSession
from chalicelib.sessions import calls
from chalicelib.sessions.sweep import backstop, run_timers
from chalicelib.sessions.timers import SqsCallTimers, Timer
from infra.local.provision import LocalAws
from tests.functional.call_timers import PlayedTimers
from tests.functional.conftest import DynamoReads, Users
from tests.functional.money import balance, card
from tests.functional.test_calls import Parties, email_to, make_parties, sent_emails, start_call

GRACE = timedelta(seconds=60)


@pytest.fixture
def parties(api: Any, users: Users, stripe_api: Any, call_timers: PlayedTimers) -> Parties:
    return make_parties(api, users, stripe_api)


def ask(p: Parties, at: datetime) -> dict[str, Any]:
    """The client asks the expert for a voice call with a card."""
    return calls.request_call(
        p.client.sub, p.expert.sub, "voice", payment_method_id=card(p.stripe), link_id=None, notifier=p.notifier,
        now=at,
    )  # fmt: skip


def test_an_unanswered_request_expires_at_its_moment_and_both_are_told(
    parties: Parties, call_timers: PlayedTimers
) -> None:
    p, t0 = parties, runtime.now()
    session = ask(p, t0)
    assert call_timers.run_until(t0 + timedelta(seconds=59), p.notifier).expired == 0
    assert call_timers.run_until(t0 + timedelta(seconds=61), p.notifier).expired == 1
    assert calls.get_call(session["session_id"], p.client.sub)["state"] == "expired"
    assert p.notifier.to(p.client.sub, "session.expired")
    assert p.notifier.to(p.expert.sub, "session.expired")
    assert call_timers.pending() == []  # off the live index, no timer left
    assert CallSession.get(session["session_id"]).due_at is None


def test_warnings_at_5_and_1_minute_are_sent_on_time_and_once_each_even_when_every_timer_is_delivered_twice(
    parties: Parties, call_timers: PlayedTimers
) -> None:
    p, t0 = parties, runtime.now()
    call_timers.deliveries = 2
    start_call(p, t0)
    call_timers.run_until(t0 + timedelta(minutes=84, seconds=59), p.notifier)
    assert p.notifier.to(p.client.sub, "session.warning") == []
    call_timers.run_until(t0 + timedelta(minutes=85), p.notifier)
    assert [m["minutes_left"] for m in p.notifier.to(p.client.sub, "session.warning")] == [5]
    call_timers.run_until(t0 + timedelta(minutes=88, seconds=59), p.notifier)
    assert len(p.notifier.to(p.client.sub, "session.warning")) == 1
    call_timers.run_until(t0 + timedelta(minutes=89), p.notifier)
    call_timers.run_until(t0 + timedelta(minutes=89, seconds=1), p.notifier)
    for person in (p.client.sub, p.expert.sub):
        assert [m["minutes_left"] for m in p.notifier.to(person, "session.warning")] == [5, 1]
    assert p.notifier.to(p.client.sub, "session.meter") == []  # nothing is sent by the minute


def test_a_call_reaching_90_minutes_ends_at_90_00_is_charged_for_90_and_billed_no_further(
    parties: Parties, call_timers: PlayedTimers
) -> None:
    p, t0 = parties, runtime.now()
    session_id = start_call(p, t0)
    result = call_timers.run_until(t0 + timedelta(minutes=120), p.notifier)
    assert (result.warned, result.ended) == (2, 1)
    ended = calls.get_call(session_id, p.client.sub)
    assert (ended["state"], ended["end_reason"]) == ("ended", "time_limit")
    assert ended["ended_at"] == (t0 + timedelta(minutes=90)).isoformat()
    assert (ended["bill"]["billed_minutes"], ended["bill"]["amount"]) == (90, 27_000)
    assert Payment.get(ended["payment_id"]).captured == 27_000
    assert balance(p.expert.sub, "pending") == 24_300
    assert len(p.notifier.to(p.expert.sub, "session.ended")) == 1
    assert call_timers.pending() == []
    late = calls.hang_up(session_id, p.client.sub, now=t0 + timedelta(minutes=120))
    assert late["bill"]["amount"] == 27_000  # a hang-up after the end changes nothing
    assert LedgerRecord.count(f"capture:{ended['payment_id']}") == 1


def test_a_timer_longer_than_15_minutes_is_sent_with_sqs_s_longest_delay_and_sends_itself_again_with_the_rest(
    parties: Parties, call_timers: PlayedTimers, dynamo_reads: DynamoReads
) -> None:
    p, t0 = parties, runtime.now()
    start_call(p, t0)
    [(timer, delay)] = [(t, d) for t, d in call_timers.sent if t.due_at > t0 + timedelta(minutes=80)]
    assert (timer.due_at, delay) == (t0 + timedelta(minutes=85), 900)
    assert call_timers.run_until(t0 + timedelta(minutes=6), p.notifier).idle == 2  # the request's and the accept's
    dynamo_reads.calls.clear()
    result = call_timers.run_until(t0 + timedelta(minutes=15), p.notifier)
    assert (result.timers, result.waiting) == (1, 1)
    assert dynamo_reads.calls == []  # a hop reads nothing
    [(again, rest)] = call_timers.sent[-1:]
    assert again == timer
    assert rest == 900  # 70 minutes to go: another full delay
    call_timers.run_until(t0 + timedelta(minutes=84), p.notifier)
    assert [d for _, d in call_timers.sent[-5:]] == [900, 900, 900, 900, 600]  # from 15, 30, 45, 60 and 75 min
    assert call_timers.pending()[0][0] == t0 + timedelta(minutes=85)


def test_a_timer_delivered_concurrently_three_times_at_the_cutoff_ends_and_charges_once(
    parties: Parties, call_timers: PlayedTimers
) -> None:
    p, t0 = parties, runtime.now()
    session_id = start_call(p, t0)
    call_timers.run_until(t0 + timedelta(minutes=89, seconds=30), p.notifier)
    cutoff = Timer(session_id, t0 + timedelta(minutes=90))
    late = t0 + timedelta(minutes=90, seconds=2)
    threads = [threading.Thread(target=run_timers, args=([cutoff], late, p.notifier, call_timers)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    payment_id = calls.get_call(session_id, p.client.sub)["payment_id"]
    assert LedgerRecord.count(f"capture:{payment_id}") == 1
    assert Payment.get(payment_id).captured == 27_000
    assert len(p.notifier.to(p.client.sub, "session.ended")) == 1
    assert len([m for m in sent_emails() if p.client.email in m.destinations["ToAddresses"]]) == 1


def test_a_hang_up_racing_the_cutoff_timer_charges_once(parties: Parties, call_timers: PlayedTimers) -> None:
    p, t0 = parties, runtime.now()
    session_id = start_call(p, t0)
    late = t0 + timedelta(minutes=91)
    timer = threading.Thread(target=call_timers.run_until, args=(late, p.notifier))
    timer.start()
    calls.hang_up(session_id, p.client.sub, now=late)
    timer.join()
    ended = calls.get_call(session_id, p.client.sub)
    assert ended["bill"]["amount"] == 27_000  # never past the cutoff, whoever ended it
    assert LedgerRecord.count(f"capture:{ended['payment_id']}") == 1
    assert balance(p.expert.sub, "pending") == 24_300
    assert len(p.notifier.to(p.expert.sub, "session.ended")) == 1


def test_a_side_that_drops_and_does_not_come_back_ends_the_call_when_the_grace_is_over(
    parties: Parties, call_timers: PlayedTimers
) -> None:
    p, t0 = parties, runtime.now()
    session_id = start_call(p, t0)
    left = t0 + timedelta(minutes=20)
    calls.leave_call(session_id, p.client.sub, notifier=p.notifier, now=left)
    call_timers.run_until(left + timedelta(seconds=59), p.notifier)
    assert calls.get_call(session_id, p.client.sub)["state"] == "active"
    call_timers.run_until(left + timedelta(seconds=60), p.notifier)
    ended = calls.get_call(session_id, p.client.sub)
    assert (ended["state"], ended["end_reason"]) == ("ended", "participant_left")
    assert ended["ended_at"] == (left + timedelta(seconds=60)).isoformat()
    assert (ended["bill"]["billed_minutes"], ended["bill"]["amount"]) == (20, 6_000)


def test_a_side_that_comes_back_within_the_grace_keeps_the_call_going_to_its_warnings(
    parties: Parties, call_timers: PlayedTimers
) -> None:
    p, t0 = parties, runtime.now()
    session_id = start_call(p, t0)
    calls.leave_call(session_id, p.client.sub, notifier=p.notifier, now=t0 + timedelta(minutes=20))
    calls.join_call(session_id, p.client.sub, notifier=p.notifier, now=t0 + timedelta(minutes=20, seconds=30))
    result = call_timers.run_until(t0 + timedelta(minutes=85), p.notifier)
    assert (result.ended, result.warned) == (0, 1)  # the grace's timer found nothing due
    assert [m["minutes_left"] for m in p.notifier.to(p.client.sub, "session.warning")] == [5]
    assert calls.get_call(session_id, p.client.sub)["state"] == "active"


def test_an_ended_call_left_unsettled_by_a_crash_is_settled_by_the_backstop(
    parties: Parties, call_timers: PlayedTimers, monkeypatch: pytest.MonkeyPatch
) -> None:
    p, t0 = parties, runtime.now()
    session_id = start_call(p, t0)
    with monkeypatch.context() as patch:
        patch.setattr(calls, "settle_call", lambda item, **_: False)  # the hang-up dies before charging
        calls.hang_up(session_id, p.client.sub, now=t0 + timedelta(minutes=10))
    assert CallSession.get(session_id).settled is False
    assert backstop(t0 + timedelta(minutes=10, seconds=30), call_timers, GRACE) == 0  # not overdue long enough
    assert backstop(t0 + timedelta(minutes=11, seconds=1), call_timers, GRACE) == 1
    assert call_timers.run_until(t0 + timedelta(minutes=11, seconds=1), p.notifier).settled == 1
    assert Payment.get(calls.get_call(session_id, p.client.sub)["payment_id"]).captured == 3_000
    assert len(p.notifier.to(p.client.sub, "session.ended")) == 1
    assert backstop(t0 + timedelta(minutes=12), call_timers, GRACE) == 0


def test_a_timer_lost_between_a_write_and_its_send_is_re_sent_by_the_backstop_and_the_warning_still_goes_out(
    parties: Parties, call_timers: PlayedTimers
) -> None:
    p, t0 = parties, runtime.now()
    start_call(p, t0)
    call_timers.run_until(t0 + timedelta(minutes=84), p.notifier)
    call_timers._pending.clear()  # the 5-minute warning's timer is lost
    assert call_timers.run_until(t0 + timedelta(minutes=86), p.notifier).timers == 0
    assert backstop(t0 + timedelta(minutes=86), call_timers, GRACE) == 1
    call_timers.run_until(t0 + timedelta(minutes=86), p.notifier)
    assert [m["minutes_left"] for m in p.notifier.to(p.client.sub, "session.warning")] == [5]
    call_timers.run_until(t0 + timedelta(minutes=89), p.notifier)
    assert [m["minutes_left"] for m in p.notifier.to(p.client.sub, "session.warning")] == [5, 1]


def test_the_backstop_reads_only_overdue_calls_from_the_live_index_a_bounded_page_per_shard_never_a_scan(
    parties: Parties, call_timers: PlayedTimers, dynamo_reads: DynamoReads
) -> None:
    p, t0 = parties, runtime.now()
    for start in range(3):  # within the two hours the expert's connection lasts: they stay online
        ended = start_call(p, t0 + timedelta(minutes=10 * start))
        calls.hang_up(ended, p.client.sub, now=t0 + timedelta(minutes=10 * start + 5))
    start_call(p, t0 + timedelta(minutes=40))
    dynamo_reads.calls.clear()
    assert backstop(t0 + timedelta(minutes=41), call_timers, GRACE) == 0  # live, but not overdue
    assert "Scan" not in dynamo_reads.operations
    assert {name for name, _ in dynamo_reads.calls} == {"Query"}
    assert len(dynamo_reads.calls) == 8  # one Query per shard
    assert dynamo_reads.items_read == 0


def test_an_accepted_call_nobody_joins_is_ended_by_its_timer_and_its_hold_released(
    parties: Parties, call_timers: PlayedTimers
) -> None:
    p, t0 = parties, runtime.now()
    asked = ask(p, t0)
    accepted = calls.accept_call(asked["session_id"], p.expert.sub, notifier=p.notifier, now=t0)
    assert call_timers.run_until(t0 + timedelta(minutes=4), p.notifier).ended == 0
    assert call_timers.run_until(t0 + timedelta(minutes=6), p.notifier).ended == 1
    ended = calls.get_call(asked["session_id"], p.client.sub)
    assert (ended["state"], ended["end_reason"], ended["bill"]["amount"]) == ("ended", "not_started", 0)
    assert Payment.get(accepted["payment_id"]).status == "released"
    assert sent_emails() == []


def dropped_call(p: Parties, timers: PlayedTimers, *, drop: timedelta, look: timedelta) -> dict[str, Any]:
    """A call active from now whose client drops ``drop`` later and never comes back, as seen ``look`` later."""
    t0 = runtime.now()
    session_id = start_call(p, t0)
    calls.leave_call(session_id, p.client.sub, notifier=p.notifier, now=t0 + drop)
    assert timers.run_until(t0 + look, p.notifier).ended == 1
    return calls.get_call(session_id, p.client.sub)


def test_a_call_dropped_at_2_30_and_ended_after_the_grace_costs_nothing_and_the_receipts_say_2_30(
    parties: Parties, call_timers: PlayedTimers
) -> None:
    p = parties
    ended = dropped_call(p, call_timers, drop=timedelta(minutes=2, seconds=30), look=timedelta(minutes=4, seconds=19))
    assert (ended["end_reason"], ended["bill"]["billable_seconds"]) == ("participant_left", 150)
    assert (ended["bill"]["billed_minutes"], ended["bill"]["amount"]) == (0, 0)
    payment = Payment.get(ended["payment_id"])
    assert (payment.status, payment.captured) == ("released", 0)
    assert p.stripe.v1.payment_intents.retrieve(payment.stripe_payment_intent_id).status == "canceled"
    assert balance(p.expert.sub, "pending") == 0
    for email in (p.client.email, p.expert.email):
        receipt = email_to(email)
        assert "Duration: 2 min 30 s" in receipt
        assert "Billed minutes: 0" in receipt
        assert "Amount: USD 0.00" in receipt


def test_a_call_dropped_after_3_minutes_is_charged_up_to_the_drop_and_the_receipts_end_there(
    parties: Parties, call_timers: PlayedTimers
) -> None:
    ended = dropped_call(parties, call_timers, drop=timedelta(minutes=3, seconds=10), look=timedelta(minutes=5))
    assert (ended["end_reason"], ended["bill"]["billed_minutes"], ended["bill"]["amount"]) == (
        "participant_left", 4, 1_200,
    )  # fmt: skip
    assert Payment.get(ended["payment_id"]).captured == 1_200
    assert "Duration: 3 min 10 s" in email_to(parties.client.email)


def test_the_meter_s_data_reaches_both_pages_in_the_session_view_the_expert_s_with_the_commission(
    api: Any, parties: Parties
) -> None:
    p, t0 = parties, runtime.now()
    session_id = start_call(p, t0 - timedelta(minutes=10, seconds=30))
    active = p.notifier.to(p.client.sub, "session.active")[0]["session"]
    assert active["tariff"] == {"currency": "USD", "rate_per_minute": 300, "hourly_rate": None, "free_minutes": 0}
    assert (active["meter"]["billed_seconds"], active["meter"]["running"]) == (0, False)  # no media report yet
    assert 4_768 <= active["meter"]["seconds_to_cutoff"] <= 4_770  # 90 minutes less the 10:30 gone
    client_view = api.get(f"/sessions/{session_id}", headers=p.client.auth).json_body
    expert_view = api.get(f"/sessions/{session_id}", headers=p.expert.auth).json_body
    meter = client_view["meter"]
    assert meter["running"] is True
    assert 630 <= meter["billed_seconds"] <= 632  # 10:30 together (and the moments the test took)
    assert meter["billed_seconds"] == meter["active_seconds"]
    assert meter["no_charge_seconds"] == 180
    assert "commission_bps" not in meter
    assert expert_view["meter"]["commission_bps"] == 1_000
    ended = calls.hang_up(session_id, p.client.sub, now=t0)
    assert ended["meter"] is None
    assert ended["bill"]["amount"] == 11 * 300  # what the page's meter showed: ceil(10:30) minutes


def test_the_meter_of_a_call_whose_client_is_away_stands_still_at_the_time_both_were_in(
    api: Any, parties: Parties
) -> None:
    p, t0 = parties, runtime.now()
    session_id = start_call(p, t0 - timedelta(minutes=10))
    calls.leave_call(session_id, p.client.sub, notifier=p.notifier, now=t0 - timedelta(minutes=2))
    meter = api.get(f"/sessions/{session_id}", headers=p.expert.auth).json_body["meter"]
    assert (meter["running"], meter["billed_seconds"], meter["active_seconds"]) == (False, 480, 480)


def test_a_session_read_over_rest_says_how_long_was_billed_and_until_when_and_when_its_timer_ended_it(
    api: Any, parties: Parties, call_timers: PlayedTimers
) -> None:
    p, t0 = parties, runtime.now()
    session_id = start_call(p, t0)
    running = api.get(f"/sessions/{session_id}", headers=p.client.auth).json_body
    assert (running["billed_seconds"], running["billed_until"]) == (None, None)
    calls.leave_call(session_id, p.client.sub, notifier=p.notifier, now=t0 + timedelta(minutes=4, seconds=30))
    call_timers.run_until(t0 + timedelta(minutes=6, seconds=19), p.notifier)
    for person in (p.client, p.expert):
        seen = api.get(f"/sessions/{session_id}", headers=person.auth).json_body
        assert seen["ended_at"] == (t0 + timedelta(minutes=5, seconds=30)).isoformat()  # the grace's end
        assert seen["billed_until"] == (t0 + timedelta(minutes=4, seconds=30)).isoformat()
        assert seen["billed_seconds"] == seen["bill"]["billable_seconds"] == 270
        assert seen["bill"]["billed_minutes"] == 5
    assert "Duration: 4 min 30 s" in email_to(p.client.email)


def test_timers_go_to_the_call_timer_queue_delayed_until_their_moment_at_most_15_minutes(aws: LocalAws) -> None:
    t0 = runtime.now()
    soon, later = Timer("ses_soon", t0 + timedelta(seconds=0.2)), Timer("ses_later", t0 + timedelta(minutes=85))
    SqsCallTimers().send([soon, later], t0)
    sqs = boto3.client("sqs", endpoint_url=aws.endpoint_url, region_name=aws.region)
    url = aws.call_timer_queue_url
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessagesDelayed"] == "2"  # 1 s (rounded up, never early) and 900 s
    assert json.loads(attributes["RedrivePolicy"])["maxReceiveCount"] == 5
    [message] = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=3).get("Messages", [])
    assert Timer.from_json(message["Body"]) == soon
