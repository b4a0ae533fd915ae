"""Scheduled (hourly): remind experts of clients' messages that have waited 20 hours, before 24 pass;
count a wait still unanswered when 24 hours have passed as missed (the expert's response rate).

Reads only the threads that are due, through the sparse ``remind-due-by-shard`` index (one Query per
shard, for everything due up to now however long the job was down: never a Scan). Each
waiting stretch is reminded once: the "reminded" mark is written, on condition that the thread
still waits for that same stretch, so a second run, or two at once, change nothing more. The email
is not sent here: it follows from the mark's change of the thread (``reminder_effects``, delivered
from the conversations table's stream by ``chalicelib/outbox``, retried until SES takes it). A reminded wait
stays in the index, due again at 24 hours; then it leaves the index and is counted missed on
the expert's profile, in one transaction on the same condition, so it is counted once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.expressions.update import Action

from chalicelib.accounts.account_records import get_account
from chalicelib.conversations.rules import ANSWER_WITHIN, is_missed, waiting_seconds
from chalicelib.due_index import due_entries
from chalicelib.models.base import write_transaction
from chalicelib.models.conditions import cancelled_items, condition_failed, transaction_conflicted
from chalicelib.models.conversation import Conversation
from chalicelib.models.expert_profile import ExpertProfile
from chalicelib.outbox.changes import Change
from chalicelib.outbox.effects import Effect
from chalicelib.timestamps import sortable_utc


@dataclass(frozen=True)
class ReminderRun:
    due: int
    reminded: int
    missed: int = 0


def remind_waiting_experts(now: datetime) -> ReminderRun:
    due = reminded = missed = 0
    due_threads = lambda shard, until: Conversation.remind_due.query(shard, Conversation.remind_at <= until)  # noqa: E731
    entries = due_entries(due_threads, now)
    for key in entries:
        due += 1
        try:
            thread = Conversation.get(key.thread_id, consistent_read=True)
        except DoesNotExist:
            continue
        if thread.remind_at != key.remind_at or thread.waiting_on is None or thread.waiting_since is None:
            continue  # answered, or handled by another run, meanwhile
        remind = thread.reminded_at is None or thread.reminded_at < thread.waiting_since
        miss = is_missed(thread.waiting_since, now)
        if not _mark(thread, key.remind_at, remind=remind, miss=miss, now=now):
            continue
        missed += miss
        reminded += remind
    return ReminderRun(due=due, reminded=reminded, missed=missed)


def reminder_effects(change: Change) -> list[Effect]:
    """The reminder email of a thread whose "reminded" mark the change set, to the expert it waits on."""
    if change.new is None:
        return []
    new = Conversation.from_raw_data(change.new)
    old = Conversation.from_raw_data(change.old) if change.old is not None else None
    if new.reminded_at is None or (old is not None and old.reminded_at == new.reminded_at):
        return []
    if new.waiting_on is None or new.waiting_since is None:
        return []  # answered in the same instant: nothing to remind of
    key = f"conversation:{new.thread_id}:reminded:{new.reminded_at.isoformat()}"
    return [Effect(key, "email", partial(_send_reminder, new))]


def _send_reminder(thread: Conversation) -> str:
    from chalicelib.mail.send import send_email

    assert thread.waiting_on is not None
    assert thread.waiting_since is not None
    assert thread.reminded_at is not None
    subject, text = reminder_email(thread.title, thread.thread_id, thread.waiting_since, thread.reminded_at)
    return send_email(get_account(thread.waiting_on).email, subject, text)


def _mark(thread: Conversation, remind_at: str, *, remind: bool, miss: bool, now: datetime) -> bool:
    """Record what this run does for the thread's wait, on condition that no other run did it first: the
    reminder (then due again when 24 hours pass), or the miss (off the index, and counted on the expert's
    profile in the same transaction). False if another run, or an answer, came first."""
    assert thread.waiting_since is not None
    actions: list[Action] = [Conversation.reminded_at.set(now)] if remind else []
    if miss:
        actions += [
            Conversation.remind_shard.remove(),
            Conversation.remind_at.remove(),
            Conversation.missed_at.set(now),
        ]
    else:
        actions.append(Conversation.remind_at.set(sortable_utc(thread.waiting_since + ANSWER_WITHIN)))
    condition = Conversation.remind_at == remind_at
    try:
        profile = _profile(thread.expert_id) if miss else None
        if profile is not None:
            with write_transaction() as transaction:
                transaction.update(thread, actions=actions, condition=condition)
                transaction.update(
                    profile,  # as read, so its version moves on from the one read (not reset)
                    actions=[ExpertProfile.responses_missed.add(1)],
                    condition=ExpertProfile.expert_id.exists(),
                    add_version_condition=False,  # ADD commutes with any other change of the profile
                )
        else:
            thread.update(actions=actions, condition=condition)
    except TransactWriteError as error:
        if any(cancelled_items(error)) or transaction_conflicted(error):
            return False
        raise
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise
    return True


def _profile(expert_id: str) -> ExpertProfile | None:
    try:
        return ExpertProfile.get(expert_id, consistent_read=True, attributes_to_get=["expert_id", "version"])
    except DoesNotExist:
        return None


def reminder_email(title: str, thread_id: str, waiting_since: datetime, now: datetime) -> tuple[str, str]:
    hours = waiting_seconds(waiting_since, now) // 3600
    deadline = (waiting_since + ANSWER_WITHIN).strftime("%Y-%m-%d %H:%M UTC")
    subject = f"A client has waited {hours} hours for your answer"
    text = (
        f'Your client\'s message in "{title}" has waited {hours} hours.\n'
        f"Please answer by {deadline}: Parley experts answer messages within 24 hours.\n"
        f"Conversation: {thread_id}\n"
    )
    return subject, text
