"""What the routes of paid calls and session links answer (``chalicelib.sessions``: calls, ice_servers, links)."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from chalicelib.money.currency import CurrencyCode
from chalicelib.web.responses import MinorUnits, ResponseModel, UtcTimestamp, sometimes

CallState = Literal["requested", "accepted", "active", "ended", "declined", "cancelled", "expired"]
EndReason = Literal[
    "hung_up", "time_limit", "booked_end", "participant_left", "not_started", "declined", "cancelled", "expired"
]  # fmt: skip

_SESSION_ID = "5f0c2a9e8d7b4c1e9a3f6b2d1c0e4a7b"
_CLIENT_ID = "b1d2c3e4-0000-4000-8000-00000000c001"
_EXPERT_ID = "a1b2c3d4-0000-4000-8000-00000000e001"


class CallTariff(ResponseModel):
    """What the call costs, fixed when it was requested."""

    currency: CurrencyCode
    rate_per_minute: MinorUnits | None = Field(description="Per minute, in minor units; null if priced by the hour.")
    hourly_rate: MinorUnits | None = Field(description="Per hour, in minor units; null if priced by the minute.")
    free_minutes: int = Field(ge=0, description="Minutes of a client's first call with this expert that cost nothing.")


class CallMeter(ResponseModel):
    """What a page runs an active per-minute call's live meter from, as of ``as_of`` (when the view was made):
    the bill were the call hung up then is the tariff's price of ceil(billed_seconds / 60) minus the free
    minutes, nothing while active_seconds < no_charge_seconds. While media flows the page adds the seconds
    since it got the view to both counts (never past seconds_to_cutoff). No message ticks the meter; the
    bill at the end is the server's."""

    as_of: UtcTimestamp
    billed_seconds: int = Field(ge=0, description="Seconds both were connected, from the first media.connected.")
    active_seconds: int = Field(ge=0, description="From going active to the last moment both were connected.")
    running: bool = Field(description="Both are connected and media has connected: the meter grows.")
    seconds_to_cutoff: int = Field(ge=0, description="Billing stops at the cutoff.")
    no_charge_seconds: int = Field(description="A call whose active_seconds stay under this costs nothing.")
    commission_bps: int | SkipJsonSchema[None] = sometimes(
        "The platform's commission (the expert's view only): earnings = price - round-half-up(price x bps / 10000)."
    )


class CallBill(ResponseModel):
    """An ended call's bill as its client sees it: what they pay."""

    currency: CurrencyCode
    free_call: bool = Field(description="A free-session link's call, or a free consultation's: nothing is charged.")
    billable_seconds: int = Field(ge=0, description="Seconds both were connected, from the first media.connected.")
    billed_minutes: int = Field(ge=0)
    free_minutes: int = Field(ge=0)
    amount: MinorUnits = Field(
        ge=0, description="What the client is charged (an appointment's call: the booking's price, paid by it)."
    )
    appointment_id: str | SkipJsonSchema[None] = sometimes("An appointment's call: the booking that paid for it.")
    paid_by_booking: bool | SkipJsonSchema[None] = sometimes(
        "An appointment's call (always true): the booking's capture charges `amount`; the call charges nothing more."
    )


class CallBillForExpert(CallBill):
    """An ended call's bill as its expert sees it: also the platform's fee and their earnings."""

    fee: MinorUnits = Field(ge=0, description="The platform's commission.")
    earnings: MinorUnits = Field(ge=0, description="What the expert earns: amount - fee.")


class CallPaymentFailure(ResponseModel):
    """The client's card failed when the expert accepted; the request stays open until ``retry_until``.
    This is the client's view: why, and where to send another card."""

    failed_at: UtcTimestamp
    retry_until: UtcTimestamp
    code: str = Field(description="e.g. card_declined, card_authentication_required.")
    reason: str = Field(description="The bank's reason, as Stripe gives it.")
    retry: str = Field(description="The route that takes another card: POST /sessions/{session_id}/card.")


class CallPaymentFailureForExpert(ResponseModel):
    """The client's card failed when the expert accepted: the expert's view (no reason, which is the client's)."""

    failed_at: UtcTimestamp
    retry_until: UtcTimestamp
    message: str


