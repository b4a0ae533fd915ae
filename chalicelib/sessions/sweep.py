"""A call's due work, run by its own timer: expire an unanswered request, warn before the cutoff,
end a call at its cutoff or after a dropped side's grace, end an accepted call nobody joined, and
settle an ended call a crash left unsettled. And the backstop that re-sends lost timers.

``run_timers`` gets one SQS batch (at most 10 timers, ``timers.py``): for each call that is due it
reads the session once and makes the same conditional writes as a hang-up would race, so a timer
delivered twice, or run concurrently with a join, a leave or a hang-up, ends and charges each call
once and sends each warning once. A write that moves the call's due moment sends its next timer.
Its work is that of its batch's calls, whatever the number of live calls.

``backstop`` (every minute) reads only the calls overdue by more than a grace (the sparse, sharded
``live`` index, keys only, at most ``BACKSTOP_PAGE`` per shard, oldest first) and re-sends their
timers: a crash between a write and its timer, or between ending a call and settling it, is
repaired within a minute or so. A run that finds a full page leaves the rest to the next run (the
calls it re-sent are no longer overdue by then).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.errors import Conflict
from chalicelib.models.conditions import condition_failed
from chalicelib.models.session import LIVE_SHARDS, CallSession
from chalicelib.operations.metrics import SECONDS, SWEEP_LAG, emit
from chalicelib.sessions.billing import WARNINGS_BEFORE_LIMIT
from chalicelib.sessions.calls import (
    MINUTE,
    NOT_STARTED_AFTER,
    WRITE_ATTEMPTS,
    end_call,
    expire_call,
    next_due,
    settle_call,
    to_session,
)
from chalicelib.sessions.notifier import CallNotifier
from chalicelib.sessions.session import ACCEPTED, ACTIVE, ENDED, REQUESTED
from chalicelib.sessions.timers import CallTimers, Timer, set_timer_if_moved
from chalicelib.web.logs import log_error

BACKSTOP_PAGE = 100  # overdue calls read per shard and run: 8 Queries and at most 80 SendMessageBatch


@dataclass
class TimerResult:
    timers: int = 0
    waiting: int = 0  # arrived before their moment (a wait longer than SQS's 15 minutes): sent again
    idle: int = 0  # their call was not due: it moved on, or this was a second delivery
    expired: int = 0
    ended: int = 0
    settled: int = 0
    warned: int = 0
    failed: int = 0


def run_timers(timers: Sequence[Timer], now: datetime, notifier: CallNotifier, queue: CallTimers) -> TimerResult:
    """One batch of call timers. A call whose work fails is logged and left to the backstop (it stays
    overdue), so one bad call neither stops the others nor makes SQS run the whole batch again."""
    result = TimerResult(timers=len(timers))
    early = [timer for timer in timers if timer.due_at > now]
    if early:
        queue.send(early, now)
        result.waiting = len(early)
    for timer in timers:
        if timer.due_at > now:
            continue
        try:
            _run_one(timer.session_id, now, notifier, queue, result)
        except Exception:
            result.failed += 1
            log_error("a call's timer failed; the backstop runs it again", session_id=timer.session_id)
    return result


def _is_due(item: CallSession, now: datetime) -> bool:
    return item.due_at is not None and datetime.fromisoformat(item.due_at) <= now


def _run_one(session_id: str, now: datetime, notifier: CallNotifier, queue: CallTimers, result: TimerResult) -> None:
    try:
        item = CallSession.get(session_id, consistent_read=True)
    except DoesNotExist:
        result.idle += 1
        return
    if not _is_due(item, now):
        result.idle += 1
        return
    assert item.due_at is not None
    emit(SWEEP_LAG, round((now - datetime.fromisoformat(item.due_at)).total_seconds(), 3), SECONDS)
    if item.state == REQUESTED and now >= item.expires_at:
        result.expired += expire_call(item, now=now)
    elif item.state == ACCEPTED and now >= _not_started_by(item, now):
        _end(item, "not_started", now, result)
    elif item.state == ENDED and not item.settled:
        result.settled += settle_call(item, now=now)
    elif item.state == ACTIVE:
        reason = to_session(item).due_to_end(now)
        if reason is not None:
            _end(item, reason, now, result)
        else:
            result.warned += _warn(item, now, notifier, queue)
    else:
        result.idle += 1


def _not_started_by(item: CallSession, now: datetime) -> datetime:
    """An accepted call nobody joined ends then: after a few minutes, or an appointment's call at its booked end."""
    if item.ends_by is not None:
        return item.ends_by
    return (item.accepted_at or now) + NOT_STARTED_AFTER


def _end(item: CallSession, reason: str, now: datetime, result: TimerResult) -> None:
    try:
        ended = end_call(item.session_id, reason, now=now)
    except Conflict:
        return
    result.ended += ended.state == ENDED


def _warn(item: CallSession, now: datetime, notifier: CallNotifier, queue: CallTimers) -> bool:
    """Record the warnings due now and the call's next moment, then send them: the conditional write (the
    item's version) makes each warning once-only. A write that lost to another change is re-read and tried
    again, unless the call is no longer due (a second delivery of this timer got there first).
    The warnings count down to the call's cutoff (an appointment's: its booked end, if sooner than 90 minutes).
    True if this run sent a warning."""
    for _ in range(WRITE_ATTEMPTS):
        cutoff = to_session(item).cutoff
        assert cutoff is not None
        sent = set(item.warnings_sent or [])
        due_warnings = [
            int(before // MINUTE)
            for before in WARNINGS_BEFORE_LIMIT
            if now >= cutoff - before and str(int(before // MINUTE)) not in sent
        ]
        due_before = item.due_at
        item.warnings_sent = sorted(sent | {str(m) for m in due_warnings})
        due = next_due(item, now)
        item.due_at = due.isoformat() if due is not None else None
        try:
            item.save()
        except PutError as error:
            if not condition_failed(error):
                raise
            item = CallSession.get(item.session_id, consistent_read=True)
            if item.state != ACTIVE or not _is_due(item, now):
                return False
            continue
        set_timer_if_moved(item, due_before, now, queue)
        if not due_warnings:
            return False
        minutes_left = min(due_warnings)  # the most urgent one only, if a moment was missed
        for person in (item.client_id, item.expert_id):
            notifier.notify(
                person, {"type": "session.warning", "session_id": item.session_id, "minutes_left": minutes_left}
            )
        return True
    return False  # changed elsewhere each time: still due, so the backstop sends its timer again


def backstop(now: datetime, queue: CallTimers, grace: timedelta) -> int:
    """Re-send the timers of calls overdue by more than ``grace``; returns how many. Reads at most
    ``BACKSTOP_PAGE`` index keys per shard (one Query each), however many calls are live or overdue."""
    until = (now - grace).isoformat()
    overdue: list[Timer] = []
    for shard in range(LIVE_SHARDS):
        for key in CallSession.live.query(
            str(shard), CallSession.due_at <= until, limit=BACKSTOP_PAGE, page_size=BACKSTOP_PAGE
        ):
            if key.due_at is not None:
                overdue.append(Timer(key.session_id, datetime.fromisoformat(key.due_at)))
    if overdue:
        queue.send(overdue, now)
    return len(overdue)
