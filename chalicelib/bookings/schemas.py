"""What a client sends to book an appointment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from chalicelib.availability.schemas import TimeZoneName
from chalicelib.bookings.time_locks import GRANULE_MINUTES, MAX_GRANULES, is_aligned
from chalicelib.web.validation import iso_text


def _utc_on_the_grid(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() != timedelta():
        raise PydanticCustomError("not_utc", "'start' is an ISO 8601 time in UTC, such as 2026-03-02T14:00:00Z.")
    value = value.astimezone(UTC)
    if not is_aligned(value):
        raise PydanticCustomError("not_on_grid", "'start' falls on a whole multiple of 5 minutes.")
    return value


def _whole_granules(value: int) -> int:
    if value % GRANULE_MINUTES:
        raise PydanticCustomError("not_on_grid", "'minutes' is a multiple of 5.")
    return value


# The document states the grid: a UTC time (Z) on a whole multiple of 5 minutes.
ON_THE_GRID = {"pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-5][05]:00(?:\\.0+)?Z$"}


class BookingInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expert_id: str = Field(min_length=1, max_length=128)
    start: Annotated[
        datetime, BeforeValidator(iso_text), AfterValidator(_utc_on_the_grid), Field(json_schema_extra=ON_THE_GRID)
    ]
    minutes: Annotated[
        int,
        Field(ge=GRANULE_MINUTES, le=GRANULE_MINUTES * MAX_GRANULES, json_schema_extra={"multipleOf": GRANULE_MINUTES}),
        AfterValidator(_whole_granules),
    ]
    kind: Literal["paid", "free_consultation"]
    service_id: str | None = Field(default=None, min_length=1, max_length=128)
    payment_method_id: str | None = Field(default=None, min_length=1, max_length=255)
    time_zone: TimeZoneName = Field(default="UTC", description="The client's IANA time zone, for their invite.")
    note: str | None = Field(default=None, max_length=2000, description="What the client wants to discuss.")
    media: Literal["voice", "video"] = Field(
        default="video", description="The appointment's call: voice or video (POST /bookings/{id}/call)."
    )


class RescheduleInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: Annotated[
        datetime, BeforeValidator(iso_text), AfterValidator(_utc_on_the_grid), Field(json_schema_extra=ON_THE_GRID)
    ]
