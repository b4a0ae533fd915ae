"""Weekly payouts pay each owed expert once per currency and week, however often or however badly they run."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from chalice.test import Client

from chalicelib import runtime
from chalicelib.errors import Conflict, DomainError, ProviderUnavailable
from chalicelib.ledger.accounts import PLATFORM_SHARDS, expert_account
from chalicelib.ledger.posting import UnitOfWork
from chalicelib.ledger.transactions import capture, release
from chalicelib.models.ledger import LedgerBalance, LedgerRecord
from chalicelib.models.payout import Payout, PayoutAccount
from chalicelib.payouts.owed import owed_balances
from chalicelib.payouts.pay_expert import pay_expert
from chalicelib.payouts.schedule import payout_id
from chalicelib.payouts.weekly_run import PayoutMessage, run_payouts_inline, start_weekly_payouts
from infra.local.provision import LocalAws
from tests.functional.conftest import DynamoReads, Users
from tests.functional.money import balance

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # Monday: the run pays 2026-W47
WEEK = "2026-W47"
NEXT_MONDAY = NOW + timedelta(weeks=1)


# --------------------------------------------------------------------------- a Stripe stand-in


class ProcessKilled(BaseException):
    """The process died at this line (SIGKILL, a Lambda timeout): nothing after it ran, nothing caught it."""


@dataclass(frozen=True)
class Transfer:
    transfer_id: str
    destination: str
    amount: int
    currency: str


@dataclass
class FakeStripe:
    """Transfers keyed by idempotency key: the same key replays the first transfer, as Stripe does."""

    transfers: dict[str, Transfer] = field(default_factory=dict)
    calls: int = 0
    refused_destinations: set[str] = field(default_factory=set)
    unavailable_calls: int = 0  # the next N calls fail as if Stripe did not answer
    kill_before_transfer: bool = False  # the process dies after reserving, before Stripe hears of it
    kill_after_transfer: bool = False  # the process dies after Stripe made the transfer, before we record it
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def transfer(self, payout_id: str, destination: str, amount: int, currency: str, week: str) -> str:
        with self._lock:
            self.calls += 1
            if self.kill_before_transfer:
                self.kill_before_transfer = False
                raise ProcessKilled
            if self.unavailable_calls:
                self.unavailable_calls -= 1
                raise ProviderUnavailable("Stripe did not answer: try again shortly.")
            if destination in self.refused_destinations:
                raise DomainError("This account cannot receive transfers yet.", code="transfer_refused")
            made = self.transfers.get(payout_id)
            if made is not None:
                if (made.destination, made.amount, made.currency) != (destination, amount, currency):
                    raise Conflict("Keys for idempotent requests can only be used with the same parameters.")
                return made.transfer_id
            made = Transfer(f"tr_{len(self.transfers) + 1}", destination, amount, currency)
            self.transfers[payout_id] = made
            if self.kill_after_transfer:
                self.kill_after_transfer = False
                raise ProcessKilled
            return made.transfer_id

    def made_to(self, expert_id: str) -> list[Transfer]:
        return [t for t in self.transfers.values() if t.destination == f"acct_{expert_id}"]


@pytest.fixture
def stripe(aws: LocalAws) -> FakeStripe:
    return FakeStripe()


# --------------------------------------------------------------------------- money as the ledger holds it


def earn(expert_id: str, earnings: int, currency: str = "USD", *, released: bool = True) -> None:
    """A client paid; the expert's share became available (or is still pending), posted as the app posts it."""
    payment_id = f"{expert_id}-{currency}-{earnings}-{released}"
    total = earnings * 10 // 9  # earnings are total - 10%
    unit = UnitOfWork(occurred_at=NOW - timedelta(days=10))
    unit.post(capture(payment_id, expert_id, currency, total, total - earnings))
    unit.commit()
    if released:
        unit = UnitOfWork(occurred_at=NOW - timedelta(days=3))
        unit.post(release(payment_id, expert_id, currency, earnings))
        unit.commit()


def payouts_enabled(expert_id: str, enabled: bool = True) -> None:
    PayoutAccount(
        expert_id, stripe_account_id=f"acct_{expert_id}", country="US", details_submitted=True,
        payouts_enabled=enabled, created_at=NOW, updated_at=NOW,
    ).save()  # fmt: skip


