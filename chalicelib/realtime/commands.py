"""What each WebSocket message does: ``{"action": ..., ...}`` looked up in ``COMMANDS``.

Every outcome the sender should know of comes back to that connection as a message;
refusals are ``{"type": "error", "code": ..., "message": ...}`` and never close
the connection. A message may carry an ``id`` (the client's own): its reply, its
error and, for relayed signalling, its ``ack`` echo it, and errors also name the
``action`` and ``session_id`` they refuse. docs/websocket-protocol.md lists every message.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.errors import DomainError, InvalidInput
from chalicelib.realtime.connections import OFFLINE, ONLINE, account_of, join_session
from chalicelib.realtime.limits import check_message_size, check_signal_payload_size
from chalicelib.realtime.relay import AccountNotifier, deliver, relay_to_peer
from chalicelib.realtime.sender import MessageSender
from chalicelib.web.logs import log_error

MEDIA_KINDS = ("audio", "video")
MAX_ID_LENGTH = 64


@dataclass(frozen=True)
class CommandContext:
    """One message's circumstances: whose connection it came from, how to answer, and when."""

    connection_id: str
    account_id: str
    sender: MessageSender
    media_base_url: str
    now: datetime
    message_id: dict[str, Any] = field(default_factory=dict)  # {"id": ...} if the message had one

    @property
    def notifier(self) -> AccountNotifier:
        return AccountNotifier(self.sender, self.now)

    def reply(self, message: dict[str, Any]) -> None:
        deliver(self.sender, [self.connection_id], {**message, **self.message_id})


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
    from chalicelib.realtime.presence import say_presence

    profile = say_presence(ctx.account_id, status, media_base_url=ctx.media_base_url, now=ctx.now)
    ctx.reply({"type": "presence", "status": status, "presence": profile.presence})


def hello(ctx: CommandContext, body: dict[str, Any]) -> None:
    """A device that has just connected learns of its person's calls that ring or are under way
    (API Gateway cannot send on a connection before its ``$connect`` has returned, so the device asks)."""
    from chalicelib.profiles.save_profile import find_own_profile
    from chalicelib.sessions.live_calls import live_calls_of

    profile = find_own_profile(ctx.account_id)
    ctx.reply({"type": "hello", "account_id": ctx.account_id,
               "presence": profile.presence if profile is not None else None,
               "sessions": live_calls_of(ctx.account_id, ctx.now)})  # fmt: skip


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


def session_card(ctx: CommandContext, body: dict[str, Any]) -> None:
    from chalicelib.sessions import calls

    session = calls.replace_card(
        _required(body, "session_id"), ctx.account_id, _required(body, "payment_method_id"),
        notifier=ctx.notifier, now=ctx.now,
    )  # fmt: skip
    _session_reply(ctx, "session.card", session)


def session_decline(ctx: CommandContext, body: dict[str, Any]) -> None:
    from chalicelib.sessions import calls

    session = calls.decline_call(_required(body, "session_id"), ctx.account_id, notifier=ctx.notifier, now=ctx.now)
    _session_reply(ctx, "session.decline", session)


def session_cancel(ctx: CommandContext, body: dict[str, Any]) -> None:
    from chalicelib.sessions import calls

    session = calls.cancel_call(_required(body, "session_id"), ctx.account_id, notifier=ctx.notifier, now=ctx.now)
    _session_reply(ctx, "session.cancel", session)


def session_join(ctx: CommandContext, body: dict[str, Any]) -> None:
    """This device joins the call: signalling for the call is relayed to it from now on.

    The device is recorded in the call before the call learns of the join, so that the other
    side, told at once, can signal to it. The reply says whether the other side is there and
    who offers: ``you_offer`` is true for the side that joins while the other is present."""
    from chalicelib.sessions import calls

    session_id = _required(body, "session_id")
    join_session(ctx.connection_id, session_id)
    try:
        session = calls.join_call(session_id, ctx.account_id, notifier=ctx.notifier, now=ctx.now)
    except DomainError:  # refused (before anything was written): this device is in no call
        join_session(ctx.connection_id, None)
        raise
    reply = {"type": "session", "action": "session.join", "session": session,
             "peer_present": session["peer_present"], "you_offer": session["peer_present"]}  # fmt: skip
    ctx.reply(reply | _ice_servers(ctx, session_id))


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
    """Relay to the other side; a message with an ``id`` is acknowledged once the other side has it."""
    relay_to_peer(
        ctx.sender,
        session_id=session_id,
        from_account=ctx.account_id,
        message={**message, "session_id": session_id, "from": ctx.account_id},
        now=ctx.now,
    )
    if ctx.message_id:
        ctx.reply({"type": "ack", "action": message["type"], "session_id": session_id})


