"""Paid calls on the running local stack, with real WebSocket clients: two people and an intruder.

Time is made to pass by writing seconds into the stack's clock-offset file, which every
process of the stack adds to its clock (local stage only), instead of waiting. The jobs runner
schedules on that clock too: the every-minute call sweep fires on the moved time by itself.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest
import requests
import stripe

from tests.stack.conftest import Person, eventually, new_person
from tests.stack.sockets import Socket, open_socket

if TYPE_CHECKING:
    from tests.stack.conftest import LocalStack

pytestmark = pytest.mark.stack


def _cast(stack: LocalStack) -> tuple[Person, Person, Person]:
    run = uuid.uuid4().hex[:8]
    expert = new_person(stack, f"caller-expert-{run}@example.com")
    profile = {"slug": f"caller-{run}", "name": "Ines Expert", "categories": ["career"], "languages": ["en"],
               "currency": "USD", "rate_per_minute": 300, "free_minutes": 0}  # fmt: skip
    put = requests.put(f"{stack.info['api_url']}/experts/me", json=profile, headers=expert.auth, timeout=30)
    assert put.status_code == 200, put.text
    return (
        expert,
        new_person(stack, f"caller-client-{run}@example.com"),
        new_person(stack, f"intruder-{run}@example.com"),
    )


async def _open(stack: LocalStack, person: Person) -> Socket:
    return await open_socket(stack.info["ws_url"], person.token)


def _emails_sent(stack: LocalStack) -> int:
    ses = boto3.client("ses", endpoint_url=stack.info["moto_url"], region_name=stack.info["region"],
                       aws_access_key_id="testing", aws_secret_access_key="testing")  # fmt: skip
    return int(ses.get_send_quota()["SentLast24Hours"])


async def _call_goes_active(
    stack: LocalStack, expert: Person, client: Person, *, media_connects: bool = True
) -> tuple[Socket, Socket, str]:
    """Both join and the call goes active; unless ``media_connects`` is false, the client's page then
    reports its media connected (billing counts from that report)."""
    expert_socket, client_socket = await _open(stack, expert), await _open(stack, client)
    await expert_socket.send({"action": "presence", "status": "online"})
    await expert_socket.expect("presence")
    await client_socket.send({"action": "session.request", "expert_id": expert.sub, "media": "video",
                              "payment_method_id": "pm_card_visa"})  # fmt: skip
    session_id = (await expert_socket.expect("session.requested"))["session"]["session_id"]
    await expert_socket.send({"action": "session.accept", "session_id": session_id})
    await client_socket.expect("session.accepted")
    for socket in (client_socket, expert_socket):
        await socket.send({"action": "session.join", "session_id": session_id})
    await client_socket.expect("session.active")
    await expert_socket.expect("session.active")
    if media_connects:
        await client_socket.send({"action": "media.connected", "session_id": session_id, "id": "media"})
        while (await client_socket.expect("session")).get("id") != "media":
            pass
    return expert_socket, client_socket, session_id


def test_a_full_call_from_request_to_receipt_is_captured_to_the_cent_and_the_intruder_sees_nothing(
    local_stack: LocalStack, clock: Path
) -> None:
    expert, client, intruder = _cast(local_stack)
    emails_before = _emails_sent(local_stack)

    async def journey() -> dict[str, Any]:
        expert_socket, client_socket, session_id = await _call_goes_active(local_stack, expert, client)
        intruder_socket = await _open(local_stack, intruder)
        offer = {"sdp": "v=0 o=- 1 1 IN IP4 127.0.0.1", "type": "offer"}
        await client_socket.send({"action": "signal.offer", "session_id": session_id, "payload": offer})
        assert (await expert_socket.expect("signal.offer"))["payload"] == offer
        assert await intruder_socket.nothing() == []  # cannot read
        await intruder_socket.send({"action": "signal.ice", "session_id": session_id, "payload": {"candidate": "x"}})
        refused = await intruder_socket.expect("error")
        assert refused["code"] == "session_not_found"  # as for a call that does not exist
        assert [m for m in await expert_socket.nothing() if m.get("type") == "signal.ice"] == []  # cannot inject
        clock.write_text(str(30 * 60 - 10))  # 29 min 50 s later
        await client_socket.send({"action": "session.hang_up", "session_id": session_id})
        ended = await client_socket.expect("session.ended")
        assert (await expert_socket.expect("session.ended"))["session_id"] == session_id
        return ended

    ended = asyncio.run(journey())
    assert ended["bill"]["amount"] == 9_000  # 30 started minutes at 3.00
    api = local_stack.info["api_url"]
    earnings = requests.get(f"{api}/experts/me/earnings", headers=expert.auth, timeout=30).json()["currencies"][0]
    assert (earnings["currency"], earnings["pending"]) == ("USD", 8_100)
    # A receipt to each side; they are sent just after both are told the call ended.
    deadline = time.monotonic() + 10
    while _emails_sent(local_stack) < emails_before + 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _emails_sent(local_stack) == emails_before + 2


def test_a_call_whose_media_never_connected_costs_nothing_after_30_minutes(
    local_stack: LocalStack, clock: Path
) -> None:
    expert, client, _ = _cast(local_stack)

    async def silent_call() -> dict[str, Any]:
        _expert_socket, client_socket, session_id = await _call_goes_active(
            local_stack, expert, client, media_connects=False
        )
        clock.write_text(str(30 * 60))
        await client_socket.send({"action": "session.hang_up", "session_id": session_id})
        return await client_socket.expect("session.ended")

    ended = asyncio.run(silent_call())
    assert (ended["bill"]["billable_seconds"], ended["bill"]["amount"]) == (0, 0)
    assert ended["session"]["media_connected_at"] is None


def test_a_call_ended_within_its_first_three_minutes_costs_nothing(local_stack: LocalStack, clock: Path) -> None:
    expert, client, _ = _cast(local_stack)

    async def short_call() -> dict[str, Any]:
        expert_socket, client_socket, session_id = await _call_goes_active(local_stack, expert, client)
        clock.write_text(str(2 * 60 + 50))
        await expert_socket.send({"action": "session.hang_up", "session_id": session_id})
        return await client_socket.expect("session.ended")

    ended = asyncio.run(short_call())
    assert ended["bill"]["amount"] == 0
    earnings = requests.get(f"{local_stack.info['api_url']}/experts/me/earnings", headers=expert.auth, timeout=30)
    assert all(row["pending"] == 0 for row in earnings.json()["currencies"])


def test_a_call_reaching_90_minutes_is_warned_cut_off_and_charged_for_90(local_stack: LocalStack, clock: Path) -> None:
    expert, client, _ = _cast(local_stack)

    async def long_call() -> tuple[list[int], dict[str, Any], dict[str, Any]]:
        expert_socket, client_socket, session_id = await _call_goes_active(local_stack, expert, client)
        warned = []
        for minute in (85, 89):
            clock.write_text(str(minute * 60 + 5))  # the jobs runner's every-minute sweep fires on the moved time
            warned.append((await client_socket.expect("session.warning"))["minutes_left"])
            await expert_socket.expect("session.warning")
        clock.write_text(str(95 * 60))
        ended = await client_socket.expect("session.ended")
        await expert_socket.send({"action": "signal.ice", "session_id": session_id, "payload": {"candidate": "late"}})
        late = await expert_socket.expect("error")
        return warned, ended, late

    warned, ended, late = asyncio.run(long_call())
    assert warned == [5, 1]
    assert (ended["reason"], ended["bill"]["amount"]) == ("time_limit", 90 * 300)
    assert late["type"] == "error"  # the relay refuses signalling after the limit


def test_a_call_whose_client_drops_at_2_30_costs_nothing_though_the_sweep_ends_it_at_4_19(
    local_stack: LocalStack, clock: Path
) -> None:
    expert, client, _ = _cast(local_stack)

    async def dropped_call() -> tuple[str, dict[str, Any]]:
        expert_socket, client_socket, session_id = await _call_goes_active(local_stack, expert, client)
        clock.write_text(str(2 * 60 + 30))
        await client_socket.connection.close()  # the client's socket just goes: no hang-up
        assert (await expert_socket.expect("session.left"))["role"] == "client"
        clock.write_text(str(4 * 60 + 19))  # long after the 60-second grace: the every-minute sweep fires
        return session_id, await expert_socket.expect("session.ended")

    session_id, ended = asyncio.run(dropped_call())
    bill = ended["bill"]
    assert ended["reason"] == "participant_left"
    assert 150 <= bill["billable_seconds"] < 180  # to the drop (plus the moments the test itself took)
    assert (bill["billed_minutes"], bill["amount"], bill["earnings"]) == (0, 0, 0)
    api = local_stack.info["api_url"]
    seen = requests.get(f"{api}/sessions/{session_id}", headers=client.auth, timeout=30).json()
    assert (seen["state"], seen["bill"]["amount"]) == ("ended", 0)
    base = local_stack.info["app_environment"]["PARLEY_STRIPE_API_BASE"]
    stripe_client = stripe.StripeClient("sk_test_local", base_addresses={"api": base})
    [intent] = [
        i for i in stripe_client.v1.payment_intents.list(params={"limit": 100}).auto_paging_iter()
        if i.metadata and i.metadata.to_dict().get("payment_id") == seen["payment_id"]
    ]  # fmt: skip
    assert (intent.status, intent.amount_received) == ("canceled", 0)
    earnings = requests.get(f"{api}/experts/me/earnings", headers=expert.auth, timeout=30).json()
    assert all(row["pending"] == 0 for row in earnings["currencies"])
    minutes, seconds = divmod(bill["billable_seconds"], 60)
    for person in (client, expert):  # the sweep sends the receipts after it told both sides the call ended

        def receipts(person: Person = person) -> list[str]:
            outbox = requests.get(f"{local_stack.moto_url}/_parley/outbox", params={"to": person.email}, timeout=30)
            return [mail["text"] for mail in outbox.json()["emails"] if session_id in mail["text"]]

        [receipt] = eventually(f"the receipt for {person.email}", receipts)
        assert f"Duration: {minutes} min {seconds:02d} s\n" in receipt
        assert "Billed minutes: 0\n" in receipt
        assert "Amount: USD 0.00\n" in receipt


def test_a_declined_card_is_told_to_the_client_at_once_and_another_card_gets_the_call_going(
    local_stack: LocalStack, clock: Path
) -> None:
    import stripe

    expert, client, _ = _cast(local_stack)
    api = local_stack.info["api_url"]

    async def journey() -> tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]:
        expert_socket, client_socket = await _open(local_stack, expert), await _open(local_stack, client)
        await expert_socket.send({"action": "presence", "status": "online"})
        await expert_socket.expect("presence")
        await client_socket.send({"action": "session.request", "expert_id": expert.sub, "media": "voice",
                                  "payment_method_id": "pm_card_chargeDeclined"})  # fmt: skip
        session_id = (await expert_socket.expect("session.requested"))["session"]["session_id"]
        await expert_socket.send({"action": "session.accept", "session_id": session_id})
        told = await client_socket.expect("session.payment_failed")
        notice = await expert_socket.expect("session.payment_failed")
        read = requests.get(f"{api}/sessions/{session_id}", headers=client.auth, timeout=30).json()
        await client_socket.send(
            {"action": "session.card", "session_id": session_id, "payment_method_id": "pm_card_visa"}
        )
        await client_socket.expect("session.accepted")
        await expert_socket.expect("session.accepted")
        for socket in (client_socket, expert_socket):
            await socket.send({"action": "session.join", "session_id": session_id})
        await client_socket.expect("session.active")
        return session_id, told, notice, read

    session_id, told, notice, read = asyncio.run(journey())
    assert (told["code"], told["reason"]) == ("card_declined", "Your card was declined. (generic_decline)")
    assert "reason" not in notice
    assert (read["state"], read["payment_failed"]["code"]) == ("requested", "card_declined")
    base = local_stack.info["app_environment"]["PARLEY_STRIPE_API_BASE"]
    intents = stripe.StripeClient("sk_test_local", base_addresses={"api": base}).v1.payment_intents.list(
        params={"limit": 100}
    )
    ours = [i.status for i in intents.data if i.metadata.to_dict().get("purpose") == f"session:{session_id}"]
    assert sorted(ours) == ["canceled", "requires_capture"]
