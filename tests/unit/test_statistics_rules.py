"""ISO weeks as UTC instants for the expert's statistics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from chalicelib.statistics.rules import MAX_WEEKS, recent_weeks, week_of


def test_a_week_runs_from_monday_midnight_utc_to_the_next_monday() -> None:
    week = week_of(datetime(2026, 12, 3, 18, 30, tzinfo=UTC))  # a Thursday
    assert (week.label, week.start, week.end) == (
        "2026-W49", datetime(2026, 11, 30, tzinfo=UTC), datetime(2026, 12, 7, tzinfo=UTC),
    )  # fmt: skip


def test_the_week_is_taken_in_utc_whatever_the_zone_of_the_moment() -> None:
    sunday_night_utc = datetime(2026, 12, 7, 0, 30, tzinfo=timezone(timedelta(hours=2)))  # Sunday 22:30 UTC
    assert week_of(sunday_night_utc).label == "2026-W49"
    assert week_of(datetime(2026, 12, 7, tzinfo=UTC)).label == "2026-W50"


def test_recent_weeks_are_newest_first_and_cross_the_year_by_iso_numbering() -> None:
    weeks = recent_weeks(datetime(2026, 1, 6, tzinfo=UTC), 3)
    assert [w.label for w in weeks] == ["2026-W02", "2026-W01", "2025-W52"]
    assert weeks[0].start == weeks[1].end
    assert weeks[1].start == weeks[2].end


@pytest.mark.parametrize("count", [0, MAX_WEEKS + 1])
def test_recent_weeks_refuse_a_count_out_of_range(count: int) -> None:
    with pytest.raises(ValueError, match="count is 1 to"):
        recent_weeks(datetime(2026, 1, 6, tzinfo=UTC), count)


def test_a_naive_moment_has_no_week() -> None:
    with pytest.raises(ValueError, match="aware"):
        week_of(datetime(2026, 1, 6))
