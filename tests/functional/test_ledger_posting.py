"""A unit of work writes a state change and its postings together, and knows when a cause was posted before."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.errors import Conflict
from chalicelib.ledger.posting import AlreadyDone, UnitOfWork
from chalicelib.ledger.transactions import capture
from chalicelib.models.payout import Payout
from tests.functional.money import balance

NOW = datetime(2026, 11, 22, tzinfo=UTC)


def _payout(status: str = "transferring") -> Payout:
    payout = Payout("payout:ada:USD:2026-W47", expert_id="ada", currency="USD", week="2026-W47", amount=100,
                    status=status, created_at=NOW, updated_at=NOW)  # fmt: skip
    payout.save()
    return payout


def _unit_updating(payout: Payout) -> UnitOfWork:
    unit = UnitOfWork(occurred_at=NOW)
    unit.update(payout, [Payout.status.set("paid")], condition=Payout.status == "transferring")
    unit.post(capture("p1", "ada", "USD", 1_000, 100))
    return unit


def test_a_cause_posted_before_is_reported_as_done_even_beside_an_update(aws: Any) -> None:
    payout = _payout()
    first = UnitOfWork(occurred_at=NOW)
    first.post(capture("p1", "ada", "USD", 1_000, 100))
    first.commit()
    with pytest.raises(AlreadyDone):
        _unit_updating(payout).commit()
    assert balance("ada", "pending") == 900


def test_a_failed_state_condition_is_a_conflict_and_posts_nothing(aws: Any) -> None:
    payout = _payout(status="paid")
    with pytest.raises(Conflict):
        _unit_updating(payout).commit()
    assert balance("ada", "pending") == 0
