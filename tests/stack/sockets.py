"""One device's WebSocket to the running stack's gateway, every message held to the AsyncAPI document.

What a test sends is checked before it leaves (``send_raw`` is for a message meant to be refused)
and every message received is checked as it arrives, whichever helper reads it.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import websockets

from tests.contract import FROM_CLIENT, FROM_SERVER, check_ws_message

QUIET = 0.5  # seconds to listen for messages that must not arrive


class Socket:
    def __init__(self, connection: Any) -> None:
        self.connection = connection

    async def send(self, message: dict[str, Any]) -> None:
        check_ws_message(FROM_CLIENT, message)
        await self.send_raw(json.dumps(message))

    async def send_raw(self, text: str) -> None:
        await self.connection.send(text)

    async def receive(self, timeout: float = 10.0) -> dict[str, Any]:
        message = json.loads(await asyncio.wait_for(self.connection.recv(), timeout))
        check_ws_message(FROM_SERVER, message)
        return dict(message)

    async def expect(self, kind: str, timeout: float = 10.0) -> dict[str, Any]:
        while True:
            message = await self.receive(timeout)
            if message.get("type") == kind:
                return message

    async def nothing(self) -> list[dict[str, Any]]:
        received = []
        try:
            while True:
                received.append(await self.receive(QUIET))
        except TimeoutError:
            return received


async def open_socket(ws_url: str, token: str) -> Socket:
    return Socket(await websockets.connect(f"{ws_url}?token={token}"))
