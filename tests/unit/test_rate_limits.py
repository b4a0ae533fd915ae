"""The table of per-account rate limits and its window arithmetic (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.limits.rate_limits import BOOKINGS, MESSAGES, RATE_LIMITS, RateLimit, rate_limit

T = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_retry_after_is_the_whole_seconds_until_the_window_ends_rounded_up() -> None:
    hourly = RateLimit(20, timedelta(hours=1), "bookings")

    assert hourly.retry_after(T) == 3600
    assert hourly.retry_after(T + timedelta(minutes=10)) == 3000
    assert hourly.retry_after(T + timedelta(minutes=59, seconds=59, microseconds=1)) == 1
    assert hourly.retry_after(T + timedelta(minutes=59, seconds=58, microseconds=500_000)) == 2


def test_every_moment_of_a_window_names_the_same_window_start() -> None:
    ten_minutes = rate_limit(MESSAGES)

    assert ten_minutes.window_start(T + timedelta(minutes=9, seconds=59)) == T
    assert ten_minutes.window_start(T + timedelta(minutes=10)) == T + timedelta(minutes=10)


def test_the_limits_are_stated_as_people_read_them() -> None:
    assert rate_limit(BOOKINGS).stated() == "at most 20 bookings and reschedules an hour"
    assert rate_limit(MESSAGES).stated() == "at most 100 messages per 10 minutes"
    assert RateLimit(5, timedelta(hours=24), "x").stated() == "at most 5 x per 24 hours"
    assert RateLimit(5, timedelta(minutes=1), "x").stated() == "at most 5 x a minute"


@pytest.mark.parametrize("action", RATE_LIMITS)
def test_every_limit_lets_a_person_through_and_tells_them_to_wait_less_than_a_day(action: str) -> None:
    limit = rate_limit(action)

    assert limit.most >= 5
    assert timedelta(minutes=1) <= limit.window <= timedelta(days=1)
