"""What a client may send to create or change an expert profile, validated field by field."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from chalicelib.leads.skills import SKILLS, is_skill
from chalicelib.money.currency import CurrencyCode
from chalicelib.profiles.catalogue import CATEGORIES, LANGUAGES
from chalicelib.profiles.contact_details import find_contact_details
from chalicelib.profiles.slugs import RESERVED_SLUGS, SLUG_PATTERN, slug_problem

TEXT_LIMIT = 500
MAX_FREE_MINUTES = 30
MAX_RATE_PER_MINUTE = 100_000  # 1,000.00 a minute
MAX_HOURLY_RATE = 5_000_000


def _no_contact_details(text: str) -> str:
    found = find_contact_details(text)
    if found:
        raise PydanticCustomError(
            "contact_details_not_allowed",
            "Contains {found}; profiles may not carry contact details (clients reach you through Parley).",
            {"found": found},
        )
    return text


def _known_category(value: str) -> str:
    if value not in CATEGORIES:
        raise PydanticCustomError("unknown_category", "'{value}' is not a category.", {"value": value})
    return value


def _known_language(value: str) -> str:
    if value not in LANGUAGES:
        raise PydanticCustomError("unknown_language", "'{value}' is not an ISO 639-1 language code.", {"value": value})
    return value


def _known_skill(value: str) -> str:
    if not is_skill(value):
        raise PydanticCustomError(
            "unknown_skill", "'{value}' is not a skill of the catalogue (GET /catalogue).", {"value": value}
        )
    return value


def _valid_slug(value: str) -> str:
    problem = slug_problem(value)
    if problem:
        raise PydanticCustomError("invalid_slug", problem)
    return value


def _upload_key(value: str) -> str:
    if not value.startswith(("public/", "private/")) or ".." in value:
        raise PydanticCustomError("invalid_upload_key", "Use the key returned by POST /uploads.")
    return value


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), AfterValidator(_no_contact_details)
]
LongText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=TEXT_LIMIT),
    AfterValidator(_no_contact_details),
]
Tag = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[a-z0-9][a-z0-9 +#.-]{0,29}$"),
    AfterValidator(_no_contact_details),
]
# The document states each rule a validator checks, so a request it calls valid is one the API takes.
Category = Annotated[str, AfterValidator(_known_category), Field(json_schema_extra={"enum": sorted(CATEGORIES)})]
Skill = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True),
    AfterValidator(_known_skill),
    Field(json_schema_extra={"enum": sorted(SKILLS)}),
]
Language = Annotated[
    str,
    StringConstraints(to_lower=True),
    AfterValidator(_known_language),
    Field(json_schema_extra={"enum": sorted(LANGUAGES)}),
]
# A profile link: the pattern of ``slug_problem``, less the reserved words.
SLUG_SCHEMA_PATTERN = "^(?!(?:" + "|".join(sorted(RESERVED_SLUGS)) + ")$)" + SLUG_PATTERN.pattern.removeprefix("^")
Slug = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True),
    AfterValidator(_valid_slug),
    Field(json_schema_extra={"pattern": SLUG_SCHEMA_PATTERN}),
]
UploadKey = Annotated[
    str,
    StringConstraints(max_length=300),
    AfterValidator(_upload_key),
    Field(json_schema_extra={"pattern": r"^(?:public|private)/(?!.*\.\.)"}),
]


class EducationInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    institution: ShortText
    qualification: ShortText
    field: ShortText | None = None
    start_year: int | None = Field(default=None, ge=1940, le=2100)
    end_year: int | None = Field(default=None, ge=1940, le=2100)


class ProfileInput(BaseModel):
    """An expert profile as the expert writes it. Rates are integers in minor units."""

    # The document states ``_has_a_rate``: a rate per minute, an hourly rate, or both.
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "anyOf": [
                {"type": "object", "required": [rate], "properties": {rate: {"type": "integer"}}}
                for rate in ("rate_per_minute", "hourly_rate")
            ]
        },
    )

    slug: Slug
    name: ShortText
    job_title: ShortText | None = None
    company: ShortText | None = None
    advice_on: LongText | None = Field(default=None, description='"I\'m available for advice on ..."')
    offering: LongText | None = None
    description: LongText | None = None
    categories: Annotated[list[Category], AfterValidator(_unique)] = Field(min_length=1, max_length=3)
    tags: Annotated[list[Tag], AfterValidator(_unique)] = Field(default_factory=list, max_length=10)
    languages: Annotated[list[Language], AfterValidator(_unique)] = Field(min_length=1, max_length=8)
    skills: Annotated[list[Skill], AfterValidator(_unique)] = Field(
        default_factory=list, max_length=20, description="Skill ids from GET /catalogue; stars are earned in these."
    )
    education: list[EducationInput] = Field(default_factory=list, max_length=10)
    currency: CurrencyCode
    rate_per_minute: int | None = Field(default=None, ge=1, le=MAX_RATE_PER_MINUTE)
    hourly_rate: int | None = Field(default=None, ge=1, le=MAX_HOURLY_RATE)
    free_minutes: int = Field(default=0, ge=0, le=MAX_FREE_MINUTES)
    photo_key: UploadKey | None = None
    intro_video_key: UploadKey | None = None
    resume_key: UploadKey | None = None
    verification_document_keys: list[UploadKey] = Field(default_factory=list, max_length=5)

    @model_validator(mode="after")
    def _has_a_rate(self) -> ProfileInput:
        if self.rate_per_minute is None and self.hourly_rate is None:
            raise PydanticCustomError("rate_required", "Set a rate per minute, an hourly rate, or both.")
        return self


class PresenceInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["online", "offline"]
