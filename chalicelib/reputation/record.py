"""Recording reputation points: each event once, with its ``ADD`` to the expert's total, atomically.

``award`` is the one way points are written: inside the caller's DynamoDB transaction it puts each event,
only if its id is new, and ``ADD``s their points to ``ExpertProfile.reputation`` (with any other change of
the profile the caller makes, since one transaction may touch an item only once). A retry of the same cause
finds the id taken and the whole transaction changes nothing. ``record_points`` is ``award`` alone in its
own transaction. ``recompute_total`` rebuilds the total from the events (an operator's check; the events
are the truth).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.errors import Conflict
from chalicelib.models.base import unread_item, write_transaction
from chalicelib.models.conditions import cancelled_items, transaction_conflicted
from chalicelib.models.expert_profile import ExpertProfile
from chalicelib.models.reputation import ReputationEvent
from chalicelib.timestamps import sortable_utc

_ATTEMPTS = 4


def new_event(expert_id: str, event_id: str, points: int, cause: str, now: datetime) -> ReputationEvent:
    return ReputationEvent(
        expert_id, event_id, points=points, cause=cause, created_at=now,
        created_key=f"{sortable_utc(now)}#{event_id}",
    )  # fmt: skip


def award(transaction: TransactWrite, *events: ReputationEvent, also: Sequence[Action] = ()) -> None:
    """Put ``events`` (one expert's; each only if its id is new) and ADD their points to that expert's
    total in ``transaction``, with the profile changes ``also``; the profile must exist.

    The profile is not read (``chalicelib.models.base.unread_item``): its version moves by one, so a save
    that read it before fails its version check and reads again.
    """
    (expert_id,) = {event.expert_id for event in events}
    for event in events:
        transaction.save(event, condition=ReputationEvent.event_id.does_not_exist())
    transaction.update(
        unread_item(ExpertProfile, expert_id),
        actions=[ExpertProfile.reputation.add(sum(event.points for event in events)), *also],
        condition=ExpertProfile.expert_id.exists(),
        add_version_condition=False,  # ADD commutes with any other change of the profile
    )


def record_points(expert_id: str, event_id: str, points: int, cause: str, *, now: datetime) -> bool:
    """Record one event and add its points to the expert's total; False when the event was recorded before.

    The expert's profile must exist (an account without one has no reputation to show).
    """
    event = new_event(expert_id, event_id, points, cause, now)
    for _ in range(_ATTEMPTS):
        try:
            with write_transaction() as transaction:
                award(transaction, event)
        except TransactWriteError as error:
            failed = cancelled_items(error)  # the event (a put), then the profile (an update)
            if failed and failed[0]:
                return False
            if transaction_conflicted(error):
                continue
            if len(failed) > 1 and failed[1]:
                raise ValueError(f"expert {expert_id} has no profile to record reputation on") from None
            raise
        return True
    raise Conflict("The expert's reputation is busy; try again.", code="changed_concurrently")


def recompute_total(expert_id: str) -> int:
    """The sum of the expert's events, read from the events themselves (consistent)."""
    return sum(event.points for event in ReputationEvent.query(expert_id, consistent_read=True))


def events_between(expert_id: str, start: datetime, end: datetime) -> list[ReputationEvent]:
    """The expert's events recorded in [start, end), oldest first (the weekly statistics)."""
    condition = ReputationEvent.created_key.between(sortable_utc(start), sortable_utc(end))
    return [e for e in ReputationEvent.by_time.query(expert_id, range_key_condition=condition) if e.created_at < end]
