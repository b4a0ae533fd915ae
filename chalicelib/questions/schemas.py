"""What clients send to ask, edit, answer and accept."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from chalicelib.profiles.schemas import Category
from chalicelib.questions.rules import ANSWER_MAX, ANSWER_MIN, BODY_MAX, BODY_MIN, MAX_TAGS, TITLE_MAX, TITLE_MIN

_CATEGORY = "A category slug from GET /catalogue."
_TAGS = f"At most {MAX_TAGS} tags, stored lowercase."


def _lowered(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


# Lowercased before the pattern is checked, so "VAT" is the tag "vat".
Tag = Annotated[str, BeforeValidator(_lowered), StringConstraints(pattern=r"^[a-z0-9][a-z0-9 +#.-]{0,29}$")]


class QuestionInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=TITLE_MIN, max_length=TITLE_MAX, description="No contact details.")
    body: str = Field(min_length=BODY_MIN, max_length=BODY_MAX, description="No contact details.")
    category: Category = Field(description=_CATEGORY)
    tags: list[Tag] = Field(default_factory=list, max_length=MAX_TAGS, description=_TAGS)


class QuestionChange(BaseModel):
    """Only the fields sent change; each edit keeps the text it replaces in the question's history."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=TITLE_MIN, max_length=TITLE_MAX)
    body: str | None = Field(default=None, min_length=BODY_MIN, max_length=BODY_MAX)
    category: Category | None = Field(default=None, description=_CATEGORY)
    tags: list[Tag] | None = Field(default=None, max_length=MAX_TAGS, description=_TAGS)


class AnswerInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=ANSWER_MIN, max_length=ANSWER_MAX, description="No contact details.")


class AcceptAnswerInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answer_id: str = Field(min_length=1, max_length=64, description="One of the question's answers.")
