"""Earnings become payable once their hold period has passed, once, reading only what is due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.ledger.accounts import shard_of
from chalicelib.ledger.posting import UnitOfWork
from chalicelib.ledger.transactions import capture
from chalicelib.models.payment import Payment
from chalicelib.payments.earnings_release import release_matured_earnings
from tests.functional.money import balance

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


def _captured_payment(payment_id: str, total: int, due: datetime, **changes: Any) -> None:
    """A payment captured earlier, as capture_payment leaves it, without going through Stripe."""
    payment = Payment(
        payment_id, purpose=f"test:{payment_id}", client_id="grace", expert_id="ada", currency="USD",
        commission_bps=1_000, authorised=total, status="captured", captured=total,
        stripe_payment_intent_id=f"pi_{payment_id}", release_shard=str(shard_of(payment_id)),
        release_due_at=due.isoformat(), created_at=NOW, updated_at=NOW, **changes,
    )  # fmt: skip
    unit = UnitOfWork(occurred_at=NOW - timedelta(days=8))
    unit.save(payment)
    unit.post(capture(payment_id, "ada", "USD", total, total // 10))
    unit.commit()


def test_earnings_past_their_hold_become_available_and_later_ones_wait(aws: Any) -> None:
    _captured_payment("p1", 10_000, due=NOW - timedelta(hours=1))
    _captured_payment("p2", 5_000, due=NOW + timedelta(days=2))
    outcome = release_matured_earnings(NOW)
    assert (outcome.due, outcome.released) == (1, 1)
    assert (balance("ada", "available"), balance("ada", "pending")) == (9_000, 4_500)


def test_running_the_release_twice_releases_once(aws: Any) -> None:
    _captured_payment("p1", 10_000, due=NOW - timedelta(hours=1))
    release_matured_earnings(NOW)
    second = release_matured_earnings(NOW)
    assert (second.due, second.released) == (0, 0)
    assert balance("ada", "available") == 9_000


def test_disputed_earnings_are_not_released(aws: Any) -> None:
    _captured_payment("p1", 10_000, due=NOW - timedelta(hours=1), earnings_bucket="frozen", dispute_id="dp_1")
    assert release_matured_earnings(NOW).released == 0
    assert balance("ada", "available") == 0
