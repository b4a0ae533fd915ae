"""Where a call stops counting, for billing: the hang-up, or the last moment both were connected.

A call ends at a hang-up, at the 90-minute cutoff, or when the sweep notices that one side
dropped and did not come back within the grace period. For billing, its end is the last
moment both participants were connected before it ended: the hang-up (or the cutoff) when
both were in then, the moment of the drop when one side never came back. Never the end of
the grace period, nor the moment the sweep ran.

Time is billed only from the first report that the call's media connected (either side's:
one honest side suffices); a call with no report costs nothing. The report never moves the
end, nor the start before going active, so the end for billing, the free window and the
receipts' duration do not depend on it.

This one end serves everything that depends on it: the time billed, the 3-minute
no-charge window ("either side can stop the session within three minutes for no
charge") and the duration on both receipts. The live meter is the same bill for the call
as if it were hung up at the meter's tick, so it never shows more than the call would cost.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.sessions.billing import Bill, Tariff, bill_for, both_connected_seconds, cutoff_at
from chalicelib.sessions.session import Session


def end_for_billing(session: Session) -> datetime | None:
    """The last moment both were connected, between going active and the end (never past the cutoff).
    None for a call that never went active or has not ended."""
    if session.active_at is None or session.ended_at is None:
        return None
    limit = min(session.ended_at, session.cutoff or cutoff_at(session.active_at))
    last = session.active_at
    for a in session.client_intervals:
        for b in session.expert_intervals:
            start, end = max(a.start, b.start, session.active_at), min(a.end, b.end, limit)
            if end > start:
                last = max(last, end)
    return last


def billed_duration(session: Session) -> timedelta:
    """From going active to the end for billing: what the free window tests and the receipts show."""
    end = end_for_billing(session)
    if session.active_at is None or end is None:
        return timedelta()
    return end - session.active_at


def billed_seconds(session: Session) -> int:
    """Whole seconds both were connected, from the first report of media connected (never before going
    active) to the end for billing: the time billed. No report, no time billed."""
    end = end_for_billing(session)
    if session.active_at is None or end is None or session.media_connected_at is None:
        return 0
    return both_connected_seconds(
        session.client_intervals, session.expert_intervals, active_at=session.active_at, until=end,
        since=session.media_connected_at,
    )  # fmt: skip


def bill_of_call(session: Session, tariff: Tariff, *, free_minutes: int, commission_bps: int) -> Bill:
    """The bill of an ended call: its time together up to the end for billing, free if that end
    came within 3 minutes of going active."""
    return bill_for(
        tariff, free_minutes=free_minutes, billable_seconds=billed_seconds(session),
        active_for=billed_duration(session), commission_bps=commission_bps,
    )  # fmt: skip


def running_bill(session: Session, tariff: Tariff, *, now: datetime, free_minutes: int, commission_bps: int) -> Bill:
    """The live meter of an active call: its bill if it were hung up ``now``. Only the time both have
    been connected counts (not a gap while one side is away), and it is free while the last moment
    both were in is within 3 minutes of going active."""
    return bill_of_call(session.end(now, "hung_up"), tariff, free_minutes=free_minutes, commission_bps=commission_bps)
