"""Who is connected: one item per open WebSocket connection, read per person through an index.

Presence is per person, not per connection, and follows the connections
(``chalicelib/realtime/presence.py``): an expert who said online is shown online while any
device is connected, offline when the last one leaves or is found gone (410), and online
again when a device connects.
A device that joined a call is remembered on its connection (``session_id``: which call to
leave when it goes) and in the call itself (the session's ``client_devices`` / ``expert_devices``,
which the relay reads): losing it, by ``$disconnect`` or a 410 from the management API,
takes it out of the call, and the person leaves the call with their last device in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from pynamodb.exceptions import DoesNotExist

from chalicelib.errors import DomainError, NotAuthenticated
from chalicelib.models.ws_connection import WsConnection
from chalicelib.sessions.notifier import CallNotifier
from chalicelib.web.logs import log_info

# API Gateway closes every WebSocket connection after two hours at most.
CONNECTION_LIFETIME = timedelta(hours=2)
ONLINE = "online"
OFFLINE = "offline"


@dataclass(frozen=True)
class OpenConnection:
    connection_id: str


def open_connection(connection_id: str, account_id: str, *, media_base_url: str, now: datetime) -> None:
    """Record the connection; an expert who said online is shown online from now on."""
    from chalicelib.realtime.presence import device_connected

    WsConnection(
        connection_id,
        account_id=account_id,
        connected_at=now,
        expires_at=now + CONNECTION_LIFETIME,
    ).save()
    device_connected(account_id, media_base_url=media_base_url, now=now)


@lru_cache(maxsize=4096)
def account_of(connection_id: str) -> str:
    """The person behind a connection. Connection ids are never reused, so a warm function remembers them."""
    try:
        return WsConnection.get(connection_id, attributes_to_get=["account_id"]).account_id
    except DoesNotExist:
        raise NotAuthenticated("This connection is not signed in; reconnect.", code="connection_unknown") from None


def connections_of(account_id: str, now: datetime) -> list[OpenConnection]:
    """Every open connection of one person (one Query on the index; connections past their lifetime skipped)."""
    return [
        OpenConnection(item.connection_id)
        for item in WsConnection.by_account.query(account_id)
        if item.expires_at is None or item.expires_at > now
    ]


def call_of(connection_id: str) -> str | None:
    """The call this device joined, if any."""
    try:
        return WsConnection.get(connection_id, consistent_read=True, attributes_to_get=["session_id"]).session_id
    except DoesNotExist:
        return None


def join_session(connection_id: str, session_id: str | None) -> None:
    """Remember which call this device is in (``None``: none)."""
    action = WsConnection.session_id.set(session_id) if session_id is not None else WsConnection.session_id.remove()
    WsConnection(connection_id).update(actions=[action], condition=WsConnection.connection_id.exists())


STILL_CONNECTING = timedelta(seconds=30)  # API Gateway gives an integration of $connect up to 29 s


def close_connection(
    connection_id: str, *, notifier: CallNotifier, media_base_url: str, now: datetime, answered_gone: bool = False
) -> None:
    """A device is gone: it disconnected, or API Gateway answered 410 Gone for it (``answered_gone``; then its
    ``$disconnect`` may come too, and finds nothing left to do). It leaves the call it was in (the person leaves
    with their last device in it); if it was their last device at all, an online expert goes offline (a busy
    one is left to the call, which ends by itself after its grace period and then decides the expert's presence).

    API Gateway also answers 410 for a connection whose ``$connect`` has not finished yet (its item is written
    during ``$connect``): a 410 within ``STILL_CONNECTING`` of the connection's start closes nothing; if it never
    opens, its ``$disconnect`` or the item's TTL removes it."""
    try:
        closed = WsConnection.get(connection_id)
    except DoesNotExist:
        return
    if answered_gone and now - closed.connected_at < STILL_CONNECTING:
        return
    closed.delete()
    log_info("connection closed", connection_id=connection_id)
    if closed.session_id:
        leave_call_on(connection_id, closed.session_id, closed.account_id, notifier=notifier, now=now)
    if not any(c.connection_id != connection_id for c in connections_of(closed.account_id, now)):
        from chalicelib.realtime.presence import no_device_left

        no_device_left(closed.account_id, media_base_url=media_base_url, now=now)


def leave_call_on(
    connection_id: str, session_id: str, account_id: str, *, notifier: CallNotifier, now: datetime
) -> None:
    """This device leaves the call (safe to repeat: a device no longer in the call changes nothing)."""
    from chalicelib.sessions import calls

    try:
        calls.leave_call(session_id, account_id, device=connection_id, notifier=notifier, now=now)
    except DomainError as error:  # no such call for this person: nothing to leave
        log_info("left no call", session_id=session_id, account_id=account_id, code=error.code)
