"""What the service routes answer: services as anyone and as their expert see them, the checkout page,
and checkouts."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict
from pydantic.json_schema import JsonDict

from chalicelib.money.currency import CurrencyCode
from chalicelib.profiles.responses import CARD_EXAMPLE, ProfileCard
from chalicelib.web.responses import MinorUnits, ResponseModel, UtcTimestamp


class ServiceOngoingRate(ResponseModel):
    """Shown at checkout for the work after the service; Parley never charges it."""

    amount: MinorUnits
    unit: Literal["hour", "week", "month"]


class ServicePublicMeeting(ResponseModel):
    duration_minutes: int


class ServiceOwnMeeting(ResponseModel):
    location_url: str
    duration_minutes: int


PUBLIC_SERVICE_EXAMPLE: JsonDict = {
    "service_id": "5c0d2e7f9a1b4c3d8e6f0a1b2c3d4e5f",
    "expert_id": "3f1c2a9e-7b1d-4c55-9a0e-2d6c1e8f4b21",
    "slug": "code-review",
    "name": "Code review",
    "description": "A written review of one pull request, within two working days.",
    "currency": "GBP",
    "upfront_hold": 15000,
    "ongoing_rate": {"amount": 9000, "unit": "hour"},
    "meeting": None,
    "position": 0,
    "web_checkout_page": "/experts/ada-lovelace/services/code-review/checkout",
}
OWN_SERVICE_EXAMPLE: JsonDict = PUBLIC_SERVICE_EXAMPLE | {
    "slug": "kick-off-call",
    "name": "Kick-off call",
    "meeting": {"location_url": "https://meet.example.com/ada", "duration_minutes": 45},
    "web_checkout_page": "/experts/ada-lovelace/services/kick-off-call/checkout",
    "created_at": "2026-03-02T10:00:00+00:00",
    "updated_at": "2026-03-02T10:00:00+00:00",
}


class ServicePublicView(ResponseModel):
    """A service as clients see it: the meeting's link is given only at checkout."""

    model_config = ConfigDict(json_schema_extra={"examples": [PUBLIC_SERVICE_EXAMPLE]})

    service_id: str
    expert_id: str
    slug: str
    name: str
    description: str
    currency: CurrencyCode
    upfront_hold: MinorUnits | None
    ongoing_rate: ServiceOngoingRate | None
    meeting: ServicePublicMeeting | None
    position: int
    web_checkout_page: str


class ServiceOwnView(ServicePublicView):
    """A service as its expert sees it: the meeting's link and the timestamps too."""

    model_config = ConfigDict(json_schema_extra={"examples": [OWN_SERVICE_EXAMPLE]})

    meeting: ServiceOwnMeeting | None  # type: ignore[assignment]
    created_at: UtcTimestamp
    updated_at: UtcTimestamp


class OwnServiceList(ResponseModel):
    """The expert's services in display order."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"services": [OWN_SERVICE_EXAMPLE]}]})

    services: list[ServiceOwnView]


class PublicServiceList(ResponseModel):
    """An expert's services in display order."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"services": [PUBLIC_SERVICE_EXAMPLE]}]})

    services: list[ServicePublicView]


class ServiceDeleted(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"deleted": "5c0d2e7f9a1b4c3d8e6f0a1b2c3d4e5f"}]})

    deleted: str


class ServiceCheckoutPage(ResponseModel):
    """What a service's checkout page shows: the expert's card and the service."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"expert": CARD_EXAMPLE, "service": PUBLIC_SERVICE_EXAMPLE}]}
    )

    expert: ProfileCard
    service: ServicePublicView


CHECKOUT_EXAMPLE: JsonDict = {
    "checkout_id": "8e1f0c3b5a7d49e2b6c4d0f1a2b3c4d5",
    "service_id": "5c0d2e7f9a1b4c3d8e6f0a1b2c3d4e5f",
    "service_name": "Code review",
    "client_id": "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a",
    "expert_id": "3f1c2a9e-7b1d-4c55-9a0e-2d6c1e8f4b21",
    "currency": "GBP",
    "upfront_hold": 15000,
    "payment_id": "pay:checkout:8e1f0c3b5a7d49e2b6c4d0f1a2b3c4d5",
    "thread_id": "service_checkout:8e1f0c3b5a7d49e2b6c4d0f1a2b3c4d5",
    "status": "awaiting_expert",
    "hold_expires_at": "2026-03-08T10:00:00.000000Z",
    "created_at": "2026-03-02T10:00:00Z",
    "updated_at": "2026-03-02T10:00:00Z",
}


class ServiceCheckoutView(ResponseModel):
    """A checkout: ``hold_expires_at`` is when an unanswered hold is released (null without a hold, or once
    the expert answered)."""

    model_config = ConfigDict(json_schema_extra={"examples": [CHECKOUT_EXAMPLE]})

    checkout_id: str
    service_id: str
    service_name: str
    client_id: str
    expert_id: str
    currency: CurrencyCode
    upfront_hold: MinorUnits | None
    payment_id: str | None
    thread_id: str
    status: Literal["awaiting_expert", "accepted", "declined", "expired"]
    hold_expires_at: UtcTimestamp | None
    created_at: UtcTimestamp
    updated_at: UtcTimestamp


class ServiceCheckoutStarted(ResponseModel):
    """The checkout and the conversation it opened with the client's message."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"checkout": CHECKOUT_EXAMPLE, "thread_id": CHECKOUT_EXAMPLE["thread_id"]}]}
    )

    checkout: ServiceCheckoutView
    thread_id: str
