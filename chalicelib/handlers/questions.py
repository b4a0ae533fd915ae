"""Routes of free questions and experts' answers: ask, find similar, read, edit with history, answer, accept, remove.

Reading is public; an admin who is signed in also sees removed questions and answers.
"""

from __future__ import annotations

from typing import Any

from chalicelib import runtime
from chalicelib.limits.rate_limits import ANSWERS, QUESTIONS
from chalicelib.profiles.catalogue import CATEGORIES
from chalicelib.questions.rules import (
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    SIMILAR_LIMIT_DEFAULT,
    SIMILAR_LIMIT_MAX,
    SIMILAR_QUERY_MAX,
)
from chalicelib.web.api import IDEMPOTENCY_KEY, ApiBlueprint, ApiRequest, QueryParam
from chalicelib.web.numbers import whole_number_in_range

api = ApiBlueprint(__name__, tag="questions")

RESPONSES = "chalicelib.questions.responses"
SCHEMAS = "chalicelib.questions.schemas"
PAGE = (
    QueryParam("limit", f"Page size, 1 to {MAX_PAGE_SIZE} (default {PAGE_SIZE}).", "integer", minimum=1,
               maximum=MAX_PAGE_SIZE, default=PAGE_SIZE),
    QueryParam("cursor", "next_cursor of the previous page (422 invalid_cursor if it is not this listing's)."),
)  # fmt: skip


def _limit(request: ApiRequest) -> int | None:
    return whole_number_in_range("limit", request.query("limit"), 1, MAX_PAGE_SIZE)


