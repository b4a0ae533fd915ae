"""Every WebSocket message, in both directions, as a pydantic model: the schema is the check.

Client actions (`ClientAction` subclasses, one per entry of `COMMANDS`) are what the
server accepts: a message is parsed through its action's model in strict mode, so a field
the model does not declare, a missing one or one of the wrong type is `invalid_message`.
Server messages (`ServerMessage` subclasses, `SERVER_MESSAGES`) are everything the
server sends: replies, errors, acks, relayed signalling and call events. The AsyncAPI
document (`chalicelib/realtime/asyncapi.py`) is generated from these models, and the
suites check every message they see against it.

A field that a message leaves out when it has no value (`sometimes`) is never sent as
null: it is absent or of its type. A field that is always there but may be null (most of
the session view) is required and nullable.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from chalicelib.errors import InvalidInput
from chalicelib.sessions.responses import CallBill, CallBillForExpert, CallIceServers, CallView
from chalicelib.web.responses import ResponseModel, UtcTimestamp, sometimes, with_examples

MAX_ID_LENGTH = 64

NonEmpty = Annotated[str, StringConstraints(min_length=1)]
MessageId = Annotated[
    int | Annotated[str, StringConstraints(min_length=1, max_length=MAX_ID_LENGTH)],
    Field(description="The client's own id for the message, echoed by whatever answers it."),
]
Role = Literal["client", "expert"]
Media = Literal["voice", "video"]
TrackKind = Literal["audio", "video"]
ShownPresence = Literal["online", "busy", "offline"]


# --------------------------------------------------------------------------- from the client


class ClientAction(BaseModel):
    """A message from a client: `action` names it; `id` is the client's own, echoed by its answer."""

    model_config = ConfigDict(extra="forbid", strict=True)

    id: MessageId = sometimes("The client's own id for this message (1 to 64 characters, or an integer).")


class Hello(ClientAction):
    """The device asks what it should know on arrival: its person's calls that ring or are under way."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"action": "hello", "id": "m1"}]})

    action: Literal["hello"]


class SayPresence(ClientAction):
    """An expert says online or offline; shown online only while a device of theirs is connected."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"action": "presence", "status": "online", "id": "m2"}]})

    action: Literal["presence"]
    status: Literal["online", "offline"]


class RequestCall(ClientAction):
    """A client asks an online expert for a call; the expert's devices get `session.requested`."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"action": "session.request", "expert_id": "expert-sub", "media": "video",
                 "payment_method_id": "pm_card_visa", "id": "m3"}
            ]
        }
    )  # fmt: skip

    action: Literal["session.request"]
    expert_id: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    media: Media
    payment_method_id: Annotated[str, StringConstraints(min_length=1, max_length=255)] | None = Field(
        default=None, description="A saved card (Stripe.js); none for a free call by a session link."
    )
    link_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = Field(
        default=None, description="A session link of this expert."
    )


class OnACall(ClientAction):
    """A message about one call."""

    session_id: NonEmpty


class AcceptCall(OnACall):
    """The expert accepts; the client's card is held, and both get `session.accepted`."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"action": "session.accept", "session_id": "ses_1", "id": "m4"}]}
    )

    action: Literal["session.accept"]


class DeclineCall(OnACall):
    """The expert declines a request; both get `session.declined`."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"action": "session.decline", "session_id": "ses_1"}]})

    action: Literal["session.decline"]


class CancelCall(OnACall):
    """The client withdraws a request (requested or accepted); both get `session.cancelled`."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"action": "session.cancel", "session_id": "ses_1"}]})

    action: Literal["session.cancel"]


class ReplaceCard(OnACall):
    """The client sends another card while the request lasts (after `session.payment_failed`)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"action": "session.card", "session_id": "ses_1", "payment_method_id": "pm_card_visa"}]
        }
    )

    action: Literal["session.card"]
    payment_method_id: Annotated[str, StringConstraints(min_length=1, max_length=255)]


class JoinCall(OnACall):
    """This device joins the call: signalling for the call reaches it from now on."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"action": "session.join", "session_id": "ses_1", "id": "join-1"}]}
    )

    action: Literal["session.join"]


