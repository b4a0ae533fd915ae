"""The asker accepts the answer that helped: its expert earns the bonus; moving the mark moves the bonus.

One transaction, conditional on the question's version: the question's ``accepted_answer_id`` and
``acceptances`` (the move counter the event ids are made of), the new answer's ``accepted``, the old one's
cleared, the bonus event for the new expert and, when the mark moves, the give-back event for the old one,
each with its ADD to the expert's profile. Accepting the answer that holds the mark changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError

from chalicelib.discovery.index_writer import reindex_experts
from chalicelib.errors import Conflict, Forbidden, NotFound
from chalicelib.identity.caller import Caller
from chalicelib.models.base import write_transaction
from chalicelib.models.conditions import cancelled_items, transaction_conflicted
from chalicelib.models.expert_profile import ExpertProfile
from chalicelib.models.question import Answer, Question
from chalicelib.questions.rules import acceptance_move
from chalicelib.questions.views import load_answer, load_question, question_view
from chalicelib.reputation.points import ACCEPTED_ANSWER_POINTS, answer_accepted_event_id, answer_unaccepted_event_id
from chalicelib.reputation.record import award, new_event

WRITE_ATTEMPTS = 3


def accept_answer(
    question_id: str, caller: Caller, answer_id: str, *, media_base_url: str, now: datetime
) -> dict[str, Any]:
    for _ in range(WRITE_ATTEMPTS):
        question = load_question(question_id)
        if question.asker_id != caller.account_id:
            raise Forbidden("Only the asker accepts an answer.", code="not_the_asker")
        answer = _answer_of(question_id, answer_id)
        move = acceptance_move(question.accepted_answer_id, question.acceptances or 0, answer_id)
        if move is None:
            return question_view(question)  # accepted already: nothing changes
        previous = _previous(move.previous_answer_id)
        try:
            with write_transaction() as transaction:
                transaction.update(
                    question,
                    actions=[Question.accepted_answer_id.set(answer_id), Question.acceptances.set(move.move)],
                    condition=Question.removed_at.does_not_exist(),
                )  # and on its version: a concurrent accept or edit starts this over
                transaction.update(
                    answer, actions=[Answer.accepted.set(True)], condition=Answer.removed_at.does_not_exist(),
                    add_version_condition=False,
                )  # fmt: skip
                _points(transaction, answer.expert_id, answer_accepted_event_id(answer_id, move.move),
                        ACCEPTED_ANSWER_POINTS, "accepted", now)  # fmt: skip
                if previous is not None:
                    transaction.update(previous, actions=[Answer.accepted.set(False)], add_version_condition=False)
                    _points(transaction, previous.expert_id, answer_unaccepted_event_id(previous.answer_id, move.move),
                            -ACCEPTED_ANSWER_POINTS, "unaccepted", now)  # fmt: skip
        except TransactWriteError as error:
            if transaction_conflicted(error) or any(cancelled_items(error)):
                continue
            raise
        reindex_experts({answer.expert_id} | ({previous.expert_id} if previous else set()), media_base_url)
        return question_view(load_question(question_id))
    raise Conflict("The question changed meanwhile; try again.", code="changed_concurrently")


def _answer_of(question_id: str, answer_id: str) -> Answer:
    answer = load_answer(answer_id)
    if answer.question_id != question_id:
        raise NotFound("This question has no answer with this id.", code="answer_not_found")
    return answer


def _previous(answer_id: str | None) -> Answer | None:
    if answer_id is None:
        return None
    try:
        return Answer.get(answer_id, consistent_read=True)
    except Answer.DoesNotExist:
        return None


def _points(transaction: Any, expert_id: str, event_id: str, points: int, cause: str, now: datetime) -> None:
    award(transaction, new_event(expert_id, event_id, points, cause, now), also=[ExpertProfile.updated_at.set(now)])
