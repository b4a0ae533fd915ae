"""What a change calls for: effects, each with the idempotency key that makes it once-only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.outbox.changes import Change


@dataclass(frozen=True)
class Effect:
    key: str  # derived from the cause: the same change always yields the same keys
    what: str  # "email", "thread entry", "notification"
    send: Callable[[], object]  # raises if it did not happen


def effects_of(change: Change) -> list[Effect]:
    """The effects of a change of a table that has any; none for the others."""
    if change.table == "appointments":
        from chalicelib.bookings.announce import appointment_effects

        return appointment_effects(change)
    if change.table == "sessions":
        from chalicelib.sessions.notices import notice_effects
        from chalicelib.sessions.receipts import receipt_effects

        return notice_effects(change) + receipt_effects(change)
    if change.table == "conversations":
        from chalicelib.conversations.reminders import reminder_effects

        return reminder_effects(change)
    return []
