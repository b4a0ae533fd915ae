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
from functools import cached_property
from typing import Any, Generic, TypeVar, get_args

from chalicelib.errors import DomainError, InvalidInput
from chalicelib.realtime.connections import account_of, call_of, join_session, leave_call_on
from chalicelib.realtime.limits import check_message_size, check_signal_payload_size
from chalicelib.realtime.messages import (
    MAX_ID_LENGTH,
    AcceptCall,
    Ack,
    AnswerRelayed,
    CancelCall,
    ClientAction,
    DeclineCall,
    ErrorMessage,
    HangUp,
    Hello,
    HelloReply,
    IceCandidateRelayed,
    JoinCall,
    JoinReply,
    MediaToggled,
    OfferRelayed,
    OnACall,
    PresenceReply,
    Relayed,
    ReplaceCard,
    ReportMediaConnected,
    RequestCall,
    SayPresence,
    SendAnswer,
    SendIceCandidate,
    SendOffer,
    ServerMessage,
    SessionReply,
    ToggleMedia,
    parse_action,
)
from chalicelib.realtime.relay import AccountNotifier, deliver, relay_to_peer
from chalicelib.realtime.sender import MessageSender
from chalicelib.web.logs import log_error

__all__ = ["COMMANDS", "MAX_ID_LENGTH", "Command", "handle_message"]

A = TypeVar("A", bound=ClientAction)


@dataclass(frozen=True)
class CommandContext:
    """One message's circumstances: which connection it came from, how to answer, and when. Whose
    connection it is (``account_id``) is read when a command first asks: relayed signalling never does
    (the call lists its devices), so it costs no read of the connection."""

    connection_id: str
    sender: MessageSender
    media_base_url: str
    now: datetime
    message_id: dict[str, Any] = field(default_factory=dict)  # {"id": ...} if the message had one

    @cached_property
    def account_id(self) -> str:
        return account_of(self.connection_id)

    @property
    def notifier(self) -> AccountNotifier:
        return AccountNotifier(self.sender, self.now)

    def reply(self, message: ServerMessage) -> None:
        deliver(self.sender, [self.connection_id], {**message.wire(), **self.message_id})


@dataclass(frozen=True)
class Command(Generic[A]):
    """One action: the model its message is parsed through, what it does, and what answers the sender
    (besides an ``error``); ``docs/websocket-protocol.md`` and ``/asyncapi.json`` describe each."""

    message: type[A]
    run: Callable[[CommandContext, A], None]
    replies: tuple[type[ServerMessage], ...]

    @property
    def action(self) -> str:
        (action,) = get_args(self.message.model_fields["action"].annotation)
        return str(action)


def presence(ctx: CommandContext, message: SayPresence) -> None:
    from chalicelib.realtime.presence import say_presence

    profile = say_presence(ctx.account_id, message.status, media_base_url=ctx.media_base_url, now=ctx.now)
    ctx.reply(
        PresenceReply.model_validate({"type": "presence", "status": message.status, "presence": profile.presence})
    )


def hello(ctx: CommandContext, message: Hello) -> None:
    """A device that has just connected learns of its person's calls that ring or are under way
    (API Gateway cannot send on a connection before its ``$connect`` has returned, so the device asks)."""
    from chalicelib.profiles.save_profile import find_own_profile
    from chalicelib.sessions.live_calls import live_calls_of

    profile = find_own_profile(ctx.account_id)
    ctx.reply(HelloReply.model_validate({"type": "hello", "account_id": ctx.account_id,
                                         "presence": profile.presence if profile is not None else None,
                                         "sessions": live_calls_of(ctx.account_id, ctx.now)}))  # fmt: skip


def _session_reply(ctx: CommandContext, action: str, session: dict[str, Any]) -> None:
    ctx.reply(SessionReply.model_validate({"type": "session", "action": action, "session": session}))


