"""Use cases of questions: ask (once per Idempotency-Key), read, list, find similar ones, edit with history, remove.

An edit copies the text it replaces into ``ContentRevision`` in the same transaction as the update, which is
conditional on the question's version: two edits at once cannot both replace the same revision.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import PutError, TransactWriteError, UpdateError

from chalicelib.errors import Conflict, Forbidden, NotFound
from chalicelib.identity.caller import Caller
from chalicelib.models.base import write_transaction
from chalicelib.models.conditions import cancelled_items, condition_failed, transaction_conflicted
from chalicelib.models.question import ContentRevision, Question
from chalicelib.profiles.contact_details import refuse_contact_details
from chalicelib.questions.indexing import reindex
from chalicelib.questions.rules import MAX_PAGE_SIZE, PAGE_SIZE, may_remove, normalised_tags, question_id_for
from chalicelib.questions.schemas import QuestionChange, QuestionInput
from chalicelib.questions.views import (
    answer_view,
    answers_of,
    load_question,
    question_view,
    revision_history,
)
from chalicelib.timestamps import sortable_utc, utc_text
from chalicelib.web.cursors import decode_cursor, encode_cursor

WRITE_ATTEMPTS = 3


def ask(caller: Caller, data: QuestionInput, *, idempotency_key: str | None, now: datetime) -> dict[str, Any]:
    """201 with the new question; a retry with the same key answers the same question, asked once."""
    refuse_contact_details({"title": data.title, "body": data.body}, "Questions")
    question_id = question_id_for(caller.account_id, idempotency_key)
    question = Question(
        question_id, asker_id=caller.account_id, asker_name=_display_name(caller.account_id),
        title=data.title.strip(), body=data.body.strip(), category=data.category, tags=normalised_tags(data.tags),
        created_at=now, created_key=f"{sortable_utc(now)}#{question_id}", updated_at=now,
    )  # fmt: skip
    try:
        question.save()  # a new item only (its version attribute makes the put conditional on no item)
    except PutError as error:
        if not condition_failed(error):
            raise
        question = load_question(question_id, include_removed=True)
        if question.asker_id != caller.account_id:
            raise Conflict("This question id is taken.", code="question_exists") from None
    reindex(question)
    return question_view(question)


def read_question(question_id: str, caller: Caller | None) -> dict[str, Any]:
    """The question and its answers; a removed one only for admins (with its removed answers)."""
    admin = caller is not None and caller.is_admin
    question = load_question(question_id, include_removed=admin)
    answers = answers_of(question_id, include_removed=admin)
    return question_view(question, show_removed=admin) | {
        "answers": [answer_view(answer, show_removed=admin) for answer in answers]
    }


def recent_questions(category: str, *, limit: int | None, cursor: str | None) -> dict[str, Any]:
    """A category's questions, newest first (the experts' "questions to answer")."""
    return _page(Question.by_category, category, f"questions:category:{category}", limit, cursor)


def my_questions(asker_id: str, *, limit: int | None, cursor: str | None) -> dict[str, Any]:
    return _page(Question.by_asker, asker_id, f"questions:asker:{asker_id}", limit, cursor)


def similar(text: str | None, *, category: str | None, limit: int) -> dict[str, Any]:
    """The as-you-type search; empty for text without a searchable word."""
    from chalicelib.questions.similar.query import similar_questions

    if not text or not text.strip():
        return {"items": []}
    hits = similar_questions(text, category=category, limit=limit)
    return {
        "items": [
            {
                "question_id": hit.question_id, "title": hit.title, "answered": hit.answered,
                "answer_count": hit.answer_count, "score": float(hit.score),
            }
            for hit in hits
        ]
    }  # fmt: skip


def edit_question(question_id: str, caller: Caller, data: QuestionChange, *, now: datetime) -> dict[str, Any]:
    """The asker changes the fields sent; the replaced text is kept as the previous revision."""
    refuse_contact_details({"title": data.title, "body": data.body}, "Questions")
    for _ in range(WRITE_ATTEMPTS):
        question = load_question(question_id)
        if question.asker_id != caller.account_id:
            raise Forbidden("Only the asker edits a question.", code="not_the_asker")
        title = data.title.strip() if data.title is not None else question.title
        body = data.body.strip() if data.body is not None else question.body
        category = data.category if data.category is not None else question.category
        tags = normalised_tags(data.tags) if data.tags is not None else list(question.tags or [])
        if (title, body, category, tags) == (question.title, question.body, question.category, question.tags):
            return question_view(question)
        kept = ContentRevision(
            f"question#{question_id}", question.revision, title=question.title, body=question.body,
            edited_by=question.asker_id, written_at=question.updated_at,
        )  # fmt: skip
        actions = [
            Question.title.set(title), Question.body.set(body), Question.category.set(category),
            Question.tags.set(tags), Question.revision.set(question.revision + 1), Question.updated_at.set(now),
        ]  # fmt: skip
        if _written(kept, question, actions):
            updated = load_question(question_id)
            reindex(updated)
            return question_view(updated)
    raise Conflict("The question changed while you edited it; try again.", code="changed_concurrently")


def question_revisions(question_id: str, caller: Caller | None) -> dict[str, Any]:
    question = load_question(question_id, include_removed=caller is not None and caller.is_admin)
    current = {
        "revision": question.revision, "title": question.title, "body": question.body,
        "edited_by": question.asker_id, "written_at": utc_text(question.updated_at),
    }  # fmt: skip
    return revision_history(f"question#{question_id}", current)


def remove_question(question_id: str, caller: Caller, *, now: datetime) -> dict[str, Any]:
    """Soft delete by the asker or an admin: readers no longer see it, nor does the similar search."""
    for _ in range(WRITE_ATTEMPTS):
        question = load_question(question_id, include_removed=caller.is_admin)
        if not may_remove(caller.account_id, question.asker_id, is_admin=caller.is_admin):
            raise Forbidden("Only the asker or an admin removes a question.", code="not_the_asker")
        if question.removed_at is not None:
            break  # removed before (a retry): nothing more to do
        try:
            question.update(
                actions=[Question.removed_at.set(now), Question.removed_by.set(caller.account_id)],
                condition=Question.removed_at.does_not_exist(),
            )
        except UpdateError as error:  # an edit moved the version: read it again
            if not condition_failed(error):
                raise
            continue
        break
    else:
        raise Conflict("The question changed while you removed it; try again.", code="changed_concurrently")
    removed = load_question(question_id, include_removed=True)
    reindex(removed)
    return question_view(removed, show_removed=True)


def _written(kept: ContentRevision, question: Question, actions: list[Any]) -> bool:
    """The revision and the update in one transaction; False if the question moved since it was read."""
    try:
        with write_transaction() as transaction:
            transaction.save(kept, condition=ContentRevision.item_key.does_not_exist())
            transaction.update(question, actions=actions, condition=Question.removed_at.does_not_exist())
    except TransactWriteError as error:
        if transaction_conflicted(error) or any(cancelled_items(error)):
            return False
        raise
    return True


def _page(index: Any, key: str, scope: str, limit: int | None, cursor: str | None) -> dict[str, Any]:
    size = min(max(limit or PAGE_SIZE, 1), MAX_PAGE_SIZE)
    start = decode_cursor(scope, cursor) if cursor else None
    page = index.query(
        key, scan_index_forward=False, limit=size, last_evaluated_key=start,
        filter_condition=Question.removed_at.does_not_exist(),
    )  # fmt: skip
    items = [question_view(question) for question in page]
    last = page.last_evaluated_key
    return {"items": items, "next_cursor": encode_cursor(scope, last) if last else None}


def _display_name(account_id: str) -> str | None:
    from chalicelib.accounts.account_records import get_account

    try:
        return get_account(account_id).display_name
    except NotFound:
        return None
