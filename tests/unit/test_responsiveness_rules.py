"""The pure rules of an expert's responsiveness: the direct thread's id, misses, the bounded list of recent
response times, their median, and the response rate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.conversations.rules import (
    ANSWER_WITHIN,
    DIRECT,
    RECENT_RESPONSES,
    answered_in_time,
    direct_subject_id,
    is_missed,
    median_seconds,
    recent_seconds,
    response_rate,
    thread_id_for,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_client_and_an_expert_have_one_direct_thread_and_its_direction_matters() -> None:
    one = thread_id_for(DIRECT, direct_subject_id("grace", "ada"))

    assert one == thread_id_for(DIRECT, direct_subject_id("grace", "ada")) == "direct:grace.ada"
    assert one != thread_id_for(DIRECT, direct_subject_id("ada", "grace"))


def test_a_wait_is_missed_once_24_hours_pass_and_an_answer_at_24_hours_is_in_time() -> None:
    assert not is_missed(T0, T0 + ANSWER_WITHIN - timedelta(seconds=1))
    assert is_missed(T0, T0 + ANSWER_WITHIN)
    assert answered_in_time(24 * 3600)
    assert not answered_in_time(24 * 3600 + 1)


def test_recent_response_times_keep_the_last_50_oldest_first() -> None:
    times: list[int] = []
    for seconds in range(60):
        times = recent_seconds(times, seconds)

    assert len(times) == RECENT_RESPONSES == 50
    assert times == list(range(10, 60))


def test_the_typical_response_time_is_the_median() -> None:
    assert median_seconds([]) is None
    assert median_seconds([300]) == 300
    assert median_seconds([90_000, 60, 3_600]) == 3_600
    assert median_seconds([60, 3_600, 7_200, 90_000]) == 5_400


def test_the_response_rate_is_null_until_three_waits_then_answers_in_time_over_all_waits() -> None:
    assert response_rate(within=2, answered=2, missed=0) is None
    assert response_rate(within=2, answered=2, missed=1) == 0.6667
    assert response_rate(within=3, answered=4, missed=0) == 0.75
    assert response_rate(within=0, answered=0, missed=3) == 0.0
