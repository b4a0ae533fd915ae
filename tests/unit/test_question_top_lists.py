"""A term's top list changes by one question's entry at a time (chalicelib/questions/similar/top.py). Pure."""

from __future__ import annotations

import pytest

from chalicelib.questions.similar import top
from chalicelib.questions.similar.top import TopEntry, decode, encode, merged


def entry(question_id: str, weight: int, version: int = 1, title: str = "A question") -> TopEntry:
    return TopEntry(question_id, weight, title, False, 0, version)


@pytest.fixture(autouse=True)
def lists_of_three(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(top, "TOP_SIZE", 3)


def test_a_new_question_takes_its_place_by_weight_and_the_last_drops_out_of_a_full_list() -> None:
    current = [entry("a", 900), entry("b", 500), entry("c", 100)]

    assert merged(current, "d", 1, entry("d", 600)) == [entry("a", 900), entry("d", 600), entry("b", 500)]


def test_a_question_lighter_than_the_whole_full_list_changes_nothing() -> None:
    current = [entry("a", 900), entry("b", 500), entry("c", 100)]

    assert merged(current, "d", 1, entry("d", 50)) == current


def test_leaving_a_list_that_is_not_full_needs_no_read_of_the_postings() -> None:
    assert merged([entry("a", 900), entry("b", 500)], "a", 1, None) == [entry("b", 500)]


def test_leaving_or_falling_to_the_bottom_of_a_full_list_needs_the_postings_read_again() -> None:
    current = [entry("a", 900), entry("b", 500), entry("c", 100)]

    assert merged(current, "a", 1, None) is None
    assert merged(current, "a", 1, entry("a", 90)) is None
    assert merged(current, "a", 1, entry("a", 400)) == [entry("b", 500), entry("a", 400), entry("c", 100)]


def test_an_older_version_of_a_question_never_replaces_or_removes_a_newer_ones_entry() -> None:
    current = [entry("a", 900, version=3, title="Edited")]

    assert merged(current, "a", 2, entry("a", 100, version=2)) == current
    assert merged(current, "a", 2, None) == current


def test_applying_the_same_entry_twice_changes_nothing_the_second_time() -> None:
    once = merged([entry("a", 900)], "b", 1, entry("b", 500))
    assert once is not None

    assert merged(once, "b", 1, entry("b", 500)) == once


def test_equal_weights_are_ordered_by_question_id_as_the_postings_are() -> None:
    assert merged([entry("b", 500)], "a", 1, entry("a", 500)) == [entry("a", 500), entry("b", 500)]


def test_a_list_survives_its_encoding_with_any_title() -> None:
    entries = [entry("a", 900, title='Überweisung "ins" Ausland, 10 € / month'), entry("b", 1, version=7)]

    assert decode(encode(entries)) == entries
