"""The granules an appointment locks: boundaries, buffers, and overlaps of any lengths always sharing one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.bookings.time_locks import granules, is_aligned, lock_key, lock_keys, occupied_span

T = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


def test_a_half_hour_on_the_grid_locks_six_granules_and_not_the_one_it_ends_at() -> None:
    locked = granules(T, T + minutes(30))

    assert locked[0] == T
    assert locked[-1] == T + minutes(25)
    assert len(locked) == 6


def test_edges_off_the_grid_lock_the_granules_they_touch() -> None:
    assert granules(T + minutes(1), T + minutes(6)) == [T, T + minutes(5)]
    assert granules(T - timedelta(seconds=1), T) == [T - minutes(5)]


def test_an_empty_or_reversed_span_locks_nothing() -> None:
    assert granules(T, T) == []
    assert granules(T, T - minutes(5)) == []


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        granules(T.replace(tzinfo=None), T.replace(tzinfo=None) + minutes(5))


def test_buffers_widen_the_locked_span_on_both_sides() -> None:
    begin, end = occupied_span(T, T + minutes(30), 10, 15)

    assert (begin, end) == (T - minutes(10), T + minutes(45))
    assert len(granules(begin, end)) == 11


def test_adjacent_bookings_share_no_granule_but_buffers_make_them_collide() -> None:
    first = set(granules(T, T + minutes(30)))
    assert not first & set(granules(T + minutes(30), T + minutes(60)))
    assert first & set(granules(*occupied_span(T + minutes(30), T + minutes(60), 5, 0)))


def test_lock_keys_name_the_expert_and_the_granule_in_utc() -> None:
    assert lock_key("exp", T) == "exp#2026-03-02T14:00Z"
    assert lock_keys("exp", T, T + minutes(10)) == ["exp#2026-03-02T14:00Z", "exp#2026-03-02T14:05Z"]
    assert is_aligned(T + minutes(35))
    assert not is_aligned(T + minutes(3))


spans = st.tuples(st.integers(-2000, 2000), st.integers(1, 600))  # (start offset, length), in minutes


@given(spans, spans)
def test_two_spans_share_a_granule_exactly_when_they_overlap_whatever_their_lengths(
    a: tuple[int, int], b: tuple[int, int]
) -> None:
    a_begin, a_end = T + minutes(a[0]), T + minutes(a[0] + a[1])
    b_begin, b_end = T + minutes(b[0]), T + minutes(b[0] + b[1])
    overlap = a_begin < b_end and b_begin < a_end
    shared = set(granules(a_begin, a_end)) & set(granules(b_begin, b_end))

    if overlap:
        assert shared
    if a[0] % 5 == 0 and a[1] % 5 == 0 and b[0] % 5 == 0 and b[1] % 5 == 0:
        assert bool(shared) == overlap  # on the grid, locks are exact: adjacent bookings never collide


@given(st.integers(-10_000, 10_000), st.integers(1, 2_000), st.integers(0, 59))
def test_granules_cover_the_span_contiguously_and_no_more(offset: int, length: int, seconds: int) -> None:
    begin = T + minutes(offset) + timedelta(seconds=seconds)
    end = begin + minutes(length)
    locked = granules(begin, end)

    assert locked[0] <= begin < locked[0] + minutes(5)
    assert locked[-1] < end <= locked[-1] + minutes(5)
    assert all(later - earlier == minutes(5) for earlier, later in pairwise(locked))