@api.route(
    "/questions", "POST", summary="Ask a question (a retry with the same Idempotency-Key is the same question)",
    status=201, body=f"{SCHEMAS}:QuestionInput", headers=(IDEMPOTENCY_KEY,), response=f"{RESPONSES}:QuestionView",
    limit=QUESTIONS,
)  # fmt: skip
def ask(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.questions.asking import ask as ask_question
    from chalicelib.questions.schemas import QuestionInput

    data = request.body(QuestionInput)
    return ask_question(request.caller, data, idempotency_key=request.header(IDEMPOTENCY_KEY), now=runtime.now())


@api.route(
    "/questions/similar", "GET", summary="Questions like the text being typed, most alike first", public=True,
    query=(
        QueryParam("q", f"The text typed so far, up to {SIMILAR_QUERY_MAX} characters.", max_length=SIMILAR_QUERY_MAX),
        QueryParam("category", "Only this category's questions.", enum=tuple(CATEGORIES)),
        QueryParam("limit", f"How many, 1 to {SIMILAR_LIMIT_MAX}.", "integer", minimum=1, maximum=SIMILAR_LIMIT_MAX,
                   default=SIMILAR_LIMIT_DEFAULT),
    ),
    response=f"{RESPONSES}:SimilarQuestions",
)  # fmt: skip
def similar(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.questions.asking import similar as find_similar
    from chalicelib.questions.rules import query_category, query_text

    text = query_text("q", request.query("q"), SIMILAR_QUERY_MAX)
    category = query_category(request.query("category"))
    limit = whole_number_in_range("limit", request.query("limit"), 1, SIMILAR_LIMIT_MAX, SIMILAR_LIMIT_DEFAULT)
    return find_similar(text, category=category, limit=limit)


@api.route(
    "/questions", "GET", summary="A category's questions, newest first (questions to answer)", public=True,
    query=(QueryParam("category", "A category slug from GET /catalogue.", enum=tuple(CATEGORIES), required=True),
           *PAGE),
    response=f"{RESPONSES}:QuestionPage",
)  # fmt: skip
def recent(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.questions.asking import recent_questions
    from chalicelib.questions.rules import query_category

    category = query_category(request.query("category"), required=True)
    return recent_questions(category, limit=_limit(request), cursor=request.query("cursor"))


@api.route("/me/questions", "GET", summary="My questions, newest first", query=PAGE,
           response=f"{RESPONSES}:QuestionPage")  # fmt: skip
def mine(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.questions.asking import my_questions

    return my_questions(request.caller.account_id, limit=_limit(request), cursor=request.query("cursor"))


@api.route(
    "/questions/{question_id}", "GET", summary="A question and its answers (the accepted one first)", public=True,
    errors=(404,), response=f"{RESPONSES}:QuestionWithAnswers",
)  # fmt: skip
def read(request: ApiRequest, question_id: str) -> dict[str, Any]:
    from chalicelib.questions.asking import read_question

    return read_question(question_id, request.caller_or_none)


@api.route(
    "/questions/{question_id}", "PATCH", summary="The asker edits the question (the old text stays in its history)",
    body=f"{SCHEMAS}:QuestionChange", errors=(403, 404, 409), response=f"{RESPONSES}:QuestionView",
)  # fmt: skip
def edit(request: ApiRequest, question_id: str) -> dict[str, Any]:
    from chalicelib.questions.asking import edit_question
    from chalicelib.questions.schemas import QuestionChange

    data = request.body(QuestionChange)
    return edit_question(question_id, request.caller, data, now=runtime.now())


@api.route(
    "/questions/{question_id}", "DELETE", summary="The asker or an admin removes the question", errors=(403, 404),
    response=f"{RESPONSES}:QuestionView",
)  # fmt: skip
def remove(request: ApiRequest, question_id: str) -> dict[str, Any]:
    from chalicelib.questions.asking import remove_question

    return remove_question(question_id, request.caller, now=runtime.now())


@api.route(
    "/questions/{question_id}/revisions", "GET", summary="A question's revisions, oldest first, then the current",
    public=True, errors=(404,), response=f"{RESPONSES}:QaRevisionHistory",
)  # fmt: skip
def question_history(request: ApiRequest, question_id: str) -> dict[str, Any]:
    from chalicelib.questions.asking import question_revisions

    return question_revisions(question_id, request.caller_or_none)


@api.route(
    "/questions/{question_id}/answers", "POST", summary="An expert answers the question (once)", status=201,
    body=f"{SCHEMAS}:AnswerInput", errors=(403, 404, 409), response=f"{RESPONSES}:AnswerView", limit=ANSWERS,
)  # fmt: skip
def answer(request: ApiRequest, question_id: str) -> dict[str, Any]:
    from chalicelib.questions.answering import answer_question
    from chalicelib.questions.schemas import AnswerInput

    data = request.body(AnswerInput)
    return answer_question(
        question_id, request.caller, data, media_base_url=runtime.settings().media_base_url, now=runtime.now()
    )


@api.route(
    "/questions/{question_id}/accept", "POST", summary="The asker accepts the answer that helped",
    body=f"{SCHEMAS}:AcceptAnswerInput", errors=(403, 404, 409), response=f"{RESPONSES}:QuestionView",
)  # fmt: skip
def accept(request: ApiRequest, question_id: str) -> dict[str, Any]:
    from chalicelib.questions.accepting import accept_answer
    from chalicelib.questions.schemas import AcceptAnswerInput

    data = request.body(AcceptAnswerInput)
    return accept_answer(
        question_id, request.caller, data.answer_id, media_base_url=runtime.settings().media_base_url,
        now=runtime.now(),
    )  # fmt: skip


@api.route(
    "/answers/{answer_id}", "PATCH", summary="Its expert edits the answer (the old text stays in its history)",
    body=f"{SCHEMAS}:AnswerInput", errors=(403, 404, 409), response=f"{RESPONSES}:AnswerView",
)  # fmt: skip
def edit_answer(request: ApiRequest, answer_id: str) -> dict[str, Any]:
    from chalicelib.questions.answering import edit_answer as change
    from chalicelib.questions.schemas import AnswerInput

    data = request.body(AnswerInput)
    return change(answer_id, request.caller, data, now=runtime.now())


@api.route(
    "/answers/{answer_id}", "DELETE", summary="Its expert or an admin removes the answer (its points go back)",
    errors=(403, 404, 409), response=f"{RESPONSES}:AnswerView",
)  # fmt: skip
def remove_answer(request: ApiRequest, answer_id: str) -> dict[str, Any]:
    from chalicelib.questions.answering import remove_answer as remove_it

    return remove_it(answer_id, request.caller, media_base_url=runtime.settings().media_base_url, now=runtime.now())


@api.route(
    "/answers/{answer_id}/revisions", "GET", summary="An answer's revisions, oldest first, then the current",
    public=True, errors=(404,), response=f"{RESPONSES}:QaRevisionHistory",
)  # fmt: skip
def answer_history(request: ApiRequest, answer_id: str) -> dict[str, Any]:
    from chalicelib.questions.answering import answer_revisions

    return answer_revisions(answer_id, request.caller_or_none)


@api.route(
    "/experts/{expert_id}/answers", "GET", summary="An expert's answers, newest first, with their questions' titles",
    public=True, query=PAGE, response=f"{RESPONSES}:ExpertAnswerPage",
)  # fmt: skip
def expert_answers(request: ApiRequest, expert_id: str) -> dict[str, Any]:
    from chalicelib.questions.answering import expert_answers as answers_of_expert

    return answers_of_expert(expert_id, limit=_limit(request), cursor=request.query("cursor"))
