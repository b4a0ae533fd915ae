"""When an expert can be booked: weekly hours in their own time zone, turned into bookable slots.

Pure: no I/O, no clock (``now`` is an argument). Hours are wall-clock times in the
expert's IANA zone, so "Monday 09:00-12:00" stays 09:00 local on both sides of a
daylight-saving change while its UTC instant moves. Slots are stepped on that local
grid (09:00, 09:30, ...) and each is as long in real time as it says.

Daylight saving:

* a local time that does not exist (the spring-forward gap) is never a slot start;
  a range that begins or ends inside the gap begins or ends when the gap ends;
* a local time that happens twice (fall back) is read as its first occurrence
  (``fold=0``), and consecutive slots are kept at least one step apart in real time,
  so the repeated hour never yields a duplicate or an overlap.

Buffers belong to bookings: a booking holds the expert from ``buffer_before``
minutes before it starts until ``buffer_after`` minutes after it ends (preparation,
notes). A slot is offered only if, booked, its held time would not overlap the held
time of any existing booking.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 24 * 60
ONE_MINUTE = timedelta(minutes=1)
RANGE_PATTERN = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d-(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$")


@dataclass(frozen=True, order=True)
class LocalRange:
    """Wall-clock minutes after local midnight, ``start`` inclusive, ``end`` exclusive (1440 = 24:00)."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= MINUTES_PER_DAY:
            raise ValueError(f"a local range needs 0 <= start < end <= {MINUTES_PER_DAY}: {self}")


def parse_range(text: str) -> LocalRange:
    """``"09:00-12:30"`` as minutes after local midnight (``24:00`` ends a range at midnight).
    Raises ValueError if ``text`` is not of that form or ends before it starts."""
    if RANGE_PATTERN.match(text) is None:
        raise ValueError(f"not a range of the form HH:MM-HH:MM: {text!r}")
    start, _, end = text.partition("-")
    return LocalRange(_minutes(start), _minutes(end))


def format_range(local: LocalRange) -> str:
    return f"{local.start // 60:02d}:{local.start % 60:02d}-{local.end // 60:02d}:{local.end % 60:02d}"


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


@dataclass(frozen=True)
class AvailabilityRules:
    """An expert's availability. ``weekly`` is keyed by ``date.weekday()`` (0 = Monday);
    an entry in ``overrides`` replaces that local date's hours (an empty tuple: closed)."""

    time_zone: str
    weekly: Mapping[int, Sequence[LocalRange]]
    overrides: Mapping[date, Sequence[LocalRange]] = field(default_factory=dict)
    buffer_before_minutes: int = 0
    buffer_after_minutes: int = 0
    minimum_notice_minutes: int = 0
    booking_horizon_days: int = 60

    def ranges_on(self, day: date) -> list[LocalRange]:
        ranges = self.overrides[day] if day in self.overrides else self.weekly.get(day.weekday(), ())
        return sorted(ranges)


@dataclass(frozen=True)
class Slot:
    start_utc: datetime
    end_utc: datetime


def existing_instant(day: date, minute: int, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a local wall-clock time (first occurrence if it happens twice), or None if
    the clocks skip it (spring forward)."""
    day, minute = day + timedelta(days=minute // MINUTES_PER_DAY), minute % MINUTES_PER_DAY
    wall = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=zone)
    instant = wall.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != wall.replace(tzinfo=None):
        return None
    return instant


def wall_clock_instant(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time used as a boundary: a time inside a
    spring-forward gap is read as the moment the gap ends (the clocks' jump)."""
    instant = existing_instant(day, minute, zone)
    earlier = minute
    while instant is None:  # inside a gap: walk back to its last existing minute (gaps are at most hours long)
        earlier -= 1
        before = existing_instant(day, earlier, zone)
        if before is not None:
            return before + ONE_MINUTE
    return instant


def available_slots(
    rules: AvailabilityRules,
    busy: Sequence[tuple[datetime, datetime]],
    start_utc: datetime,
    end_utc: datetime,
    now: datetime,
    *,
    length_minutes: int,
    step_minutes: int | None = None,
) -> list[Slot]:
    """Bookable slots of ``length_minutes`` starting in ``[start_utc, end_utc)``, in time order.

    ``busy`` are existing bookings in UTC, without buffers (they are added here). A slot
    starts no sooner than the minimum notice after ``now`` and before the booking horizon.
    Cost: O(b log b) for the bookings plus O(log b) per candidate slot.
    """
    if length_minutes <= 0:
        raise ValueError("length_minutes must be positive")
    step = timedelta(minutes=step_minutes or length_minutes)
    if step <= timedelta():
        raise ValueError("step_minutes must be positive")
    length = timedelta(minutes=length_minutes)
    earliest = max(start_utc, now + timedelta(minutes=rules.minimum_notice_minutes))
    latest = min(end_utc, now + timedelta(days=rules.booking_horizon_days))
    if earliest >= latest:
        return []

    zone = ZoneInfo(rules.time_zone)
    held = timedelta(minutes=rules.buffer_before_minutes + rules.buffer_after_minutes)
    blocked_starts, blocked_ends = _blocked(busy, held)
    slots: list[Slot] = []
    next_allowed = earliest
    day, last_day = earliest.astimezone(zone).date(), latest.astimezone(zone).date()
    while day <= last_day:
        for local in rules.ranges_on(day):
            range_end = wall_clock_instant(day, local.end, zone)
            for minute in range(local.start, local.end - length_minutes + 1, int(step.total_seconds()) // 60):
                start = existing_instant(day, minute, zone)
                if start is None or start < next_allowed:
                    continue
                if start >= latest or start + length > range_end:
                    break
                if _is_free(start, start + length, blocked_starts, blocked_ends):
                    slots.append(Slot(start, start + length))
                    next_allowed = start + step
        day += timedelta(days=1)
    return slots


def _blocked(busy: Sequence[tuple[datetime, datetime]], held: timedelta) -> tuple[list[datetime], list[datetime]]:
    """Times a slot may not touch: each booking widened by both buffers (its own and the slot's),
    sorted and merged, as parallel lists of starts and ends."""
    starts: list[datetime] = []
    ends: list[datetime] = []
    for begin, end in sorted(busy):
        begin, end = begin - held, end + held
        if ends and begin <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(begin)
            ends.append(end)
    return starts, ends


def _is_free(start: datetime, end: datetime, blocked_starts: list[datetime], blocked_ends: list[datetime]) -> bool:
    first_ending_after = bisect.bisect_right(blocked_ends, start)
    return first_ending_after == len(blocked_starts) or blocked_starts[first_ending_after] >= end
