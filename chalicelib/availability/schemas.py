"""What an expert sends to set their availability."""

from __future__ import annotations

from datetime import date
from functools import cache
from itertools import pairwise
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from chalicelib.availability.free_consultation import FreeConsultationInput
from chalicelib.availability.rules import RANGE_PATTERN, format_range, parse_range
from chalicelib.web.validation import iso_text

MAX_RANGES_PER_DAY = 12
MAX_OVERRIDES = 200
MAX_BUFFER_MINUTES = 240
MAX_NOTICE_MINUTES = 30 * 24 * 60
MAX_HORIZON_DAYS = 365
MAX_CUTOFF_HOURS = 24 * 14


def _time_zone(value: str) -> str:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(value)
    except (KeyError, ValueError):  # ZoneInfoNotFoundError is a KeyError; malformed keys raise ValueError
        raise PydanticCustomError(
            "unknown_time_zone", "'{value}' is not an IANA time zone, such as Europe/Berlin.", {"value": value}
        ) from None
    return value


def _range(value: str) -> str:
    if RANGE_PATTERN.match(value) is None:
        raise PydanticCustomError(
            "invalid_time_range", "'{value}' is not a range of the form HH:MM-HH:MM, such as 09:00-12:30.",
            {"value": value},
        )  # fmt: skip
    try:
        parse_range(value)
    except ValueError:
        raise PydanticCustomError(
            "invalid_time_range", "The range '{value}' must end after it starts.", {"value": value}
        ) from None
    return value


def _no_overlaps(ranges: list[str]) -> list[str]:
    ordered = sorted(parse_range(text) for text in ranges)
    for earlier, later in pairwise(ordered):
        if later.start < earlier.end:
            raise PydanticCustomError(
                "overlapping_ranges", "The ranges {first} and {second} overlap.",
                {"first": format_range(earlier), "second": format_range(later)},
            )  # fmt: skip
    return [format_range(local) for local in ordered]


@cache
def time_zone_names() -> list[str]:
    """The zones of the pinned ``tzdata`` package: every place the code runs knows them (see requirements.txt)."""
    from importlib.resources import files

    return sorted(files("tzdata").joinpath("zones").read_text().split())


TimeZoneName = Annotated[
    str,
    Field(min_length=1, max_length=64, json_schema_extra=lambda schema: schema.update(enum=time_zone_names())),
    AfterValidator(_time_zone),
]


def _five_minute_steps(value: int) -> int:
    if value % 5:
        raise PydanticCustomError("not_on_grid", "Buffers are whole multiples of 5 minutes.")
    return value


BufferMinutes = Annotated[
    int,
    Field(ge=0, le=MAX_BUFFER_MINUTES, strict=True, json_schema_extra={"multipleOf": 5}),
    AfterValidator(_five_minute_steps),
]
TimeRange = Annotated[str, AfterValidator(_range), Field(json_schema_extra={"pattern": RANGE_PATTERN.pattern})]
DayRanges = Annotated[list[TimeRange], Field(max_length=MAX_RANGES_PER_DAY), AfterValidator(_no_overlaps)]


class WeeklyHoursInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    monday: DayRanges = []
    tuesday: DayRanges = []
    wednesday: DayRanges = []
    thursday: DayRanges = []
    friday: DayRanges = []
    saturday: DayRanges = []
    sunday: DayRanges = []


class DateOverrideInput(BaseModel):
    """One local date's hours instead of the weekly ones: no ranges for a day off, more for extra hours."""

    model_config = ConfigDict(extra="forbid")

    date: Annotated[date, BeforeValidator(iso_text)]
    ranges: DayRanges = []


def _one_override_per_date(overrides: list[DateOverrideInput]) -> list[DateOverrideInput]:
    seen: set[date] = set()
    for override in overrides:
        if override.date in seen:
            raise PydanticCustomError(
                "duplicate_override", "There are two overrides for {date}.", {"date": override.date.isoformat()}
            )
        seen.add(override.date)
    return sorted(overrides, key=lambda override: override.date)


class AvailabilityInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    time_zone: TimeZoneName
    weekly_hours: WeeklyHoursInput
    overrides: Annotated[
        list[DateOverrideInput], Field(max_length=MAX_OVERRIDES), AfterValidator(_one_override_per_date)
    ] = []
    buffer_before_minutes: BufferMinutes = 0
    buffer_after_minutes: BufferMinutes = 0
    minimum_notice_minutes: int = Field(default=0, strict=True, ge=0, le=MAX_NOTICE_MINUTES)
    booking_horizon_days: int = Field(default=60, strict=True, ge=1, le=MAX_HORIZON_DAYS)
    requires_approval: bool = Field(
        default=False, strict=True, description="Bookings wait for my approval (24 hours at most)."
    )
    cancel_cutoff_hours: int = Field(
        default=24,
        strict=True,
        ge=0,
        le=MAX_CUTOFF_HOURS,
        description="Cancel or move later than this before the start: late",
    )
    late_cancel_share_bps: int = Field(
        default=5000,
        strict=True,
        ge=0,
        le=10_000,
        description="Share of the amount a client's late cancellation costs, in bps",
    )
    free_consultation: FreeConsultationInput = Field(
        default_factory=FreeConsultationInput, description="One free first consultation per client: on, and how long"
    )
