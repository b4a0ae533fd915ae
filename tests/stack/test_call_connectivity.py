"""TURN for calls on the running local stack: the API's credentials against the stack's own coturn.

Participants of a live call get credentials that allocate a relay on coturn and carry data
through it; a stranger gets none; coturn itself refuses a username whose expiry has passed.
"""

from __future__ import annotations

import asyncio
import json
import socket
import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
import requests

from chalicelib.sessions.ice_servers import turn_credential
from tests.stack.conftest import Person, new_person
from tests.stack.test_paid_call_journey import Socket, _open
from tests.stack.turn_client import TurnClient, TurnError

if TYPE_CHECKING:
    from tests.stack.conftest import LocalStack

pytestmark = pytest.mark.stack


def _cast(stack: LocalStack) -> tuple[Person, Person, Person]:
    run = uuid.uuid4().hex[:8]
    expert = new_person(stack, f"turn-expert-{run}@example.com")
    profile = {"slug": f"turn-{run}", "name": "Tess Expert", "categories": ["career"], "languages": ["en"],
               "currency": "USD", "rate_per_minute": 300, "free_minutes": 0}  # fmt: skip
    put = requests.put(f"{stack.info['api_url']}/experts/me", json=profile, headers=expert.auth, timeout=30)
    assert put.status_code == 200, put.text
    client = new_person(stack, f"turn-client-{run}@example.com")
    return expert, client, new_person(stack, f"turn-stranger-{run}@example.com")


async def _reply(socket: Socket, action: str) -> dict[str, Any]:
    while True:
        message = await socket.expect("session")
        if message["action"] == action:
            return message


async def _live_call(stack: LocalStack, expert: Person, client: Person) -> tuple[str, list[dict[str, Any]]]:
    """Request, accept and join on both sides over WebSockets; returns the call and both join replies."""
    expert_socket, client_socket = await _open(stack, expert), await _open(stack, client)
    await expert_socket.send({"action": "presence", "status": "online"})
    await expert_socket.expect("presence")
    await client_socket.send({"action": "session.request", "expert_id": expert.sub, "media": "video",
                              "payment_method_id": "pm_card_visa"})  # fmt: skip
    session_id = str((await expert_socket.expect("session.requested"))["session"]["session_id"])
    await expert_socket.send({"action": "session.accept", "session_id": session_id})
    await _reply(expert_socket, "session.accept")
    joins = []
    for device in (client_socket, expert_socket):
        await device.send({"action": "session.join", "session_id": session_id})
        joins.append(await _reply(device, "session.join"))
    for device in (client_socket, expert_socket):
        await device.connection.close()
    return session_id, joins


def _ice_servers(stack: LocalStack, session_id: str, person: Person) -> requests.Response:
    return requests.get(f"{stack.info['api_url']}/sessions/{session_id}/ice-servers", headers=person.auth, timeout=30)


def _turn_server(ice: dict[str, Any]) -> tuple[str, int, str, str]:
    turn = next(server for server in ice["ice_servers"] if "username" in server)
    udp = urlsplit(next(url for url in turn["urls"] if url.endswith("transport=udp")).replace("turn:", "turn://"))
    assert udp.hostname
    assert udp.port
    return udp.hostname, udp.port, turn["username"], turn["credential"]


def _relays_data(host: str, port: int, username: str, password: str) -> tuple[str, int]:
    """Allocate a relay with these credentials and send a datagram through it to a peer on loopback."""
    client = TurnClient(host, port, username, password)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as peer:
        peer.bind(("127.0.0.1", 0))
        peer.settimeout(5)
        try:
            relayed = client.allocate()
            client.permit(peer.getsockname())
            client.send_to_peer(peer.getsockname(), b"hello through the relay")
            data, sender = peer.recvfrom(2048)
            client.release()
        finally:
            client.close()
    assert data == b"hello through the relay"
    assert sender == relayed
    return relayed


def test_participants_get_turn_credentials_that_relay_through_the_local_coturn_and_a_stranger_gets_none(
    local_stack: LocalStack,
) -> None:
    expert, client, stranger = _cast(local_stack)
    session_id, joins = asyncio.run(_live_call(local_stack, expert, client))

    for person, join in zip((client, expert), joins, strict=True):
        answer = _ice_servers(local_stack, session_id, person)
        assert answer.status_code == 200, answer.text
        ice = answer.json()
        assert join["ice"]["ice_servers"][0] == ice["ice_servers"][0] == {"urls": local_stack.info["turn"]["stun_urls"]}
        host, port, username, password = _turn_server(ice)
        assert username.endswith(f":{person.sub}")
        assert _relays_data(host, port, username, password)[0] == "127.0.0.1"
        assert _relays_data(*_turn_server(join["ice"]))[0] == "127.0.0.1"

    refused = _ice_servers(local_stack, session_id, stranger)
    assert refused.status_code == 404, refused.text
    assert refused.json()["error"]["code"] == "session_not_found"
    assert "credential" not in refused.text


def test_the_local_coturn_rejects_expired_or_forged_credentials(local_stack: LocalStack) -> None:
    turn = local_stack.info["turn"]
    now = datetime.now(UTC)
    expired = turn_credential(turn["secret"], "someone", now - timedelta(minutes=1))
    forged = turn_credential("not-the-secret", "someone", now + timedelta(hours=1))
    fresh = turn_credential(turn["secret"], "someone", now + timedelta(hours=1))

    for refused in (expired, forged):
        client = TurnClient("127.0.0.1", turn["port"], refused.username, refused.credential)
        try:
            with pytest.raises(TurnError) as error:
                client.allocate()
        finally:
            client.close()
        assert error.value.code == 401, json.dumps([refused.username, str(error.value)])
    assert _relays_data("127.0.0.1", turn["port"], fresh.username, fresh.credential)[0] == "127.0.0.1"
