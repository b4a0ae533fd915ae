"""Pure rules of votes and publications: how a change moves counts and points, and ids from causes."""

from __future__ import annotations

import itertools

import pytest

from chalicelib.publications.rules import EXCERPT_CHARS, article_id_for, document_id_for, excerpt
from chalicelib.reputation.points import vote_change_points
from chalicelib.votes.targets import parse_target_key
from chalicelib.votes.voting import count_changes

VALUES = (1, 0, -1)


@pytest.mark.parametrize(
    ("old", "new", "counts", "points"),
    [(0, 1, (1, 0), 10), (1, -1, (-1, 1), -12), (-1, 0, (0, -1), 2), (0, -1, (0, 1), -2), (1, 0, (-1, 0), -10)],
)
def test_a_change_of_vote_moves_the_counts_and_the_owners_points(
    old: int, new: int, counts: tuple[int, int], points: int
) -> None:
    assert count_changes(old, new) == counts
    assert vote_change_points(old, new) == points


def test_any_sequence_of_changes_leaves_counts_and_points_of_the_last_vote_alone() -> None:
    for path in itertools.product(VALUES, repeat=4):
        ups = downs = points = 0
        previous = 0
        for value in path:
            up, down = count_changes(previous, value)
            ups, downs, points = ups + up, downs + down, points + vote_change_points(previous, value)
            previous = value
        assert (ups, downs) == (int(previous == 1), int(previous == -1))
        assert points == {1: 10, 0: 0, -1: -2}[previous]


def test_the_same_vote_again_moves_nothing() -> None:
    for value in VALUES:
        assert count_changes(value, value) == (0, 0)
        assert vote_change_points(value, value) == 0


def test_ids_come_from_their_cause() -> None:
    assert article_id_for("ada", "k1") == article_id_for("ada", "k1")
    assert article_id_for("ada", "k1") != article_id_for("eve", "k1")
    assert document_id_for("ada", "private/ada/document/f.pdf") != document_id_for("ada", "private/ada/document/g.pdf")


def test_an_excerpt_keeps_whole_words_and_short_texts_whole() -> None:
    assert excerpt("Short  text\nhere.") == "Short text here."
    long = "word " * 200
    cut = excerpt(long)
    assert len(cut) <= EXCERPT_CHARS + 1
    assert cut.endswith("word…")


def test_only_known_kinds_are_targets() -> None:
    assert parse_target_key("answer#a1") == ("answer", "a1")
    assert parse_target_key("question#q1") is None
    assert parse_target_key("article#") is None