class HangUp(OnACall):
    """Either participant ends the call (a request still ringing is cancelled or declined)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"action": "session.hang_up", "session_id": "ses_1"}]})

    action: Literal["session.hang_up"]


SDP_EXAMPLE: dict[str, Any] = {"type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}
CANDIDATE_EXAMPLE: dict[str, Any] = {
    "candidate": "candidate:1 1 udp 1 127.0.0.1 50000 typ host",
    "sdpMid": "0",
    "sdpMLineIndex": 0,
}


class SendOffer(OnACall):
    """A WebRTC offer (an `RTCSessionDescription` as JSON), relayed to the other side's devices in the call."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"action": "signal.offer", "session_id": "ses_1", "payload": SDP_EXAMPLE, "id": "offer"}]
        }
    )

    action: Literal["signal.offer"]
    payload: dict[str, Any] = Field(description="An RTCSessionDescription as JSON, at most 16 KB as compact JSON.")


class SendAnswer(OnACall):
    """A WebRTC answer, relayed like the offer."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"action": "signal.answer", "session_id": "ses_1", "payload": SDP_EXAMPLE | {"type": "answer"}}
            ]
        }
    )

    action: Literal["signal.answer"]
    payload: dict[str, Any] = Field(description="An RTCSessionDescription as JSON, at most 16 KB as compact JSON.")


class SendIceCandidate(OnACall):
    """An ICE candidate (`RTCIceCandidate` as JSON), or null for the end of candidates."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"action": "signal.ice", "session_id": "ses_1", "payload": CANDIDATE_EXAMPLE, "id": "ice-0"}]
        }
    )

    action: Literal["signal.ice"]
    payload: dict[str, Any] | None = Field(description="An RTCIceCandidate as JSON; null: the end of candidates.")


class ToggleMedia(OnACall):
    """Tells the other side that a track was switched on or off."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"action": "media.toggle", "session_id": "ses_1", "kind": "video", "enabled": False}]
        }
    )

    action: Literal["media.toggle"]
    kind: TrackKind
    enabled: bool


class ReportMediaConnected(OnACall):
    """This side's RTCPeerConnection reached "connected": billable time counts from the first report."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"action": "media.connected", "session_id": "ses_1", "id": "media"}]}
    )

    action: Literal["media.connected"]


def parse_action(model: type[ClientAction], body: dict[str, Any]) -> ClientAction:
    """`body` as `model` describes it, or `invalid_message` naming what is wrong."""
    try:
        return model.model_validate(body)
    except ValidationError as error:
        problems = "; ".join(
            f"'{'.'.join(str(part) for part in e['loc'])}': {e['msg']}" if e["loc"] else e["msg"]
            for e in error.errors(include_url=False)
        )
        raise InvalidInput(
            f"This {body.get('action')} message is not valid: {problems}.", code="invalid_message"
        ) from None


# --------------------------------------------------------------------------- from the server

SESSION_EXAMPLE: dict[str, Any] = {
    "session_id": "ses_1", "state": "accepted", "media": "video", "paid": True, "client_id": "client-sub",
    "expert_id": "expert-sub", "role": "client", "link_id": None, "appointment_id": None,
    "payment_id": "pay:call:ses_1", "hold_ready": True,
    "tariff": {"currency": "USD", "rate_per_minute": 300, "hourly_rate": None, "free_minutes": 0},
    "requested_at": "2026-12-02T16:00:00+00:00", "expires_at": "2026-12-02T16:01:00+00:00",
    "accepted_at": "2026-12-02T16:00:20+00:00", "active_at": None, "media_connected_at": None, "cutoff_at": None,
    "ended_at": None, "end_reason": None, "billed_seconds": None, "billed_until": None, "bill": None,
    "payment_failed": None, "peer_present": False, "meter": None,
}  # fmt: skip
METER_EXAMPLE = {"as_of": "2026-12-02T16:01:00+00:00", "billed_seconds": 0, "active_seconds": 0, "running": False,
                 "seconds_to_cutoff": 5400, "no_charge_seconds": 180}  # fmt: skip
BILL_EXAMPLE = {"currency": "USD", "free_call": False, "billable_seconds": 610, "billed_minutes": 11,
                "free_minutes": 0, "amount": 3300}  # fmt: skip


