"""Keeping the similar-questions index (``chalicelib.questions.similar``) in step with a question and its answers."""

from __future__ import annotations

from chalicelib.models.question import Question
from chalicelib.questions.similar.index import index_question, unindex_question


def reindex(question: Question) -> None:
    """Index the question's current text with its answers' text, or unindex it once removed."""
    from chalicelib.questions.views import answers_of

    if question.removed_at is not None:
        unindex_question(question.question_id)
        return
    answers = answers_of(question.question_id)
    index_question(
        question.question_id,
        category=question.category,
        title=question.title,
        body=question.body,
        answers=[answer.body for answer in answers],
        answered=bool(answers),
        answer_count=len(answers),
    )
