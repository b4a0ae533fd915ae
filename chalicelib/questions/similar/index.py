"""Writes of the similar-questions index: a question's postings, and the counts idf is computed from.

``index_question`` is idempotent and safe to retry or to run twice at once for the same question:

1. read the question's record (its postings, those still to delete, its version), consistently;
2. one transaction: the record (conditional on the version read) with the new postings, the old ones not
   among them added to ``stale``, and +1/-1 on the document count of each stem that appears/disappears
   (and on the number of questions when it is listed/unlisted). A retry after this step sees its own
   postings in the record, so it counts nothing twice; a concurrent call fails the condition and starts over;
3. batch puts of every posting (title and answer counts refreshed), batch deletes of the stale ones;
4. the top list of every term it touched brought in line (``top.refresh``), then ``stale`` cleared,
   conditional on the version. A retry after a crash in step 3 or 4 finds ``stale`` in the record and
   finishes the deletes and the lists.

Counts are kept for the ``all`` scope only: idf from the whole collection ranks just as well inside one
category, and it halves the count updates so that one transaction always holds them
(``MAX_TERMS_PER_QUESTION`` stems removed + added + the record + the question count <= 100 items).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass

from chalicelib.models.question_term import COUNT_KEY, QUESTIONS_TERM, RECORD_KEY, QuestionTerm
from chalicelib.questions.similar.scoring import TITLE_LENGTH, question_weights, rank_key
from chalicelib.questions.similar.top import TOP_SIZE, TopEntry, best, refresh, top_item

ALL_SCOPE = "all"
_ATTEMPTS = 5


def category_scope(category: str) -> str:
    return f"category:{category}"


def posting_term(scope: str, stem: str) -> str:
    return f"{scope}|{stem}"


def record_term(question_id: str) -> str:
    return f"doc|{question_id}"


@dataclass(frozen=True, order=True)
class Posting:
    """One (term, rank key) of a question, as its record lists it: ``<inverse weight>#<term>``."""

    term: str
    inverse_weight: str

    def encoded(self) -> str:
        return f"{self.inverse_weight}#{self.term}"

    @classmethod
    def decoded(cls, value: str) -> Posting:
        inverse_weight, term = value.split("#", 1)
        return cls(term, inverse_weight)

    def key(self, question_id: str) -> tuple[str, str]:
        return self.term, f"{self.inverse_weight}#{question_id}"


@dataclass(frozen=True)
class Shown:
    """What a suggestion shows of the question, copied into each of its postings."""

    title: str
    answered: bool
    answer_count: int


def index_question(
    question_id: str,
    *,
    category: str,
    title: str,
    body: str,
    answers: Sequence[str],
    answered: bool,
    answer_count: int,
) -> None:
    """Make the index hold this version of the question (and nothing of its earlier versions)."""
    postings = postings_of(question_id, category, title, body, answers)
    _replace(question_id, category, postings, Shown(title[:TITLE_LENGTH], answered, answer_count))


def postings_of(question_id: str, category: str, title: str, body: str, answers: Sequence[str]) -> dict[Posting, int]:
    """The question's postings (in the ``all`` scope and its category's) and their weights."""
    return {
        Posting(posting_term(scope, stem), rank_key(weight, question_id).split("#", 1)[0]): weight
        for scope in (ALL_SCOPE, category_scope(category))
        for stem, weight in question_weights(title, body, answers).items()
    }


@dataclass(frozen=True)
class QuestionText:
    """A question as ``load_empty_index`` takes it."""

    question_id: str
    category: str
    title: str
    body: str
    answers: tuple[str, ...] = ()
    answered: bool = False
    answer_count: int = 0


def load_empty_index(questions: Iterable[QuestionText]) -> int:
    """Fill an EMPTY index with many questions at once (a backfill, a rebuild into a new table, seeds):
    the same postings, records and counts ``index_question`` writes, by batch writes only, no transaction.

    Not safe while anything else writes the index: the counts are written as totals, not added.
    Returns the number of items written.
    """
    written = 0
    with QuestionTerm.batch_write() as batch:
        for item in empty_index_items(questions):
            batch.save(item)
            written += 1
    return written


def empty_index_items(questions: Iterable[QuestionText]) -> Iterator[QuestionTerm]:
    """Every item of an index holding just ``questions``: postings and records, then top lists and counts."""
    frequency: dict[str, int] = {}
    tops: dict[str, list[TopEntry]] = {}
    documents = 0
    for question in questions:
        postings = postings_of(question.question_id, question.category, question.title, question.body, question.answers)
        shown = Shown(question.title[:TITLE_LENGTH], question.answered, question.answer_count)
        for posting, weight in sorted(postings.items()):
            yield _posting_item(question.question_id, posting, weight, shown, 1)
            entries = tops.setdefault(posting.term, [])
            entries.append(_entry(question.question_id, weight, shown, 1))
            if len(entries) > 4 * TOP_SIZE:
                entries[:] = best(entries)
        yield QuestionTerm(
            record_term(question.question_id),
            RECORD_KEY,
            question_id=question.question_id,
            postings=sorted(p.encoded() for p in postings),
            stale=[],
            category=question.category,
            listed=True,
            version=1,
        )
        for stem in _stems(postings):
            frequency[stem] = frequency.get(stem, 0) + 1
        documents += 1
    for term, entries in sorted(tops.items()):
        yield top_item(term, best(entries), 1)
    for stem, count in sorted(frequency.items()):
        yield QuestionTerm(posting_term(ALL_SCOPE, stem), COUNT_KEY, df=count)
    yield QuestionTerm(QUESTIONS_TERM, COUNT_KEY, df=documents)