class ServerMessage(ResponseModel):
    """A message from the server; `type` names it (a reply is `session` with the `action` it answers)."""

    def wire(self) -> dict[str, Any]:
        """The message as JSON sends it: fields left unset are left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


class Reply(ServerMessage):
    """An answer to the sender's own message, carrying its `id` if it had one."""

    id: MessageId = sometimes("The id of the message this answers, if it had one.")


REPLIED_SESSION_ACTIONS = Literal[
    "session.request", "session.accept", "session.decline", "session.cancel", "session.card", "session.hang_up",
    "media.connected",
]  # fmt: skip


class SessionReply(Reply):
    """The reply to a call action: the call as the sender sees it now."""

    model_config = with_examples(
        {"type": "session", "action": "session.accept", "session": SESSION_EXAMPLE, "id": "m4"}
    )

    type: Literal["session"]
    action: REPLIED_SESSION_ACTIONS
    session: CallView


class JoinReply(Reply):
    """The reply to `session.join`: whether the other side is there, and whether this device offers."""

    model_config = with_examples(
        {"type": "session", "action": "session.join", "session": SESSION_EXAMPLE | {"peer_present": True},
         "peer_present": True, "you_offer": True, "id": "join-1",
         "ice": {"ice_servers": [{"urls": ["stun:stun.example.com:3478"]}],
                 "expires_at": "2026-12-02T17:40:00+00:00"}}
    )  # fmt: skip

    type: Literal["session"]
    action: Literal["session.join"]
    session: CallView
    peer_present: bool
    you_offer: bool = Field(description="This device sends the WebRTC offer (the side that joins second).")
    ice: CallIceServers = sometimes("The call's ICE servers, while the call is live.")


class PresenceReply(Reply):
    """The reply to `presence`: what was said and what clients see."""

    model_config = with_examples({"type": "presence", "status": "online", "presence": "online", "id": "m2"})

    type: Literal["presence"]
    status: Literal["online", "offline"]
    presence: ShownPresence


class HelloReply(Reply):
    """The reply to `hello`: the person's calls that ring or are under way, oldest request first."""

    model_config = with_examples(
        {"type": "hello", "account_id": "expert-sub", "presence": "online",
         "sessions": [SESSION_EXAMPLE | {"state": "requested", "role": "expert"}], "id": "m1"}
    )  # fmt: skip

    type: Literal["hello"]
    account_id: str
    presence: ShownPresence | None = Field(description="The expert's shown presence; null without an expert profile.")
    sessions: list[CallView]


RELAYED_ACTIONS = Literal["signal.offer", "signal.answer", "signal.ice", "media.toggle"]


class Ack(ServerMessage):
    """A relayed message with an `id` reached the other side's devices."""

    model_config = with_examples({"type": "ack", "action": "signal.offer", "session_id": "ses_1", "id": "offer"})

    type: Literal["ack"]
    action: RELAYED_ACTIONS
    session_id: str
    id: MessageId


class ErrorMessage(ServerMessage):
    """A refusal; it never closes the connection. It names the refused message by its action, call and id,
    where the message had them (a message that is not JSON has none)."""

    model_config = with_examples(
        {"type": "error", "code": "peer_not_connected", "message": "The other side is not connected to this call.",
         "action": "signal.offer", "session_id": "ses_1", "id": "offer"}
    )  # fmt: skip

    type: Literal["error"]
    code: str = Field(
        description="invalid_json, unknown_action, invalid_message, message_too_large, payload_too_large, "
        "connection_unknown, not_a_participant, session_not_found, not_joined, peer_not_connected, session_<state>, "
        "session_time_limit, card_not_held, card_not_confirmed, card_not_yours, card_declined, "
        "expert_unavailable, changed_concurrently, rate_limited, internal_error, ..."
    )
    message: str
    action: str = sometimes("The refused message's action.")
    session_id: str = sometimes("The refused message's call.")
    id: MessageId = sometimes("The refused message's id.")


class Relayed(ServerMessage):
    """Relayed from the other participant of the call (never their `id`)."""

    model_config = ConfigDict(populate_by_name=True)

    session_id: str
    from_: str = Field(alias="from", description="The sender's account id.")