def platform_cash(currency: str = "USD") -> int:
    keys = [(f"platform:cash#{n}", currency) for n in range(PLATFORM_SHARDS)]
    return sum(item.balance for item in LedgerBalance.batch_get(keys))


def payout(expert_id: str, currency: str = "USD", week: str = WEEK) -> Payout:
    return Payout.get(payout_id(expert_id, currency, week), consistent_read=True)


def settlements(expert_id: str, currency: str = "USD", week: str = WEEK) -> int:
    return LedgerRecord.count(f"{payout_id(expert_id, currency, week)}:settle", consistent_read=True)


# --------------------------------------------------------------------------- exactly once


def test_a_payout_run_executed_twice_makes_exactly_one_transfer_per_expert_and_week(stripe: FakeStripe) -> None:
    earn("ada", 8_100)
    earn("bob", 4_500)
    earn("bob", 2_700, "EUR")
    for expert in ("ada", "bob"):
        payouts_enabled(expert)

    first = run_payouts_inline(WEEK, stripe, NOW)
    second = run_payouts_inline(WEEK, stripe, NOW)

    assert sorted((o.expert_id, o.currency, o.result, o.amount) for o in first.outcomes) == [
        ("ada", "USD", "paid", 8_100), ("bob", "EUR", "paid", 2_700), ("bob", "USD", "paid", 4_500),
    ]  # fmt: skip
    assert second.outcomes == []  # nobody is owed any more
    assert len(stripe.transfers) == 3
    assert [t.amount for t in stripe.made_to("ada")] == [8_100]
    assert (balance("ada", "available"), balance("ada", "in_transit")) == (0, 0)
    ada_transfer = stripe.transfers[payout_id("ada", "USD", WEEK)]
    assert (payout("ada").status, payout("ada").stripe_transfer_id) == ("paid", ada_transfer.transfer_id)


def test_paying_the_same_expert_and_week_again_is_already_paid_even_with_new_earnings(stripe: FakeStripe) -> None:
    earn("ada", 8_100)
    payouts_enabled("ada")
    assert pay_expert("ada", "USD", WEEK, stripe, NOW).result == "paid"
    earn("ada", 900)  # earned after the run: next week's

    again = pay_expert("ada", "USD", WEEK, stripe, NOW)

    assert (again.result, again.amount) == ("already_paid", 8_100)
    assert len(stripe.transfers) == 1
    assert balance("ada", "available") == 900
    assert [(o.expert_id, o.balance) for o in owed_balances()] == [("ada", 900)]
    assert pay_expert("ada", "USD", "2026-W48", stripe, NEXT_MONDAY).amount == 900


def test_a_duplicate_queue_message_pays_once(stripe: FakeStripe, monkeypatch: pytest.MonkeyPatch) -> None:
    earn("ada", 8_100)
    payouts_enabled("ada")
    monkeypatch.setattr(runtime, "stripe_gateway", lambda: stripe)
    runtime.set_clock(lambda: NOW)
    body = PayoutMessage("ada", "USD", WEEK).to_json()

    with app_client() as client:
        for _ in range(2):
            client.lambda_.invoke("pay_expert_from_queue", client.events.generate_sqs_event([body]))

    assert len(stripe.transfers) == 1
    assert payout("ada").status == "paid"
    assert (balance("ada", "available"), balance("ada", "in_transit")) == (0, 0)


