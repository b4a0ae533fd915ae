"""The call notifications that must not be lost: a call's end with its bill, a failed card, and a request
that ended unanswered (declined, cancelled, expired). Each follows from the call's change in the sessions
table's stream (``chalicelib/outbox``), so it is sent though the request that made the change died or the
WebSocket API failed at that moment; each to each side once, keyed by its cause.

A notification is as of the change that caused it (the stream record's new image), so a late one never
shows a later state as this one's. The moment-to-moment messages of a call getting under way (requested,
accepted, hold ready, joined, left, the warnings) are sent by the request itself: they are worth something
only within seconds, and a page that missed one reads the call again (``GET /sessions/{id}``) when it
reconnects.

The one window left, as for emails: a person with several devices whose send failed on one of them after
reaching another is sent it again on all of them by the retry; every notification carries the session's
state, so a page that gets one twice shows the same thing.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from chalicelib import runtime
from chalicelib.models.session import CallSession
from chalicelib.outbox.changes import Change
from chalicelib.outbox.effects import Effect
from chalicelib.sessions.calls import bill_view, session_view
from chalicelib.sessions.session import CANCELLED, DECLINED, EXPIRED

UNANSWERED = {DECLINED: "session.declined", CANCELLED: "session.cancelled", EXPIRED: "session.expired"}


def notice_effects(change: Change) -> list[Effect]:
    """A notification to each side of what this change of a call did, if it is one of those above."""
    if change.new is None:
        return []
    new = CallSession.from_raw_data(change.new)
    old = CallSession.from_raw_data(change.old) if change.old is not None else None
    if new.settled and not (old is not None and old.settled):
        return _to_both(new, "ended", lambda person: _ended(new, person))
    if new.state in UNANSWERED and (old is None or old.state != new.state):
        kind = UNANSWERED[new.state]
        return _to_both(new, new.state, lambda person: {"type": kind, "session": session_view(new, person)})
    if new.payment_failed_at is not None and (old is None or old.payment_failed_at != new.payment_failed_at):
        return _to_both(new, f"payment_failed:{new.payment_failed_at.isoformat()}", lambda p: _payment_failed(new, p))
    return []


def _to_both(item: CallSession, cause: str, message: Any) -> list[Effect]:
    return [
        Effect(f"session:{item.session_id}:{cause}:notice:{person}", "notification", partial(_notify, person, message))
        for person in (item.client_id, item.expert_id)
    ]


def _notify(person: str, message: Any) -> None:
    runtime.notifier().notify(person, message(person))


def _ended(item: CallSession, person: str) -> dict[str, Any]:
    return {"type": "session.ended", "session_id": item.session_id, "reason": item.end_reason,
            "bill": bill_view(item, person), "session": session_view(item, person)}  # fmt: skip


def _payment_failed(item: CallSession, person: str) -> dict[str, Any]:
    """The client is told why (the card's code and message); the expert only that it failed."""
    told = {"type": "session.payment_failed", "session_id": item.session_id, "session": session_view(item, person)}
    if person == item.client_id:
        told |= {"code": item.payment_failure_code, "reason": item.payment_failure_reason}
    return told
