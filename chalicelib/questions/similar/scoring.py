"""How much a term weighs in a question, and how a query ranks questions. Pure, no I/O.

Okapi BM25, split where DynamoDB wants it split: the term-frequency part depends only on the question,
so it is computed when the question is indexed and stored in the posting's sort key (heaviest first);
the rarity part (idf) depends on the whole collection, so it is computed at query time from per-term
document counts. A question's score is the sum over the query's terms of idf x tf part.

The length normalisation uses a fixed average length (``AVERAGE_LENGTH``) rather than the live average:
a question's weights then depend on its own text only, so re-indexing the same text writes the same
postings (idempotent) and no write ever has to rewrite other questions' postings.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from chalicelib.questions.similar.text import terms

K1 = 1.2
B = 0.75
TITLE_BOOST = 3.0
BODY_BOOST = 1.0
ANSWER_BOOST = 0.5
AVERAGE_LENGTH = 60.0  # weighted terms of a typical question (title x3 + a paragraph + a short answer)
MAX_WEIGHT = 999_999
WEIGHT_WIDTH = 6
MAX_TERMS_PER_QUESTION = 40  # a question's heaviest stems; bounds its postings and its count updates
MAX_QUERY_WORDS = 16  # distinct stems of a query looked up for their counts
MAX_QUERY_TERMS = 8  # of which the rarest are read
TITLE_LENGTH = 200


def question_weights(title: str, body: str, answers: Sequence[str] = ()) -> dict[str, int]:
    """Each of the question's heaviest stems and its BM25 term-frequency part, scaled to 0..MAX_WEIGHT."""
    frequency: dict[str, float] = {}
    for text, boost in [(title, TITLE_BOOST), (body, BODY_BOOST), *((answer, ANSWER_BOOST) for answer in answers)]:
        for term in terms(text):
            frequency[term] = frequency.get(term, 0.0) + boost
    length = sum(frequency.values())
    norm = K1 * (1 - B + B * length / AVERAGE_LENGTH)
    weights = {term: round(MAX_WEIGHT * tf / (tf + norm)) for term, tf in frequency.items()}
    heaviest = sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:MAX_TERMS_PER_QUESTION]
    return {term: max(1, weight) for term, weight in heaviest}


def rank_key(weight: int, question_id: str) -> str:
    """Sorts a term's postings heaviest first: the inverse weight, zero-padded, then the question."""
    if not 0 <= weight <= MAX_WEIGHT:
        raise ValueError(f"weight out of range: {weight}")
    return f"{MAX_WEIGHT - weight:0{WEIGHT_WIDTH}d}#{question_id}"


def idf(document_frequency: int, documents: int) -> float:
    """BM25's inverse document frequency, never negative (Lucene's variant)."""
    documents = max(documents, document_frequency)
    return math.log(1 + (documents - document_frequency + 0.5) / (document_frequency + 0.5))


def query_stems(text: str) -> list[str]:
    """The distinct stems of what the client typed, in order, at most ``MAX_QUERY_WORDS``."""
    return list(dict.fromkeys(terms(text)))[:MAX_QUERY_WORDS]


def rarest(stems: Sequence[str], document_frequency: Mapping[str, int]) -> list[str]:
    """The query's stems worth reading: those some question has, rarest first, at most ``MAX_QUERY_TERMS``."""
    present = [stem for stem in stems if document_frequency.get(stem, 0) > 0]
    order = {stem: position for position, stem in enumerate(stems)}
    return sorted(present, key=lambda stem: (document_frequency[stem], order[stem]))[:MAX_QUERY_TERMS]


def ranked(postings: Mapping[str, Iterable[tuple[str, int]]], term_idf: Mapping[str, float]) -> list[tuple[str, float]]:
    """Questions by score, best first: ``postings`` maps a stem to (question id, weight) pairs."""
    scores: dict[str, float] = {}
    for stem, hits in postings.items():
        for question_id, weight in hits:
            part = (K1 + 1) * weight / MAX_WEIGHT
            scores[question_id] = scores.get(question_id, 0.0) + term_idf[stem] * part
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))