def unindex_question(question_id: str) -> None:
    """Remove every posting of the question and its share of the counts (a soft-deleted question)."""
    _replace(question_id, None, {}, Shown("", False, 0))


def _replace(question_id: str, category: str | None, postings: dict[Posting, int], shown: Shown) -> None:
    for _ in range(_ATTEMPTS):
        record = _record(question_id)
        version = _commit(question_id, record, category, set(postings))
        if version is None:
            continue  # another call changed the record between our read and our write: read it again
        _write_postings(question_id, postings, shown, version)
        record = _record(question_id)
        if record is None or record.version != version:
            # a newer version was committed while we wrote: take back what it does not list
            listed = set(_decode(record.postings if record else None))
            gone = [p for p in postings if p not in listed]
            _delete(question_id, gone)
            refresh(question_id, version, {p.term: None for p in gone})
            return
        stale = _decode(record.stale)
        _delete(question_id, stale)
        changes: dict[str, TopEntry | None] = {p.term: None for p in stale}
        changes.update({p.term: _entry(question_id, weight, shown, version) for p, weight in postings.items()})
        refresh(question_id, version, changes)
        _clear_stale(record, version)
        return
    raise RuntimeError(f"could not index question {question_id}: its record kept changing")


def _record(question_id: str) -> QuestionTerm | None:
    try:
        return QuestionTerm.get(record_term(question_id), RECORD_KEY, consistent_read=True)
    except QuestionTerm.DoesNotExist:
        return None


def _decode(values: Iterable[str] | None) -> list[Posting]:
    return [Posting.decoded(value) for value in values or ()]


def _stems(postings: Iterable[Posting]) -> set[str]:
    prefix = f"{ALL_SCOPE}|"
    return {p.term[len(prefix) :] for p in postings if p.term.startswith(prefix)}


def _commit(question_id: str, record: QuestionTerm | None, category: str | None, new: set[Posting]) -> int | None:
    """Step 2: the record and the counts in one transaction; the new version, or None if the record moved."""
    from pynamodb.exceptions import TransactWriteError

    from chalicelib.models.base import write_transaction

    old = set(_decode(record.postings if record else None))
    stale = (set(_decode(record.stale if record else None)) | old) - new
    was_listed = bool(record and record.listed)
    listed = category is not None
    previous = record.version if record and record.version is not None else 0
    if record is None and not new and not listed:
        return previous  # unindexing a question never indexed
    if record is not None and old == new and was_listed == listed and record.category == category:
        return previous  # nothing to count: the record already says this (a retry, or no change)
    added, removed = _stems(new) - _stems(old), _stems(old) - _stems(new)
    updated = QuestionTerm(
        record_term(question_id),
        RECORD_KEY,
        question_id=question_id,
        postings=sorted(p.encoded() for p in new),
        stale=sorted(p.encoded() for p in stale),
        category=category,
        listed=listed,
        version=previous + 1,
    )
    condition = QuestionTerm.term.does_not_exist() if record is None else QuestionTerm.version == previous
    try:
        with write_transaction() as transaction:
            transaction.save(updated, condition=condition)
            for stem, delta in [*((s, 1) for s in sorted(added)), *((s, -1) for s in sorted(removed))]:
                transaction.update(
                    QuestionTerm(posting_term(ALL_SCOPE, stem), COUNT_KEY), actions=[QuestionTerm.df.add(delta)]
                )
            if listed != was_listed:
                transaction.update(
                    QuestionTerm(QUESTIONS_TERM, COUNT_KEY), actions=[QuestionTerm.df.add(1 if listed else -1)]
                )
    except TransactWriteError as error:
        if error.cause_response_code == "TransactionCanceledException":
            return None
        raise
    return previous + 1


def _write_postings(question_id: str, postings: dict[Posting, int], shown: Shown, version: int) -> None:
    if not postings:
        return
    with QuestionTerm.batch_write() as batch:
        for posting, weight in sorted(postings.items()):
            batch.save(_posting_item(question_id, posting, weight, shown, version))


def _posting_item(question_id: str, posting: Posting, weight: int, shown: Shown, version: int) -> QuestionTerm:
    term, key = posting.key(question_id)
    return QuestionTerm(
        term,
        key,
        question_id=question_id,
        weight=weight,
        title=shown.title,
        answered=shown.answered,
        answer_count=shown.answer_count,
        version=version,
    )


def _entry(question_id: str, weight: int, shown: Shown, version: int) -> TopEntry:
    return TopEntry(question_id, weight, shown.title, shown.answered, shown.answer_count, version)


def _delete(question_id: str, postings: Iterable[Posting]) -> None:
    keys = sorted({p.key(question_id) for p in postings})
    if not keys:
        return
    with QuestionTerm.batch_write() as batch:
        for term, key in keys:
            batch.delete(QuestionTerm(term, key))


def _clear_stale(record: QuestionTerm, version: int) -> None:
    from pynamodb.exceptions import UpdateError

    if not record.stale:
        return
    with suppress(UpdateError):  # a newer version owns the record and its stale list now
        record.update(actions=[QuestionTerm.stale.remove()], condition=QuestionTerm.version == version)
