"""Each term's best postings in one item, so that a query reads one item per term, however many questions.

A term's postings stay the truth (one item each, heaviest first); its *top list* is a copy of the best
``TOP_SIZE`` of them (question, weight and what a suggestion shows) kept in the item ``(<term>, !top)``.
A query reads the top lists of its terms in one BatchGet: the same number of items for 1,000 questions
as for a million, and at most ``TOP_SIZE`` entries each.

Keeping the lists right, after a question's postings are written and its old ones deleted:

* each list changes by the question's own entry only (``merged``), applied to the list as read and
  written back on condition that the list's ``top_version`` is still the one read, so two questions
  changing one term at once are applied one after the other (the loser reads again);
* when an entry leaves a full list, or falls below its last, the next-best posting is unknown to the
  list: those terms are read again from their postings (a consistent Query of ``TOP_SIZE``);
* an entry carries the version of the question's index record that wrote it, and an older version never
  replaces or removes a newer one's entry (two edits of one question indexed at once);
* a retry applies the same entries again: nothing changes, nothing is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from chalicelib.models.question_term import TOP_KEY, QuestionTerm

TOP_SIZE = 50
_ATTEMPTS = 8
_TRANSACTION_ITEMS = 100  # DynamoDB's limit


@dataclass(frozen=True)
class TopEntry:
    question_id: str
    weight: int
    title: str
    answered: bool
    answer_count: int
    version: int  # of the question's index record that wrote it

    def order(self) -> tuple[int, str]:
        """Heaviest first, then by question id: the order of the term's postings' sort keys."""
        return -self.weight, self.question_id


def encode(entries: Sequence[TopEntry]) -> str:
    rows = [[e.question_id, e.weight, e.title, e.answered, e.answer_count, e.version] for e in entries]
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


def decode(value: str | None) -> list[TopEntry]:
    return [
        TopEntry(str(row[0]), int(row[1]), str(row[2]), bool(row[3]), int(row[4]), int(row[5]))
        for row in json.loads(value or "[]")
    ]


def best(entries: Iterable[TopEntry]) -> list[TopEntry]:
    return sorted(entries, key=TopEntry.order)[:TOP_SIZE]


def merged(
    current: Sequence[TopEntry], question_id: str, version: int, entry: TopEntry | None
) -> list[TopEntry] | None:
    """The list once the question has ``entry`` in the term (None: no posting there any more), or None
    when that cannot be told from the list alone (the term's postings must be read again)."""
    mine = next((e for e in current if e.question_id == question_id), None)
    if mine is not None and mine.version > version:
        return list(current)  # a newer version of the question wrote this entry: leave it
    others = [e for e in current if e.question_id != question_id]
    full = len(current) >= TOP_SIZE
    if mine is not None and full and (entry is None or entry.order() > current[-1].order()):
        return None  # the next-best posting, not in the list, may now belong in it
    return best(others if entry is None else [*others, entry])


def refresh(question_id: str, version: int, changes: Mapping[str, TopEntry | None]) -> None:
    """Make the top list of each term in ``changes`` agree with the question's posting there."""
    terms = sorted(changes)
    if not terms:
        return
    for _ in range(_ATTEMPTS):
        keys = [(term, TOP_KEY) for term in terms]
        stored = {item.term: item for item in QuestionTerm.batch_get(keys, consistent_read=True)}
        writes: list[tuple[str, QuestionTerm | None, list[TopEntry]]] = []
        for term in terms:
            item = stored.get(term)
            current = decode(item.top if item else None)
            new = merged(current, question_id, version, changes[term])
            if new is None:
                new = read_postings(term)
            if new != current:
                writes.append((term, item, new))
        if all(_write(writes[i : i + _TRANSACTION_ITEMS]) for i in range(0, len(writes), _TRANSACTION_ITEMS)):
            return
    raise RuntimeError(f"could not update the top lists of question {question_id}: they kept changing")


def read_postings(term: str) -> list[TopEntry]:
    """The term's best postings, read from the postings themselves."""
    return [
        TopEntry(
            item.question_id or "",
            item.weight or 0,
            item.title or "",
            bool(item.answered),
            item.answer_count or 0,
            item.version or 0,
        )
        for item in QuestionTerm.query(
            term, QuestionTerm.rank_key >= "0", consistent_read=True, limit=TOP_SIZE, page_size=TOP_SIZE
        )
    ]


def top_item(term: str, entries: Sequence[TopEntry], top_version: int) -> QuestionTerm:
    return QuestionTerm(term, TOP_KEY, top=encode(entries), top_version=top_version)


def _write(writes: Sequence[tuple[str, QuestionTerm | None, list[TopEntry]]]) -> bool:
    """One transaction of list writes, each on condition the list is as read; False if one was not."""
    from pynamodb.exceptions import TransactWriteError

    from chalicelib.models.base import write_transaction

    if not writes:
        return True
    try:
        with write_transaction() as transaction:
            for term, item, entries in writes:
                if item is None:
                    transaction.save(top_item(term, entries, 1), condition=QuestionTerm.term.does_not_exist())
                    continue
                read = QuestionTerm.top_version == (item.top_version or 0)
                if entries:
                    transaction.save(top_item(term, entries, (item.top_version or 0) + 1), condition=read)
                else:
                    transaction.delete(QuestionTerm(term, TOP_KEY), condition=read)
    except TransactWriteError as error:
        if error.cause_response_code == "TransactionCanceledException":
            return False
        raise
    return True
