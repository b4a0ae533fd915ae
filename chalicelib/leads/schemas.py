"""What a buyer sends to post or edit a lead, validated field by field."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from chalicelib.leads.limits import MAX_BUDGET
from chalicelib.leads.skills import SKILLS, is_skill
from chalicelib.money.currency import CurrencyCode
from chalicelib.uploads.schemas import AttachmentInput
from chalicelib.web.validation import iso_text

MAX_SKILLS = 10
MAX_ATTACHMENTS = 10
DESCRIPTION_LIMIT = 5_000


def _known_skill(value: str) -> str:
    if not is_skill(value):
        raise PydanticCustomError(
            "unknown_skill", "'{value}' is not a skill of the catalogue (GET /catalogue).", {"value": value}
        )
    return value


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


Skill = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True),
    AfterValidator(_known_skill),
    Field(json_schema_extra={"enum": sorted(SKILLS)}),
]


class LeadInput(BaseModel):
    """A lead as the buyer writes it (posting, or replacing it while it is open). Budget in minor units."""

    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=120)]
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=DESCRIPTION_LIMIT)] = ""
    skills: Annotated[list[Skill], AfterValidator(_unique)] = Field(
        min_length=1, max_length=MAX_SKILLS, description="1 to 10 skill ids from GET /catalogue."
    )
    budget: int = Field(gt=0, le=MAX_BUDGET, strict=True, description="In minor units of currency (an integer).")
    currency: CurrencyCode
    wished_deadline: Annotated[date | None, BeforeValidator(iso_text)] = Field(
        default=None, description="YYYY-MM-DD, today or later."
    )
    attachments: list[AttachmentInput] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)