class OfferRelayed(Relayed):
    """The other side's WebRTC offer."""

    model_config = with_examples(
        {"type": "signal.offer", "session_id": "ses_1", "from": "client-sub", "payload": SDP_EXAMPLE}
    )

    type: Literal["signal.offer"]
    payload: dict[str, Any]


class AnswerRelayed(Relayed):
    """The other side's WebRTC answer."""

    model_config = with_examples(
        {
            "type": "signal.answer",
            "session_id": "ses_1",
            "from": "expert-sub",
            "payload": SDP_EXAMPLE | {"type": "answer"},
        }
    )

    type: Literal["signal.answer"]
    payload: dict[str, Any]


class IceCandidateRelayed(Relayed):
    """One of the other side's ICE candidates, or null: the end of its candidates."""

    model_config = with_examples(
        {"type": "signal.ice", "session_id": "ses_1", "from": "client-sub", "payload": CANDIDATE_EXAMPLE}
    )

    type: Literal["signal.ice"]
    payload: dict[str, Any] | None


class MediaToggled(Relayed):
    """The other side switched a track on or off."""

    model_config = with_examples(
        {"type": "media.toggle", "session_id": "ses_1", "from": "expert-sub", "kind": "video", "enabled": False}
    )

    type: Literal["media.toggle"]
    kind: TrackKind
    enabled: bool


class CallRequested(ServerMessage):
    """To the expert's devices: a client asks for a call (ring)."""

    model_config = with_examples(
        {"type": "session.requested", "session": SESSION_EXAMPLE | {"state": "requested", "role": "expert"}}
    )

    type: Literal["session.requested"]
    session: CallView


class CallAccepted(ServerMessage):
    """To both: the expert accepted. The client's may carry `client_secret` to confirm the card with Stripe.js."""

    model_config = with_examples({"type": "session.accepted", "session": SESSION_EXAMPLE})

    type: Literal["session.accepted"]
    session: CallView
    client_secret: str = sometimes("The card hold's PaymentIntent secret, when the card needs confirming (3-D Secure).")


class CallDeclined(ServerMessage):
    """To both: the expert declined (the expert's other devices stop ringing)."""

    model_config = with_examples({"type": "session.declined", "session": SESSION_EXAMPLE | {"state": "declined"}})

    type: Literal["session.declined"]
    session: CallView


class CallCancelled(ServerMessage):
    """To both: the client withdrew the request."""

    model_config = with_examples({"type": "session.cancelled", "session": SESSION_EXAMPLE | {"state": "cancelled"}})

    type: Literal["session.cancelled"]
    session: CallView


class CallExpired(ServerMessage):
    """To both: nobody answered the request in time."""

    model_config = with_examples({"type": "session.expired", "session": SESSION_EXAMPLE | {"state": "expired"}})

    type: Literal["session.expired"]
    session: CallView


class PaymentFailed(ServerMessage):
    """To both: the client's card failed when the expert accepted; the request stays open for another card.
    The client's has the decline's `code` and `reason`, the expert's does not."""

    model_config = with_examples(
        {"type": "session.payment_failed", "session_id": "ses_1", "code": "card_declined",
         "reason": "Your card was declined.", "session": SESSION_EXAMPLE | {
             "state": "requested", "accepted_at": None,
             "payment_failed": {"failed_at": "2026-12-02T16:00:20+00:00", "retry_until": "2026-12-02T16:01:00+00:00",
                                "code": "card_declined", "reason": "Your card was declined.",
                                "retry": "POST /sessions/ses_1/card"}}}
    )  # fmt: skip

    type: Literal["session.payment_failed"]
    session_id: str
    session: CallView
    code: str = sometimes("The decline's code (the client's only).")
    reason: str = sometimes("Why the card was declined (the client's only).")


class HoldReady(ServerMessage):
    """To both, once: the client confirmed the card (3-D Secure) and the hold is in place; join now."""

    model_config = with_examples({"type": "session.hold_ready", "session_id": "ses_1", "session": SESSION_EXAMPLE})

    type: Literal["session.hold_ready"]
    session_id: str
    session: CallView


