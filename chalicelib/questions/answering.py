"""Use cases of answers: an expert answers (once per question), edits with history, removes; an expert's answers.

Answering is one transaction: the answer (only if its id, derived from question and expert, is new), the
question's ``answer_count`` ADD 1, and the answer's reputation event with its ADD to the expert's profile.
Removing is one transaction too: the answer marked removed, the count ADD -1 and the points taken back once
(and the accepted bonus with the question's mark, if it held it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib.discovery.index_writer import reindex_experts
from chalicelib.errors import Conflict, Forbidden
from chalicelib.identity.caller import Caller
from chalicelib.models.base import write_transaction
from chalicelib.models.conditions import cancelled_items, transaction_conflicted
from chalicelib.models.expert_profile import ExpertProfile
from chalicelib.models.question import Answer, ContentRevision, Question
from chalicelib.profiles.contact_details import refuse_contact_details
from chalicelib.questions.indexing import reindex
from chalicelib.questions.rules import MAX_PAGE_SIZE, PAGE_SIZE, answer_id_for, may_remove
from chalicelib.questions.schemas import AnswerInput
from chalicelib.questions.views import (
    answer_view,
    load_answer,
    load_question,
    revision_history,
)
from chalicelib.reputation.points import ACCEPTED_ANSWER_POINTS, ANSWER_POINTS, answer_event_id, removal_event_id
from chalicelib.reputation.record import award, new_event
from chalicelib.timestamps import sortable_utc, utc_text
from chalicelib.web.cursors import decode_cursor, encode_cursor

WRITE_ATTEMPTS = 3


def answer_question(
    question_id: str, caller: Caller, data: AnswerInput, *, media_base_url: str, now: datetime
) -> dict[str, Any]:
    """201 with the answer; 403 ``not_an_expert`` / ``own_question``, 409 ``already_answered``."""
    question = load_question(question_id)
    expert = _expert(caller.account_id)
    if question.asker_id == caller.account_id:
        raise Forbidden("You cannot answer your own question.", code="own_question")
    refuse_contact_details({"body": data.body}, "Answers")
    answer_id = answer_id_for(question_id, caller.account_id)
    answer = Answer(
        answer_id, question_id=question_id, expert_id=caller.account_id, expert_name=expert.name,
        body=data.body.strip(), created_at=now, created_key=f"{sortable_utc(now)}#{answer_id}", updated_at=now,
    )  # fmt: skip
    event = new_event(caller.account_id, answer_event_id(answer_id), ANSWER_POINTS, "answer", now)
    for attempt in range(WRITE_ATTEMPTS):
        if attempt:
            question = load_question(question_id)
        try:
            with write_transaction() as transaction:
                transaction.save(answer, condition=Answer.answer_id.does_not_exist())
                transaction.update(
                    question,
                    actions=[Question.answer_count.add(1)],
                    condition=Question.removed_at.does_not_exist(),
                    add_version_condition=False,  # ADD commutes with an edit
                )
                award(transaction, event, also=[ExpertProfile.updated_at.set(now)])
        except TransactWriteError as error:
            failed = cancelled_items(error)
            if failed and failed[0]:
                raise Conflict("You have answered this question already.", code="already_answered") from None
            if transaction_conflicted(error):
                continue
            if len(failed) > 1 and failed[1]:
                load_question(question_id)  # removed meanwhile: 404
            raise
        break
    else:
        raise Conflict("The question is busy; try again.", code="changed_concurrently")
    reindex(load_question(question_id))
    reindex_experts({caller.account_id}, media_base_url)
    return answer_view(load_answer(answer_id))


def edit_answer(answer_id: str, caller: Caller, data: AnswerInput, *, now: datetime) -> dict[str, Any]:
    """Its expert changes the text; the replaced text is kept as the previous revision."""
    refuse_contact_details({"body": data.body}, "Answers")
    body = data.body.strip()
    for _ in range(WRITE_ATTEMPTS):
        answer = load_answer(answer_id)
        if answer.expert_id != caller.account_id:
            raise Forbidden("Only its expert edits an answer.", code="not_the_expert")
        if body == answer.body:
            return answer_view(answer)
        kept = ContentRevision(
            f"answer#{answer_id}", answer.revision, body=answer.body, edited_by=answer.expert_id,
            written_at=answer.updated_at,
        )  # fmt: skip
        try:
            with write_transaction() as transaction:
                transaction.save(kept, condition=ContentRevision.item_key.does_not_exist())
                transaction.update(
                    answer,
                    actions=[
                        Answer.body.set(body),
                        Answer.revision.set(answer.revision + 1),
                        Answer.updated_at.set(now),
                    ],
                    condition=(Answer.revision == answer.revision) & Answer.removed_at.does_not_exist(),
                    add_version_condition=False,  # a vote's count may move meanwhile; the revision guards the text
                )
        except TransactWriteError as error:
            if transaction_conflicted(error) or any(cancelled_items(error)):
                continue
            raise
        reindex(load_question(answer.question_id))
        return answer_view(load_answer(answer_id))
    raise Conflict("The answer changed while you edited it; try again.", code="changed_concurrently")


def answer_revisions(answer_id: str, caller: Caller | None) -> dict[str, Any]:
    answer = load_answer(answer_id, include_removed=caller is not None and caller.is_admin)
    current = {
        "revision": answer.revision, "title": None, "body": answer.body, "edited_by": answer.expert_id,
        "written_at": utc_text(answer.updated_at),
    }  # fmt: skip
    return revision_history(f"answer#{answer_id}", current)


def remove_answer(answer_id: str, caller: Caller, *, media_base_url: str, now: datetime) -> dict[str, Any]:
    """Soft delete by its expert or an admin; its points (and the accepted bonus, if it held the mark) go back."""
    for _ in range(WRITE_ATTEMPTS):
        answer = load_answer(answer_id, include_removed=caller.is_admin)
        if not may_remove(caller.account_id, answer.expert_id, is_admin=caller.is_admin):
            raise Forbidden("Only its expert or an admin removes an answer.", code="not_the_expert")
        if answer.removed_at is not None:
            return answer_view(answer, show_removed=True)  # removed before (a retry)
        question = Question.get(answer.question_id, consistent_read=True)
        held_mark = question.accepted_answer_id == answer_id
        events = [new_event(answer.expert_id, removal_event_id("answer", answer_id), -ANSWER_POINTS, "answer", now)]
        if held_mark:
            events.append(
                new_event(
                    answer.expert_id, removal_event_id("accepted", answer_id), -ACCEPTED_ANSWER_POINTS, "accepted", now
                )
            )
        try:
            with write_transaction() as transaction:
                transaction.update(
                    answer,
                    actions=[
                        Answer.removed_at.set(now),
                        Answer.removed_by.set(caller.account_id),
                        Answer.accepted.set(False),
                    ],
                    condition=Answer.removed_at.does_not_exist(),
                    add_version_condition=False,
                )
                question_actions: list[Any] = [Question.answer_count.add(-1)]
                if held_mark:
                    question_actions.append(Question.accepted_answer_id.remove())
                    transaction.update(question, actions=question_actions)  # conditional on its version
                else:
                    transaction.update(
                        question, actions=question_actions, condition=_not_holding(answer_id),
                        add_version_condition=False,
                    )  # fmt: skip
                award(transaction, *events, also=[ExpertProfile.updated_at.set(now)])
        except TransactWriteError as error:
            if transaction_conflicted(error) or any(cancelled_items(error)):
                continue  # removed meanwhile, or the mark moved: read again
            raise
        break
    else:
        raise Conflict("The answer changed while you removed it; try again.", code="changed_concurrently")
    reindex(Question.get(answer.question_id, consistent_read=True))
    reindex_experts({answer.expert_id}, media_base_url)
    return answer_view(load_answer(answer_id, include_removed=True), show_removed=True)


def expert_answers(expert_id: str, *, limit: int | None, cursor: str | None) -> dict[str, Any]:
    """An expert's answers, newest first, each with its question's title (removed ones left out)."""
    size = min(max(limit or PAGE_SIZE, 1), MAX_PAGE_SIZE)
    scope = f"answers:expert:{expert_id}"
    start = decode_cursor(scope, cursor) if cursor else None
    page = Answer.by_expert.query(
        expert_id, scan_index_forward=False, limit=size, last_evaluated_key=start,
        filter_condition=Answer.removed_at.does_not_exist(),
    )  # fmt: skip
    answers = list(page)
    questions = {q.question_id: q for q in _questions({a.question_id for a in answers})}
    items = [
        answer_view(answer) | {"question_title": questions[answer.question_id].title}
        for answer in answers
        if answer.question_id in questions and questions[answer.question_id].removed_at is None
    ]
    last = page.last_evaluated_key
    return {"items": items, "next_cursor": encode_cursor(scope, last) if last else None}


def _questions(question_ids: set[str]) -> Iterable[Question]:
    if not question_ids:
        return []
    return list(Question.batch_get(sorted(question_ids)))


def _not_holding(answer_id: str) -> Any:
    return Question.accepted_answer_id.does_not_exist() | (Question.accepted_answer_id != answer_id)


def _expert(account_id: str) -> ExpertProfile:
    try:
        return ExpertProfile.get(account_id, consistent_read=True)
    except DoesNotExist:
        raise Forbidden(
            "Only experts answer questions: create your expert profile first.", code="not_an_expert"
        ) from None
