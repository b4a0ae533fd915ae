"""The life of one card charge, as pure rules: what may happen next and what it posts.

A ``Charge`` is authorised for at most ``authorised``; it is captured once for at
most that (the rest is released); it may then be refunded in parts, never more
than was captured; its earnings wait in ``pending`` until released, and move to
``frozen`` while a dispute is open. Every step returns the next state and the
ledger transaction it causes, so fee + earnings always equals the net charge.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from chalicelib.errors import Conflict, InvalidInput
from chalicelib.ledger import transactions as txn
from chalicelib.ledger.accounts import AVAILABLE, FROZEN, PENDING
from chalicelib.money.commission import platform_fee

AUTHORISED = "authorised"
CAPTURED = "captured"
RELEASED = "released"  # the hold was let go without a charge
REFUNDED = "refunded"  # shown only: a captured charge given back in full
PARTLY_REFUNDED = "partly_refunded"  # shown only: a captured charge given back in part


@dataclass(frozen=True)
class Charge:
    payment_id: str
    expert_id: str
    currency: str
    commission_bps: int
    authorised: int
    status: str = AUTHORISED
    captured: int = 0
    refunded: int = 0
    refund_count: int = 0
    earnings_bucket: str = PENDING  # where this charge's earnings sit now
    dispute_id: str | None = None
    bucket_before_dispute: str | None = None

    @property
    def net(self) -> int:
        return self.captured - self.refunded

    @property
    def fee(self) -> int:
        return platform_fee(self.net, self.commission_bps)

    @property
    def earnings(self) -> int:
        return self.net - self.fee

    @property
    def shown_status(self) -> str:
        """The status its client and expert read: a captured charge refunded in part or in full says so.
        The stored status stays ``captured`` (the rules above go by it); this is derived from the amounts."""
        if self.status == CAPTURED and self.refunded > 0:
            return REFUNDED if self.refunded >= self.captured else PARTLY_REFUNDED
        return self.status

    @property
    def refundable(self) -> int:
        return self.net if self.status == CAPTURED and self.dispute_id is None else 0

    def capture(self, amount: int) -> tuple[Charge, txn.LedgerTransaction]:
        if self.status != AUTHORISED:
            raise Conflict(
                f"This payment is {self.status}; only an authorised hold can be captured.", code="not_capturable"
            )
        if not 0 < amount <= self.authorised:
            raise InvalidInput(
                f"Capture between 1 and the {self.authorised} authorised.", code="capture_exceeds_authorised"
            )
        captured = replace(self, status=CAPTURED, captured=amount)
        return captured, txn.capture(self.payment_id, self.expert_id, self.currency, amount, captured.fee)

    def release_hold(self) -> Charge:
        if self.status != AUTHORISED:
            raise Conflict(f"This payment is {self.status}; there is no hold to release.", code="not_releasable")
        return replace(self, status=RELEASED)

    def refund(self, amount: int) -> tuple[Charge, txn.LedgerTransaction]:
        if self.dispute_id is not None:
            raise Conflict("A dispute is open on this payment; it cannot be refunded now.", code="payment_disputed")
        if self.status != CAPTURED:
            raise Conflict("Only a captured payment can be refunded.", code="not_refundable")
        if not 0 < amount <= self.net:
            raise InvalidInput(
                f"A refund is between 1 and the {self.net} not yet refunded.", code="refund_exceeds_captured"
            )
        after = replace(self, refunded=self.refunded + amount, refund_count=self.refund_count + 1)
        fee_back = self.fee - after.fee
        posting = txn.refund(
            self.payment_id, after.refund_count, self.expert_id, self.currency, amount, fee_back, self.earnings_bucket
        )
        return after, posting

    def release_earnings(self) -> tuple[Charge, txn.LedgerTransaction]:
        """The hold period has passed: earnings become payable (an empty posting if nothing is left)."""
        if self.status != CAPTURED or self.earnings_bucket != PENDING:
            raise Conflict("These earnings are not pending.", code="not_pending")
        after = replace(self, earnings_bucket=AVAILABLE)
        return after, txn.release(self.payment_id, self.expert_id, self.currency, self.earnings)

    def open_dispute(self, dispute_id: str) -> tuple[Charge, txn.LedgerTransaction]:
        if self.dispute_id is not None or self.status != CAPTURED:
            raise Conflict("This payment cannot be disputed now.", code="not_disputable")
        after = replace(self, dispute_id=dispute_id, earnings_bucket=FROZEN, bucket_before_dispute=self.earnings_bucket)
        posting = txn.freeze(
            dispute_id, self.payment_id, self.expert_id, self.currency, self.earnings, self.earnings_bucket
        )
        return after, posting

    def win_dispute(self) -> tuple[Charge, txn.LedgerTransaction]:
        dispute_id, back_to = self._open_dispute()
        after = replace(self, dispute_id=None, earnings_bucket=back_to, bucket_before_dispute=None)
        return after, txn.dispute_won(
            dispute_id, self.payment_id, self.expert_id, self.currency, self.earnings, back_to
        )

    def lose_dispute(self) -> tuple[Charge, txn.LedgerTransaction]:
        """The whole net charge goes back to the cardholder, with its fee and earnings."""
        dispute_id, back_to = self._open_dispute()
        after = replace(
            self, dispute_id=None, refunded=self.captured, earnings_bucket=back_to, bucket_before_dispute=None
        )
        posting = txn.dispute_lost(dispute_id, self.payment_id, self.expert_id, self.currency, self.net, self.fee)
        return after, posting

    def _open_dispute(self) -> tuple[str, str]:
        if self.dispute_id is None or self.bucket_before_dispute is None:
            raise Conflict("No dispute is open on this payment.", code="no_open_dispute")
        return self.dispute_id, self.bucket_before_dispute
