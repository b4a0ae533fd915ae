"""Scheduled (hourly): remind experts of clients' messages that have waited 20 hours, before 24 pass.

Reads only the threads that are due, through the sparse ``remind-due-by-shard`` index (one Query per
shard, for everything due up to now however long the job was down: never a Scan). Each
waiting stretch is reminded once: the
"reminded" mark is written, on condition that the thread still waits for that same stretch,
before the email is sent, so a second run, or two at once, send nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import UpdateError

from chalicelib.accounts.account_records import get_account
from chalicelib.conversations.rules import ANSWER_WITHIN, waiting_seconds
from chalicelib.due_index import due_entries
from chalicelib.models.conditions import condition_failed
from chalicelib.models.conversation import Conversation

SendEmail = Callable[[str, str, str], object]


@dataclass(frozen=True)
class ReminderRun:
    due: int
    reminded: int


def remind_waiting_experts(now: datetime, send: SendEmail | None = None) -> ReminderRun:
    deliver = send or _ses_sender()
    due = reminded = 0
    due_threads = lambda shard, until: Conversation.remind_due.query(shard, Conversation.remind_at <= until)  # noqa: E731
    entries = due_entries(due_threads, now)
    for key in entries:
        due += 1
        thread = Conversation(key.thread_id)
        try:
            thread.update(
                actions=[
                    Conversation.remind_shard.remove(),
                    Conversation.remind_at.remove(),
                    Conversation.reminded_at.set(now),
                ],
                condition=Conversation.remind_at == key.remind_at,
            )
        except UpdateError as error:
            if condition_failed(error):
                continue  # answered, or reminded by another run, meanwhile
            raise
        if thread.waiting_on is None or thread.waiting_since is None:
            continue
        expert = get_account(thread.waiting_on)
        subject, text = reminder_email(thread.title, thread.thread_id, thread.waiting_since, now)
        deliver(expert.email, subject, text)
        reminded += 1
    return ReminderRun(due=due, reminded=reminded)


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


def _ses_sender() -> SendEmail:
    from chalicelib.mail.send import send_email

    return send_email
