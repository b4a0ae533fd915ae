"""The pure rules of conversations: ids from causes, whose answer a thread awaits, cursors, sort keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.conversations.rules import (
    ANSWER_WITHIN,
    REMIND_AFTER,
    Waiting,
    after_message,
    event_message_id,
    message_id_for,
    preview,
    thread_id_for,
    waiting_seconds,
)
from chalicelib.timestamps import sortable_utc as time_key

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PARTIES = {"client_id": "grace", "expert_id": "ada"}


def test_a_subject_has_exactly_one_thread_and_unknown_subjects_have_none() -> None:
    assert thread_id_for("service_checkout", "c1") == thread_id_for("service_checkout", "c1") == "service_checkout:c1"
    with pytest.raises(ValueError, match="unknown conversation subject"):
        thread_id_for("gossip", "x")


def test_a_retry_names_the_same_message_and_another_sender_or_key_another() -> None:
    assert message_id_for("grace", "k1") == message_id_for("grace", "k1")
    assert len({message_id_for("grace", "k1"), message_id_for("grace", "k2"), message_id_for("ada", "k1")}) == 3
    assert event_message_id("booking:b1:confirmed") == event_message_id("booking:b1:confirmed")


def test_the_clients_message_makes_the_thread_wait_on_the_expert_with_a_reminder_due_after_20_hours() -> None:
    waiting = after_message(Waiting(), sender_id="grace", sent_at=T0, **PARTIES)

    assert waiting == Waiting(on="ada", since=T0, remind_at=T0 + REMIND_AFTER)
    assert REMIND_AFTER < ANSWER_WITHIN


def test_a_second_client_message_keeps_the_wait_from_the_first() -> None:
    first = after_message(Waiting(), sender_id="grace", sent_at=T0, **PARTIES)

    assert after_message(first, sender_id="grace", sent_at=T0 + timedelta(hours=3), **PARTIES) == first


def test_the_experts_answer_ends_the_wait_and_their_own_message_starts_none() -> None:
    first = after_message(Waiting(), sender_id="grace", sent_at=T0, **PARTIES)

    assert after_message(first, sender_id="ada", sent_at=T0, **PARTIES) == Waiting()
    assert after_message(Waiting(), sender_id="ada", sent_at=T0, **PARTIES) == Waiting()


def test_waiting_seconds_count_from_the_first_unanswered_message_and_never_go_negative() -> None:
    assert waiting_seconds(T0, T0 + timedelta(hours=2)) == 7_200
    assert waiting_seconds(T0, T0 - timedelta(seconds=5)) == 0
    assert waiting_seconds(None, T0) == 0


def test_time_keys_sort_as_time_whatever_the_microseconds() -> None:
    moments = [T0, T0 + timedelta(microseconds=1), T0 + timedelta(seconds=1), T0 + timedelta(days=1)]

    assert sorted(time_key(m) for m in reversed(moments)) == [time_key(m) for m in moments]


def test_a_preview_is_one_line_of_at_most_140_characters() -> None:
    assert preview("Hello\n\n  there") == "Hello there"
    assert len(preview("x" * 500)) == 140
