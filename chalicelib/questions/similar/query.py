"""Reads of the similar-questions index: the questions most like what a client is typing.

A query costs at most one BatchGet (the counts of its stems, at most ``MAX_QUERY_WORDS`` + 1 items) and one
Query per term read (the ``MAX_QUERY_TERMS`` rarest of its stems), each limited to ``POSTINGS_PER_TERM``
items in weight order: bounded by terms x K, whatever the number of questions. No Scan, no pagination.
The last word is stemmed as typed: a half-typed word matches once its stem is complete ("invoic" of "invoici").
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.models.question_term import COUNT_KEY, QUESTIONS_TERM, QuestionTerm
from chalicelib.questions.similar.index import ALL_SCOPE, category_scope, posting_term
from chalicelib.questions.similar.scoring import idf, query_stems, ranked, rarest

POSTINGS_PER_TERM = 50
MAX_LIMIT = 20


@dataclass(frozen=True)
class SimilarHit:
    question_id: str
    title: str
    score: float
    answered: bool
    answer_count: int


@dataclass(frozen=True)
class SearchCost:
    """What one query read: items returned by DynamoDB, and requests made."""

    items_read: int
    requests: int


def similar_questions(text: str, *, category: str | None = None, limit: int = 5) -> list[SimilarHit]:
    """The ``limit`` questions most like ``text``, best first; only that category's with ``category``."""
    hits, _ = similar_questions_with_cost(text, category=category, limit=limit)
    return hits


def similar_questions_with_cost(
    text: str, *, category: str | None = None, limit: int = 5
) -> tuple[list[SimilarHit], SearchCost]:
    limit = max(1, min(limit, MAX_LIMIT))
    stems = query_stems(text)
    if not stems:
        return [], SearchCost(0, 0)
    counts = {
        item.term: item.df or 0
        for item in QuestionTerm.batch_get(
            [(posting_term(ALL_SCOPE, stem), COUNT_KEY) for stem in stems] + [(QUESTIONS_TERM, COUNT_KEY)]
        )
    }
    items_read, requests = len(counts), 1
    documents = counts.pop(QUESTIONS_TERM, 0)
    frequency = {stem: counts.get(posting_term(ALL_SCOPE, stem), 0) for stem in stems}
    chosen = rarest(stems, frequency)
    scope = category_scope(category) if category is not None else ALL_SCOPE
    postings: dict[str, list[tuple[str, int]]] = {}
    shown: dict[str, QuestionTerm] = {}
    for stem in chosen:
        found = list(
            QuestionTerm.query(
                posting_term(scope, stem),
                QuestionTerm.rank_key >= "0",
                limit=POSTINGS_PER_TERM,
                page_size=POSTINGS_PER_TERM,
            )
        )
        requests += 1
        items_read += len(found)
        postings[stem] = [(item.question_id or "", item.weight or 0) for item in found]
        for item in found:
            shown.setdefault(item.question_id or "", item)
    scores = ranked(postings, {stem: idf(frequency[stem], documents) for stem in chosen})
    hits = [
        SimilarHit(
            question_id=question_id,
            title=shown[question_id].title or "",
            score=round(score, 4),
            answered=bool(shown[question_id].answered),
            answer_count=shown[question_id].answer_count or 0,
        )
        for question_id, score in scores[:limit]
    ]
    return hits, SearchCost(items_read=items_read, requests=requests)
