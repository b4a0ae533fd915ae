"""The rules of a conversation, pure: ids, who a thread waits on, when the expert is reminded, page sizes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.errors import FieldProblem, InvalidInput
from chalicelib.timestamps import sortable_utc
from chalicelib.web.numbers import is_plain_digits

SUBJECTS = ("booking", "service_checkout", "lead", "direct")
DIRECT = "direct"  # a client writes to an expert without a booking: one thread per (client, expert)
CLIENT = "client"  # for a lead: the buyer
EXPERT = "expert"  # for a lead: the seller
SYSTEM_SENDER = "system"
MESSAGE = "message"
EVENT = "event"

MAX_TEXT = 10_000
MAX_ATTACHMENTS = 10
PREVIEW_LENGTH = 140
ANSWER_WITHIN = timedelta(hours=24)  # what experts promise (the seeds: "no later than 24 hours")
REMIND_AFTER = timedelta(hours=20)  # the reminder leaves the expert 4 hours to answer in time
PAGE_SIZE = 20
RECENT_RESPONSES = 50  # the typical response time is the median of the expert's last 50 answers
MIN_WAITS_FOR_RATE = 3  # a response rate from fewer waits says nothing
MAX_PREFERRED_TIMES = 3
APPOINTMENT_MINUTES = (15, 180)
MAX_PAGE_SIZE = 100


def thread_id_for(subject: str, subject_id: str) -> str:
    """The one thread of a subject: the same id every time, so opening it twice opens one thread."""
    if subject not in SUBJECTS:
        raise ValueError(f"unknown conversation subject {subject!r}")
    return f"{subject}:{subject_id}"


def direct_subject_id(client_id: str, expert_id: str) -> str:
    """The subject id of the one direct thread of a client with an expert (account ids hold no '.')."""
    return f"{client_id}.{expert_id}"


def message_id_for(sender_id: str, idempotency_key: str) -> str:
    """A message's id from its sender's idempotency key: a retry names the same message."""
    return "m-" + hashlib.sha256(f"{sender_id}\n{idempotency_key}".encode()).hexdigest()[:32]


def event_message_id(event_key: str) -> str:
    """A state change's id from what caused it: recording it twice records it once."""
    return "e-" + hashlib.sha256(event_key.encode()).hexdigest()[:32]


def order_key(moment: datetime, item_id: str) -> str:
    return f"{sortable_utc(moment)}#{item_id}"


def preview(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW_LENGTH else flat[: PREVIEW_LENGTH - 1] + "…"


@dataclass(frozen=True)
class Waiting:
    """Whose answer a thread awaits, since when, and when that person is due a reminder."""

    on: str | None = None
    since: datetime | None = None
    remind_at: datetime | None = None


def after_message(current: Waiting, *, sender_id: str, client_id: str, expert_id: str, sent_at: datetime) -> Waiting:
    """The client's message makes the thread wait on the expert from the first unanswered one;
    the expert's message answers it. (A client is never reminded: the promise is the expert's.)"""
    if sender_id == expert_id:
        return Waiting()
    if sender_id == client_id and current.on != expert_id:
        return Waiting(on=expert_id, since=sent_at, remind_at=sent_at + REMIND_AFTER)
    return current


def waiting_seconds(since: datetime | None, now: datetime) -> int:
    return max(0, int((now - since).total_seconds())) if since is not None else 0


def answered_in_time(seconds: int) -> bool:
    return seconds <= ANSWER_WITHIN.total_seconds()


def is_missed(since: datetime, now: datetime) -> bool:
    """A wait with no answer once ``ANSWER_WITHIN`` has passed counts as missed."""
    return now >= since + ANSWER_WITHIN


def recent_seconds(previous: list[int], seconds: int) -> list[int]:
    """The expert's last ``RECENT_RESPONSES`` response times, oldest first, with ``seconds`` added."""
    return [*previous, seconds][-RECENT_RESPONSES:]


def median_seconds(seconds: list[int]) -> int | None:
    if not seconds:
        return None
    ordered = sorted(seconds)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) // 2


def response_rate(within: int, answered: int, missed: int) -> float | None:
    """Waits answered within 24 hours over all waits that ended (answered, or missed): null until there are
    ``MIN_WAITS_FOR_RATE`` of them."""
    waits = answered + missed
    if waits < MIN_WAITS_FOR_RATE:
        return None
    return round(within / waits, 4)


def page_size(raw: str | None) -> int:
    if raw is None:
        return PAGE_SIZE
    if not is_plain_digits(raw) or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise InvalidInput(
            f"'limit' is a whole number from 1 to {MAX_PAGE_SIZE}.",
            [FieldProblem("limit", "invalid_limit", f"From 1 to {MAX_PAGE_SIZE}.")],
            code="invalid_limit",
        )
    return int(raw)
