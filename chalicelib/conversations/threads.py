"""Use cases: open a thread for a subject, append to it, record state changes, read and list threads.

Booking, checkout and lead code call ``open_thread`` and ``record_event``; both are cheap to
import (no pydantic, no Stripe) and safe to retry: the thread and each event have ids derived
from their cause, and are written on condition that the id is new.

Appending is one DynamoDB transaction: the message (put only if its id is new), the thread's
latest activity and waiting state (on condition that the waiting state is the one read), and
each participant's activity key; when the expert's message ends a wait on them, their profile's
response counters too (``_response_counted``). A message is never written any other way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from chalicelib.conversations.rules import (
    CLIENT,
    EVENT,
    EXPERT,
    SYSTEM_SENDER,
    Waiting,
    after_message,
    answered_in_time,
    event_message_id,
    order_key,
    preview,
    recent_seconds,
    thread_id_for,
    waiting_seconds,
)
from chalicelib.due_index import due_shard
from chalicelib.errors import Conflict, NotFound
from chalicelib.models.base import write_transaction
from chalicelib.models.conditions import cancelled_items, transaction_conflicted
from chalicelib.models.conversation import Conversation, ConversationMember, ConversationMessage
from chalicelib.models.expert_profile import ExpertProfile
from chalicelib.timestamps import sortable_utc, utc_text
from chalicelib.web.cursors import decode_cursor, encode_cursor

__all__ = ["open_thread", "record_event", "thread_id_for"]

_ATTEMPTS = 4  # a changed waiting state or a concurrent transaction is retried with a fresh read


def open_thread(*, subject: str, subject_id: str, client_id: str, expert_id: str, title: str, now: datetime) -> str:
    """Open the thread of ``subject``/``subject_id`` between its client and expert; a second call
    returns the same id and changes nothing."""
    thread_id = thread_id_for(subject, subject_id)
    if client_id == expert_id:
        raise ValueError("a conversation needs two different participants")
    activity = order_key(now, thread_id)
    thread = Conversation(
        thread_id, subject=subject, subject_id=subject_id, client_id=client_id, expert_id=expert_id,
        title=title[:200], created_at=now, last_activity_at=now,
    )  # fmt: skip
    try:
        with write_transaction() as transaction:
            transaction.save(thread, condition=Conversation.thread_id.does_not_exist())
            for account_id, role in ((client_id, CLIENT), (expert_id, EXPERT)):
                member = ConversationMember(account_id, thread_id, role=role, last_activity=activity)
                transaction.save(member, condition=ConversationMember.thread_id.does_not_exist())
    except TransactWriteError as error:
        if not any(cancelled_items(error)):
            raise
    return thread_id


def record_event(thread_id: str, *, event_key: str, text: str, now: datetime, payment_id: str | None = None) -> None:
    """A state change ("Booking confirmed for ...") in the thread, once per ``event_key``. A
    ``payment_id`` is remembered on the thread, so its evidence export includes that payment.
    Raises ``NotFound`` (``conversation_not_found``) if the thread was never opened."""
    message = ConversationMessage(
        thread_id, event_message_id(event_key), sent_key=order_key(now, event_message_id(event_key)),
        kind=EVENT, sender_id=SYSTEM_SENDER, text=text, sent_at=now, event_key=event_key, payment_id=payment_id,
    )  # fmt: skip
    append(message, now=now, from_participant=False, payment_id=payment_id)


def append(
    message: ConversationMessage, *, now: datetime, from_participant: bool, payment_id: str | None = None
) -> tuple[ConversationMessage, bool]:
    """Write ``message`` into its thread. Returns the message as stored and whether it is new
    (False: a message with its id was there already, and nothing changed). A participant's
    message changes whose answer the thread awaits; a state change does not. A message dated before the
    thread's latest activity (a state change delivered after later messages) takes its place by date and
    leaves the thread's latest activity and preview as they are."""
    for _ in range(_ATTEMPTS):
        thread = get_thread(message.thread_id)
        latest = thread.last_activity_at is None or thread.last_activity_at <= now
        actions: list[Action] = []
        condition: Condition = Conversation.thread_id.exists()
        if latest:
            actions += [
                Conversation.last_activity_at.set(now),
                Conversation.last_preview.set(preview(message.text)),
                Conversation.last_sender_id.set(message.sender_id),
            ]
            condition &= Conversation.last_activity_at.does_not_exist() | (Conversation.last_activity_at <= now)
        if payment_id:
            actions.append(Conversation.payment_ids.add({payment_id}))
        answered: tuple[ExpertProfile, list[Action], Condition] | None = None
        if from_participant:
            more, check = _waiting_actions(thread, message.sender_id, now)
            actions += more
            condition &= check
            answered = _response_counted(thread, message.sender_id, now)
        activity = order_key(now, thread.thread_id)
        try:
            with write_transaction() as transaction:
                transaction.save(message, condition=ConversationMessage.message_id.does_not_exist())
                if actions:
                    transaction.update(thread, actions=actions, condition=condition)
                else:
                    transaction.condition_check(Conversation, thread.thread_id, condition=condition)
                for account_id in (thread.client_id, thread.expert_id) if latest else ():
                    member = ConversationMember(account_id, thread.thread_id)
                    transaction.update(
                        member,
                        actions=[ConversationMember.last_activity.set(activity)],
                        condition=ConversationMember.thread_id.exists(),
                    )
                if answered is not None:
                    profile, profile_actions, profile_condition = answered
                    transaction.update(
                        profile, actions=profile_actions, condition=profile_condition, add_version_condition=False
                    )
            return message, True
        except TransactWriteError as error:
            failed = cancelled_items(error)
            if failed and failed[0]:
                return ConversationMessage.get(message.thread_id, message.message_id, consistent_read=True), False
            if not (any(failed) or transaction_conflicted(error)):
                raise
    raise Conflict("This conversation is busy; send the message again.", code="changed_concurrently")


