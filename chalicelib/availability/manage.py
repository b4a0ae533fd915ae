"""Use cases: an expert sets and reads their availability; anyone reads an expert's bookable slots.

The slot rule itself is ``chalicelib.availability.rules``; this module loads and stores
the expert's ``ExpertAvailability`` item and translates to and from the API's shapes.
Reading slots never imports pydantic (the query is parsed here by hand).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from pynamodb.exceptions import PutError

from chalicelib.availability.rules import (
    AvailabilityRules,
    available_slots,
    parse_range,
    wall_clock_instant,
)
from chalicelib.errors import Conflict, FieldProblem, InvalidInput, NotFound
from chalicelib.models.availability import DateOverride, ExpertAvailability, WeeklyHours
from chalicelib.models.conditions import condition_failed
from chalicelib.models.expert_profile import ExpertProfile
from chalicelib.timestamps import utc_text
from chalicelib.web.numbers import is_plain_digits

if TYPE_CHECKING:
    from chalicelib.availability.schemas import AvailabilityInput

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_SLOT_DAYS = 31
MIN_SLOT_MINUTES = 5
MAX_SLOT_MINUTES = 480
DEFAULT_SLOT_MINUTES = 30
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def save_availability(expert_id: str, data: AvailabilityInput, now: datetime) -> dict[str, Any]:
    """Replace the expert's availability with ``data`` (already validated)."""
    _require_expert(expert_id, "Create your expert profile first.", "profile_not_found")
    try:
        item = ExpertAvailability.get(expert_id, consistent_read=True)
    except ExpertAvailability.DoesNotExist:
        item = ExpertAvailability(expert_id)
    item.time_zone = data.time_zone
    item.weekly_hours = WeeklyHours(**{day: list(getattr(data.weekly_hours, day)) for day in WEEKDAYS})
    item.overrides = [DateOverride(date=o.date.isoformat(), ranges=list(o.ranges)) for o in data.overrides]
    item.buffer_before_minutes = data.buffer_before_minutes
    item.buffer_after_minutes = data.buffer_after_minutes
    item.minimum_notice_minutes = data.minimum_notice_minutes
    item.booking_horizon_days = data.booking_horizon_days
    item.requires_approval = data.requires_approval
    item.cancel_cutoff_hours = data.cancel_cutoff_hours
    item.late_cancel_share_bps = data.late_cancel_share_bps
    item.free_consultation_enabled = data.free_consultation.enabled
    item.free_consultation_minutes = data.free_consultation.minutes
    item.updated_at = now
    try:
        item.save()
    except PutError as error:
        if not condition_failed(error):
            raise
        raise Conflict("Your availability changed meanwhile; read it again and retry.") from None
    return availability_view(item)


def read_availability(expert_id: str) -> dict[str, Any]:
    try:
        return availability_view(ExpertAvailability.get(expert_id))
    except ExpertAvailability.DoesNotExist:
        raise NotFound("You have not set your availability yet.", code="availability_not_set") from None


def availability_view(item: ExpertAvailability) -> dict[str, Any]:
    return {
        "time_zone": item.time_zone,
        "weekly_hours": {day: list(getattr(item.weekly_hours, day) or []) for day in WEEKDAYS},
        "overrides": [{"date": o.date, "ranges": list(o.ranges or [])} for o in item.overrides or []],
        "buffer_before_minutes": item.buffer_before_minutes,
        "buffer_after_minutes": item.buffer_after_minutes,
        "minimum_notice_minutes": item.minimum_notice_minutes,
        "booking_horizon_days": item.booking_horizon_days,
        **booking_policy_view(item),
        "updated_at": item.updated_at.isoformat(),
    }


def booking_policy_view(item: ExpertAvailability) -> dict[str, Any]:
    from chalicelib.availability.free_consultation import offer_of

    return {
        "requires_approval": bool(item.requires_approval),
        "cancel_cutoff_hours": item.cancel_cutoff_hours,
        "late_cancel_share_bps": item.late_cancel_share_bps,
        "free_consultation": offer_of(item).as_dict(),
    }


def rules_of(item: ExpertAvailability) -> AvailabilityRules:
    weekly = {
        number: [parse_range(text) for text in getattr(item.weekly_hours, day) or []]
        for number, day in enumerate(WEEKDAYS)
    }
    overrides = {date.fromisoformat(o.date): [parse_range(text) for text in o.ranges or []] for o in item.overrides}
    return AvailabilityRules(
        time_zone=item.time_zone,
        weekly=weekly,
        overrides=overrides,
        buffer_before_minutes=item.buffer_before_minutes,
        buffer_after_minutes=item.buffer_after_minutes,
        minimum_notice_minutes=item.minimum_notice_minutes,
        booking_horizon_days=item.booking_horizon_days,
    )


