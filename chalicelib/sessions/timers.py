"""Each live call's own timer: one SQS message, delayed until the call's next due moment.

A call is due when something must happen without anyone asking: its request expires, an
accepted call nobody joined ends, a warning goes out (5 and 1 minutes before the cutoff), the
call ends at its cutoff (90:00, or an appointment's booked end), a side that dropped has not come
back within the grace. The session's ``due_at`` says when (``calls.next_due``); every write that
moves it sends the call a timer for the new moment (``set_timer_if_moved``). The timer consumer
(``sweep.run_timers``) does that call's due work and sends its next timer. So the work of one
invocation is that of at most 10 calls (one SQS batch), however many calls are live.

SQS delays a message by at most 15 minutes: a timer due later is sent with the most SQS allows,
and a timer that arrives before its moment (that one, or after a clock moved back) is sent again
with what remains, without reading anything. A timer that finds its call not due (the call moved
on, or this is a second delivery) does nothing. A timer lost to a crash between a write and its
send is re-sent by the backstop (``sweep.backstop``), which reads only calls overdue by a grace.

The body is JSON: ``{"session_id": ..., "due_at": ISO 8601 UTC}``.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from chalicelib.web.logs import log_error

if TYPE_CHECKING:
    from chalicelib.models.session import CallSession

MAX_DELAY = timedelta(seconds=900)  # SQS's DelaySeconds limit
SQS_BATCH = 10  # SendMessageBatch takes at most 10 entries
DEFAULT_GRACE_SECONDS = 60


@dataclass(frozen=True)
class Timer:
    session_id: str
    due_at: datetime

    def to_json(self) -> str:
        return json.dumps({"session_id": self.session_id, "due_at": self.due_at.isoformat()})

    @classmethod
    def from_json(cls, body: str) -> Timer:
        data = json.loads(body)
        return cls(session_id=str(data["session_id"]), due_at=datetime.fromisoformat(data["due_at"]))


def delay_seconds(due_at: datetime, now: datetime) -> int:
    """Whole seconds SQS should hold the timer: never early (rounded up), at most 15 minutes."""
    seconds = math.ceil((due_at - now).total_seconds())
    return max(0, min(seconds, int(MAX_DELAY.total_seconds())))


class CallTimers(Protocol):
    def send(self, timers: Sequence[Timer], now: datetime) -> None:
        """Each timer arrives at its ``due_at`` (or 15 minutes from ``now``, whichever is sooner)."""
        ...


class SqsCallTimers:
    """The call-timer queue (``PARLEY_CALL_TIMER_QUEUE_URL``): batches of 10, each message delayed."""

    def __init__(self, queue_url: str | None = None) -> None:
        self._url = queue_url

    def send(self, timers: Sequence[Timer], now: datetime) -> None:
        from chalicelib.payouts.sqs import queue_url, sqs_client

        url = self._url or queue_url("PARLEY_CALL_TIMER_QUEUE_URL")
        for start in range(0, len(timers), SQS_BATCH):
            entries = [
                {"Id": str(n), "MessageBody": timer.to_json(), "DelaySeconds": delay_seconds(timer.due_at, now)}
                for n, timer in enumerate(timers[start : start + SQS_BATCH])
            ]
            answer = sqs_client().send_message_batch(QueueUrl=url, Entries=entries)
            if answer.get("Failed"):
                raise RuntimeError(f"SQS refused call timers: {answer['Failed']}")


def set_timer_if_moved(item: CallSession, due_before: str | None, now: datetime, timers: CallTimers) -> None:
    """After a write of ``item``: if it moved the call's due moment, the call gets a timer for the new one.

    An ended call is settled by the writer that ended it, at once; one that a crash left unsettled is
    found by the backstop. The write has happened: a failed send is logged, not raised (the backstop
    re-sends the timer once the call is overdue)."""
    if item.due_at is None or item.due_at == due_before or item.state == "ended":
        return
    try:
        timers.send([Timer(item.session_id, datetime.fromisoformat(item.due_at))], now)
    except Exception:
        log_error("sending a call timer failed; the backstop re-sends it", session_id=item.session_id)


def backstop_grace() -> timedelta:
    """How overdue a call must be before the backstop re-sends its timer (``PARLEY_CALL_TIMER_GRACE_SECONDS``):
    longer than a timer's normal lateness, so it rarely doubles a timer in flight (a double is harmless)."""
    raw = os.environ.get("PARLEY_CALL_TIMER_GRACE_SECONDS", str(DEFAULT_GRACE_SECONDS))
    if not raw.isdigit():
        raise RuntimeError(f"PARLEY_CALL_TIMER_GRACE_SECONDS must be whole seconds, not {raw!r}")
    return timedelta(seconds=int(raw))
