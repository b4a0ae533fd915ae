"""The pure rules of questions and answers: ids, tags, who may remove, answer order, acceptance moves."""

from __future__ import annotations

from chalicelib.questions.rules import (
    AcceptanceMove,
    Ranked,
    acceptance_move,
    answer_id_for,
    answer_order,
    may_remove,
    normalised_tags,
    question_id_for,
)
from chalicelib.reputation.points import answer_accepted_event_id, answer_unaccepted_event_id


def test_the_same_asker_and_key_name_the_same_question_and_nothing_else_does() -> None:
    assert question_id_for("grace", "k1") == question_id_for("grace", "k1")
    assert question_id_for("grace", "k1") != question_id_for("grace", "k2")
    assert question_id_for("grace", "k1") != question_id_for("eve", "k1")
    assert question_id_for("grace", None) != question_id_for("grace", None)


def test_one_expert_has_one_answer_id_per_question() -> None:
    assert answer_id_for("q1", "ada") == answer_id_for("q1", "ada")
    assert len({answer_id_for("q1", "ada"), answer_id_for("q1", "bob"), answer_id_for("q2", "ada")}) == 3


def test_tags_are_trimmed_lowercased_and_kept_once_in_order() -> None:
    assert normalised_tags([" VAT", "invoicing", "vat", "  "]) == ["vat", "invoicing"]


def test_the_owner_or_an_admin_removes() -> None:
    assert may_remove("grace", "grace", is_admin=False)
    assert may_remove("root", "grace", is_admin=True)
    assert not may_remove("eve", "grace", is_admin=False)


def test_answers_go_accepted_first_then_by_score_then_oldest_first() -> None:
    answers = [
        Ranked("old-low", False, 0, 1, "2026-01-01"),
        Ranked("new-high", False, 3, 1, "2026-01-03"),
        Ranked("old-high", False, 2, 0, "2026-01-02"),
        Ranked("accepted", True, 0, 5, "2026-01-04"),
    ]
    assert [a.answer_id for a in sorted(answers, key=answer_order)] == ["accepted", "old-high", "new-high", "old-low"]


def test_accepting_the_holder_again_is_no_move_and_each_move_counts_up() -> None:
    assert acceptance_move("a1", 1, "a1") is None
    assert acceptance_move(None, 0, "a1") == AcceptanceMove("a1", None, 1)
    assert acceptance_move("a1", 1, "a2") == AcceptanceMove("a2", "a1", 2)


def test_moving_the_mark_back_and_forth_names_a_new_event_each_time() -> None:
    assert answer_accepted_event_id("a1") == answer_accepted_event_id("a1", 1) == "accepted#a1"
    moves = [answer_accepted_event_id("a1", 1), answer_accepted_event_id("a1", 3)]
    moves += [answer_unaccepted_event_id("a1", 2), answer_unaccepted_event_id("a1", 4)]
    assert len(set(moves)) == 4
