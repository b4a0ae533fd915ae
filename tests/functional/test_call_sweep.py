"""The every-minute sweep: expiry, warnings, the live meter, the 90-minute cutoff, dropped calls, once only."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest

from chalicelib import runtime
from chalicelib.models.ledger import LedgerRecord
from chalicelib.models.payment import Payment
from chalicelib.models.session import CallSession
from chalicelib.sessions import calls
from chalicelib.sessions.sweep import sweep_calls
from tests.functional.conftest import DynamoReads, Users
from tests.functional.money import balance, card
from tests.functional.test_calls import Parties, email_to, make_parties, sent_emails, start_call


@pytest.fixture
def parties(api: Any, users: Users, stripe_api: Any) -> Parties:
    return make_parties(api, users, stripe_api)


def test_an_unanswered_request_expires_and_both_are_told(parties: Parties) -> None:
    p, t0 = parties, runtime.now()
    session = calls.request_call(
        p.client.sub, p.expert.sub, "voice", payment_method_id=card(p.stripe), link_id=None, notifier=p.notifier,
        now=t0,
    )  # fmt: skip
    assert sweep_calls(t0 + timedelta(seconds=59), p.notifier).expired == 0
    assert sweep_calls(t0 + timedelta(seconds=61), p.notifier).expired == 1
    assert calls.get_call(session["session_id"], p.client.sub)["state"] == "expired"
    assert p.notifier.to(p.client.sub, "session.expired")
    assert p.notifier.to(p.expert.sub, "session.expired")
    assert sweep_calls(t0 + timedelta(seconds=121), p.notifier).due == 0  # gone from the live index


def test_a_call_reaching_90_minutes_is_warned_cut_off_and_charged_for_90(parties: Parties) -> None:
    p, t0 = parties, runtime.now()
    session_id = start_call(p, t0)
    for minute in range(1, 85):
        sweep_calls(t0 + timedelta(minutes=minute, seconds=1), p.notifier)
    assert p.notifier.to(p.client.sub, "session.warning") == []
    meter = p.notifier.to(p.client.sub, "session.meter")
    assert len(meter) == 84
    assert meter[1]["client_cost"] == 0  # the first three minutes cost nothing until they are over
    assert meter[29]["client_cost"] == 9_300
    assert "expert_earnings" not in meter[29]
    assert p.notifier.to(p.expert.sub, "session.meter")[29]["expert_earnings"] == 8_370

    sweep_calls(t0 + timedelta(minutes=85, seconds=1), p.notifier)
    sweep_calls(t0 + timedelta(minutes=85, seconds=20), p.notifier)
    assert [m["minutes_left"] for m in p.notifier.to(p.client.sub, "session.warning")] == [5]
    for minute in (86, 87, 88, 89):
        sweep_calls(t0 + timedelta(minutes=minute, seconds=1), p.notifier)
    for person in (p.client.sub, p.expert.sub):
        assert [m["minutes_left"] for m in p.notifier.to(person, "session.warning")] == [5, 1]
    assert calls.get_call(session_id, p.client.sub)["state"] == "active"

    result = sweep_calls(t0 + timedelta(minutes=92), p.notifier)
    assert result.ended == 1
    ended = calls.get_call(session_id, p.client.sub)
    assert (ended["state"], ended["end_reason"]) == ("ended", "time_limit")
    assert ended["ended_at"] == (t0 + timedelta(minutes=90)).isoformat()
    assert (ended["bill"]["billed_minutes"], ended["bill"]["amount"]) == (90, 27_000)
    assert Payment.get(ended["payment_id"]).captured == 27_000
    assert balance(p.expert.sub, "pending") == 24_300
    assert len(p.notifier.to(p.expert.sub, "session.ended")) == 1


def test_running_the_sweep_twice_or_concurrently_ends_and_charges_once(parties: Parties) -> None:
    p, t0 = parties, runtime.now()
    session_id = start_call(p, t0)
    late = t0 + timedelta(minutes=95)
    threads = [threading.Thread(target=sweep_calls, args=(late, p.notifier)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sweep_calls(late, p.notifier)
    payment_id = calls.get_call(session_id, p.client.sub)["payment_id"]
    assert LedgerRecord.count(f"capture:{payment_id}") == 1
    assert Payment.get(payment_id).captured == 27_000
    assert len(p.notifier.to(p.client.sub, "session.ended")) == 1
    assert len([m for m in sent_emails() if p.client.email in m.destinations["ToAddresses"]]) == 1


def test_a_hang_up_racing_the_sweep_charges_once(parties: Parties) -> None:
    p, t0 = parties, runtime.now()
    session_id = start_call(p, t0)
    late = t0 + timedelta(minutes=91)
    sweeper = threading.Thread(target=sweep_calls, args=(late, p.notifier))
    sweeper.start()
    calls.hang_up(session_id, p.client.sub, notifier=p.notifier, now=late)
    sweeper.join()
    sweep_calls(late, p.notifier)
    ended = calls.get_call(session_id, p.client.sub)
    assert ended["bill"]["amount"] == 27_000  # never past the cutoff, whoever ended it
    assert LedgerRecord.count(f"capture:{ended['payment_id']}") == 1
    assert balance(p.expert.sub, "pending") == 24_300
    assert len(p.notifier.to(p.expert.sub, "session.ended")) == 1


def test_a_side_that_drops_and_does_not_come_back_ends_the_call_after_the_grace(parties: Parties) -> None:
    p, t0 = parties, runtime.now()
    session_id = start_call(p, t0)
    left = t0 + timedelta(minutes=20)
    calls.leave_call(session_id, p.client.sub, notifier=p.notifier, now=left)
    sweep_calls(left + timedelta(seconds=30), p.notifier)
    assert calls.get_call(session_id, p.client.sub)["state"] == "active"
    sweep_calls(left + timedelta(seconds=61), p.notifier)
    ended = calls.get_call(session_id, p.client.sub)
    assert (ended["state"], ended["end_reason"]) == ("ended", "participant_left")
    assert (ended["bill"]["billed_minutes"], ended["bill"]["amount"]) == (20, 6_000)


def test_an_ended_call_left_unsettled_by_a_crash_is_charged_by_the_next_sweep(
    parties: Parties, monkeypatch: pytest.MonkeyPatch
) -> None:
    p, t0 = parties, runtime.now()
    session_id = start_call(p, t0)
    with monkeypatch.context() as patch:
        patch.setattr(calls, "settle_call", lambda item, **_: False)  # the hang-up dies before charging
        calls.hang_up(session_id, p.client.sub, notifier=p.notifier, now=t0 + timedelta(minutes=10))
    assert CallSession.get(session_id).settled is False
    assert sweep_calls(t0 + timedelta(minutes=11), p.notifier).settled == 1
    assert Payment.get(calls.get_call(session_id, p.client.sub)["payment_id"]).captured == 3_000
    assert sweep_calls(t0 + timedelta(minutes=12), p.notifier).due == 0


def test_the_sweep_reads_only_live_sessions_never_a_scan(parties: Parties, dynamo_reads: DynamoReads) -> None:
    p, t0 = parties, runtime.now()
    for start in range(3):  # within the two hours the expert's connection lasts: they stay online
        ended = start_call(p, t0 + timedelta(minutes=10 * start))
        calls.hang_up(ended, p.client.sub, notifier=p.notifier, now=t0 + timedelta(minutes=10 * start + 5))
    start_call(p, t0 + timedelta(minutes=40))
    dynamo_reads.calls.clear()
    result = sweep_calls(t0 + timedelta(minutes=41, seconds=1), p.notifier)
    assert result.due == 1
    assert result.metered == 1
    assert "Scan" not in dynamo_reads.operations
    assert dynamo_reads.items_read == 1


def test_an_accepted_call_nobody_joins_is_ended_by_the_sweep_and_its_hold_released(parties: Parties) -> None:
    p, t0 = parties, runtime.now()
    asked = calls.request_call(
        p.client.sub, p.expert.sub, "voice", payment_method_id=card(p.stripe), link_id=None, notifier=p.notifier,
        now=t0,
    )  # fmt: skip
    accepted = calls.accept_call(asked["session_id"], p.expert.sub, notifier=p.notifier, now=t0)
    assert sweep_calls(t0 + timedelta(minutes=4), p.notifier).ended == 0
    assert sweep_calls(t0 + timedelta(minutes=6), p.notifier).ended == 1
    ended = calls.get_call(asked["session_id"], p.client.sub)
    assert (ended["state"], ended["end_reason"], ended["bill"]["amount"]) == ("ended", "not_started", 0)
    assert Payment.get(accepted["payment_id"]).status == "released"
    assert sent_emails() == []


def test_a_call_dropped_at_2_30_and_ended_by_the_sweep_later_costs_nothing_and_the_receipts_say_2_30(
    parties: Parties,
) -> None:
    p, t0 = parties, runtime.now()
    session_id = start_call(p, t0)
    calls.leave_call(session_id, p.client.sub, notifier=p.notifier, now=t0 + timedelta(minutes=2, seconds=30))
    assert sweep_calls(t0 + timedelta(minutes=4, seconds=19), p.notifier).ended == 1  # long after the grace
    ended = calls.get_call(session_id, p.client.sub)
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
    parties: Parties,
) -> None:
    p, t0 = parties, runtime.now()
    session_id = start_call(p, t0)
    calls.leave_call(session_id, p.client.sub, notifier=p.notifier, now=t0 + timedelta(minutes=3, seconds=10))
    sweep_calls(t0 + timedelta(minutes=5, seconds=1), p.notifier)
    ended = calls.get_call(session_id, p.client.sub)
    assert (ended["end_reason"], ended["bill"]["billed_minutes"], ended["bill"]["amount"]) == (
        "participant_left", 4, 1_200,
    )  # fmt: skip
    assert Payment.get(ended["payment_id"]).captured == 1_200
    assert "Duration: 3 min 10 s" in email_to(p.client.email)


def test_the_live_meter_of_a_call_whose_client_dropped_at_2_30_shows_nothing_owed_or_earned_before_the_grace_ends(
    parties: Parties,
) -> None:
    p, t0 = parties, runtime.now()
    session_id = start_call(p, t0)
    calls.leave_call(session_id, p.client.sub, notifier=p.notifier, now=t0 + timedelta(minutes=2, seconds=30))
    assert sweep_calls(t0 + timedelta(minutes=3, seconds=10), p.notifier).metered == 1  # within the grace
    assert [m["client_cost"] for m in p.notifier.to(p.client.sub, "session.meter")] == [0]
    assert [m["expert_earnings"] for m in p.notifier.to(p.expert.sub, "session.meter")] == [0]
    assert sweep_calls(t0 + timedelta(minutes=4, seconds=1), p.notifier).ended == 1
    assert calls.get_call(session_id, p.client.sub)["bill"]["amount"] == 0  # what the meter said


def test_the_live_meter_does_not_count_the_time_one_side_was_away(parties: Parties) -> None:
    p, t0 = parties, runtime.now()
    session_id = start_call(p, t0)
    calls.leave_call(session_id, p.client.sub, notifier=p.notifier, now=t0 + timedelta(minutes=9, seconds=50))
    sweep_calls(t0 + timedelta(minutes=10, seconds=1), p.notifier)  # still away: 9:50 together, 10 minutes
    calls.join_call(session_id, p.client.sub, notifier=p.notifier, now=t0 + timedelta(minutes=10, seconds=40))
    sweep_calls(t0 + timedelta(minutes=11, seconds=1), p.notifier)  # back: 10:11 together, 11 minutes
    assert [m["client_cost"] for m in p.notifier.to(p.client.sub, "session.meter")] == [3_000, 3_300]
    assert [m["expert_earnings"] for m in p.notifier.to(p.expert.sub, "session.meter")] == [2_700, 2_970]
    ended = calls.hang_up(session_id, p.expert.sub, notifier=p.notifier, now=t0 + timedelta(minutes=11, seconds=1))
    assert ended["bill"]["amount"] == 3_300


def test_a_session_read_over_rest_says_how_long_was_billed_and_until_when_not_only_when_the_sweep_ended_it(
    api: Any, parties: Parties
) -> None:
    p, t0 = parties, runtime.now()
    session_id = start_call(p, t0)
    running = api.get(f"/sessions/{session_id}", headers=p.client.auth).json_body
    assert (running["billed_seconds"], running["billed_until"]) == (None, None)
    calls.leave_call(session_id, p.client.sub, notifier=p.notifier, now=t0 + timedelta(minutes=4, seconds=30))
    sweep_calls(t0 + timedelta(minutes=6, seconds=19), p.notifier)
    for person in (p.client, p.expert):
        seen = api.get(f"/sessions/{session_id}", headers=person.auth).json_body
        assert seen["ended_at"] == (t0 + timedelta(minutes=6, seconds=19)).isoformat()
        assert seen["billed_until"] == (t0 + timedelta(minutes=4, seconds=30)).isoformat()
        assert seen["billed_seconds"] == seen["bill"]["billable_seconds"] == 270
        assert seen["bill"]["billed_minutes"] == 5
    assert "Duration: 4 min 30 s" in email_to(p.client.email)