class CallView(ResponseModel):
    """A paid (or free-link) call as one of its two participants sees it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "session_id": _SESSION_ID,
                    "state": "ended",
                    "media": "video",
                    "paid": True,
                    "client_id": _CLIENT_ID,
                    "expert_id": _EXPERT_ID,
                    "role": "client",
                    "link_id": None,
                    "appointment_id": None,
                    "payment_id": f"pay:session:{_SESSION_ID}",
                    "hold_ready": True,
                    "tariff": {"currency": "USD", "rate_per_minute": 200, "hourly_rate": None, "free_minutes": 0},
                    "requested_at": "2026-11-23T15:00:00+00:00",
                    "expires_at": "2026-11-23T15:01:00+00:00",
                    "accepted_at": "2026-11-23T15:00:20+00:00",
                    "active_at": "2026-11-23T15:00:40+00:00",
                    "media_connected_at": "2026-11-23T15:00:45+00:00",
                    "cutoff_at": "2026-11-23T16:30:40+00:00",
                    "ended_at": "2026-11-23T15:12:45+00:00",
                    "end_reason": "hung_up",
                    "billed_seconds": 720,
                    "billed_until": "2026-11-23T15:12:45+00:00",
                    "bill": {
                        "currency": "USD",
                        "free_call": False,
                        "billable_seconds": 720,
                        "billed_minutes": 12,
                        "free_minutes": 0,
                        "amount": 2400,
                    },
                    "payment_failed": None,
                    "peer_present": False,
                    "meter": None,
                }
            ]
        }
    )

    session_id: str
    state: CallState
    media: Literal["voice", "video"]
    paid: bool = Field(description="False for a call through a free-session link, or a free consultation's call.")
    client_id: str
    expert_id: str
    role: Literal["client", "expert"] = Field(description="The reader's side of the call.")
    link_id: str | None = Field(description="The session link the call was asked through, if any.")
    appointment_id: str | None = Field(
        description="A booked appointment's call (POST /bookings/{id}/call): paid by the booking, ends by its end."
    )
    payment_id: str | None = Field(description="The card hold's payment, once the expert accepted a paid call.")
    hold_ready: bool = Field(description="The card is held (always true for a free call): both may join.")
    tariff: CallTariff
    requested_at: UtcTimestamp
    expires_at: UtcTimestamp = Field(description="An unanswered request expires then.")
    accepted_at: UtcTimestamp | None
    active_at: UtcTimestamp | None = Field(description="When both had joined.")
    media_connected_at: UtcTimestamp | None = Field(description="The first media.connected report: billing counts.")
    cutoff_at: UtcTimestamp | None = Field(description="90 minutes after it went active: it ends then at the latest.")
    ended_at: UtcTimestamp | None = Field(description="When it was ended (a dropped call: the sweep, after the grace).")
    end_reason: EndReason | None
    billed_seconds: int | None = Field(ge=0, description="An ended call: the seconds both were connected, as billed.")
    billed_until: UtcTimestamp | None = Field(
        description="The end for billing: the hang-up, or the last moment both in."
    )
    bill: CallBill | CallBillForExpert | None = Field(description="An ended call's bill (the expert's: fee, earnings).")
    payment_failed: CallPaymentFailure | CallPaymentFailureForExpert | None = Field(
        description="A request whose card failed at the accept (the client's view says why)."
    )
    peer_present: bool = Field(description="The other participant has a device in the call now.")
    meter: CallMeter | None = Field(description="An active per-minute call: what the page's live meter runs from.")


class CallStunServer(ResponseModel):
    """A STUN entry of ``RTCPeerConnection({iceServers})``."""

    urls: list[str]


class CallTurnServer(ResponseModel):
    """A TURN entry of ``RTCPeerConnection({iceServers})``, with credentials that end with the call."""

    urls: list[str]
    username: str = Field(description="'<expiry as Unix seconds>:<account id>' (the TURN REST API scheme).")
    credential: str = Field(description="base64(HMAC-SHA1(shared secret, username)).")


class CallIceServers(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ice_servers": [
                        {"urls": ["stun:turn.parley.example:3478"]},
                        {
                            "urls": ["turn:turn.parley.example:3478?transport=udp", "turns:turn.parley.example:5349"],
                            "username": f"1795452040:{_CLIENT_ID}",
                            "credential": "q3B0Zk9mY1h3bW1hM2x0eTdQdz0=",
                        },
                    ],
                    "expires_at": "2026-11-23T16:40:40+00:00",
                }
            ]
        }
    )

    ice_servers: list[CallStunServer | CallTurnServer] = Field(description="STUN, then TURN; either may be missing.")
    expires_at: UtcTimestamp = Field(description="The TURN credentials stop working then: the cutoff plus 10 minutes.")


class SessionLinkView(ResponseModel):
    """An expert's session link: the permanent paid one, or a one-time free one."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "link_id": "f4c8e1b2a7d94f3e8b6a0c5d2e1f7a9b",
                    "kind": "free",
                    "expert_id": _EXPERT_ID,
                    "created_at": "2026-11-20T09:30:00+00:00",
                    "spent": False,
                    "spent_at": None,
                }
            ]
        }
    )

    link_id: str
    kind: Literal["paid", "free"]
    expert_id: str
    created_at: UtcTimestamp
    spent: bool = Field(description="A free link a call has used (a paid link never is).")
    spent_at: UtcTimestamp | None


class SessionLinks(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "paid_link": {
                        "link_id": "p0d9a8c7b6e54f3a9b8c7d6e5f4a3b2c",
                        "kind": "paid",
                        "expert_id": _EXPERT_ID,
                        "created_at": "2026-11-01T08:00:00+00:00",
                        "spent": False,
                        "spent_at": None,
                    },
                    "free_links": [
                        {
                            "link_id": "f4c8e1b2a7d94f3e8b6a0c5d2e1f7a9b",
                            "kind": "free",
                            "expert_id": _EXPERT_ID,
                            "created_at": "2026-11-20T09:30:00+00:00",
                            "spent": True,
                            "spent_at": "2026-11-21T10:02:00+00:00",
                        }
                    ],
                }
            ]
        }
    )

    paid_link: SessionLinkView
    free_links: list[SessionLinkView] = Field(description="Newest first.")
