"""What the booking routes answer: an appointment as its client and expert see it, and a page of them."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field
from pydantic.json_schema import JsonDict, SkipJsonSchema

from chalicelib.money.currency import CurrencyCode
from chalicelib.web.responses import MinorUnits, ResponseModel, UtcTimestamp, sometimes

BookingStatus = Literal[
    "holding", "awaiting_card", "requested", "confirmed", "completed", "cancelled", "declined", "expired"
]


class BookingPolicyTerms(ResponseModel):
    """The expert's cancellation policy as agreed at booking."""

    cancel_cutoff_hours: int
    late_cancel_share_bps: int
    free_cancellation_until: UtcTimestamp


BOOKING_EXAMPLE: JsonDict = {
    "appointment_id": "0b9e4c1d2f3a4b5c6d7e8f9012345678",
    "expert_id": "3f1c2a9e-7b1d-4c55-9a0e-2d6c1e8f4b21",
    "client_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
    "kind": "paid",
    "status": "requested",
    "start": "2026-03-09T14:00:00Z",
    "end": "2026-03-09T14:30:00Z",
    "minutes": 30,
    "expert_time_zone": "Europe/London",
    "client_time_zone": "America/New_York",
    "buffer_before_minutes": 5,
    "buffer_after_minutes": 10,
    "service_id": None,
    "service_name": None,
    "meeting_url": None,
    "note": "Reviewing my pricing page",
    "currency": "GBP",
    "amount": 7500,
    "charged": None,
    "payment_id": "pay:appointment:0b9e4c1d2f3a4b5c6d7e8f9012345678",
    "policy": {
        "cancel_cutoff_hours": 24,
        "late_cancel_share_bps": 5000,
        "free_cancellation_until": "2026-03-08T14:00:00Z",
    },
    "cancelled_by": None,
    "media": "video",
    "call": {
        "session_id": None,
        "joinable_from": "2026-03-09T13:50:00Z",
        "joinable_until": "2026-03-09T14:30:00Z",
        "joinable_now": False,
        "media": "video",
    },
    "conversation_id": "booking:0b9e4c1d2f3a4b5c6d7e8f9012345678",
    "created_at": "2026-03-02T10:00:00Z",
    "updated_at": "2026-03-02T10:00:01Z",
    "approval_expires_at": "2026-03-03T10:00:00Z",
    "waiting_seconds": 1,
}


WHILE_REQUESTED = ("approval_expires_at", "waiting_seconds")


class BookingCall(ResponseModel):
    """The appointment's call: POST /bookings/{appointment_id}/call opens it (either participant), from
    ``joinable_from`` (10 minutes before the start) until ``joinable_until`` (the end), once confirmed."""

    session_id: str | None = Field(
        description="The call's session (GET /sessions/{session_id}) once a participant opened it; null before."
    )
    joinable_from: UtcTimestamp = Field(description="The call can be opened and joined from then.")
    joinable_until: UtcTimestamp = Field(description="The booked end: the call ends then at the latest.")
    joinable_now: bool = Field(
        description="The booking is confirmed, it is within the window and its call has not been hung up."
    )
    media: Literal["voice", "video"]


class BookingView(ResponseModel):
    """An appointment. ``amount`` is what the card holds (null for a free consultation or a service without
    an upfront hold); ``charged`` what it finally costs, once it is known."""

    model_config = ConfigDict(json_schema_extra={"examples": [BOOKING_EXAMPLE]})

    appointment_id: str
    expert_id: str
    client_id: str
    kind: Literal["paid", "free_consultation"]
    status: BookingStatus
    start: UtcTimestamp
    end: UtcTimestamp
    minutes: int
    expert_time_zone: str
    client_time_zone: str
    buffer_before_minutes: int
    buffer_after_minutes: int
    service_id: str | None
    service_name: str | None
    meeting_url: str | None
    note: str | None
    currency: CurrencyCode | None
    amount: MinorUnits | None
    charged: MinorUnits | None
    payment_id: str | None
    policy: BookingPolicyTerms
    cancelled_by: str | None
    media: Literal["voice", "video"] = Field(description="The appointment's call: voice or video.")
    call: BookingCall
    conversation_id: str
    created_at: UtcTimestamp
    updated_at: UtcTimestamp
    approval_expires_at: str | SkipJsonSchema[None] = sometimes(
        "While requested: when the request expires unless the expert answers.", format="date-time"
    )
    waiting_seconds: int | SkipJsonSchema[None] = sometimes("While requested: how long the request has waited.")


class BookingMade(BookingView):
    """The booking just made; when the card asks its holder to confirm (3-D Secure) it is ``awaiting_card``,
    with ``next_action`` and the ``client_secret`` for Stripe.js, then POST /bookings/{id}/confirm-card."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {key: value for key, value in BOOKING_EXAMPLE.items() if key not in WHILE_REQUESTED}
                | {"status": "awaiting_card", "next_action": "confirm_card", "client_secret": "pi_3Ab_secret_Xy"}
            ]
        }
    )

    next_action: Literal["confirm_card"] | SkipJsonSchema[None] = sometimes(
        "confirm_card: the card's holder must confirm it."
    )
    client_secret: str | SkipJsonSchema[None] = sometimes("The PaymentIntent's client secret, for Stripe.js.")


class BookingPage(ResponseModel):
    """One page of the caller's bookings; ``next_cursor`` is null on the last page. A page read with a
    ``status`` filter may hold fewer than ``limit`` items, even none, and still have a ``next_cursor``."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [BOOKING_EXAMPLE], "next_cursor": None}]})

    items: list[BookingView]
    next_cursor: str | None
