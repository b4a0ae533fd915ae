"""What the question and answer routes answer (``chalicelib.questions``)."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from pydantic.json_schema import SkipJsonSchema

from chalicelib.web.responses import ResponseModel, UtcTimestamp, sometimes, with_examples

_QUESTION: dict[str, Any] = {
    "question_id": "q3f1c2a9e8d7b4c1e9a3f6b2d1c0e4a7",
    "asker_id": "a1b2c3d4-0000-4000-8000-00000000c001",
    "asker_name": "grace",
    "title": "How do I invoice a client abroad?",
    "body": "I freelance from Lisbon and a client in Boston wants an invoice. Which VAT rules apply?",
    "category": "finance",
    "tags": ["invoicing", "vat"],
    "created_at": "2026-11-23T15:20:00Z",
    "updated_at": "2026-11-23T15:20:00Z",
    "revision": 1,
    "answer_count": 1,
    "accepted_answer_id": None,
}
_ANSWER: dict[str, Any] = {
    "answer_id": "a9e8d7b4c1e9a3f6b2d1c0e4a73f1c2a",
    "question_id": _QUESTION["question_id"],
    "expert_id": "a1b2c3d4-0000-4000-8000-00000000e001",
    "expert_name": "Ada Lovelace",
    "body": "Services to a business client outside the EU are outside the scope of Portuguese VAT; say so on it.",
    "upvotes": 3,
    "downvotes": 0,
    "accepted": False,
    "created_at": "2026-11-23T16:00:00Z",
    "updated_at": "2026-11-23T16:00:00Z",
    "revision": 1,
}
_NEXT = "eyJrIjp7fSwicyI6InF1ZXN0aW9ucyJ9"
_REMOVED = "Set when the item was removed (only admins see removed items)."


class QuestionView(ResponseModel):
    """A question as readers see it."""

    model_config = with_examples(_QUESTION)

    question_id: str
    asker_id: str
    asker_name: str | None
    title: str
    body: str
    category: str
    tags: list[str]
    created_at: UtcTimestamp
    updated_at: UtcTimestamp
    revision: int = Field(ge=1, description="1 as asked; each edit adds one (GET .../revisions).")
    answer_count: int = Field(ge=0)
    accepted_answer_id: str | None
    removed_at: str | SkipJsonSchema[None] = sometimes(_REMOVED, format="date-time")


class AnswerView(ResponseModel):
    """One expert's answer to a question."""

    model_config = with_examples(_ANSWER)

    answer_id: str
    question_id: str
    expert_id: str
    expert_name: str | None
    body: str
    upvotes: int = Field(ge=0)
    downvotes: int = Field(ge=0)
    accepted: bool = Field(description="The asker marked it as the answer that helped (at most one per question).")
    created_at: UtcTimestamp
    updated_at: UtcTimestamp
    revision: int = Field(ge=1)
    removed_at: str | SkipJsonSchema[None] = sometimes(_REMOVED, format="date-time")


class QuestionWithAnswers(QuestionView):
    """A question and its answers: the accepted one first, then by votes (up less down), then the oldest first."""

    model_config = with_examples(_QUESTION | {"answers": [_ANSWER]})

    answers: list[AnswerView]


class QuestionPage(ResponseModel):
    """A page of questions, newest first."""

    model_config = with_examples({"items": [_QUESTION], "next_cursor": _NEXT})

    items: list[QuestionView]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page.")


class SimilarQuestion(ResponseModel):
    question_id: str
    title: str
    answered: bool = Field(description="It has at least one answer.")
    answer_count: int = Field(ge=0)
    score: float = Field(description="How alike (higher is closer); only comparable within one answer.")


class SimilarQuestions(ResponseModel):
    """Questions like the text being typed, most alike first (empty when the text has no searchable word)."""

    model_config = with_examples(
        {
            "items": [
                {
                    "question_id": _QUESTION["question_id"],
                    "title": _QUESTION["title"],
                    "answered": True,
                    "answer_count": 1,
                    "score": 3.2154,
                }
            ]
        }
    )

    items: list[SimilarQuestion]


class QaRevision(ResponseModel):
    revision: int = Field(ge=1)
    title: str | None = Field(description="The question's title then; null for an answer.")
    body: str
    edited_by: str = Field(description="Who wrote this revision's text.")
    written_at: UtcTimestamp
    current: bool = Field(description="The text shown now (the last item).")


class QaRevisionHistory(ResponseModel):
    """Every revision of a question or answer, oldest first; the last is the current text."""

    model_config = with_examples(
        {
            "items": [
                {
                    "revision": 1,
                    "title": "How do I invoice abroad?",
                    "body": "A client in Boston wants an invoice from me in Lisbon.",
                    "edited_by": _QUESTION["asker_id"],
                    "written_at": "2026-11-23T15:20:00Z",
                    "current": False,
                },
                {
                    "revision": 2,
                    "title": _QUESTION["title"],
                    "body": _QUESTION["body"],
                    "edited_by": _QUESTION["asker_id"],
                    "written_at": "2026-11-23T15:30:00Z",
                    "current": True,
                },
            ]
        }
    )

    items: list[QaRevision]


class ExpertAnswer(AnswerView):
    """An expert's answer with the title of the question it answers (the expert's profile)."""

    model_config = with_examples(_ANSWER | {"question_title": _QUESTION["title"]})

    question_title: str


class ExpertAnswerPage(ResponseModel):
    """A page of an expert's answers, newest first."""

    model_config = with_examples({"items": [_ANSWER | {"question_title": _QUESTION["title"]}], "next_cursor": None})

    items: list[ExpertAnswer]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page.")
