"""Presence follows open connections, with real WebSocket clients on the running local stack: an
expert who said "online" over REST is found online only while a device of theirs is connected,
and a device that connects after a call was requested learns of it by saying ``hello``."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pytest
import requests

from tests.stack.test_paid_call_journey import _cast, _open

if TYPE_CHECKING:
    from tests.stack.conftest import LocalStack

pytestmark = pytest.mark.stack


def _online(stack: LocalStack) -> list[str]:
    page = requests.get(f"{stack.info['api_url']}/experts", params={"online": "true"}, timeout=30)
    assert page.status_code == 200, page.text
    return [item["expert_id"] for item in page.json()["items"]]


def test_an_expert_online_over_rest_is_rung_on_a_device_that_connects_a_second_later(local_stack: LocalStack) -> None:
    expert, client, _ = _cast(local_stack)
    said = requests.put(f"{local_stack.info['api_url']}/experts/me/presence", json={"status": "online"},
                        headers=expert.auth, timeout=30)  # fmt: skip
    online_with_no_device = expert.sub in _online(local_stack)

    async def ring() -> tuple[bool, dict[str, Any], dict[str, Any]]:
        phone, client_socket = await _open(local_stack, expert), await _open(local_stack, client)
        online_once_connected = expert.sub in _online(local_stack)
        await client_socket.send({"action": "session.request", "expert_id": expert.sub, "media": "voice",
                                  "payment_method_id": "pm_card_visa"})  # fmt: skip
        requested = await phone.expect("session.requested")
        laptop = await _open(local_stack, expert)  # a second later
        await laptop.send({"action": "hello", "id": "h"})
        hello = await laptop.expect("hello")
        for socket in (phone, laptop):
            await socket.connection.close()
        await client_socket.connection.close()
        return online_once_connected, requested, hello

    online_once_connected, requested, hello = asyncio.run(ring())

    assert said.json() == {"presence": "offline", "intent": "online"}
    assert not online_with_no_device
    assert online_once_connected
    assert [s["session_id"] for s in hello["sessions"]] == [requested["session"]["session_id"]]
    assert hello["sessions"][0]["state"] == "requested"