def _signal(kind: str) -> Command:
    """offer / answer / ice: an opaque JSON object passed to the other participant as it is
    (for ``signal.ice`` also ``null``, the end of candidates)."""

    def relay_signal(ctx: CommandContext, body: dict[str, Any]) -> None:
        payload = body.get("payload")
        end_of_candidates = kind == "signal.ice" and "payload" in body and payload is None
        if not isinstance(payload, dict) and not end_of_candidates:
            raise InvalidInput("'payload' must be a JSON object.", code="invalid_message")
        check_signal_payload_size(payload)
        _relay(ctx, _required(body, "session_id"), {"type": kind, "payload": payload})

    return relay_signal


def media_toggle(ctx: CommandContext, body: dict[str, Any]) -> None:
    kind, enabled = body.get("kind"), body.get("enabled")
    if kind not in MEDIA_KINDS or not isinstance(enabled, bool):
        raise InvalidInput("'kind' must be 'audio' or 'video' and 'enabled' true or false.", code="invalid_message")
    _relay(ctx, _required(body, "session_id"), {"type": "media.toggle", "kind": kind, "enabled": enabled})


def media_connected(ctx: CommandContext, body: dict[str, Any]) -> None:
    """This side's RTCPeerConnection reached "connected": the call's billable time counts from the first report."""
    from chalicelib.sessions import calls

    session = calls.report_media_connected(_required(body, "session_id"), ctx.account_id, now=ctx.now)
    _session_reply(ctx, "media.connected", session)


COMMANDS: dict[str, Command] = {
    "hello": hello,
    "presence": presence,
    "session.request": session_request,
    "session.accept": session_accept,
    "session.decline": session_decline,
    "session.cancel": session_cancel,
    "session.card": session_card,
    "session.join": session_join,
    "session.hang_up": session_hang_up,
    "signal.offer": _signal("signal.offer"),
    "signal.answer": _signal("signal.answer"),
    "signal.ice": _signal("signal.ice"),
    "media.toggle": media_toggle,
    "media.connected": media_connected,
}


def parse_message(raw: str) -> dict[str, Any]:
    check_message_size(raw)
    try:
        body = json.loads(raw)
    except ValueError:
        raise InvalidInput("A message must be a JSON object.", code="invalid_json") from None
    if not isinstance(body, dict):
        raise InvalidInput("A message must be a JSON object.", code="invalid_json")
    return body


def command_of(body: dict[str, Any]) -> Command:
    action = body.get("action")
    command = COMMANDS.get(action) if isinstance(action, str) else None
    if command is None:
        raise InvalidInput(f"Unknown action {action!r}; known: {', '.join(COMMANDS)}.", code="unknown_action")
    if "id" in body and not _valid_id(body["id"]):
        raise InvalidInput(
            f"'id' must be a string of 1 to {MAX_ID_LENGTH} characters or an integer.", code="invalid_message"
        )
    return command


def _valid_id(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, str) and 0 < len(value) <= MAX_ID_LENGTH)


def echo_of(body: dict[str, Any]) -> dict[str, Any]:
    """What an error names of the message it refuses: its action, session and id, where it gave them."""
    echo = {name: body[name] for name in ("action", "session_id") if isinstance(body.get(name), str)}
    if "id" in body and _valid_id(body["id"]):
        echo["id"] = body["id"]
    return echo


def handle_message(connection_id: str, raw: str, *, sender: MessageSender, media_base_url: str, now: datetime) -> None:
    """Run one message; any refusal, and any fault of ours, goes back to the sender as an error message."""
    echo: dict[str, Any] = {}
    try:
        body = parse_message(raw)
        echo = echo_of(body)
        command = command_of(body)
        message_id = {"id": echo["id"]} if "id" in echo else {}
        command(CommandContext(connection_id, account_of(connection_id), sender, media_base_url, now, message_id), body)
    except DomainError as error:
        deliver(sender, [connection_id], error_message(error.code, error.message, echo))
    except Exception:
        log_error("websocket message failed", connection_id=connection_id)
        deliver(sender, [connection_id], error_message("internal_error", "Something went wrong on our side.", echo))


def error_message(code: str, message: str, echo: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"type": "error", "code": code, "message": message, **(echo or {})}
