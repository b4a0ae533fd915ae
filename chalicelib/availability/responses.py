"""What the availability routes answer: the expert's own availability, and the slots anyone reads."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field
from pydantic.json_schema import JsonDict

from chalicelib.availability.rules import RANGE_PATTERN
from chalicelib.web.responses import ResponseModel, UtcTimestamp

# A local date, YYYY-MM-DD.
LocalDate = Annotated[str, Field(json_schema_extra={"format": "date"})]
# ISO 8601 with the offset of the client's zone, e.g. 2026-03-02T15:00:00+01:00.
LocalTimestamp = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
# A local wall-clock range, HH:MM-HH:MM (24:00 ends a day).
TimeRange = Annotated[str, Field(pattern=RANGE_PATTERN.pattern)]


class FreeConsultationOfferView(ResponseModel):
    """The expert's free first consultation: ``minutes`` is null when it is not offered."""

    enabled: bool
    minutes: int | None


class BookingPolicyView(ResponseModel):
    requires_approval: bool
    cancel_cutoff_hours: int
    late_cancel_share_bps: int
    free_consultation: FreeConsultationOfferView


class WeeklyHoursView(ResponseModel):
    monday: list[TimeRange]
    tuesday: list[TimeRange]
    wednesday: list[TimeRange]
    thursday: list[TimeRange]
    friday: list[TimeRange]
    saturday: list[TimeRange]
    sunday: list[TimeRange]


class DateOverrideView(ResponseModel):
    date: LocalDate
    ranges: list[TimeRange]  # empty: closed that day


POLICY_EXAMPLE: JsonDict = {
    "requires_approval": False,
    "cancel_cutoff_hours": 24,
    "late_cancel_share_bps": 5000,
    "free_consultation": {"enabled": True, "minutes": 30},
}


class AvailabilityView(ResponseModel):
    """The expert's weekly hours in their zone, date overrides, buffers, notice, horizon and booking policy."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "time_zone": "Europe/London",
                    "weekly_hours": {
                        "monday": ["09:00-12:00", "13:00-17:00"],
                        "tuesday": ["09:00-17:00"],
                        "wednesday": [],
                        "thursday": ["09:00-17:00"],
                        "friday": ["09:00-13:00"],
                        "saturday": [],
                        "sunday": [],
                    },
                    "overrides": [{"date": "2026-03-20", "ranges": []}],
                    "buffer_before_minutes": 10,
                    "buffer_after_minutes": 5,
                    "minimum_notice_minutes": 120,
                    "booking_horizon_days": 60,
                    **POLICY_EXAMPLE,
                    "updated_at": "2026-03-02T10:00:00+00:00",
                }
            ]
        }
    )

    time_zone: str
    weekly_hours: WeeklyHoursView
    overrides: list[DateOverrideView]
    buffer_before_minutes: int
    buffer_after_minutes: int
    minimum_notice_minutes: int
    booking_horizon_days: int
    requires_approval: bool
    cancel_cutoff_hours: int
    late_cancel_share_bps: int
    free_consultation: FreeConsultationOfferView
    updated_at: UtcTimestamp


class BookableSlot(ResponseModel):
    start_utc: UtcTimestamp
    end_utc: UtcTimestamp
    start: LocalTimestamp
    end: LocalTimestamp


class ExpertSlots(ResponseModel):
    """The bookable slots that start on the client's local dates ``from`` .. ``to``; an expert who has not
    set their availability has none (``expert_time_zone`` and ``booking_policy`` are then null)."""

    model_config = ConfigDict(
        serialize_by_alias=True,
        json_schema_extra={
            "examples": [
                {
                    "expert_id": "3f1c2a9e-7b1d-4c55-9a0e-2d6c1e8f4b21",
                    "time_zone": "Europe/Berlin",
                    "expert_time_zone": "Europe/London",
                    "booking_policy": POLICY_EXAMPLE,
                    "from": "2026-03-02",
                    "to": "2026-03-02",
                    "minutes": 30,
                    "slots": [
                        {
                            "start_utc": "2026-03-02T09:00:00Z",
                            "end_utc": "2026-03-02T09:30:00Z",
                            "start": "2026-03-02T10:00:00+01:00",
                            "end": "2026-03-02T10:30:00+01:00",
                        }
                    ],
                }
            ]
        },
    )

    expert_id: str
    time_zone: str
    expert_time_zone: str | None
    booking_policy: BookingPolicyView | None
    from_: LocalDate = Field(alias="from")
    to: LocalDate
    minutes: int
    slots: list[BookableSlot]
