"""What an expert may send to create, change or order their services, validated field by field."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from chalicelib.profiles.contact_details import find_contact_details
from chalicelib.profiles.slugs import SLUG_PATTERN
from chalicelib.services.rules import (
    DESCRIPTION_LIMIT,
    MAX_AMOUNT,
    MAX_MEETING_MINUTES,
    MAX_SERVICES_PER_EXPERT,
    MIN_MEETING_MINUTES,
    meeting_url_problem,
    service_slug_problem,
)


def _no_contact_details(text: str) -> str:
    found = find_contact_details(text)
    if found:
        raise PydanticCustomError(
            "contact_details_not_allowed",
            "Contains {found}; services may not carry contact details (clients reach you through Parley).",
            {"found": found},
        )
    return text


def _valid_service_slug(value: str) -> str:
    problem = service_slug_problem(value)
    if problem:
        raise PydanticCustomError("invalid_slug", problem)
    return value


def _positive_minor_units(value: int) -> int:
    if not 1 <= value <= MAX_AMOUNT:
        raise PydanticCustomError(
            "invalid_amount",
            "An amount is a whole number of minor units (cents) from 1 to {most}.",
            {"most": MAX_AMOUNT},
        )
    return value


def _https_meeting_url(value: str) -> str:
    problem = meeting_url_problem(value)
    if problem:
        raise PydanticCustomError("invalid_meeting_url", problem)
    return value


Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), AfterValidator(_no_contact_details)
]
ServiceSlugText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True),
    AfterValidator(_valid_service_slug),
    Field(json_schema_extra={"pattern": SLUG_PATTERN.pattern}),
]
Description = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=DESCRIPTION_LIMIT),
    AfterValidator(_no_contact_details),
]
MeetingUrl = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=500),
    AfterValidator(_https_meeting_url),
    Field(json_schema_extra={"pattern": r"^https://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::[0-9]{1,5})?(?:[/?#]\S*)?$"}),
]
MinorUnits = Annotated[
    int,
    Field(strict=True, json_schema_extra={"minimum": 1, "maximum": MAX_AMOUNT}),
    AfterValidator(_positive_minor_units),
]


class OngoingRateInput(BaseModel):
    """Shown at checkout for the work after the service; Parley never charges it."""

    model_config = ConfigDict(extra="forbid")

    amount: MinorUnits = Field(description="Integer minor units of your profile's currency.")
    unit: Literal["hour", "week", "month"]


class MeetingInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    location_url: MeetingUrl = Field(description="An https video-conferencing link, given to the client at checkout.")
    duration_minutes: int = Field(strict=True, ge=MIN_MEETING_MINUTES, le=MAX_MEETING_MINUTES)


class ServiceInput(BaseModel):
    """A service as the expert writes it. Amounts are integers in minor units of the profile's currency."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    slug: ServiceSlugText = Field(description="The service's link, unique among your services.")
    description: Description
    upfront_hold: MinorUnits | None = Field(default=None, description="Held on the client's card at checkout.")
    ongoing_rate: OngoingRateInput | None = None
    meeting: MeetingInput | None = None


class ServiceOrderInput(BaseModel):
    """Every one of your services, each named once, in the order clients should see them."""

    model_config = ConfigDict(extra="forbid")

    service_ids: list[str] = Field(min_length=1, max_length=MAX_SERVICES_PER_EXPERT * 2)
