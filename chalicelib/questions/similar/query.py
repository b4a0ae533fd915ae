"""Reads of the similar-questions index: the questions most like what a client is typing.

A query costs two BatchGets, whatever the number of questions: the counts of its stems (at most
``MAX_QUERY_WORDS`` + 1 items), then the top lists (``top``) of the ``MAX_QUERY_TERMS`` rarest of them,
one item each holding at most ``TOP_SIZE`` postings. No Query, no Scan, no pagination.
The last word is stemmed as typed: a half-typed word matches once its stem is complete ("invoic" of "invoici").
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.models.question_term import COUNT_KEY, QUESTIONS_TERM, TOP_KEY, QuestionTerm
from chalicelib.questions.similar.index import ALL_SCOPE, category_scope, posting_term
from chalicelib.questions.similar.scoring import idf, query_stems, ranked, rarest
from chalicelib.questions.similar.top import TopEntry, decode

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
    """What one query read: items returned by DynamoDB, their size (bytes of attribute values), requests made."""

    items_read: int
    requests: int
    bytes_read: int = 0


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
    found = list(
        QuestionTerm.batch_get(
            [(posting_term(ALL_SCOPE, stem), COUNT_KEY) for stem in stems] + [(QUESTIONS_TERM, COUNT_KEY)]
        )
    )
    counts = {item.term: item.df or 0 for item in found}
    items_read, requests, bytes_read = len(found), 1, sum(map(item_size, found))
    documents = counts.pop(QUESTIONS_TERM, 0)
    frequency = {stem: counts.get(posting_term(ALL_SCOPE, stem), 0) for stem in stems}
    chosen = rarest(stems, frequency)
    scope = category_scope(category) if category is not None else ALL_SCOPE
    lists: dict[str, list[TopEntry]] = {}
    if chosen:
        by_term = {posting_term(scope, stem): stem for stem in chosen}
        for item in QuestionTerm.batch_get([(term, TOP_KEY) for term in by_term]):
            lists[by_term[item.term]] = decode(item.top)
            bytes_read += item_size(item)
            items_read += 1
        requests += 1
    shown = {entry.question_id: entry for entries in lists.values() for entry in entries}
    postings = {stem: [(entry.question_id, entry.weight) for entry in entries] for stem, entries in lists.items()}
    scores = ranked(postings, {stem: idf(frequency[stem], documents) for stem in lists})
    hits = [
        SimilarHit(
            question_id=question_id,
            title=shown[question_id].title,
            score=round(score, 4),
            answered=shown[question_id].answered,
            answer_count=shown[question_id].answer_count,
        )
        for question_id, score in scores[:limit]
    ]
    return hits, SearchCost(items_read=items_read, requests=requests, bytes_read=bytes_read)


def item_size(item: QuestionTerm) -> int:
    """The item's size as DynamoDB counts it for read capacity: names and values, strings in UTF-8 bytes,
    numbers about one byte per two digits."""
    size = 0
    for name, value in item.serialize().items():
        size += len(name.encode())
        if "S" in value:
            size += len(value["S"].encode())
        elif "N" in value:
            size += len(value["N"].lstrip("-")) // 2 + 1
        else:
            size += 1
    return size
