"""Use cases: a signed-in person votes on an answer, article or document, changes or takes the vote back.

One ``Vote`` item per (item, voter). Each change is one DynamoDB transaction: the vote, put on
condition that its ``change`` number is still the one read (or that no vote exists yet); the
item's up and down counts moved by ``ADD``; the change's reputation event (its id names the
change, so it is recorded once) and the ``ADD`` of its points to the owner's reputation. The same
vote sent again changes nothing. A lost race is retried from a fresh read. The owner's search
entries are re-indexed after their reputation moved.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib.errors import Conflict, Forbidden
from chalicelib.models.base import unread_item, write_transaction
from chalicelib.models.conditions import cancelled_items, transaction_conflicted
from chalicelib.models.expert_profile import ExpertProfile
from chalicelib.models.vote import Vote
from chalicelib.reputation.points import VoteKind, vote_change_points, vote_event_id
from chalicelib.reputation.record import award, new_event
from chalicelib.votes.targets import MODELS, Target, load_target, parse_target_key, target_key

WRITE_ATTEMPTS = 4


def count_changes(old_value: int, new_value: int) -> tuple[int, int]:
    """How a change of one vote from ``old_value`` to ``new_value`` moves the item's (upvotes, downvotes)."""
    return int(new_value == 1) - int(old_value == 1), int(new_value == -1) - int(old_value == -1)


def cast_vote(
    kind: VoteKind, item_id: str, voter_id: str, value: int, *, media_base_url: str, now: datetime
) -> dict[str, Any]:
    for _ in range(WRITE_ATTEMPTS):
        target = load_target(kind, item_id)
        if target.owner_id == voter_id:
            raise Forbidden("You cannot vote on your own content.", code="own_content")
        previous = _vote(target.key, voter_id)
        old_value = int(previous.value) if previous else 0
        if old_value == value:
            return _result(target, value, reputation=None)
        if _write_change(target, voter_id, previous, value, now):
            break
    else:
        raise Conflict("This item's votes changed meanwhile; try again.", code="changed_concurrently")
    from chalicelib.discovery.index_writer import reindex_experts

    reindex_experts([target.owner_id], media_base_url)
    owner = ExpertProfile.get(target.owner_id, consistent_read=True)
    return _result(load_target(kind, item_id), value, reputation=int(owner.reputation or 0))


def my_votes(voter_id: str, targets: list[str]) -> dict[str, Any]:
    """The caller's standing vote on each of ``targets`` (one BatchGet)."""
    wanted = list(dict.fromkeys(key for key in targets if parse_target_key(key) is not None))
    found = {vote.target: int(vote.value) for vote in Vote.batch_get([(key, voter_id) for key in wanted])}
    return {"votes": [{"target": key, "value": found.get(key, 0)} for key in wanted]}


def _write_change(target: Target, voter_id: str, previous: Vote | None, value: int, now: datetime) -> bool:
    """True when the change was written; False when another write got there first (read again)."""
    old_value = int(previous.value) if previous else 0
    change = int(previous.change) + 1 if previous else 1
    vote = Vote(target.key, voter_id, owner_id=target.owner_id, value=value, change=change, updated_at=now)
    expected = Vote.change == int(previous.change) if previous else Vote.target.does_not_exist()
    ups, downs = count_changes(old_value, value)
    points = vote_change_points(old_value, value)
    model = MODELS[target.kind]
    event = new_event(
        target.owner_id, vote_event_id(target.kind, target.item_id, voter_id, change), points, "vote", now
    )
    try:
        with write_transaction() as transaction:
            transaction.save(vote, condition=expected)
            transaction.update(
                unread_item(model, target.item_id),
                actions=[model.upvotes.add(ups), model.downvotes.add(downs)],
                condition=model.expert_id.exists() & model.removed_at.does_not_exist(),
                add_version_condition=False,  # ADD commutes with edits of the item
            )
            award(transaction, event)
    except TransactWriteError as error:
        if transaction_conflicted(error) or any(cancelled_items(error)):
            return False  # a concurrent vote, a removal or a retry: the next read tells which
        raise
    return True


def _vote(target: str, voter_id: str) -> Vote | None:
    try:
        return Vote.get(target, voter_id, consistent_read=True)
    except DoesNotExist:
        return None


def _result(target: Target, value: int, *, reputation: int | None) -> dict[str, Any]:
    return {
        "target": target_key(target.kind, target.item_id),
        "value": value,
        "upvotes": target.upvotes,
        "downvotes": target.downvotes,
        "owner_reputation": reputation,
    }
