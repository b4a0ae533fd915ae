"""A person's calls that ring or are under way, for a device that has just connected.

Read through the sessions table's two sparse indexes (``live-by-client``, ``live-by-expert``):
one Query each and one batch read of the sessions found, never a Scan."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.models.session import CallSession
from chalicelib.sessions.calls import session_view
from chalicelib.sessions.session import ACCEPTED, ACTIVE, REQUESTED


def live_calls_of(account_id: str, now: datetime) -> list[dict[str, Any]]:
    """Views of the person's requested (and not expired), accepted and active calls, oldest request first."""
    keys = {item.session_id for item in CallSession.live_by_client.query(account_id)}
    keys |= {item.session_id for item in CallSession.live_by_expert.query(account_id)}
    items = [
        item
        for item in CallSession.batch_get(sorted(keys))
        if account_id in (item.client_id, item.expert_id) and _live(item, now)
    ]
    return [session_view(item, account_id) for item in sorted(items, key=lambda i: i.requested_at)]


def _live(item: CallSession, now: datetime) -> bool:
    return item.state in (ACCEPTED, ACTIVE) or (item.state == REQUESTED and now < item.expires_at)
