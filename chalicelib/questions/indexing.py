"""Keeping the similar-questions index (``chalicelib.questions.similar``) and the experts' search in step."""

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


def reindex_experts(expert_ids: set[str], media_base_url: str) -> None:
    """After their reputation moved: each expert's search entries, from a fresh read of the profile."""
    from pynamodb.exceptions import DoesNotExist

    from chalicelib.discovery.index_writer import reindex_expert
    from chalicelib.models.expert_profile import ExpertProfile

    for expert_id in sorted(expert_ids):
        try:
            profile = ExpertProfile.get(expert_id, consistent_read=True)
        except DoesNotExist:
            continue
        reindex_expert(profile, list(profile.search_facets or []), media_base_url)