def session_request(ctx: CommandContext, message: RequestCall) -> None:
    from chalicelib.limits.limiter import spend
    from chalicelib.limits.rate_limits import CALL_REQUESTS
    from chalicelib.sessions import calls

    spend(CALL_REQUESTS, ctx.account_id, ctx.now)  # the same limit as POST /sessions
    session = calls.request_call(
        ctx.account_id,
        message.expert_id,
        message.media,
        payment_method_id=message.payment_method_id,
        link_id=message.link_id,
        notifier=ctx.notifier,
        now=ctx.now,
    )
    _session_reply(ctx, "session.request", session)


def session_accept(ctx: CommandContext, message: AcceptCall) -> None:
    from chalicelib.sessions import calls

    session = calls.accept_call(message.session_id, ctx.account_id, notifier=ctx.notifier, now=ctx.now)
    _session_reply(ctx, "session.accept", session)


def session_card(ctx: CommandContext, message: ReplaceCard) -> None:
    from chalicelib.sessions import calls

    session = calls.replace_card(
        message.session_id, ctx.account_id, message.payment_method_id, notifier=ctx.notifier, now=ctx.now
    )
    _session_reply(ctx, "session.card", session)


def session_decline(ctx: CommandContext, message: DeclineCall) -> None:
    from chalicelib.sessions import calls

    session = calls.decline_call(message.session_id, ctx.account_id, now=ctx.now)
    _session_reply(ctx, "session.decline", session)


def session_cancel(ctx: CommandContext, message: CancelCall) -> None:
    from chalicelib.sessions import calls

    session = calls.cancel_call(message.session_id, ctx.account_id, now=ctx.now)
    _session_reply(ctx, "session.cancel", session)


def session_join(ctx: CommandContext, message: JoinCall) -> None:
    """This device joins the call: signalling for the call is relayed to it from now on.

    The device is written into the call with the join, before the other side is told of it, so that
    the other side, told at once, can signal to it; its connection remembers the call first, so that
    losing the device takes it out. A device still in another call leaves that one. The reply says
    whether the other side is there and who offers: ``you_offer`` is true for the side that joins
    while the other is present."""
    from chalicelib.sessions import calls

    session_id = message.session_id
    previous = call_of(ctx.connection_id)
    if previous is not None and previous != session_id:
        leave_call_on(ctx.connection_id, previous, ctx.account_id, notifier=ctx.notifier, now=ctx.now)
    join_session(ctx.connection_id, session_id)
    try:
        session = calls.join_call(session_id, ctx.account_id, device=ctx.connection_id, notifier=ctx.notifier,
                                  now=ctx.now)  # fmt: skip
    except DomainError:  # refused (before anything was written): this device is in no call
        join_session(ctx.connection_id, None)
        raise
    reply = {"type": "session", "action": "session.join", "session": session,
             "peer_present": session["peer_present"], "you_offer": session["peer_present"]}  # fmt: skip
    ctx.reply(JoinReply.model_validate(reply | _ice_servers(ctx, session_id)))


def _ice_servers(ctx: CommandContext, session_id: str) -> dict[str, Any]:
    """The join reply carries the call's ICE servers (as ``GET /sessions/{id}/ice-servers``) while it is live."""
    from chalicelib.sessions.ice_servers import ice_servers_for_call

    try:
        return {"ice": ice_servers_for_call(session_id, ctx.account_id, ctx.now)}
    except DomainError:
        return {}


def session_hang_up(ctx: CommandContext, message: HangUp) -> None:
    from chalicelib.sessions import calls

    session = calls.hang_up(message.session_id, ctx.account_id, now=ctx.now)
    join_session(ctx.connection_id, None)
    _session_reply(ctx, "session.hang_up", session)


