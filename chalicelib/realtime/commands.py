"""What each WebSocket message does: ``{"action": ..., ...}`` looked up in ``COMMANDS``.

Every outcome the sender should know of comes back to that connection as a message;
refusals are ``{"type": "error", "code": ..., "message": ...}`` and never close
the connection.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.errors import DomainError, InvalidInput
from chalicelib.profiles.presence import set_presence
from chalicelib.realtime.connections import OFFLINE, ONLINE, account_of, join_session
from chalicelib.realtime.limits import check_message_size, check_signal_payload_size
from chalicelib.realtime.relay import AccountNotifier, deliver, relay_to_peer
from chalicelib.realtime.sender import MessageSender
from chalicelib.web.logs import log_error

MEDIA_KINDS = ("audio", "video")


@dataclass(frozen=True)
class CommandContext:
    """One message's circumstances: whose connection it came from, how to answer, and when."""

    connection_id: str
    account_id: str
    sender: MessageSender
    media_base_url: str
    now: datetime

    @property
    def notifier(self) -> AccountNotifier:
        return AccountNotifier(self.sender, self.now)

    def reply(self, message: dict[str, Any]) -> None:
        deliver(self.sender, [self.connection_id], message)


Command = Callable[[CommandContext, dict[str, Any]], None]


def _required(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise InvalidInput(f"'{name}' must be a non-empty string.", code="invalid_message")
    return value


def _optional(body: dict[str, Any], name: str) -> str | None:
    return None if body.get(name) is None else _required(body, name)


def presence(ctx: CommandContext, body: dict[str, Any]) -> None:
    status = body.get("status")
    if status not in (ONLINE, OFFLINE):
        raise InvalidInput("'status' must be 'online' or 'offline'.", code="invalid_message")
    set_presence(ctx.account_id, status, media_base_url=ctx.media_base_url, now=ctx.now)
    ctx.reply({"type": "presence", "status": status})


def _session_reply(ctx: CommandContext, action: str, session: dict[str, Any]) -> None:
    ctx.reply({"type": "session", "action": action, "session": session})


def session_request(ctx: CommandContext, body: dict[str, Any]) -> None:
    from chalicelib.sessions import calls

    session = calls.request_call(
        ctx.account_id,
        _required(body, "expert_id"),
        _required(body, "media"),
        payment_method_id=_optional(body, "payment_method_id"),
        link_id=_optional(body, "link_id"),
        notifier=ctx.notifier,
        now=ctx.now,
    )
    _session_reply(ctx, "session.request", session)


def session_accept(ctx: CommandContext, body: dict[str, Any]) -> None:
    from chalicelib.sessions import calls

    session = calls.accept_call(_required(body, "session_id"), ctx.account_id, notifier=ctx.notifier, now=ctx.now)
    _session_reply(ctx, "session.accept", session)


def session_decline(ctx: CommandContext, body: dict[str, Any]) -> None:
    from chalicelib.sessions import calls

    session = calls.decline_call(_required(body, "session_id"), ctx.account_id, notifier=ctx.notifier, now=ctx.now)
    _session_reply(ctx, "session.decline", session)


def session_cancel(ctx: CommandContext, body: dict[str, Any]) -> None:
    from chalicelib.sessions import calls

    session = calls.cancel_call(_required(body, "session_id"), ctx.account_id, notifier=ctx.notifier, now=ctx.now)
    _session_reply(ctx, "session.cancel", session)


def session_join(ctx: CommandContext, body: dict[str, Any]) -> None:
    """This device joins the call: signalling for the call is relayed to it from now on."""
    from chalicelib.sessions import calls

    session_id = _required(body, "session_id")
    session = calls.join_call(session_id, ctx.account_id, notifier=ctx.notifier, now=ctx.now)
    join_session(ctx.connection_id, session_id)
    ctx.reply({"type": "session", "action": "session.join", "session": session} | _ice_servers(ctx, session_id))


def _ice_servers(ctx: CommandContext, session_id: str) -> dict[str, Any]:
    """The join reply carries the call's ICE servers (as ``GET /sessions/{id}/ice-servers``) while it is live."""
    from chalicelib.sessions.ice_servers import ice_servers_for_call

    try:
        return {"ice": ice_servers_for_call(session_id, ctx.account_id, ctx.now)}
    except DomainError:
        return {}


def session_hang_up(ctx: CommandContext, body: dict[str, Any]) -> None:
    from chalicelib.sessions import calls

    session = calls.hang_up(_required(body, "session_id"), ctx.account_id, notifier=ctx.notifier, now=ctx.now)
    join_session(ctx.connection_id, None)
    _session_reply(ctx, "session.hang_up", session)


def _relay(ctx: CommandContext, session_id: str, message: dict[str, Any]) -> None:
    relay_to_peer(
        ctx.sender,
        session_id=session_id,
        from_account=ctx.account_id,
        message={**message, "session_id": session_id, "from": ctx.account_id},
        now=ctx.now,
    )


def _signal(kind: str) -> Command:
    """offer / answer / ice: an opaque JSON object passed to the other participant as it is."""

    def relay_signal(ctx: CommandContext, body: dict[str, Any]) -> None:
        payload = body.get("payload")
        if not isinstance(payload, dict):
            raise InvalidInput("'payload' must be a JSON object.", code="invalid_message")
        check_signal_payload_size(payload)
        _relay(ctx, _required(body, "session_id"), {"type": kind, "payload": payload})

    return relay_signal


def media_toggle(ctx: CommandContext, body: dict[str, Any]) -> None:
    kind, enabled = body.get("kind"), body.get("enabled")
    if kind not in MEDIA_KINDS or not isinstance(enabled, bool):
        raise InvalidInput("'kind' must be 'audio' or 'video' and 'enabled' true or false.", code="invalid_message")
    _relay(ctx, _required(body, "session_id"), {"type": "media.toggle", "kind": kind, "enabled": enabled})


COMMANDS: dict[str, Command] = {
    "presence": presence,
    "session.request": session_request,
    "session.accept": session_accept,
    "session.decline": session_decline,
    "session.cancel": session_cancel,
    "session.join": session_join,
    "session.hang_up": session_hang_up,
    "signal.offer": _signal("signal.offer"),
    "signal.answer": _signal("signal.answer"),
    "signal.ice": _signal("signal.ice"),
    "media.toggle": media_toggle,
}


def parse_message(raw: str) -> tuple[Command, dict[str, Any]]:
    check_message_size(raw)
    try:
        body = json.loads(raw)
    except ValueError:
        raise InvalidInput("A message must be a JSON object.", code="invalid_json") from None
    if not isinstance(body, dict):
        raise InvalidInput("A message must be a JSON object.", code="invalid_json")
    action = body.get("action")
    command = COMMANDS.get(action) if isinstance(action, str) else None
    if command is None:
        raise InvalidInput(f"Unknown action {action!r}; known: {', '.join(COMMANDS)}.", code="unknown_action")
    return command, body


def handle_message(connection_id: str, raw: str, *, sender: MessageSender, media_base_url: str, now: datetime) -> None:
    """Run one message; any refusal, and any fault of ours, goes back to the sender as an error message."""
    try:
        command, body = parse_message(raw)
        ctx = CommandContext(connection_id, account_of(connection_id), sender, media_base_url, now)
        command(ctx, body)
    except DomainError as error:
        deliver(sender, [connection_id], error_message(error.code, error.message))
    except Exception:
        log_error("websocket message failed", connection_id=connection_id)
        deliver(sender, [connection_id], error_message("internal_error", "Something went wrong on our side."))


def error_message(code: str, message: str) -> dict[str, Any]:
    return {"type": "error", "code": code, "message": message}
