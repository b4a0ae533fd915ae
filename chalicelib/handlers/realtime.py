"""The WebSocket API: ``$connect`` (token in the query string), ``$default`` (the command table),
``$disconnect``. Each handler translates the event and calls one use case in ``chalicelib/realtime``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, Response, WebsocketAPI, WebsocketEvent

from chalicelib import runtime
from chalicelib.errors import DomainError, NotAuthenticated

if TYPE_CHECKING:
    from chalicelib.realtime.sender import MessageSender
from chalicelib.web.api import token_verifier
from chalicelib.web.logs import log_info

realtime = Blueprint(__name__)
# Chalice wraps WebSocket handlers (event parsing, the Lambda (event, context) signature) only when the
# decorating object has a ``websocket_api``, which a Blueprint lacks; ours is only that switch, since
# messages leave through ``chalicelib.realtime.sender``.
realtime.websocket_api = WebsocketAPI()


@realtime.on_ws_connect(name="ws_connect")
def ws_connect(event: WebsocketEvent) -> Response | None:
    """Refuse the handshake (nothing stored) unless ``?token=`` is a valid Cognito ID or access token."""
    from chalicelib.realtime.connections import open_connection

    params: dict[str, Any] = event.to_dict().get("queryStringParameters") or {}
    token = params.get("token")
    try:
        if not isinstance(token, str) or not token:
            raise NotAuthenticated("Connect with '?token=<your sign-in token>'.", code="token_missing")
        caller = token_verifier().verify(token)
    except DomainError as error:
        log_info("websocket refused", connection_id=event.connection_id, code=error.code)
        return Response(
            body=json.dumps({"error": {"code": error.code, "message": error.message}}),
            status_code=error.status,
            headers={"Content-Type": "application/json"},
        )
    open_connection(
        event.connection_id, caller.account_id, media_base_url=runtime.settings().media_base_url, now=runtime.now()
    )
    return None


@realtime.on_ws_message(name="ws_message")
def ws_message(event: WebsocketEvent) -> None:
    from chalicelib.realtime.commands import handle_message

    handle_message(
        event.connection_id,
        event.body,
        sender=_sender(event),
        media_base_url=runtime.settings().media_base_url,
        now=runtime.now(),
    )


@realtime.on_ws_disconnect(name="ws_disconnect")
def ws_disconnect(event: WebsocketEvent) -> None:
    from chalicelib.realtime.connections import close_connection
    from chalicelib.realtime.relay import AccountNotifier

    now = runtime.now()
    close_connection(
        event.connection_id,
        notifier=AccountNotifier(_sender(event), now),
        media_base_url=runtime.settings().media_base_url,
        now=now,
    )


def _sender(event: WebsocketEvent) -> MessageSender:
    from chalicelib.realtime.sender import management_url, sender_for

    return sender_for(management_url(event.domain_name, event.stage))