def _waiting_actions(thread: Conversation, sender_id: str, now: datetime) -> tuple[list[Action], Condition]:
    """The writes that move the thread's waiting state as ``rules.after_message`` says, and the
    condition that it is still the state they were computed from."""
    current = Waiting(on=thread.waiting_on, since=thread.waiting_since)
    after = after_message(
        current, sender_id=sender_id, client_id=thread.client_id, expert_id=thread.expert_id, sent_at=now
    )
    unchanged = (
        Conversation.waiting_on == thread.waiting_on if thread.waiting_on else Conversation.waiting_on.does_not_exist()
    )
    if after.on == current.on:
        return [], unchanged
    if thread.missed_at is not None:
        unchanged &= Conversation.missed_at.exists()
    else:
        unchanged &= Conversation.missed_at.does_not_exist()  # the reminder job may count the wait missed meanwhile
    if after.on is None or after.since is None or after.remind_at is None:
        return [
            Conversation.waiting_on.remove(),
            Conversation.waiting_since.remove(),
            Conversation.remind_shard.remove(),
            Conversation.remind_at.remove(),
            Conversation.missed_at.remove(),
        ], unchanged
    return [
        Conversation.waiting_on.set(after.on),
        Conversation.waiting_since.set(after.since),
        Conversation.remind_shard.set(due_shard(thread.thread_id)),
        Conversation.remind_at.set(sortable_utc(after.remind_at)),
    ], unchanged


def _response_counted(
    thread: Conversation, sender_id: str, now: datetime
) -> tuple[ExpertProfile, list[Action], Condition] | None:
    """If ``sender_id`` is the expert answering a wait on them: the update of their profile's response counters
    (in the transaction that ends the wait, so it is counted once) and the condition that the recent response
    times are still those read. None when the message ends no wait, or the expert has no profile."""
    if sender_id != thread.expert_id or thread.waiting_on != thread.expert_id or thread.waiting_since is None:
        return None
    try:
        profile = ExpertProfile.get(thread.expert_id, consistent_read=True)
    except DoesNotExist:
        return None
    seconds = waiting_seconds(thread.waiting_since, now)
    actions: list[Action] = [
        ExpertProfile.response_count.add(1),
        ExpertProfile.response_seconds.set(recent_seconds(list(profile.response_seconds or []), seconds)),
    ]
    if thread.missed_at is not None:
        actions.append(ExpertProfile.responses_missed.add(-1))  # missed, now answered late: counted once still
    elif answered_in_time(seconds):
        actions.append(ExpertProfile.responses_within_24h.add(1))
    count = int(profile.response_count or 0)
    same: Condition = ExpertProfile.response_count == count
    if not count:
        same |= ExpertProfile.response_count.does_not_exist()
    condition = ExpertProfile.expert_id.exists() & same
    return profile, actions, condition


def get_thread(thread_id: str) -> Conversation:
    try:
        return Conversation.get(thread_id, consistent_read=True)
    except DoesNotExist:
        raise NotFound("No conversation has this id.", code="conversation_not_found") from None


def role_in(thread: Conversation, account_id: str) -> str | None:
    if account_id == thread.client_id:
        return CLIENT
    if account_id == thread.expert_id:
        return EXPERT
    return None


def thread_for_participant(thread_id: str, account_id: str) -> Conversation:
    """The thread, if ``account_id`` takes part in it; anyone else is told it does not exist."""
    thread = get_thread(thread_id)
    if role_in(thread, account_id) is None:
        raise NotFound("No conversation has this id.", code="conversation_not_found")
    return thread


def my_threads(account_id: str, *, limit: int, cursor: str | None, now: datetime) -> dict[str, Any]:
    """The caller's threads, newest activity first, a page at a time (one Query, one BatchGet)."""
    scope = f"conversations:{account_id}"
    start = decode_cursor(scope, cursor) if cursor else None
    page = ConversationMember.by_activity.query(
        account_id, scan_index_forward=False, limit=limit, last_evaluated_key=start
    )
    thread_ids = [member.thread_id for member in page]
    found = {thread.thread_id: thread for thread in Conversation.batch_get(thread_ids)} if thread_ids else {}
    last = page.last_evaluated_key
    return {
        "items": [thread_view(found[tid], account_id, now) for tid in thread_ids if tid in found],
        "next_cursor": encode_cursor(scope, last) if last and len(thread_ids) == limit else None,
    }


def thread_view(thread: Conversation, viewer_id: str, now: datetime) -> dict[str, Any]:
    return {
        "thread_id": thread.thread_id,
        "subject": thread.subject,
        "subject_id": thread.subject_id,
        "title": thread.title,
        "client_id": thread.client_id,
        "expert_id": thread.expert_id,
        "my_role": role_in(thread, viewer_id),
        "created_at": utc_text(thread.created_at),
        "last_activity_at": utc_text(thread.last_activity_at),
        "last_message": (
            {"preview": thread.last_preview, "sender_id": thread.last_sender_id} if thread.last_preview else None
        ),
        "waiting_on": thread.waiting_on,
        "waiting_since": utc_text(thread.waiting_since) if thread.waiting_since else None,
        "waiting_seconds": waiting_seconds(thread.waiting_since, now) if thread.waiting_on else 0,
        "waiting_on_me": thread.waiting_on == viewer_id,
        "payment_ids": sorted(thread.payment_ids or ()),
    }
