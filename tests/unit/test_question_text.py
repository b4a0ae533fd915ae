"""Words to index terms, and the weights of similar-question search (pure rules)."""

from __future__ import annotations

import pytest

from chalicelib.questions.similar.scoring import (
    MAX_QUERY_TERMS,
    MAX_TERMS_PER_QUESTION,
    MAX_WEIGHT,
    idf,
    query_stems,
    question_weights,
    rank_key,
    ranked,
    rarest,
)
from chalicelib.questions.similar.text import STOP_WORDS, normalise, terms


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("invoicing", "invoice"),
        ("invoices", "invoiced"),
        ("taxes", "taxed"),
        ("deductions", "deducting"),
        ("contracts", "contract"),
        ("employees", "employee"),
        ("marketing", "marketed"),
        ("divorcing", "divorce"),
    ],
)
def test_other_forms_of_a_word_are_the_same_term(one: str, other: str) -> None:
    assert terms(one) == terms(other)
    assert len(terms(one)) == 1


def test_case_width_and_accents_do_not_matter() -> None:
    assert terms("CAFÉ Résumé") == terms("cafe resume") == terms("ｃａｆｅ RESUME")
    assert normalise("Ångström") == "angstrom"


def test_question_words_and_other_stop_words_are_not_terms() -> None:
    assert terms("How should I do what they can do with my own?") == []
    assert {"how", "what", "can", "should", "does", "my", "i"} <= STOP_WORDS
    assert 120 <= len(STOP_WORDS) <= 250


def test_words_split_on_anything_but_letters_and_digits_and_single_characters_go() -> None:
    assert terms("e-mail: VAT/GST 2024, x y") == ["mail", "vat", "gst", "2024"]


def test_terms_keep_repeats_for_term_frequency() -> None:
    assert terms("tax taxes taxed") == ["tax", "tax", "tax"]


def test_a_word_in_the_title_weighs_more_than_the_same_word_in_the_body() -> None:
    weights = question_weights("Visa for Portugal", "I am moving there for work and need a residence permit.")
    assert weights["visa"] > weights["resid"]
    assert all(0 < weight <= MAX_WEIGHT for weight in weights.values())


def test_a_long_question_gives_each_word_less_weight_than_a_short_one() -> None:
    short = question_weights("Visa for Portugal", "")
    long = question_weights("Visa for Portugal", " ".join(f"word{n}" for n in range(30)))
    assert short["visa"] > long["visa"]


def test_a_question_keeps_at_most_its_heaviest_terms() -> None:
    weights = question_weights("Residence permit", " ".join(f"topic{n}" for n in range(200)))
    assert len(weights) == MAX_TERMS_PER_QUESTION
    assert {"resid", "permit"} <= set(weights)


def test_rank_keys_sort_heaviest_first() -> None:
    keys = sorted([rank_key(10, "a"), rank_key(MAX_WEIGHT, "b"), rank_key(500_000, "c")])
    assert [key.rsplit("#", 1)[1] for key in keys] == ["b", "c", "a"]
    assert rank_key(MAX_WEIGHT, "b").startswith("000000#")
    assert min(keys) > "!count"
    with pytest.raises(ValueError, match="out of range"):
        rank_key(MAX_WEIGHT + 1, "x")


def test_rarer_terms_weigh_more_and_no_term_weighs_less_than_nothing() -> None:
    assert idf(1, 1000) > idf(10, 1000) > idf(900, 1000) > 0
    assert idf(5, 3) >= 0


def test_a_query_reads_its_rarest_known_terms_only() -> None:
    stems = query_stems("tax invoice vat reverse charge freelance designer germany france client")
    frequency = {stem: n for n, stem in enumerate(stems)}  # the first stem is in no question
    chosen = rarest(stems, frequency)
    assert stems[0] not in chosen
    assert chosen == stems[1 : 1 + MAX_QUERY_TERMS]


def test_questions_rank_by_the_sum_of_idf_times_weight() -> None:
    order = ranked(
        {"visa": [("a", MAX_WEIGHT // 2), ("b", MAX_WEIGHT)], "portug": [("a", MAX_WEIGHT)]},
        {"visa": 1.0, "portug": 2.0},
    )
    assert [question_id for question_id, _ in order] == ["a", "b"]
