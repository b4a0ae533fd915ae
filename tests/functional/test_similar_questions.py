"""Similar questions as a client types: the inverted index in DynamoDB (moto), written and read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chalicelib.models.question_term import COUNT_KEY, QUESTIONS_TERM, QuestionTerm
from chalicelib.questions.similar import top
from chalicelib.questions.similar.index import QuestionText, index_question, load_empty_index, unindex_question
from chalicelib.questions.similar.query import similar_questions, similar_questions_with_cost
from infra.local.provision import LocalAws

FIXTURE = Path(__file__).parent.parent / "fixtures" / "similar_questions.json"
RELEVANCE_TARGET = 0.8


def ask(question_id: str, title: str, body: str = "", *, category: str = "tax", answers: tuple[str, ...] = ()) -> None:
    index_question(
        question_id,
        category=category,
        title=title,
        body=body,
        answers=answers,
        answered=bool(answers),
        answer_count=len(answers),
    )


def df(stem: str) -> int:
    try:
        return QuestionTerm.get(f"all|{stem}", COUNT_KEY, consistent_read=True).df or 0
    except QuestionTerm.DoesNotExist:
        return 0


def indexed_questions() -> int:
    return QuestionTerm.get(QUESTIONS_TERM, COUNT_KEY, consistent_read=True).df or 0


def test_another_form_of_the_words_finds_the_question(aws: LocalAws) -> None:
    ask("q1", "How do I invoice clients abroad?", "I am a freelancer and send invoices to the US.", answers=("Yes",))
    ask("q2", "Can I deduct my home office from taxes?", "I work from home three days a week.")

    hits, cost = similar_questions_with_cost("invoicing a client in another country")

    assert [hit.question_id for hit in hits] == ["q1"]
    assert hits[0].answered is True
    assert hits[0].answer_count == 1
    assert cost.requests >= 2


def test_the_category_filter_returns_only_questions_of_that_category(aws: LocalAws) -> None:
    ask("tax-1", "Contract for a freelance designer", "Which taxes apply to a freelance contract?", category="tax")
    ask("law-1", "Contract for a freelance designer", "What should the contract say about copyright?", category="law")

    assert {hit.question_id for hit in similar_questions("freelance contracts")} == {"tax-1", "law-1"}
    assert [hit.question_id for hit in similar_questions("freelance contracts", category="law")] == ["law-1"]
    assert similar_questions("freelance contracts", category="health") == []


def test_re_indexing_an_edited_question_drops_its_old_terms(aws: LocalAws) -> None:
    ask("q1", "Selling my flat in Lisbon", "Capital gains on the apartment sale")
    ask("q1", "Renting out my garage", "Income from the garage rent")

    assert similar_questions("apartment sale Lisbon") == []
    assert [hit.question_id for hit in similar_questions("rent a garage")] == ["q1"]
    assert df("lisbon") == 0
    assert df("garag") == 1
    leftover = [item.rank_key for item in QuestionTerm.query("all|lisbon", QuestionTerm.rank_key >= "0")]
    assert leftover == []


def test_moving_a_question_to_another_category_moves_its_postings(aws: LocalAws) -> None:
    ask("q1", "Non-compete clause in my employment contract", category="career")
    ask("q1", "Non-compete clause in my employment contract", category="law")

    assert similar_questions("non-compete clauses", category="career") == []
    assert [hit.question_id for hit in similar_questions("non-compete clauses", category="law")] == ["q1"]
    assert df("claus") == 1
    assert indexed_questions() == 1


def test_unindexing_a_question_removes_it_and_its_counts(aws: LocalAws) -> None:
    ask("q1", "Deducting a home office from taxes")
    ask("q2", "Deducting a company car from taxes")

    unindex_question("q1")
    unindex_question("q1")

    assert [hit.question_id for hit in similar_questions("home office deduction")] == ["q2"]
    assert df("offic") == 0
    assert df("deduct") == 1
    assert indexed_questions() == 1


def test_stop_words_alone_find_nothing(aws: LocalAws) -> None:
    ask("q1", "How can I do what I should do?", "What about it, and how should I?")
    ask("q2", "Deducting a home office from taxes")

    hits, cost = similar_questions_with_cost("how should I do what they can do")

    assert hits == []
    assert cost.requests == 0


def test_document_counts_stay_right_when_the_same_question_is_indexed_twice(aws: LocalAws) -> None:
    ask("q1", "Invoicing clients abroad", "Invoices to the US in dollars", answers=("Use a multi-currency account",))
    ask("q1", "Invoicing clients abroad", "Invoices to the US in dollars", answers=("Use a multi-currency account",))
    ask("q2", "Invoice numbering rules")

    assert df("invoic") == 2
    assert df("abroad") == 1
    assert df("currenc") == 1
    assert indexed_questions() == 2


def test_an_answer_updates_what_the_suggestion_shows_without_recounting(aws: LocalAws) -> None:
    ask("q1", "Invoicing clients abroad")
    index_question(
        "q1",
        category="tax",
        title="Invoicing clients abroad",
        body="",
        answers=(),
        answered=True,
        answer_count=2,
    )

    [hit] = similar_questions("invoice abroad")
    assert (hit.answered, hit.answer_count) == (True, 2)
    assert df("invoic") == 1


def test_most_paraphrased_questions_find_the_question_they_paraphrase_in_the_top_five(aws: LocalAws) -> None:
    fixture = json.loads(FIXTURE.read_text())
    # written in one load (index_question's transactions cost moto a copy of the table each; see
    # test_a_bulk_load_writes_what_indexing_one_question_at_a_time_writes for why that is the same index)
    load_empty_index(QuestionText(q["id"], q["category"], q["title"], q["body"]) for q in fixture["questions"])
    probes = fixture["probes"]
    assert len(fixture["questions"]) >= 150
    assert len(probes) >= 60

    missed = []
    for probe in probes:
        found = [hit.question_id for hit in similar_questions(probe["text"], limit=5)]
        if probe["expect"] not in found:
            missed.append(f"{probe['text']!r} -> {found} (wanted {probe['expect']})")
    share = 1 - len(missed) / len(probes)
    figure = f"similar questions: {len(probes) - len(missed)}/{len(probes)} probes ({share:.0%}) in the top 5"
    print(figure)
    assert share >= RELEVANCE_TARGET, figure + "; missed:\n" + "\n".join(missed)


def everything_in_the_index() -> list[dict[str, object]]:
    terms = [f"all|{stem}" for stem in ("invoic", "client", "abroad", "vat", "offic", "home", "deduct")]
    terms += [f"category:tax|{stem}" for stem in ("invoic", "client", "abroad", "vat", "offic", "home", "deduct")]
    terms += ["doc|q1", "doc|q2", QUESTIONS_TERM]
    items = [item.attribute_values for term in terms for item in QuestionTerm.query(term, consistent_read=True)]
    for values in items:
        values.pop("top_version", None)  # how many writes a top list took: one in a bulk load
    return sorted(items, key=lambda values: (str(values["term"]), str(values["rank_key"])))


def test_a_bulk_load_writes_what_indexing_one_question_at_a_time_writes(aws: LocalAws) -> None:
    questions = [
        QuestionText("q1", "tax", "Invoicing clients abroad", "VAT on invoices to clients in the US"),
        QuestionText("q2", "tax", "Home office deduction", "Can I deduct my home office?"),
    ]
    for question in questions:
        ask(question.question_id, question.title, question.body, category=question.category)
    one_at_a_time = everything_in_the_index()
    for item in QuestionTerm.scan():  # a test's own table, emptied to load it again
        item.delete()

    load_empty_index(questions)

    assert everything_in_the_index() == one_at_a_time
    assert len(one_at_a_time) > 20


def test_a_question_outside_a_full_top_list_comes_in_when_a_better_one_leaves(
    aws: LocalAws, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(top, "TOP_SIZE", 2)
    ask("short", "Pension")
    ask("medium", "Pension for freelancers")
    ask("long", "Pension for freelancers who moved abroad and work for clients in three countries")
    assert [hit.question_id for hit in similar_questions("pension")] == ["short", "medium"]

    unindex_question("short")

    assert [hit.question_id for hit in similar_questions("pension")] == ["medium", "long"]


def test_a_query_reads_as_many_items_for_many_questions_as_for_few(
    aws: LocalAws, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(top, "TOP_SIZE", 3)
    for n in range(3):
        ask(f"few-{n}", f"Pension transfer question {n}", "Moving my pension to another country")
    _, few = similar_questions_with_cost("pension transfer to another country")
    for n in range(12):
        ask(f"many-{n}", f"Pension transfer question {n + 3}", "Moving my pension to another country")

    hits, many = similar_questions_with_cost("pension transfer to another country")

    assert (many.items_read, many.requests) == (few.items_read, few.requests)
    assert many.requests == 2
    assert len(hits) == 3


def test_two_questions_changing_one_term_at_once_both_end_up_in_its_top_list(
    aws: LocalAws, monkeypatch: pytest.MonkeyPatch
) -> None:
    write = top._write
    interleaved: list[str] = []

    def another_question_indexed_first(writes: Any) -> bool:
        if not interleaved:  # between our read of the lists and our write, another question writes them
            interleaved.append("q2")
            ask("q2", "Pension transfer abroad")
        return write(writes)

    monkeypatch.setattr(top, "_write", another_question_indexed_first)
    ask("q1", "Pension contributions as a freelancer")

    assert interleaved == ["q2"]
    assert {hit.question_id for hit in similar_questions("pension")} == {"q1", "q2"}
