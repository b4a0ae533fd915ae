"""Paid sessions in the past, for the demo and the stack tests: real holds and captures on the
local Stripe, dated days ago so that the hourly release has made their earnings payable.

There is no paid-call API yet to produce earnings the way a person would, so this
uses the money use cases directly, against the running stack, with a Stripe test card.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

DAYS_AGO = 9
TEST_CARD = "pm_card_visa"  # Stripe's own test PaymentMethod id, as Stripe.js would hand one over


@contextmanager
def stack_environment(app_environment: Mapping[str, str]) -> Iterator[None]:
    """Run the app's code in this process against the local stack, then restore the environment."""
    from chalicelib import runtime

    saved = dict(os.environ)
    os.environ.update(app_environment)
    runtime.reset()
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        runtime.reset()


def seed_paid_sessions(
    app_environment: Mapping[str, str], *, client_id: str, expert_id: str, currency: str, amounts: list[int]
) -> int:
    """Hold, capture and release one payment per amount; returns the expert's total earnings.

    Idempotent: the payments are named after the expert and their position, so a second run
    finds them captured and posts nothing again.
    """
    from chalicelib import runtime
    from chalicelib.payments.card_payments import authorise_hold, capture_payment
    from chalicelib.payments.earnings_release import release_matured_earnings

    now = datetime.now(UTC)
    then = now - timedelta(days=DAYS_AGO)
    earnings = 0
    with stack_environment(app_environment):
        settings = runtime.settings()
        for number, amount in enumerate(amounts, start=1):
            payment, _ = authorise_hold(
                purpose=f"demo-session:{expert_id}:{number}", client_id=client_id, expert_id=expert_id,
                currency=currency, amount=amount, payment_method_id=TEST_CARD,
                commission_bps=settings.commission_bps, gateway=runtime.stripe_gateway(), now=then,
            )  # fmt: skip
            captured = capture_payment(
                payment.payment_id, amount, gateway=runtime.stripe_gateway(),
                hold_days=settings.earnings_hold_days, now=then,
            )  # fmt: skip
            earnings += captured.captured - captured.captured * settings.commission_bps // 10_000
        release_matured_earnings(now)
    return earnings
