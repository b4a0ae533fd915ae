"""The statistics' pure rules: ISO weeks as UTC instants, and the limits of the beacons and the report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from chalicelib.timestamps import iso_week

MAX_WEEKS = 26
DEFAULT_WEEKS = 8
MAX_APPEARANCES = 50  # ids in one search-appearances beacon: more than one page of results never shows
BOOKED = ("confirmed", "completed")  # appointment statuses counted as bookings


@dataclass(frozen=True)
class Week:
    """One ISO week in UTC: ``start`` (Monday 00:00) included, ``end`` (the next Monday) excluded."""

    label: str
    start: datetime
    end: datetime


def week_of(moment: datetime) -> Week:
    if moment.tzinfo is None:
        raise ValueError("week_of needs an aware datetime")
    utc = moment.astimezone(UTC)
    start = datetime(utc.year, utc.month, utc.day, tzinfo=UTC) - timedelta(days=utc.weekday())
    return Week(iso_week(start), start, start + timedelta(days=7))


def recent_weeks(now: datetime, count: int) -> list[Week]:
    """The week of ``now`` and the ``count - 1`` weeks before it, newest first."""
    if not 1 <= count <= MAX_WEEKS:
        raise ValueError(f"count is 1 to {MAX_WEEKS}")
    current = week_of(now)
    return [week_of(current.start - timedelta(days=7 * back)) for back in range(count)]