def _relay(ctx: CommandContext, message: OnACall, relayed: type[Relayed], fields: dict[str, Any]) -> None:
    """Relay to the other side; a message with an ``id`` is acknowledged once the other side has it."""
    action, session_id = fields["type"], message.session_id
    relay_to_peer(
        ctx.sender,
        session_id=session_id,
        connection_id=ctx.connection_id,
        message=lambda sent_by: relayed.model_validate({**fields, "session_id": session_id, "from": sent_by}).wire(),
        account=lambda: ctx.account_id,
        now=ctx.now,
    )
    if ctx.message_id:
        ctx.reply(Ack.model_validate({"type": "ack", "action": action, "session_id": session_id, **ctx.message_id}))


def _signal(relayed: type[OfferRelayed | AnswerRelayed | IceCandidateRelayed]) -> Callable[[CommandContext, Any], None]:
    """offer / answer / ice: an opaque JSON object passed to the other participant as it is
    (for ``signal.ice`` also ``null``, the end of candidates; the models say which)."""

    def relay_signal(ctx: CommandContext, message: SendOffer | SendAnswer | SendIceCandidate) -> None:
        check_signal_payload_size(message.payload)
        _relay(ctx, message, relayed, {"type": message.action, "payload": message.payload})

    return relay_signal


def media_toggle(ctx: CommandContext, message: ToggleMedia) -> None:
    _relay(ctx, message, MediaToggled, {"type": "media.toggle", "kind": message.kind, "enabled": message.enabled})


def media_connected(ctx: CommandContext, message: ReportMediaConnected) -> None:
    """This side's RTCPeerConnection reached "connected": the call's billable time counts from the first report."""
    from chalicelib.sessions import calls

    session = calls.report_media_connected(message.session_id, ctx.account_id, now=ctx.now)
    _session_reply(ctx, "media.connected", session)


RELAYED_REPLIES: tuple[type[ServerMessage], ...] = (Ack,)  # only for a message with an ``id``: success is silent
_TABLE: tuple[Command[Any], ...] = (
    Command(Hello, hello, (HelloReply,)),
    Command(SayPresence, presence, (PresenceReply,)),
    Command(RequestCall, session_request, (SessionReply,)),
    Command(AcceptCall, session_accept, (SessionReply,)),
    Command(DeclineCall, session_decline, (SessionReply,)),
    Command(CancelCall, session_cancel, (SessionReply,)),
    Command(ReplaceCard, session_card, (SessionReply,)),
    Command(JoinCall, session_join, (JoinReply,)),
    Command(HangUp, session_hang_up, (SessionReply,)),
    Command(SendOffer, _signal(OfferRelayed), RELAYED_REPLIES),
    Command(SendAnswer, _signal(AnswerRelayed), RELAYED_REPLIES),
    Command(SendIceCandidate, _signal(IceCandidateRelayed), RELAYED_REPLIES),
    Command(ToggleMedia, media_toggle, RELAYED_REPLIES),
    Command(ReportMediaConnected, media_connected, (SessionReply,)),
)
COMMANDS: dict[str, Command[Any]] = {command.action: command for command in _TABLE}


def parse_message(raw: str) -> dict[str, Any]:
    check_message_size(raw)
    try:
        body = json.loads(raw)
    except ValueError:
        raise InvalidInput("A message must be a JSON object.", code="invalid_json") from None
    if not isinstance(body, dict):
        raise InvalidInput("A message must be a JSON object.", code="invalid_json")
    return body


def command_of(body: dict[str, Any]) -> Command[Any]:
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
        message = parse_action(command.message, body)  # the model is the check: invalid_message names the field
        message_id = {"id": echo["id"]} if "id" in echo else {}
        command.run(CommandContext(connection_id, sender, media_base_url, now, message_id), message)
    except DomainError as error:
        deliver(sender, [connection_id], error_message(error.code, error.message, echo))
    except Exception:
        log_error("websocket message failed", connection_id=connection_id)
        deliver(sender, [connection_id], error_message("internal_error", "Something went wrong on our side.", echo))


def error_message(code: str, message: str, echo: dict[str, Any] | None = None) -> dict[str, Any]:
    return ErrorMessage.model_validate({"type": "error", "code": code, "message": message, **(echo or {})}).wire()
