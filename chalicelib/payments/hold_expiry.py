"""A card hold does not last: one past its expiry is never captured, it is released instead.

Card networks (and Stripe with them) drop an uncaptured authorisation after 7 days; a capture
attempted later fails at Stripe or, worse, charges a card whose holder was told the hold was
gone. Every capture path asks this rule first (``capture_payment`` for every payment, and a
service checkout for its own, earlier, expiry): past the expiry the hold is cancelled
(idempotently) and the caller gets 409 ``hold_expired``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.errors import Conflict
from chalicelib.timestamps import utc_text

HOLD_LASTS = timedelta(days=7)  # from the authorisation: what card networks keep a hold for


def card_hold_expires_at(authorised_at: datetime) -> datetime:
    return authorised_at + HOLD_LASTS


def hold_has_expired(expires_at: datetime, now: datetime) -> bool:
    return now >= expires_at


def hold_expired_error(expires_at: datetime) -> Conflict:
    return Conflict(
        f"The card hold expired at {utc_text(expires_at)}: it was released and nothing was charged.",
        code="hold_expired",
    )
