"""Delivering messages to people: notifications to all of a person's devices, and WebRTC signalling
relayed to the other participant of a call and nobody else.

A relayed message costs two DynamoDB reads once the sender's connection is known:
``relay_target`` reads the session, and one Query lists the other side's devices.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from chalicelib import runtime
from chalicelib.errors import Conflict
from chalicelib.realtime.connections import connections_of, forget_connection
from chalicelib.realtime.sender import MessageSender


def deliver(sender: MessageSender, connection_ids: Iterable[str], message: dict[str, Any]) -> int:
    """Send to each connection, removing those API Gateway says are gone; returns how many got it."""
    delivered = 0
    for connection_id in connection_ids:
        if sender.send(connection_id, message):
            delivered += 1
        else:
            forget_connection(connection_id, media_base_url=runtime.settings().media_base_url, now=runtime.now())
    return delivered


class AccountNotifier:
    """A ``CallNotifier``: tells every open device of a person (ringing all of an expert's devices)."""

    def __init__(self, sender: MessageSender, now: datetime) -> None:
        self._sender = sender
        self._now = now

    def notify(self, account_id: str, message: dict[str, Any]) -> None:
        deliver(self._sender, (c.connection_id for c in connections_of(account_id, self._now)), message)


def relay_to_peer(
    sender: MessageSender, *, session_id: str, from_account: str, message: dict[str, Any], now: datetime
) -> None:
    """Relay to the other participant's devices that joined this call. ``relay_target`` refuses
    anyone who is not a participant, and any call that is not live or is past its cutoff."""
    from chalicelib.sessions import calls

    target = calls.relay_target(session_id, from_account, now)
    in_call = [c.connection_id for c in connections_of(target, now) if c.session_id == session_id]
    if deliver(sender, in_call, message) == 0:
        raise Conflict("The other side is not connected to this call.", code="peer_not_connected")
