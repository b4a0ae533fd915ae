"""Reading questions and answers from their tables, and the JSON each route answers with them."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.errors import NotFound
from chalicelib.models.question import Answer, ContentRevision, Question
from chalicelib.questions.rules import Ranked, answer_order
from chalicelib.timestamps import utc_text


def question_view(question: Question, *, show_removed: bool = False) -> dict[str, Any]:
    view: dict[str, Any] = {
        "question_id": question.question_id,
        "asker_id": question.asker_id,
        "asker_name": question.asker_name,
        "title": question.title,
        "body": question.body,
        "category": question.category,
        "tags": list(question.tags or []),
        "created_at": utc_text(question.created_at),
        "updated_at": utc_text(question.updated_at),
        "revision": question.revision,
        "answer_count": max(question.answer_count or 0, 0),
        "accepted_answer_id": question.accepted_answer_id,
    }
    if show_removed and question.removed_at is not None:
        view["removed_at"] = utc_text(question.removed_at)
    return view


def answer_view(answer: Answer, *, show_removed: bool = False) -> dict[str, Any]:
    view: dict[str, Any] = {
        "answer_id": answer.answer_id,
        "question_id": answer.question_id,
        "expert_id": answer.expert_id,
        "expert_name": answer.expert_name,
        "body": answer.body,
        "upvotes": answer.upvotes or 0,
        "downvotes": answer.downvotes or 0,
        "accepted": bool(answer.accepted),
        "created_at": utc_text(answer.created_at),
        "updated_at": utc_text(answer.updated_at),
        "revision": answer.revision,
    }
    if show_removed and answer.removed_at is not None:
        view["removed_at"] = utc_text(answer.removed_at)
    return view


def load_question(question_id: str, *, include_removed: bool = False) -> Question:
    """The question (consistent read); 404 ``question_not_found`` if unknown, or removed unless asked for."""
    try:
        question = Question.get(question_id, consistent_read=True)
    except DoesNotExist:
        raise NotFound("No question has this id.", code="question_not_found") from None
    if question.removed_at is not None and not include_removed:
        raise NotFound("No question has this id.", code="question_not_found")
    return question


def load_answer(answer_id: str, *, include_removed: bool = False) -> Answer:
    try:
        answer = Answer.get(answer_id, consistent_read=True)
    except DoesNotExist:
        raise NotFound("No answer has this id.", code="answer_not_found") from None
    if answer.removed_at is not None and not include_removed:
        raise NotFound("No answer has this id.", code="answer_not_found")
    return answer


def answers_of(question_id: str, *, include_removed: bool = False) -> list[Answer]:
    """The question's answers in the order readers see them (``rules.answer_order``)."""
    found = [answer for answer in Answer.by_question.query(question_id) if include_removed or answer.removed_at is None]
    return sorted(found, key=lambda a: answer_order(_ranked(a)))


def revision_history(item_key: str, current: dict[str, Any]) -> dict[str, Any]:
    """Earlier revisions (oldest first) then ``current`` (revision, title, body, edited_by, written_at)."""
    earlier = [
        {
            "revision": item.revision,
            "title": item.title,
            "body": item.body,
            "edited_by": item.edited_by,
            "written_at": utc_text(item.written_at),
            "current": False,
        }
        for item in ContentRevision.query(item_key, consistent_read=True)
        if item.revision < current["revision"]
    ]
    return {"items": [*earlier, current | {"current": True}]}


def _ranked(answer: Answer) -> Ranked:
    return Ranked(
        answer.answer_id, bool(answer.accepted), answer.upvotes or 0, answer.downvotes or 0, answer.created_key
    )