@pytest.fixture
def isolated_dynamodb(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give the (in-process) moto server DynamoDB's isolation: one request at a time.

    moto rolls a failed transaction back by restoring whole-table copies taken before
    it, which undoes whatever concurrent requests wrote meanwhile; DynamoDB isolates
    transactions from other requests. Without this, concurrent tests fail on moto's
    account, not ours.
    """
    from moto.dynamodb.responses import DynamoHandler

    lock = threading.Lock()
    original = DynamoHandler.call_action

    def one_at_a_time(self: DynamoHandler) -> Any:
        with lock:
            return original(self)

    monkeypatch.setattr(DynamoHandler, "call_action", one_at_a_time)


@pytest.mark.usefixtures("isolated_dynamodb")
def test_payouts_of_one_expert_run_at_the_same_time_transfer_once(stripe: FakeStripe) -> None:
    for n in range(5):
        earn(f"expert-{n}", 8_100)
        payouts_enabled(f"expert-{n}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        attempts = [(f"expert-{n}", attempt) for n in range(5) for attempt in range(6)]
        outcomes = list(pool.map(lambda a: pay_expert(a[0], "USD", WEEK, stripe, NOW), attempts))

    assert {o.result for o in outcomes} <= {"paid", "already_paid"}
    assert len(stripe.transfers) == 5
    for n in range(5):
        assert settlements(f"expert-{n}") == 1
        assert (balance(f"expert-{n}", "available"), balance(f"expert-{n}", "in_transit")) == (0, 0)


# --------------------------------------------------------------------------- crashes


@pytest.mark.parametrize("crash", ["kill_before_transfer", "kill_after_transfer"])
def test_a_run_killed_half_way_and_run_again_transfers_once_and_leaves_the_ledger_exact(
    stripe: FakeStripe, crash: str
) -> None:
    earn("ada", 8_100)
    earn("bob", 4_500)
    payouts_enabled("ada")
    payouts_enabled("bob")
    cash_before = platform_cash()
    setattr(stripe, crash, True)

    with pytest.raises(ProcessKilled):
        run_payouts_inline(WEEK, stripe, NOW)
    rerun = run_payouts_inline(WEEK, stripe, NOW)

    assert {o.result for o in rerun.outcomes} == {"paid"}
    assert len(stripe.transfers) == 2
    for expert, amount in (("ada", 8_100), ("bob", 4_500)):
        assert [t.amount for t in stripe.made_to(expert)] == [amount]
        assert (balance(expert, "available"), balance(expert, "in_transit")) == (0, 0)
        assert settlements(expert) == 1
        assert payout(expert).status == "paid"
    assert platform_cash() == cash_before + 8_100 + 4_500  # the cash left the platform once per expert


def test_an_attempt_that_died_after_reserving_is_finished_by_the_queues_retry(stripe: FakeStripe) -> None:
    earn("ada", 8_100)
    payouts_enabled("ada")
    stripe.kill_before_transfer = True
    with pytest.raises(ProcessKilled):
        pay_expert("ada", "USD", WEEK, stripe, NOW)
    assert (payout("ada").status, balance("ada", "in_transit")) == ("transferring", 8_100)

    retried = pay_expert("ada", "USD", WEEK, stripe, NOW + timedelta(minutes=3))

    assert (retried.result, retried.amount) == ("paid", 8_100)
    assert len(stripe.transfers) == 1
    assert balance("ada", "in_transit") == 0


def test_an_unfinished_payout_past_stripes_replay_window_is_left_for_a_person(stripe: FakeStripe) -> None:
    from chalicelib.payouts.pay_expert import ReconciliationNeeded

    earn("ada", 8_100)
    payouts_enabled("ada")
    stripe.kill_after_transfer = True
    with pytest.raises(ProcessKilled):
        pay_expert("ada", "USD", WEEK, stripe, NOW)

    with pytest.raises(ReconciliationNeeded, match="idempotency window"):
        pay_expert("ada", "USD", WEEK, stripe, NOW + timedelta(days=2))
    assert stripe.calls == 1
    assert (payout("ada").status, balance("ada", "in_transit")) == ("transferring", 8_100)


# --------------------------------------------------------------------------- carried over, retried, refused


def test_experts_without_payouts_enabled_are_carried_to_the_next_week(stripe: FakeStripe) -> None:
    earn("ada", 8_100)  # never started onboarding
    earn("bob", 4_500)
    payouts_enabled("bob", enabled=False)  # onboarding not finished

    week_47 = run_payouts_inline(WEEK, stripe, NOW)

    assert {(o.expert_id, o.result) for o in week_47.outcomes} == {("ada", "carried"), ("bob", "carried")}
    assert stripe.transfers == {}
    assert (balance("bob", "available"), balance("bob", "in_transit")) == (4_500, 0)
    assert Payout.count(payout_id("bob", "USD", WEEK)) == 0

    payouts_enabled("bob")
    earn("bob", 900)
    week_48 = run_payouts_inline("2026-W48", stripe, NEXT_MONDAY)

    assert {(o.expert_id, o.result, o.amount) for o in week_48.outcomes} == {
        ("ada", "carried", 8_100),
        ("bob", "paid", 5_400),
    }
    assert [t.amount for t in stripe.made_to("bob")] == [5_400]
    assert balance("ada", "available") == 8_100


def test_a_transient_stripe_error_raises_so_the_message_is_retried(
    stripe: FakeStripe, monkeypatch: pytest.MonkeyPatch
) -> None:
    earn("ada", 8_100)
    payouts_enabled("ada")
    stripe.unavailable_calls = 1
    monkeypatch.setattr(runtime, "stripe_gateway", lambda: stripe)
    runtime.set_clock(lambda: NOW)
    message = app_event(PayoutMessage("ada", "USD", WEEK))

    with app_client() as client:
        with pytest.raises(ProviderUnavailable):
            client.lambda_.invoke("pay_expert_from_queue", message)
        assert (payout("ada").status, balance("ada", "in_transit")) == ("transferring", 8_100)
        client.lambda_.invoke("pay_expert_from_queue", message)  # SQS delivers it again

    assert payout("ada").status == "paid"
    assert len(stripe.transfers) == 1
    assert (balance("ada", "available"), balance("ada", "in_transit")) == (0, 0)


def test_a_permanent_refusal_marks_the_payout_failed_and_returns_the_money_to_available(stripe: FakeStripe) -> None:
    earn("ada", 8_100)
    payouts_enabled("ada")
    stripe.refused_destinations.add("acct_ada")

    outcome = pay_expert("ada", "USD", WEEK, stripe, NOW)

    assert (outcome.result, outcome.reason) == ("failed", "This account cannot receive transfers yet.")
    assert (payout("ada").status, payout("ada").failure) == ("failed", outcome.reason)
    assert (balance("ada", "available"), balance("ada", "in_transit")) == (8_100, 0)
    assert stripe.transfers == {}
    assert pay_expert("ada", "USD", WEEK, stripe, NOW).result == "already_failed"
    assert [(o.expert_id, o.balance) for o in owed_balances()] == [("ada", 8_100)]  # listed again for next week

    stripe.refused_destinations.clear()
    assert pay_expert("ada", "USD", "2026-W48", stripe, NEXT_MONDAY).result == "paid"
    assert [t.amount for t in stripe.made_to("ada")] == [8_100]


def payout_failure_metrics(out: str) -> list[float]:
    """The ``PayoutFailures`` values of the Embedded Metric Format lines in ``out`` (a function's stdout)."""
    values = []
    for line in out.splitlines():
        record = json.loads(line) if line.startswith("{") else {}
        if "_aws" in record and "PayoutFailures" in record:
            values.append(record["PayoutFailures"])
    return values


def test_a_refused_payout_writes_one_payout_failure_metric_and_a_paid_one_none(
    stripe: FakeStripe, capsys: pytest.CaptureFixture[str]
) -> None:
    earn("ada", 8_100)
    earn("bob", 4_500)
    payouts_enabled("ada")
    payouts_enabled("bob")
    stripe.refused_destinations.add("acct_ada")

    assert pay_expert("bob", "USD", WEEK, stripe, NOW).result == "paid"
    assert payout_failure_metrics(capsys.readouterr().out) == []
    assert pay_expert("ada", "USD", WEEK, stripe, NOW).result == "failed"
    assert payout_failure_metrics(capsys.readouterr().out) == [1]
    assert pay_expert("ada", "USD", WEEK, stripe, NOW).result == "already_failed"
    assert payout_failure_metrics(capsys.readouterr().out) == []  # counted when it failed, not when looked at again


def test_a_payout_left_for_a_person_writes_a_payout_failure_metric(
    stripe: FakeStripe, capsys: pytest.CaptureFixture[str]
) -> None:
    from chalicelib.payouts.pay_expert import ReconciliationNeeded

    earn("ada", 8_100)
    payouts_enabled("ada")
    stripe.kill_after_transfer = True
    with pytest.raises(ProcessKilled):
        pay_expert("ada", "USD", WEEK, stripe, NOW)
    capsys.readouterr()

    with pytest.raises(ReconciliationNeeded):
        pay_expert("ada", "USD", WEEK, stripe, NOW + timedelta(days=2))

    assert payout_failure_metrics(capsys.readouterr().out) == [1]


# --------------------------------------------------------------------------- the weekly job


@dataclass
class RecordingQueue:
    sent: list[list[PayoutMessage]] = field(default_factory=list)

    def send(self, messages: Any) -> None:
        self.sent.append(list(messages))


def test_the_weekly_job_sends_one_message_per_owed_expert_and_currency(aws: LocalAws) -> None:
    earn("ada", 8_100)
    earn("ada", 2_700, "EUR")
    earn("bob", 4_500)
    earn("cy", 900, released=False)  # still in its hold period: not owed yet
    runtime.set_clock(lambda: NOW)

    with app_client() as client:
        client.lambda_.invoke("start_weekly_payouts", client.events.generate_cw_event("aws.events", "", {}, []))

    sqs = boto3.client("sqs")
    bodies = []
    for _ in range(5):
        received = sqs.receive_message(QueueUrl=aws.payout_queue_url, MaxNumberOfMessages=10)
        bodies += [json.loads(m["Body"]) for m in received.get("Messages", [])]
    assert sorted((b["expert_id"], b["currency"], b["week"]) for b in bodies) == [
        ("ada", "EUR", WEEK), ("ada", "USD", WEEK), ("bob", "USD", WEEK),
    ]  # fmt: skip


def test_the_weekly_job_reads_only_owed_experts_never_every_expert(aws: LocalAws, dynamo_reads: DynamoReads) -> None:
    owed = [f"owed-{n}" for n in range(5)]
    for n, expert in enumerate(owed):
        earn(expert, 1_000 + n)
    with LedgerBalance.batch_write() as batch:  # 300 experts who are owed nothing: pending or paid out
        for n in range(300):
            batch.save(LedgerBalance(expert_account(f"other-{n}", "pending"), "USD", balance=500))
            batch.save(LedgerBalance(expert_account(f"other-{n}", "available"), "USD", balance=0))
    dynamo_reads.calls.clear()
    queue = RecordingQueue()

    run = start_weekly_payouts(NOW, queue)

    assert (run.week, run.messages, run.totals) == (WEEK, 5, {"USD": 5 * 1_000 + 10})
    assert sorted(m.expert_id for batch in queue.sent for m in batch) == owed
    assert "Scan" not in dynamo_reads.operations
    assert 5 <= dynamo_reads.items_read <= 8, dynamo_reads.calls


def test_the_weekly_job_sends_in_batches_of_ten(aws: LocalAws) -> None:
    for n in range(23):
        earn(f"expert-{n:02d}", 1_000)
    queue = RecordingQueue()

    start_weekly_payouts(NOW, queue)

    assert [len(batch) for batch in queue.sent] == [10, 10, 3]


def test_a_rerun_of_the_week_finishes_payouts_left_transferring(stripe: FakeStripe) -> None:
    earn("ada", 8_100)
    payouts_enabled("ada")
    stripe.kill_before_transfer = True
    with pytest.raises(ProcessKilled):
        pay_expert("ada", "USD", WEEK, stripe, NOW)
    assert list(owed_balances()) == []  # the reserve took ada off the owed index

    queue = RecordingQueue()
    start_weekly_payouts(NOW, queue)

    assert [(m.expert_id, m.week) for batch in queue.sent for m in batch] == [("ada", WEEK)]


# --------------------------------------------------------------------------- admins


def test_admin_payout_routes_refuse_anyone_but_admins(api: Any, users: Users) -> None:
    ada = users.sign_up("ada@example.com")
    for path in (f"/admin/payouts?week={WEEK}", "/admin/payouts/dead-letters"):
        assert api.get(path).status_code == 401
        response = api.get(path, headers=ada.auth)
        assert response.status_code == 403
        assert response.json_body["error"]["code"] == "forbidden"


def test_an_admin_sees_a_weeks_payouts_page_by_page(api: Any, users: Users, stripe: FakeStripe) -> None:
    for expert, amount in (("ada", 8_100), ("bob", 4_500), ("cy", 900)):
        earn(expert, amount)
        payouts_enabled(expert)
    stripe.refused_destinations.add("acct_cy")
    run_payouts_inline(WEEK, stripe, NOW)
    admin = users.sign_up("ops@example.com", admin=True)

    first = api.get(f"/admin/payouts?week={WEEK}&limit=2", headers=admin.auth)
    second = api.get(f"/admin/payouts?week={WEEK}&limit=2&cursor={first.json_body['next_cursor']}", headers=admin.auth)
    other_week = api.get("/admin/payouts?week=2026-W46", headers=admin.auth)

    assert first.status_code == 200, first.json_body
    rows = first.json_body["payouts"] + second.json_body["payouts"]
    assert [(p["expert_id"], p["amount"], p["status"]) for p in rows] == [
        ("ada", 8_100, "paid"), ("bob", 4_500, "paid"), ("cy", 900, "failed"),
    ]  # fmt: skip
    assert rows[0]["stripe_transfer_id"] == stripe.transfers[payout_id("ada", "USD", WEEK)].transfer_id
    assert rows[2]["failure"] == "This account cannot receive transfers yet."
    assert second.json_body["next_cursor"] is None
    assert other_week.json_body["payouts"] == []
    assert api.get("/admin/payouts?week=2026-47", headers=admin.auth).status_code == 400


def test_an_admin_sees_dead_lettered_payout_messages_without_removing_them(
    api: Any, users: Users, aws: LocalAws
) -> None:
    body = PayoutMessage("ada", "USD", WEEK).to_json()
    boto3.client("sqs").send_message(QueueUrl=aws.payout_dlq_url, MessageBody=body)
    admin = users.sign_up("ops@example.com", admin=True)

    seen = [api.get("/admin/payouts/dead-letters", headers=admin.auth) for _ in range(2)]

    for response in seen:
        assert response.status_code == 200, response.json_body
        assert [m["body"] for m in response.json_body["messages"]] == [
            {"expert_id": "ada", "currency": "USD", "week": WEEK}
        ]


def test_an_expert_reads_earnings_statement_and_payout_status_and_an_admin_the_revenue_as_the_ledger_holds_them(
    api: Any, users: Users, stripe: FakeStripe
) -> None:
    ada = users.sign_up("ada@example.com")
    bob = users.sign_up("bob@example.com")
    admin = users.sign_up("ops@example.com", admin=True)
    earn(ada.sub, 8_100)  # a 9,000 charge, fee 900
    earn(ada.sub, 900, released=False)  # a 1,000 charge, fee 100, still in its hold
    payouts_enabled(ada.sub)
    run_payouts_inline(WEEK, stripe, NOW)
    runtime.set_clock(lambda: NOW + timedelta(hours=1))

    earnings = api.get("/experts/me/earnings", headers=ada.auth)
    statement = api.get("/experts/me/earnings/statement?weeks=4", headers=ada.auth)
    not_started = api.get("/experts/me/payouts", headers=bob.auth)
    revenue = api.get("/admin/revenue", headers=admin.auth)

    assert earnings.json_body == {
        "currencies": [{"currency": "USD", "pending": 900, "available": 0, "frozen": 0, "on_the_way": 0,
                        "paid": 8_100}],
        "payouts": [{"week": WEEK, "currency": "USD", "amount": 8_100, "status": "paid"}],
    }  # fmt: skip
    weeks = {(row["week"], row["earned"], row["paid_out"]) for row in statement.json_body["weeks"]}
    assert weeks == {("2026-W46", 9_000, 0), ("2026-W48", 0, 8_100)}
    assert not_started.json_body == {
        "onboarding": "not_started", "payouts_enabled": False, "country": None, "requirements_due": []
    }  # fmt: skip
    assert revenue.json_body == {"revenue": [{"currency": "USD", "revenue": 1_000}]}
    assert api.get("/admin/revenue", headers=ada.auth).status_code == 403
    assert api.get("/experts/me/earnings/statement?weeks=53", headers=ada.auth).status_code == 400


# --------------------------------------------------------------------------- helpers


def app_client() -> Any:
    from app import app

    return Client(app, stage_name="local")


def app_event(message: PayoutMessage) -> dict[str, Any]:
    with app_client() as client:
        return dict(client.events.generate_sqs_event([message.to_json()]))


@pytest.fixture(autouse=True)
def _real_clock_afterwards() -> Iterator[None]:
    yield
    runtime.set_clock(lambda: datetime.now(UTC))
