"""Make an appointment's card match what it owes: capture after delivery, capture before the
card network drops the hold, and release or refund after a cancellation.

Every step is idempotent: it reads the payment and does only what is missing (a capture
already made is not made again; a refund is only the part not refunded yet), then marks the
appointment with a revision-checked write. A crash between the two is finished by the agenda
job, which finds the appointment still unsettled.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib import runtime
from chalicelib.bookings.records import save_change
from chalicelib.models.appointment import Appointment


def settle(item: Appointment, now: datetime) -> None:
    """The appointment has ended one way or another: the card ends at exactly ``item.charged``."""
    if item.amount is None or item.settled_at is not None:
        return
    if item.payment_id is not None:
        from chalicelib.payments.card_payments import (
            AWAITING_CONFIRMATION,
            capture_payment,
            get_payment,
            refund_payment,
            release_hold,
        )
        from chalicelib.payments.charge import AUTHORISED, CAPTURED

        gateway, charged = runtime.stripe_gateway(), item.charged or 0
        payment = get_payment(item.payment_id)
        if payment.status == AUTHORISED and charged > 0:
            capture_payment(
                payment.payment_id, charged, gateway=gateway, hold_days=runtime.settings().earnings_hold_days,
                now=now, earnings_not_before=item.end,
            )  # fmt: skip
        elif payment.status in (AUTHORISED, AWAITING_CONFIRMATION):  # awaiting: cancelled before 3-D Secure
            release_hold(payment.payment_id, gateway=gateway, now=now)
        elif payment.status == CAPTURED and payment.captured - payment.refunded > charged:
            refund_payment(payment.payment_id, payment.captured - payment.refunded - charged, gateway=gateway, now=now)
        elif charged > payment.captured - payment.refunded:  # e.g. the hold was let go: a person must look
            raise RuntimeError(f"appointment {item.appointment_id} owes {charged} but its card holds nothing more")
    item.settled_at = now
    save_change(item, now)


def capture_before_hold_lapses(item: Appointment, now: datetime) -> None:
    """Charge the whole amount now: the booking is further off than a card hold lasts.

    A later cancellation is then settled by a refund (of everything, or of all but the late share).
    The expert's earnings still wait until after the appointment.
    """
    if item.payment_id is None or item.hold_captured_at is not None:
        return
    from chalicelib.payments.card_payments import capture_payment, get_payment
    from chalicelib.payments.charge import AUTHORISED

    payment = get_payment(item.payment_id)
    if payment.status == AUTHORISED:
        capture_payment(
            payment.payment_id, payment.authorised, gateway=runtime.stripe_gateway(),
            hold_days=runtime.settings().earnings_hold_days, now=now, earnings_not_before=item.end,
        )  # fmt: skip
    item.hold_captured_at = now
    save_change(item, now)
