"""The app's WebSocket handlers behind the local gateway, with raw WebSocket clients and real
``@connections`` posts; the one thing not left to chance is the order of two handlers, which a
sender that holds a handler at a chosen post forces."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

from chalicelib.realtime import sender as sender_module
from chalicelib.realtime.sender import ConnectionSender, MessageSender
from infra.local.provision import LocalAws
from infra.local.ws_gateway import MANAGEMENT_URL_VARIABLE, WebsocketGateway, running_in_thread
from tests.contract import FROM_CLIENT, FROM_SERVER, check_ws_message
from tests.functional.conftest import Users
from tests.functional.test_realtime import a_live_call, offer

WAIT_SECONDS = 10.0


class HoldAfterFirstActive:
    """The real sender, except that the handler posting the first ``session.active`` waits right after
    that post until the offer it provoked has been answered (relayed, or refused): the second joiner's
    join is then still being handled when the first joiner's offer is."""

    def __init__(self, inner: MessageSender) -> None:
        self.inner = inner
        self.offer_answered = threading.Event()
        self.held = threading.Event()

    def send(self, connection_id: str, message: dict[str, Any]) -> bool:
        delivered = self.inner.send(connection_id, message)
        if message.get("type") in ("signal.offer", "ack", "error"):
            self.offer_answered.set()
        if message.get("type") == "session.active" and not self.held.is_set():
            self.held.set()
            self.offer_answered.wait(WAIT_SECONDS)  # a bound for a broken run, not the synchronisation
        return delivered


@pytest.fixture
def ws_url(aws: LocalAws, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from app import app

    sender_module.use_sender_factory(lambda url: HoldAfterFirstActive(ConnectionSender(url)))
    running = WebsocketGateway(app, stage="local")
    try:
        with running_in_thread(running):
            monkeypatch.setenv(MANAGEMENT_URL_VARIABLE, running.management_url)
            yield running.ws_url
    finally:
        sender_module.use_sender_factory(ConnectionSender)


def send(socket: ClientConnection, message: dict[str, Any]) -> None:
    check_ws_message(FROM_CLIENT, message)
    socket.send(json.dumps(message))


def receive_until(socket: ClientConnection, *types: str) -> dict[str, Any]:
    """Every message up to the first of ``types``, each checked against the AsyncAPI document."""
    while True:
        message = json.loads(socket.recv(timeout=WAIT_SECONDS))
        check_ws_message(FROM_SERVER, message)
        if message.get("type") in types:
            return dict(message)


def test_an_offer_sent_on_session_active_by_a_raw_websocket_client_reaches_the_second_joiner(
    ws_url: str, users: Users
) -> None:
    client, expert = users.sign_up("cleo.client@example.com"), users.sign_up("ada.expert@example.com")
    call = a_live_call(client, expert)
    join = {"action": "session.join", "session_id": call.session_id}
    with (
        connect(f"{ws_url}?token={client.id_token}", open_timeout=WAIT_SECONDS) as client_ws,
        connect(f"{ws_url}?token={expert.id_token}", open_timeout=WAIT_SECONDS) as expert_ws,
    ):
        send(client_ws, join)
        receive_until(client_ws, "session")
        send(expert_ws, join)
        receive_until(client_ws, "session.active")
        send(client_ws, {**offer(call.session_id), "id": "offer"})  # at once, as a page would
        answer = receive_until(client_ws, "ack", "error")
        assert answer["type"] == "ack", answer
        assert receive_until(expert_ws, "signal.offer")["from"] == client.sub