@dataclass(frozen=True)
class SlotsQuery:
    """Local dates ``first_day`` .. ``last_day`` (inclusive) in the client's zone, and the slot length."""

    first_day: date
    last_day: date
    time_zone: str
    minutes: int


def parse_slots_query(first: str | None, last: str | None, time_zone: str | None, minutes: str | None) -> SlotsQuery:
    """The slots query string, every problem named by its parameter."""
    problems: list[FieldProblem] = []
    first_day = _date_param("from", first, problems)
    last_day = _date_param("to", last, problems)
    zone = time_zone or "UTC"
    try:
        ZoneInfo(zone)
    except (KeyError, ValueError):  # ZoneInfoNotFoundError is a KeyError; malformed keys raise ValueError
        problems.append(FieldProblem("tz", "unknown_time_zone", f"'{zone}' is not an IANA time zone."))
    raw_minutes = minutes or str(DEFAULT_SLOT_MINUTES)
    if not is_plain_digits(raw_minutes) or not MIN_SLOT_MINUTES <= int(raw_minutes) <= MAX_SLOT_MINUTES:
        bounds = f"from {MIN_SLOT_MINUTES} to {MAX_SLOT_MINUTES}"
        problems.append(FieldProblem("minutes", "invalid_number", f"'minutes' is a whole number {bounds}."))
    if first_day and last_day and not 0 <= (last_day - first_day).days < MAX_SLOT_DAYS:
        message = f"'to' is on or after 'from', at most {MAX_SLOT_DAYS} days in all."
        problems.append(FieldProblem("to", "invalid_date_range", message))
    if problems or first_day is None or last_day is None:
        names = ", ".join(sorted({p.field for p in problems}))
        raise InvalidInput(f"Some query parameters are not valid: {names}.", problems)
    return SlotsQuery(first_day, last_day, zone, int(raw_minutes))


def _date_param(name: str, value: str | None, problems: list[FieldProblem]) -> date | None:
    if value is None:
        problems.append(FieldProblem(name, "missing", f"'{name}' is required, as YYYY-MM-DD."))
        return None
    try:
        if _ISO_DATE.match(value) is None:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        problems.append(FieldProblem(name, "invalid_date", f"'{name}' is a date of the form YYYY-MM-DD."))
        return None


def expert_slots(
    expert_id: str, query: SlotsQuery, *, busy: Sequence[tuple[datetime, datetime]], now: datetime
) -> dict[str, Any]:
    """The expert's bookable slots starting on the client's local dates, in UTC and in the client's zone.

    ``busy`` are the expert's bookings in UTC (buffers are added by the rules).
    """
    try:
        item = ExpertAvailability.get(expert_id)
    except ExpertAvailability.DoesNotExist:
        _require_expert(expert_id, "There is no expert with this id.", "expert_not_found")
        item = None
    client_zone = ZoneInfo(query.time_zone)
    start, end = slots_range(query)
    slots = [] if item is None else available_slots(rules_of(item), busy, start, end, now, length_minutes=query.minutes)
    return {
        "expert_id": expert_id,
        "time_zone": query.time_zone,
        "expert_time_zone": item.time_zone if item else None,
        "booking_policy": booking_policy_view(item) if item else None,
        "from": query.first_day.isoformat(),
        "to": query.last_day.isoformat(),
        "minutes": query.minutes,
        "slots": [
            {
                "start_utc": utc_text(slot.start_utc),
                "end_utc": utc_text(slot.end_utc),
                "start": slot.start_utc.astimezone(client_zone).isoformat(),
                "end": slot.end_utc.astimezone(client_zone).isoformat(),
            }
            for slot in slots
        ],
    }


def slots_range(query: SlotsQuery) -> tuple[datetime, datetime]:
    """The instants the query's local dates span, ``[start, end)``; busy time is read for this range."""
    zone = ZoneInfo(query.time_zone)
    return wall_clock_instant(query.first_day, 0, zone), wall_clock_instant(query.last_day + timedelta(days=1), 0, zone)


def _require_expert(expert_id: str, message: str, code: str) -> None:
    try:
        ExpertProfile.get(expert_id, attributes_to_get=["expert_id"])
    except ExpertProfile.DoesNotExist:
        raise NotFound(message, code=code) from None