class CallOpened(ServerMessage):
    """To the other participant: a booked appointment's call was opened (POST /bookings/{id}/call); join it now."""

    model_config = with_examples(
        {"type": "session.opened", "session_id": "ses_2", "appointment_id": "0b9e4c1d2f3a4b5c6d7e8f9012345678",
         "role": "client", "session": SESSION_EXAMPLE | {
             "session_id": "ses_2", "role": "expert", "appointment_id": "0b9e4c1d2f3a4b5c6d7e8f9012345678",
             "payment_id": None, "tariff": {"currency": "USD", "rate_per_minute": None, "hourly_rate": None,
                                            "free_minutes": 0},
             "expires_at": "2026-12-02T16:30:00+00:00"}}
    )  # fmt: skip

    type: Literal["session.opened"]
    session_id: str
    appointment_id: str
    role: Role = Field(description="Who opened it.")
    session: CallView


class PeerJoined(ServerMessage):
    """To the other side: a participant joined a call that was already active (e.g. after a reload)."""

    model_config = with_examples(
        {"type": "session.joined", "session_id": "ses_1", "role": "client", "you_offer": False}
    )

    type: Literal["session.joined"]
    session_id: str
    role: Role = Field(description="Who joined.")
    you_offer: bool


class CallActive(ServerMessage):
    """To both: both sides joined and the call is under way."""

    model_config = with_examples(
        {"type": "session.active", "session_id": "ses_1", "cutoff_at": "2026-12-02T17:31:00+00:00",
         "session": SESSION_EXAMPLE | {"state": "active", "active_at": "2026-12-02T16:01:00+00:00",
                                       "cutoff_at": "2026-12-02T17:31:00+00:00", "peer_present": True,
                                       "meter": METER_EXAMPLE},
         "you_offer": False}
    )  # fmt: skip

    type: Literal["session.active"]
    session_id: str
    cutoff_at: UtcTimestamp
    session: CallView
    you_offer: bool = Field(description="True for the person whose join made the call active.")


class PeerLeft(ServerMessage):
    """To the other side: a participant's last device in the call left (they have a grace period to come back)."""

    model_config = with_examples({"type": "session.left", "session_id": "ses_1", "role": "client"})

    type: Literal["session.left"]
    session_id: str
    role: Role = Field(description="Who left.")


class TimeWarning(ServerMessage):
    """To both: the call reaches its 90-minute limit soon (5 minutes, then 1)."""

    model_config = with_examples({"type": "session.warning", "session_id": "ses_1", "minutes_left": 5})

    type: Literal["session.warning"]
    session_id: str
    minutes_left: int


class CallEnded(ServerMessage):
    """To both: the call ended and was charged; `bill` is the viewer's."""

    model_config = with_examples(
        {"type": "session.ended", "session_id": "ses_1", "reason": "hung_up", "bill": BILL_EXAMPLE,
         "session": SESSION_EXAMPLE | {"state": "ended", "end_reason": "hung_up", "bill": BILL_EXAMPLE}}
    )  # fmt: skip

    type: Literal["session.ended"]
    session_id: str
    reason: str | None
    bill: CallBill | CallBillForExpert | None
    session: CallView


class GatewayError(ResponseModel):
    """API Gateway's own message when the function handling a message failed or timed out (no `type`)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"message": "Internal server error", "connectionId": "L0SM9cOFvHcCIhw=", "requestId": "abc="}]
        },
    )

    message: str = Field(description="Internal server error, or Endpoint request timed out.")
    connectionId: str  # noqa: N815  (API Gateway's name)
    requestId: str  # noqa: N815


SERVER_MESSAGES: tuple[type[BaseModel], ...] = (
    SessionReply, JoinReply, PresenceReply, HelloReply, Ack, ErrorMessage,
    OfferRelayed, AnswerRelayed, IceCandidateRelayed, MediaToggled,
    CallRequested, CallAccepted, CallDeclined, CallCancelled, CallExpired, PaymentFailed, HoldReady, CallOpened,
    PeerJoined, CallActive, PeerLeft, TimeWarning, CallEnded, GatewayError,
)  # fmt: skip
