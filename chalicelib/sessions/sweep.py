"""Every minute: expire unanswered requests, warn before the 90-minute limit, tick the live meter,
end overdue or abandoned calls, and settle ended calls a crash left unsettled.

It reads only live sessions that are due (the sparse, sharded ``live`` index, by due time), never
a Scan. Every change is a conditional write of the session: running it twice, or concurrently with
itself or a hang-up, ends and charges each call once and sends each warning and meter tick once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.errors import Conflict
from chalicelib.models.conditions import condition_failed
from chalicelib.models.session import LIVE_SHARDS, CallSession
from chalicelib.sessions.billing import WARNINGS_BEFORE_LIMIT, cutoff_at
from chalicelib.sessions.billing_end import running_bill
from chalicelib.sessions.calls import (
    MINUTE,
    NOT_STARTED_AFTER,
    end_call,
    expire_call,
    next_due,
    settle_call,
    tariff_of,
    to_session,
)
from chalicelib.sessions.notifier import CallNotifier
from chalicelib.sessions.session import ACCEPTED, ACTIVE, ENDED, REQUESTED
from chalicelib.web.logs import log_error


@dataclass
class SweepResult:
    due: int = 0
    expired: int = 0
    ended: int = 0
    settled: int = 0
    warned: int = 0
    metered: int = 0
    failed: int = 0


def sweep_calls(now: datetime, notifier: CallNotifier) -> SweepResult:
    result = SweepResult()
    for session_id in due_session_ids(now):
        result.due += 1
        try:
            _sweep_one(session_id, now, notifier, result)
        except Exception:  # one bad call must not stop the others; the next run retries it
            result.failed += 1
            log_error("sweeping a call failed", session_id=session_id)
    return result


def due_session_ids(now: datetime) -> list[str]:
    """Live sessions due by ``now``, from every shard of the sparse index (keys only)."""
    ids: list[str] = []
    for shard in range(LIVE_SHARDS):
        for key in CallSession.live.query(str(shard), CallSession.due_at <= now.isoformat()):
            ids.append(key.session_id)
    return ids


def _sweep_one(session_id: str, now: datetime, notifier: CallNotifier, result: SweepResult) -> None:
    try:
        item = CallSession.get(session_id, consistent_read=True)
    except DoesNotExist:
        return
    if item.state == REQUESTED and now >= item.expires_at:
        result.expired += expire_call(item, notifier=notifier, now=now)
    elif item.state == ACCEPTED and now >= _not_started_by(item, now):
        _end(item, "not_started", now, notifier, result)
    elif item.state == ENDED and not item.settled:
        result.settled += settle_call(item, notifier=notifier, now=now)
    elif item.state == ACTIVE:
        reason = to_session(item).due_to_end(now)
        if reason is not None:
            _end(item, reason, now, notifier, result)
        else:
            _warn_and_meter(item, now, notifier, result)


def _not_started_by(item: CallSession, now: datetime) -> datetime:
    """An accepted call nobody joined ends then: after a few minutes, or an appointment's call at its booked end."""
    if item.ends_by is not None:
        return item.ends_by
    return (item.accepted_at or now) + NOT_STARTED_AFTER


def _end(item: CallSession, reason: str, now: datetime, notifier: CallNotifier, result: SweepResult) -> None:
    try:
        ended = end_call(item.session_id, reason, notifier=notifier, now=now)
    except Conflict:
        return
    result.ended += ended.state == ENDED


def _warn_and_meter(item: CallSession, now: datetime, notifier: CallNotifier, result: SweepResult) -> None:
    """Record the warnings and meter tick due now, then send them: the conditional write makes them once-only.
    The warnings count down to the call's cutoff (an appointment's: its booked end, if sooner than 90 minutes);
    an appointment's call has no meter (its booking paid for it)."""
    assert item.active_at is not None
    cutoff = to_session(item).cutoff or cutoff_at(item.active_at)
    sent = set(item.warnings_sent or [])
    due_warnings = [
        int(before // MINUTE)
        for before in WARNINGS_BEFORE_LIMIT
        if now >= cutoff - before and str(int(before // MINUTE)) not in sent
    ]
    minute = int((now - item.active_at) // MINUTE)
    meter_due = minute >= 1 and minute > int(item.last_meter_minute or 0) and item.appointment_id is None
    item.warnings_sent = sorted(sent | {str(m) for m in due_warnings})
    item.last_meter_minute = max(minute, int(item.last_meter_minute or 0))
    due = next_due(item, now)
    item.due_at = due.isoformat() if due is not None else None
    try:
        item.save()
    except PutError as error:
        if condition_failed(error):
            return  # a concurrent sweep or a join/leave changed it: the next run looks again
        raise
    people = (item.client_id, item.expert_id)
    if due_warnings:
        minutes_left = min(due_warnings)  # the most urgent one only, if a run was missed
        for person in people:
            notifier.notify(
                person, {"type": "session.warning", "session_id": item.session_id, "minutes_left": minutes_left}
            )
        result.warned += 1
    if meter_due:
        for person, message in meter_messages(item, now).items():
            notifier.notify(person, message)
        result.metered += 1


def meter_messages(item: CallSession, now: datetime) -> dict[str, dict[str, Any]]:
    """The live meter: the client sees the running cost, the expert the running earnings (the bill
    if the call were hung up now: only the time both have been connected)."""
    assert item.active_at is not None
    bill = running_bill(
        to_session(item), tariff_of(item), now=now, free_minutes=int(item.free_minutes or 0),
        commission_bps=item.commission_bps,
    )  # fmt: skip
    cost, earnings = (bill.amount, bill.earnings) if item.paid else (0, 0)
    common = {"type": "session.meter", "session_id": item.session_id, "currency": item.currency,
              "minutes": int((now - item.active_at) // MINUTE)}  # fmt: skip
    return {
        item.client_id: common | {"client_cost": cost},
        item.expert_id: common | {"expert_earnings": earnings},
    }
