"""Slots from an expert's weekly hours in their own zone: daylight saving, buffers, notice, horizon, overrides."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from chalicelib.availability.rules import AvailabilityRules, LocalRange, Slot, available_slots, parse_range

EVERY_DAY = range(7)
SUNDAY = 6


def every_day(*ranges: str) -> dict[int, list[LocalRange]]:
    return {weekday: [parse_range(text) for text in ranges] for weekday in EVERY_DAY}


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def local_times(slots: list[Slot], zone: str) -> list[str]:
    return [slot.start_utc.astimezone(ZoneInfo(zone)).isoformat() for slot in slots]


def slots_between(
    rules: AvailabilityRules,
    first: str,
    last: str,
    *,
    busy: list[tuple[datetime, datetime]] | None = None,
    now: datetime | None = None,
    minutes: int = 30,
    step: int | None = None,
) -> list[Slot]:
    start, end = utc(first), utc(last)
    return available_slots(
        rules, busy or [], start, end, now or start - timedelta(days=1), length_minutes=minutes, step_minutes=step
    )


def assert_no_overlaps(slots: list[Slot]) -> None:
    for earlier, later in pairwise(slots):
        assert earlier.end_utc <= later.start_utc, (earlier, later)


# Daylight saving: the US change dates (America/New_York)


def test_nine_oclock_in_new_york_moves_an_hour_earlier_in_utc_when_the_clocks_spring_forward() -> None:
    rules = AvailabilityRules("America/New_York", every_day("09:00-09:30"))

    slots = slots_between(rules, "2026-03-07T00:00", "2026-03-10T00:00")

    assert [s.start_utc for s in slots] == [utc("2026-03-07T14:00"), utc("2026-03-08T13:00"), utc("2026-03-09T13:00")]
    assert local_times(slots, "America/New_York") == [
        "2026-03-07T09:00:00-05:00",
        "2026-03-08T09:00:00-04:00",
        "2026-03-09T09:00:00-04:00",
    ]


def test_the_hour_new_york_skips_in_march_has_no_slots_and_the_hours_around_it_do() -> None:
    rules = AvailabilityRules("America/New_York", {SUNDAY: [parse_range("01:00-04:00")]})

    slots = slots_between(rules, "2026-03-08T00:00", "2026-03-09T00:00")

    assert local_times(slots, "America/New_York") == [
        "2026-03-08T01:00:00-05:00",
        "2026-03-08T01:30:00-05:00",
        "2026-03-08T03:00:00-04:00",
        "2026-03-08T03:30:00-04:00",
    ]
    assert slots[1].end_utc == slots[2].start_utc == utc("2026-03-08T07:00")
    assert_no_overlaps(slots)


def test_nine_oclock_in_new_york_moves_an_hour_later_in_utc_when_the_clocks_fall_back() -> None:
    rules = AvailabilityRules("America/New_York", every_day("09:00-09:30"))

    slots = slots_between(rules, "2026-10-31T00:00", "2026-11-02T00:00")

    assert [s.start_utc for s in slots] == [utc("2026-10-31T13:00"), utc("2026-11-01T14:00")]


def test_the_hour_new_york_repeats_in_november_is_offered_once_as_its_first_occurrence() -> None:
    rules = AvailabilityRules("America/New_York", {SUNDAY: [parse_range("00:00-03:00")]})

    slots = slots_between(rules, "2026-11-01T00:00", "2026-11-02T00:00")

    assert local_times(slots, "America/New_York") == [
        "2026-11-01T00:00:00-04:00",
        "2026-11-01T00:30:00-04:00",
        "2026-11-01T01:00:00-04:00",
        "2026-11-01T01:30:00-04:00",
        "2026-11-01T02:00:00-05:00",
        "2026-11-01T02:30:00-05:00",
    ]
    assert len({s.start_utc for s in slots}) == len(slots)
    assert_no_overlaps(slots)


# Daylight saving: the EU change dates (Europe/Berlin)


def test_nine_oclock_in_berlin_keeps_its_local_time_across_both_eu_changes() -> None:
    rules = AvailabilityRules("Europe/Berlin", every_day("09:00-09:30"))

    march = slots_between(rules, "2026-03-28T00:00", "2026-03-30T00:00")
    october = slots_between(rules, "2026-10-24T00:00", "2026-10-26T00:00")

    assert [s.start_utc for s in march] == [utc("2026-03-28T08:00"), utc("2026-03-29T07:00")]
    assert [s.start_utc for s in october] == [utc("2026-10-24T07:00"), utc("2026-10-25T08:00")]


def test_the_hour_berlin_skips_in_march_has_no_slots() -> None:
    rules = AvailabilityRules("Europe/Berlin", {SUNDAY: [parse_range("01:00-04:00")]})

    slots = slots_between(rules, "2026-03-28T12:00", "2026-03-29T12:00", minutes=60)

    assert local_times(slots, "Europe/Berlin") == [
        "2026-03-29T01:00:00+01:00",
        "2026-03-29T03:00:00+02:00",
    ]


def test_the_hour_berlin_repeats_in_october_gives_no_duplicate_or_overlapping_slots() -> None:
    rules = AvailabilityRules("Europe/Berlin", {SUNDAY: [parse_range("01:00-04:00")]})

    slots = slots_between(rules, "2026-10-24T12:00", "2026-10-25T12:00", minutes=60)

    assert local_times(slots, "Europe/Berlin") == [
        "2026-10-25T01:00:00+02:00",
        "2026-10-25T02:00:00+02:00",
        "2026-10-25T03:00:00+01:00",
    ]
    assert_no_overlaps(slots)


# Zones with half-hour offsets


def test_kolkata_hours_land_on_the_half_hour_in_utc() -> None:
    rules = AvailabilityRules("Asia/Kolkata", every_day("09:00-10:00"))

    slots = slots_between(rules, "2026-03-08T00:00", "2026-03-09T00:00")

    assert [(s.start_utc, s.end_utc) for s in slots] == [
        (utc("2026-03-08T03:30"), utc("2026-03-08T04:00")),
        (utc("2026-03-08T04:00"), utc("2026-03-08T04:30")),
    ]


def test_adelaide_hours_follow_its_own_daylight_saving_from_plus_ten_thirty_to_plus_nine_thirty() -> None:
    rules = AvailabilityRules("Australia/Adelaide", every_day("09:00-09:30"))

    april = slots_between(rules, "2026-04-03T00:00", "2026-04-05T00:00")
    october = slots_between(rules, "2026-10-02T00:00", "2026-10-04T00:00")

    assert local_times(april, "Australia/Adelaide") == ["2026-04-04T09:00:00+10:30", "2026-04-05T09:00:00+09:30"]
    assert [s.start_utc for s in april] == [utc("2026-04-03T22:30"), utc("2026-04-04T23:30")]
    assert [s.start_utc for s in october] == [utc("2026-10-02T23:30"), utc("2026-10-03T22:30")]


# Buffers, notice, horizon


def test_a_booking_and_a_new_slot_each_keep_their_buffers_free() -> None:
    rules = AvailabilityRules("UTC", every_day("09:00-12:00"), buffer_before_minutes=15, buffer_after_minutes=15)
    booking = (utc("2026-06-01T10:00"), utc("2026-06-01T10:30"))

    slots = slots_between(rules, "2026-06-01T00:00", "2026-06-02T00:00", busy=[booking])

    assert [s.start_utc.strftime("%H:%M") for s in slots] == ["09:00", "11:00", "11:30"]


def test_no_slot_starts_sooner_than_the_minimum_notice() -> None:
    rules = AvailabilityRules("UTC", every_day("09:00-12:00"), minimum_notice_minutes=60)

    slots = slots_between(rules, "2026-06-01T00:00", "2026-06-02T00:00", now=utc("2026-06-01T08:50"))

    assert slots[0].start_utc == utc("2026-06-01T10:00")


def test_no_slot_starts_beyond_the_booking_horizon() -> None:
    rules = AvailabilityRules("UTC", every_day("09:00-10:00"), booking_horizon_days=2)

    slots = slots_between(rules, "2026-06-01T00:00", "2026-06-10T00:00", now=utc("2026-06-01T09:15"))

    assert [s.start_utc for s in slots] == [
        utc("2026-06-01T09:30"),
        utc("2026-06-02T09:00"),
        utc("2026-06-02T09:30"),
        utc("2026-06-03T09:00"),
    ]


# Overrides and bookings


def test_a_day_off_has_no_slots() -> None:
    rules = AvailabilityRules("Europe/Berlin", every_day("09:00-10:00"), overrides={date(2026, 12, 24): []})

    slots = slots_between(rules, "2026-12-23T00:00", "2026-12-26T00:00", minutes=60)

    assert local_times(slots, "Europe/Berlin") == ["2026-12-23T09:00:00+01:00", "2026-12-25T09:00:00+01:00"]


def test_extra_hours_on_a_date_replace_that_days_weekly_hours() -> None:
    extra = [parse_range("09:00-10:00"), parse_range("18:00-19:00")]
    rules = AvailabilityRules("UTC", {0: [parse_range("09:00-10:00")]}, overrides={date(2026, 6, 6): extra})

    slots = slots_between(rules, "2026-06-06T00:00", "2026-06-07T00:00", minutes=60)

    assert [s.start_utc for s in slots] == [utc("2026-06-06T09:00"), utc("2026-06-06T18:00")]


def test_a_booking_removes_every_slot_it_touches_and_no_other() -> None:
    rules = AvailabilityRules("UTC", every_day("09:00-12:00"))
    booking = (utc("2026-06-01T10:15"), utc("2026-06-01T10:45"))

    slots = slots_between(rules, "2026-06-01T00:00", "2026-06-02T00:00", busy=[booking])

    assert [s.start_utc.strftime("%H:%M") for s in slots] == ["09:00", "09:30", "11:00", "11:30"]


def test_a_step_shorter_than_the_length_offers_overlapping_start_times() -> None:
    rules = AvailabilityRules("UTC", every_day("09:00-11:00"))

    slots = slots_between(rules, "2026-06-01T00:00", "2026-06-02T00:00", minutes=60, step=30)

    assert [s.start_utc.strftime("%H:%M") for s in slots] == ["09:00", "09:30", "10:00"]


def test_hours_may_run_to_midnight() -> None:
    rules = AvailabilityRules("Asia/Kolkata", {0: [parse_range("23:00-24:00")]})

    slots = slots_between(rules, "2026-06-01T00:00", "2026-06-02T00:00", minutes=60)

    assert [(s.start_utc, s.end_utc) for s in slots] == [(utc("2026-06-01T17:30"), utc("2026-06-01T18:30"))]


def test_a_slot_length_of_zero_is_refused() -> None:
    rules = AvailabilityRules("UTC", every_day("09:00-10:00"))

    with pytest.raises(ValueError, match="length_minutes"):
        slots_between(rules, "2026-06-01T00:00", "2026-06-02T00:00", minutes=0)


# Properties

ZONES = ["America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Adelaide", "Australia/Lord_Howe", "UTC"]
CHANGE_DATES = [date(2026, 3, 8), date(2026, 11, 1), date(2026, 3, 29), date(2026, 10, 25), date(2026, 4, 5)]


@st.composite
def day_ranges(draw: st.DrawFn) -> list[LocalRange]:
    points = sorted(draw(st.sets(st.integers(0, 96).map(lambda q: q * 15), max_size=6)))
    return [LocalRange(a, b) for a, b in zip(points[::2], points[1::2], strict=False)]


def boundary(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """A local wall-clock time in UTC (fold=0 where it occurs twice); a time the clocks skip
    is the moment the gap ends: the first wall-clock minute after it that exists."""
    wall = datetime(day.year, day.month, day.day, tzinfo=zone) + timedelta(minutes=minute)
    while wall.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall.replace(tzinfo=None):
        wall += timedelta(minutes=1)  # inside the spring-forward gap
    return wall.astimezone(UTC)


@settings(max_examples=150, deadline=None)
@given(
    zone_name=st.sampled_from(ZONES),
    weekly=st.fixed_dictionaries({weekday: day_ranges() for weekday in EVERY_DAY}),
    first_day=st.sampled_from(CHANGE_DATES).flatmap(lambda d: st.integers(-2, 1).map(lambda n: d + timedelta(n))),
    busy_spec=st.lists(st.tuples(st.integers(0, 4 * 1440), st.integers(1, 240)), max_size=30),
    before=st.integers(0, 60),
    after=st.integers(0, 60),
    length=st.sampled_from([15, 30, 45, 60, 90]),
)
@example(  # hours that begin inside New York's spring-forward gap begin when the gap ends (03:00 EDT)
    zone_name="America/New_York",
    weekly={d: [LocalRange(135, 195)] if d == SUNDAY else [] for d in EVERY_DAY},
    first_day=date(2026, 3, 8),
    busy_spec=[],
    before=0,
    after=0,
    length=15,
)
def test_no_slot_touches_a_buffered_booking_and_every_slot_lies_within_the_local_hours(
    zone_name: str,
    weekly: dict[int, list[LocalRange]],
    first_day: date,
    busy_spec: list[tuple[int, int]],
    before: int,
    after: int,
    length: int,
) -> None:
    zone = ZoneInfo(zone_name)
    rules = AvailabilityRules(zone_name, weekly, buffer_before_minutes=before, buffer_after_minutes=after)
    start = datetime(first_day.year, first_day.month, first_day.day, tzinfo=UTC)
    busy = [(start + timedelta(minutes=m), start + timedelta(minutes=m + d)) for m, d in busy_spec]

    slots = available_slots(rules, busy, start, start + timedelta(days=3), start, length_minutes=length)

    assert_no_overlaps(slots)
    for slot in slots:
        assert slot.end_utc - slot.start_utc == timedelta(minutes=length)
        for busy_start, busy_end in busy:
            assert not (slot.start_utc < busy_end + timedelta(minutes=after)
                        and slot.end_utc > busy_start - timedelta(minutes=before))  # fmt: skip
        local = slot.start_utc.astimezone(zone)
        wall = local.hour * 60 + local.minute
        assert any(
            r.start <= wall and boundary(local.date(), r.start, zone) <= slot.start_utc
            and slot.end_utc <= boundary(local.date(), r.end, zone)
            for r in rules.ranges_on(local.date())
        ), (slot, local)  # fmt: skip
