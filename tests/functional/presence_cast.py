"""An expert who is online as presence now requires: a device connected and "online" said.

``online_expert`` records a WebSocket connection for the expert through the same use case the
``$connect`` handler runs (``open_connection``), then says "online" over REST, as a page does."""

from __future__ import annotations

import uuid
from typing import Any

from chalicelib import runtime
from chalicelib.realtime.connections import open_connection
from tests.functional.conftest import User


def connect_device(user: User) -> str:
    """A device of ``user`` with an open WebSocket connection; returns its connection id."""
    connection_id = f"device-{uuid.uuid4().hex[:12]}="
    open_connection(connection_id, user.sub, media_base_url=runtime.settings().media_base_url, now=runtime.now())
    return connection_id


def online_expert(api: Any, expert: User) -> str:
    """``expert`` (with a profile) has a device connected and is online; returns the device's connection id."""
    device = connect_device(expert)
    response = api.put("/experts/me/presence", headers=expert.auth, body='{"status": "online"}')
    assert response.status_code == 200, response.json_body
    assert response.json_body["presence"] == "online"
    return device
