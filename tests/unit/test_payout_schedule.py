"""A payout run pays the ISO week that just ended, under one id per expert, currency and week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.payouts.schedule import parse_payout_id, parse_week, payout_id, week_start, week_to_pay
from chalicelib.timestamps import iso_week

MONDAY_RUN = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # a Monday, 06:00 UTC


def test_a_moment_belongs_to_its_iso_week_in_utc() -> None:
    assert iso_week(datetime(2026, 11, 22, 23, 59, tzinfo=UTC)) == "2026-W47"
    assert iso_week(MONDAY_RUN) == "2026-W48"


def test_the_week_is_read_in_utc_whatever_the_clock_s_zone() -> None:
    sunday_late_in_utc = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    assert iso_week(sunday_late_in_utc.astimezone(timezone(timedelta(hours=2)))) == "2026-W47"


def test_the_first_days_of_january_can_belong_to_the_previous_years_last_week() -> None:
    assert iso_week(datetime(2027, 1, 1, tzinfo=UTC)) == "2026-W53"
    assert iso_week(datetime(2026, 1, 1, tzinfo=UTC)) == "2026-W01"


def test_a_monday_run_pays_the_week_that_just_ended() -> None:
    assert week_to_pay(MONDAY_RUN) == "2026-W47"


@given(st.integers(min_value=0, max_value=7 * 24 * 60 - 1))
def test_any_run_during_a_week_pays_the_week_before_it(minutes: int) -> None:
    assert week_to_pay(week_start("2026-W48") + timedelta(minutes=minutes)) == "2026-W47"


def test_a_run_across_new_year_pays_the_last_week_of_the_old_year() -> None:
    assert week_to_pay(datetime(2027, 1, 4, 6, tzinfo=UTC)) == "2026-W53"


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        iso_week(datetime(2026, 11, 23))


@pytest.mark.parametrize("text", ["2026-W47", " 2026-W01 ", "2026-W53"])
def test_real_iso_weeks_are_accepted(text: str) -> None:
    assert parse_week(text) == text.strip()


@pytest.mark.parametrize("text", ["2026-47", "2026-W7", "2025-W53", "2026-W00", "2026-W54", "last week", ""])
def test_anything_else_is_not_a_week(text: str) -> None:
    with pytest.raises(ValueError, match=r"not an ISO week|has no week"):
        parse_week(text)


def test_a_week_starts_on_monday_at_midnight_utc() -> None:
    assert week_start("2026-W47") == datetime(2026, 11, 16, tzinfo=UTC)


def test_the_payout_id_names_the_expert_the_currency_and_the_week() -> None:
    assert payout_id("ada", "USD", "2026-W47") == "payout:ada:USD:2026-W47"
    assert parse_payout_id("payout:ada:USD:2026-W47") == ("ada", "USD", "2026-W47")


def test_one_expert_has_different_payout_ids_per_currency_and_week() -> None:
    ids = {payout_id("ada", c, w) for c in ("USD", "EUR") for w in ("2026-W47", "2026-W48")}
    assert len(ids) == 4


def test_a_payout_id_cannot_be_made_ambiguous_or_for_a_bad_week() -> None:
    with pytest.raises(ValueError, match="may not contain"):
        payout_id("ada:USD", "EUR", "2026-W47")
    with pytest.raises(ValueError, match="not an ISO week"):
        payout_id("ada", "USD", "2026-47")
