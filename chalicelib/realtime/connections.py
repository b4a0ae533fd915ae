"""Who is connected: one item per open WebSocket connection, read per person through an index.

Presence is per person, not per connection, and follows the connections
(``chalicelib/realtime/presence.py``): an expert who said online is shown online while any
device is connected, offline when the last one leaves or is found gone (410), and online
again when a device connects.
A device that joined a call is remembered on its connection, so that signalling
reaches that device and its loss counts as leaving the call.
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
    session_id: str | None


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
        OpenConnection(item.connection_id, item.session_id)
        for item in WsConnection.by_account.query(account_id)
        if item.expires_at is None or item.expires_at > now
    ]


def forget_connection(connection_id: str, *, media_base_url: str, now: datetime) -> None:
    """Drop a connection API Gateway no longer knows (it answered 410 Gone); if it was the
    person's last, an online expert is shown offline, as after a disconnect."""
    from chalicelib.realtime.presence import no_device_left

    try:
        gone = WsConnection.get(connection_id)
    except DoesNotExist:
        return
    gone.delete()
    log_info("stale connection removed", connection_id=connection_id)
    if not any(c.connection_id != connection_id for c in connections_of(gone.account_id, now)):
        no_device_left(gone.account_id, media_base_url=media_base_url, now=now)


def join_session(connection_id: str, session_id: str | None) -> None:
    """Remember which call this device is in (``None``: none)."""
    action = WsConnection.session_id.set(session_id) if session_id is not None else WsConnection.session_id.remove()
    WsConnection(connection_id).update(actions=[action], condition=WsConnection.connection_id.exists())


def close_connection(connection_id: str, *, notifier: CallNotifier, media_base_url: str, now: datetime) -> None:
    """A device disconnected. If it was the person's last device in a call, they left the call; if it was
    their last device at all, an online expert goes offline (a busy one is left to the call, which ends
    by itself after its grace period and then decides the expert's presence)."""
    try:
        closed = WsConnection.get(connection_id)
    except DoesNotExist:
        return
    closed.delete()
    remaining = [c for c in connections_of(closed.account_id, now) if c.connection_id != connection_id]
    if closed.session_id and not any(c.session_id == closed.session_id for c in remaining):
        _leave_call(closed.session_id, closed.account_id, notifier=notifier, now=now)
    if not remaining:
        from chalicelib.realtime.presence import no_device_left

        no_device_left(closed.account_id, media_base_url=media_base_url, now=now)


def _leave_call(session_id: str, account_id: str, *, notifier: CallNotifier, now: datetime) -> None:
    from chalicelib.sessions import calls

    try:
        calls.leave_call(session_id, account_id, notifier=notifier, now=now)
    except DomainError as error:  # the call ended meanwhile: nothing to leave
        log_info("left no call", session_id=session_id, account_id=account_id, code=error.code)
