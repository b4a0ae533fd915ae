"""Whatever happens to charges, the ledger balances, to the cent, and no balance breaks its floor."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.errors import DomainError
from chalicelib.ledger import transactions as txn
from chalicelib.ledger.accounts import AVAILABLE, FROZEN, IN_TRANSIT, PENDING, expert_account
from chalicelib.ledger.balances import balances_after
from chalicelib.ledger.transactions import LedgerTransaction
from chalicelib.money.commission import platform_fee, split_charge
from chalicelib.payments.charge import Charge

EXPERT = "ada"


@dataclass
class World:
    charges: list[Charge]
    postings: list[LedgerTransaction] = field(default_factory=list)
    payouts: int = 0

    def balance(self, bucket: str) -> int:
        return balances_after(self.postings).get((expert_account(EXPERT, bucket), "USD"), 0)

    def fees(self) -> int:
        return sum(
            v for (account, _), v in balances_after(self.postings).items() if account.startswith("platform:fees")
        )


operation = st.tuples(
    st.sampled_from(["capture", "refund", "release", "payout", "dispute", "win", "lose", "retry"]),
    st.integers(0, 2),
    st.integers(1, 50_000),
)


def _step(charge: Charge, name: str, amount: int, dispute_id: str) -> tuple[Charge, LedgerTransaction]:
    if name == "capture":
        return charge.capture(amount)
    if name == "refund":
        return charge.refund(amount)
    if name == "release":
        return charge.release_earnings()
    if name == "dispute":
        return charge.open_dispute(dispute_id)
    return charge.win_dispute() if name == "win" else charge.lose_dispute()


@settings(max_examples=300, deadline=None)
@given(
    authorised=st.lists(st.integers(1, 50_000), min_size=1, max_size=3),
    bps=st.integers(0, 3_000),
    operations=st.lists(operation, max_size=25),
)
def test_random_money_movements_keep_the_books_exact(
    authorised: list[int], bps: int, operations: list[tuple[str, int, int]]
) -> None:
    world = World([Charge(f"pay-{i}", EXPERT, "USD", bps, amount) for i, amount in enumerate(authorised)])
    for name, index, amount in operations:
        charge = world.charges[index % len(world.charges)]
        try:
            if name == "retry":
                world.postings += world.postings[-1:]  # a redelivered event posts the same id again
                continue
            if name == "payout":
                available = world.balance(AVAILABLE)
                if available > 0:
                    payout_id = f"payout:{EXPERT}:USD:{world.payouts}"
                    world.payouts += 1
                    world.postings += [
                        txn.payout_reserve(payout_id, EXPERT, "USD", available),
                        txn.payout_settle(payout_id, EXPERT, "USD", available),
                    ]
                continue
            after, posting = _step(charge, name, amount, f"dp-{charge.payment_id}-{len(world.postings)}")
        except DomainError:
            continue  # refused steps change nothing
        world.charges[world.charges.index(charge)] = after
        world.postings.append(posting)

    for posting in world.postings:
        assert sum(entry.amount for entry in posting.entries) == 0
    for charge in world.charges:
        assert charge.net == charge.fee + charge.earnings  # client charge = platform fee + expert earnings
        assert charge.fee == platform_fee(charge.net, bps)
        assert 0 <= charge.net <= charge.captured <= charge.authorised
    totals = balances_after(world.postings)
    assert sum(totals.values()) == 0
    assert world.fees() == sum(c.fee for c in world.charges)
    for bucket in (PENDING, FROZEN, IN_TRANSIT):
        assert world.balance(bucket) >= 0
    expert_total = sum(world.balance(b) for b in (PENDING, AVAILABLE, FROZEN, IN_TRANSIT))
    settled = {p.txn_id: p for p in world.postings if p.kind == "payout_settle"}
    paid = sum(-p.entries[0].amount for p in settled.values())
    assert expert_total + paid == sum(c.earnings for c in world.charges)


def test_the_seed_example_splits_90_dollars_into_81_and_9() -> None:
    assert split_charge(9_000, 1_000) == split_charge(total=9_000, bps=1_000)
    split = split_charge(9_000, 1_000)
    assert (split.fee, split.earnings) == (900, 8_100)


def test_the_fee_rounds_half_up() -> None:
    assert platform_fee(5, 1_000) == 1  # 0.5 -> 1
    assert platform_fee(4, 1_000) == 0  # 0.4 -> 0
    assert platform_fee(15, 1_000) == 2  # 1.5 -> 2
    assert platform_fee(0, 1_000) == 0


def test_a_capture_above_the_hold_is_refused() -> None:
    charge = Charge("p", EXPERT, "USD", 1_000, authorised=5_000)
    with pytest.raises(DomainError) as refused:
        charge.capture(5_001)
    assert refused.value.code == "capture_exceeds_authorised"


def test_refunds_never_exceed_what_was_captured() -> None:
    charge, _ = Charge("p", EXPERT, "USD", 1_000, authorised=5_000).capture(3_000)
    charge, _ = charge.refund(2_000)
    with pytest.raises(DomainError) as refused:
        charge.refund(1_001)
    assert refused.value.code == "refund_exceeds_captured"


def test_a_partial_refund_shrinks_fee_and_earnings_together() -> None:
    charge, capture = Charge("p", EXPERT, "USD", 1_000, authorised=10_000).capture(9_000)
    charge, refund = charge.refund(1_005)
    assert (charge.net, charge.fee, charge.earnings) == (7_995, 800, 7_195)  # 799.5 rounds up
    fee_back = -next(e.amount for e in refund.entries if e.account.startswith("platform:fees"))
    assert fee_back == 100
    assert refund.txn_id == "refund:p:1"
    assert capture.txn_id == "capture:p"
