"""ICE servers for a call: STUN for everyone in it, TURN with credentials that end with the call.

TURN relays cost bandwidth, so only the call's two participants get TURN credentials,
and only while the call is live (accepted or active, before its cutoff). The credentials
follow the TURN REST API scheme that coturn's ``use-auth-secret`` and managed TURN
services check without asking us:

    username   = "<expiry as Unix seconds>:<account id>"
    credential = base64(HMAC-SHA1(shared secret, username))

The TURN server refuses a username whose expiry has passed. Credentials last until the
call's cutoff (90 minutes after it went active) plus ``MARGIN``; for a call that is
accepted but not active yet, from the latest time it could still start.

The shared secret lives in SSM (``PARLEY_TURN_SECRET_PARAMETER``; ``PARLEY_TURN_SECRET``
on the local stack); the URIs are stage settings (``PARLEY_STUN_URLS``, ``PARLEY_TURN_URLS``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from chalicelib.errors import Conflict, NotFound
from chalicelib.sessions.billing import SESSION_LIMIT
from chalicelib.sessions.session import ACCEPTED, ACTIVE, Session

MARGIN = timedelta(minutes=10)  # clock skew, and the last TURN refresh before the cutoff


@dataclass(frozen=True)
class TurnCredential:
    username: str
    credential: str
    expires_at: datetime


def turn_credential(secret: str, account: str, expires_at: datetime) -> TurnCredential:
    """The TURN REST API credential for ``account`` that the TURN server accepts until ``expires_at``."""
    expiry = int(expires_at.timestamp())
    username = f"{expiry}:{account}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return TurnCredential(username, base64.b64encode(digest).decode(), datetime.fromtimestamp(expiry, UTC))


def credentials_expire_at(session: Session, latest_start: datetime) -> datetime:
    """When a participant's TURN credentials for this call stop working: its cutoff plus the margin.

    ``latest_start`` is when an accepted call still waiting for its participants would be
    ended if nobody joined; an active call counts from when it went active. An appointment's call ends by
    its booked end.
    """
    if session.ends_by is not None:  # an appointment's call: until its cutoff, or its booked end before it starts
        return (session.cutoff or session.ends_by) + MARGIN
    start = session.active_at or latest_start
    return start + SESSION_LIMIT + MARGIN


def check_live_call(session: Session, account_id: str, now: datetime) -> None:
    """Only the call's participants, and only while it is live; a stranger is told it does not exist."""
    if account_id not in (session.client_id, session.expert_id):
        raise NotFound("No call has this id.", code="session_not_found")
    if session.state not in (ACCEPTED, ACTIVE):
        raise Conflict(f"This call is {session.state}.", code=f"session_{session.state}")
    if session.cutoff is not None and now >= session.cutoff:
        raise Conflict("This call has reached its time limit.", code="session_time_limit")


def ice_configuration(
    stun_urls: tuple[str, ...], turn_urls: tuple[str, ...], credential: TurnCredential
) -> dict[str, Any]:
    """What a browser passes as ``RTCPeerConnection({iceServers})``, and when it stops working."""
    servers: list[dict[str, Any]] = []
    if stun_urls:
        servers.append({"urls": list(stun_urls)})
    if turn_urls:
        servers.append({"urls": list(turn_urls), "username": credential.username, "credential": credential.credential})
    return {"ice_servers": servers, "expires_at": credential.expires_at.isoformat()}


# ---------------------------------------------------------------- use case


@lru_cache(maxsize=1)
def turn_secret() -> str:
    from chalicelib.stage_secrets import stage_secret

    return stage_secret("PARLEY_TURN_SECRET_PARAMETER", "PARLEY_TURN_SECRET")


def ice_servers_for_call(session_id: str, account_id: str, now: datetime) -> dict[str, Any]:
    """STUN and TURN servers for one participant of a live call (404 for anyone else, 409 once it is over)."""
    from chalicelib import runtime
    from chalicelib.sessions import calls

    item = calls.load_session(session_id)
    session = calls.to_session(item)
    check_live_call(session, account_id, now)
    latest_start = (session.accepted_at or now) + calls.NOT_STARTED_AFTER
    settings = runtime.settings()
    secret = turn_secret() if settings.turn_urls else ""
    credential = turn_credential(secret, account_id, credentials_expire_at(session, latest_start))
    return ice_configuration(settings.stun_urls, settings.turn_urls, credential)
