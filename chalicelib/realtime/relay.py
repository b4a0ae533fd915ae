"""Delivering messages to people: notifications to all of a person's devices, and WebRTC signalling
relayed to the other participant of a call and nobody else.

A relayed message costs one DynamoDB read: a strongly consistent GetItem of the session
(``calls.relay_route``). Nothing else is read, not even the sender's connection item: the call
itself lists the connections of each side's devices that joined it (``client_devices`` and
``expert_devices``), so the sending connection's place in those lists says which participant
sent it, and the other list is where it goes. The same item holds the state and the time the
call went active, so one read checks everything the relay promises:

* only the two participants: a connection that is not a joined device of this call relays
  nothing; a stranger is answered as for a call that does not exist (``session_not_found``);
* never after the end: the state must be accepted or active, and ending the call empties both
  lists in the same write that ends it;
* never past the 90-minute limit or an appointment's booked end: ``now`` before the cutoff.

The read is consistent so that a join, a leave or an end written a moment ago counts: a device
that has just joined gets the other side's first offer, a call just hung up relays nothing more.
The lists change in the same conditional (versioned) write as the state change that causes them:
``session.join`` adds the device (a device that reconnects gets a new connection id and joins
again), and a device that disconnects, or that the management API answers 410 Gone for, is taken
out (``connections.close_connection``); the person leaves the call with their last device in it.

The other design, the sender's connection item carrying the call, the peer's connections and the
cutoff, also reads one item, but every join, rejoin, leave and end would then have to rewrite
the other side's connection items as well, and a missed rewrite would let a message through
after the end. Here the truth stays on the one item that ends the call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from chalicelib import runtime
from chalicelib.errors import Conflict
from chalicelib.realtime.connections import close_connection, connections_of
from chalicelib.realtime.sender import MessageSender


def deliver(sender: MessageSender, connection_ids: Iterable[str], message: dict[str, Any]) -> int:
    """Send to each connection, removing those API Gateway says are gone (and taking them out of their
    call, as a disconnect would); returns how many got it."""
    delivered = 0
    for connection_id in connection_ids:
        if sender.send(connection_id, message):
            delivered += 1
        else:
            now = runtime.now()
            close_connection(connection_id, notifier=AccountNotifier(sender, now),
                             media_base_url=runtime.settings().media_base_url, now=now, answered_gone=True)  # fmt: skip
    return delivered


class AccountNotifier:
    """A ``CallNotifier``: tells every open device of a person (ringing all of an expert's devices)."""

    def __init__(self, sender: MessageSender, now: datetime) -> None:
        self._sender = sender
        self._now = now

    def notify(self, account_id: str, message: dict[str, Any]) -> None:
        deliver(self._sender, (c.connection_id for c in connections_of(account_id, self._now)), message)


def relay_to_peer(
    sender: MessageSender, *, session_id: str, connection_id: str, message: Callable[[str], dict[str, Any]],
    account: Callable[[], str], now: datetime,
) -> None:  # fmt: skip
    """Relay ``message(sender's account id)`` from a device in the call to the other side's devices in it.
    ``calls.relay_route`` refuses anything else; ``account`` is asked only to answer such a refusal."""
    from chalicelib.sessions import calls

    route = calls.relay_route(session_id, connection_id, now, account=account)
    if deliver(sender, route.to_devices, message(route.from_account)) == 0:
        raise Conflict("The other side is not connected to this call.", code="peer_not_connected")
