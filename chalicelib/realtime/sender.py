"""``ConnectionSender``: messages leave through API Gateway's ``@connections`` management API.

The endpoint is ``PARLEY_WS_MANAGEMENT_URL`` (set by the local gateway, and in AWS by
``infra/resources.json``'s Globals from the WebSocket API), otherwise, while handling a
WebSocket event, the API's own address as the event gives it (``https://{domainName}/{stage}``).
Tests swap the factory with ``use_sender_factory``.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from typing import Any, Protocol

from chalicelib.models.base import current_region

MANAGEMENT_URL_VARIABLE = "PARLEY_WS_MANAGEMENT_URL"


class MessageSender(Protocol):
    def send(self, connection_id: str, message: dict[str, Any]) -> bool:
        """Post ``message`` to one connection; False when that connection is gone (410)."""
        ...


class ConnectionSender:
    """Posts JSON messages to connections; its boto3 client is made on first use and reused."""

    def __init__(self, endpoint_url: str) -> None:
        self.endpoint_url = endpoint_url
        self._client: Any = None

    def send(self, connection_id: str, message: dict[str, Any]) -> bool:
        client = self._management_client()
        try:
            client.post_to_connection(ConnectionId=connection_id, Data=json.dumps(message).encode("utf-8"))
        except client.exceptions.GoneException:
            return False
        return True

    def _management_client(self) -> Any:
        # boto3 clients may not be created from several threads at once (the local gateway
        # runs handlers in a pool; a Lambda is single-threaded, where the lock costs nothing).
        with _CLIENTS_LOCK:
            if self._client is None:
                import boto3

                self._client = boto3.client(
                    "apigatewaymanagementapi", endpoint_url=self.endpoint_url, region_name=current_region()
                )
            return self._client


SenderFactory = Callable[[str], MessageSender]
_factory: SenderFactory = ConnectionSender
_senders: dict[str, MessageSender] = {}
_CLIENTS_LOCK = threading.RLock()


def management_url(domain_name: str, stage: str) -> str:
    """Where to post while handling a WebSocket event: configuration first, else the event's own API."""
    return configured_management_url() or f"https://{domain_name}/{stage}"


def configured_management_url() -> str | None:
    """Where to post outside a WebSocket event (REST handlers, scheduled jobs), if configured."""
    configured = os.environ.get(MANAGEMENT_URL_VARIABLE)
    return configured.rstrip("/") if configured else None


def sender_for(endpoint_url: str) -> MessageSender:
    with _CLIENTS_LOCK:
        if endpoint_url not in _senders:
            _senders[endpoint_url] = _factory(endpoint_url)
        return _senders[endpoint_url]


def use_sender_factory(factory: SenderFactory) -> None:
    """Make senders with ``factory`` from now on (tests hand in a fake that records posts)."""
    global _factory
    _factory = factory
    _senders.clear()
