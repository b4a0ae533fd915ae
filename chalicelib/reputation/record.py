"""Recording reputation points: each event once, with its ``ADD`` to the expert's total, atomically.

``record_points`` is one DynamoDB transaction: the event, put only if its id is new, and the
``ADD`` of its points to ``ExpertProfile.reputation``. A retry of the same cause finds the id taken
and changes nothing. Use cases that already write the expert's profile in a transaction (a review)
put the event with ``put_event`` and add ``reputation_added(points)`` to their own profile update,
since one transaction may touch an item only once. ``recompute_total`` rebuilds the total from the
events (an operator's check; the events are the truth).
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.errors import Conflict
from chalicelib.models.base import write_transaction
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


def put_event(transaction: TransactWrite, event: ReputationEvent) -> None:
    """Add the event to ``transaction``, on condition that its id is new."""
    transaction.save(event, condition=ReputationEvent.event_id.does_not_exist())


def reputation_added(points: int) -> Action:
    """The update of the expert's profile that goes with an event of ``points``."""
    return ExpertProfile.reputation.add(points)


def record_points(expert_id: str, event_id: str, points: int, cause: str, *, now: datetime) -> bool:
    """Record one event and add its points to the expert's total; False when the event was recorded before.

    The expert's profile must exist (an account without one has no reputation to show). The profile is
    read first and updated on condition that its version is the one read (PynamoDB always moves the
    version on an update, so an update of an unread profile would set it back): a concurrent change of
    the profile is retried with a fresh read.
    """
    event = new_event(expert_id, event_id, points, cause, now)
    for _ in range(_ATTEMPTS):
        try:
            profile = ExpertProfile.get(expert_id, consistent_read=True)
        except DoesNotExist:
            raise ValueError(f"expert {expert_id} has no profile to record reputation on") from None
        try:
            with write_transaction() as transaction:
                put_event(transaction, event)
                transaction.update(profile, actions=[reputation_added(points)])
        except TransactWriteError as error:
            failed = cancelled_items(error)
            if failed and failed[0]:
                return False
            if transaction_conflicted(error) or (len(failed) > 1 and failed[1]):
                continue  # the profile changed since it was read
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
