"""Signalling a browser can rely on, with raw WebSocket clients on the running local stack: the join
reply says who offers, so a page that offers the moment its join says ``you_offer`` connects whichever
side joins first and after a reload; every message it numbers is answered by number; an oversized
message is refused with an error before the socket closes; a stranger, and anyone after the hang-up,
relays nothing."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pytest
from websockets.exceptions import ConnectionClosed

from tests.stack.test_paid_call_journey import Socket, _cast, _open

if TYPE_CHECKING:
    from tests.stack.conftest import LocalStack, Person

pytestmark = pytest.mark.stack
CANDIDATES = 7


async def _accepted_call(stack: LocalStack, expert: Person, client: Person) -> tuple[Socket, Socket, str]:
    expert_socket, client_socket = await _open(stack, expert), await _open(stack, client)
    await expert_socket.send({"action": "presence", "status": "online"})
    await expert_socket.expect("presence")
    await client_socket.send({"action": "session.request", "expert_id": expert.sub, "media": "video",
                              "payment_method_id": "pm_card_visa"})  # fmt: skip
    session_id = (await expert_socket.expect("session.requested"))["session"]["session_id"]
    await expert_socket.send({"action": "session.accept", "session_id": session_id})
    await client_socket.expect("session.accepted")
    return expert_socket, client_socket, session_id


async def _join(socket: Socket, session_id: str, message_id: str) -> dict[str, Any]:
    await socket.send({"action": "session.join", "session_id": session_id, "id": message_id})
    while True:
        reply = await socket.expect("session")
        if reply.get("id") == message_id:
            return reply


async def _offer_at_once(socket: Socket, session_id: str) -> list[dict[str, Any]]:
    """What a page does on ``you_offer``: the offer, its candidates and their end, each numbered, sent
    without waiting; returns the acknowledgements (or errors) in the order they came."""
    messages: list[dict[str, Any]] = [
        {"action": "signal.offer", "session_id": session_id, "id": "offer",
         "payload": {"type": "offer", "sdp": "v=0 o=- 1 1 IN IP4 127.0.0.1"}},
        *({"action": "signal.ice", "session_id": session_id, "id": f"ice-{n}",
           "payload": {"candidate": f"candidate:{n} 1 udp 1 127.0.0.1 {50_000 + n} typ host"}}
          for n in range(CANDIDATES)),
        {"action": "signal.ice", "session_id": session_id, "id": "ice-end", "payload": None},
    ]  # fmt: skip
    for message in messages:
        await socket.send(message)
    answers = []
    while len(answers) < len(messages):
        message = await socket.receive()
        if message.get("type") in ("ack", "error"):
            answers.append(message)
    return answers


async def _signalling_received(socket: Socket) -> list[tuple[str, Any]]:
    received = []
    while len(received) < 2 + CANDIDATES:
        message = await socket.receive()
        if message.get("type", "").startswith("signal."):
            received.append((message["type"], message["payload"]))
    return received


EXPECTED_ACKS = [("ack", "offer")] + [("ack", f"ice-{n}") for n in range(CANDIDATES)] + [("ack", "ice-end")]


@pytest.mark.parametrize("first", ["expert", "client"])
def test_a_page_that_offers_as_soon_as_its_join_says_you_offer_gets_every_message_through(
    local_stack: LocalStack, first: str
) -> None:
    expert, client, _ = _cast(local_stack)

    async def call() -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]], list[tuple[str, Any]]]:
        expert_socket, client_socket, session_id = await _accepted_call(local_stack, expert, client)
        sockets = {"expert": expert_socket, "client": client_socket}
        early, late = sockets[first], sockets["client" if first == "expert" else "expert"]
        first_reply = await _join(early, session_id, "join-1")
        second_reply = await _join(late, session_id, "join-2")
        acks = await _offer_at_once(late, session_id)
        return first_reply, second_reply, acks, await _signalling_received(early)

    first_reply, second_reply, acks, delivered = asyncio.run(call())
    assert (first_reply["peer_present"], first_reply["you_offer"]) == (False, False)
    assert (second_reply["peer_present"], second_reply["you_offer"]) == (True, True)
    assert [(a["type"], a["id"]) for a in acks] == EXPECTED_ACKS
    assert [kind for kind, _ in delivered] == ["signal.offer"] + ["signal.ice"] * (CANDIDATES + 1)
    assert delivered[-1] == ("signal.ice", None)  # the end of candidates


def test_after_a_reload_the_join_reply_says_the_peer_is_there_and_the_reloaded_page_offers(
    local_stack: LocalStack,
) -> None:
    expert, client, _ = _cast(local_stack)

    async def reload() -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]], list[tuple[str, Any]]]:
        expert_socket, client_socket, session_id = await _accepted_call(local_stack, expert, client)
        await _join(client_socket, session_id, "join")
        await _join(expert_socket, session_id, "join")
        await client_socket.connection.close()
        await expert_socket.expect("session.left")
        reloaded = await _open(local_stack, client)
        rejoined = await _join(reloaded, session_id, "rejoin")
        told = await expert_socket.expect("session.joined")
        acks = await _offer_at_once(reloaded, session_id)
        return rejoined, told, acks, await _signalling_received(expert_socket)

    rejoined, told, acks, delivered = asyncio.run(reload())
    assert rejoined["session"]["state"] == "active"
    assert (rejoined["peer_present"], rejoined["you_offer"]) == (True, True)
    assert (told["role"], told["you_offer"]) == ("client", False)
    assert [(a["type"], a["id"]) for a in acks] == EXPECTED_ACKS
    assert len(delivered) == 2 + CANDIDATES


def test_a_message_over_32_kb_is_answered_message_too_large_before_the_socket_closes(local_stack: LocalStack) -> None:
    _, client, _ = _cast(local_stack)

    async def oversized() -> tuple[list[dict[str, Any]], int | None]:
        socket = await _open(local_stack, client)
        big = {"action": "signal.offer", "session_id": "ses_x", "id": "big", "payload": {"sdp": "a" * 40_000}}
        await socket.send(big)
        received = []
        try:
            while True:
                received.append(await socket.receive())
        except ConnectionClosed as closed:
            return received, None if closed.rcvd is None else int(closed.rcvd.code)

    received, code = asyncio.run(oversized())
    assert [(m["type"], m["code"]) for m in received] == [("error", "message_too_large")]
    assert code == 1009


def test_over_the_stack_a_stranger_is_answered_as_for_no_call_and_nothing_is_relayed_after_the_hang_up(
    local_stack: LocalStack,
) -> None:
    expert, client, stranger = _cast(local_stack)

    async def after_the_end() -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
        expert_socket, client_socket, session_id = await _accepted_call(local_stack, expert, client)
        stranger_socket = await _open(local_stack, stranger)
        await _join(client_socket, session_id, "join")
        await _join(expert_socket, session_id, "join")
        offer = {"action": "signal.offer", "session_id": session_id, "payload": {"type": "offer", "sdp": "v=0"}}
        await stranger_socket.send({**offer, "id": "intrude"})
        refused_stranger = await stranger_socket.expect("error")
        await expert_socket.send({"action": "session.hang_up", "session_id": session_id})
        await client_socket.expect("session.ended")
        await client_socket.send({**offer, "id": "late"})
        refused_late = await client_socket.expect("error")
        return refused_stranger, refused_late, await expert_socket.nothing()

    refused_stranger, refused_late, then = asyncio.run(after_the_end())
    assert (refused_stranger["code"], refused_stranger["id"]) == ("session_not_found", "intrude")
    assert (refused_late["code"], refused_late["id"]) == ("session_ended", "late")
    assert not [m for m in then if m["type"].startswith("signal.")]
