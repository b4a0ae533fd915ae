"""What the profile routes answer: the public card (search results), the public profile, the owner's view.

Discovery and the service checkout page reuse ``ProfileCard`` and ``PublicProfile`` from here.
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field
from pydantic.json_schema import JsonDict

from chalicelib.money.currency import CurrencyCode
from chalicelib.web.responses import MinorUnits, ResponseModel, UtcTimestamp

Presence = Literal["online", "busy", "offline"]

CARD_EXAMPLE: JsonDict = {
    "expert_id": "3f1c2a9e-7b1d-4c55-9a0e-2d6c1e8f4b21",
    "slug": "ada-lovelace",
    "name": "Ada Lovelace",
    "job_title": "Analytical engine consultant",
    "company": None,
    "photo_url": "https://media.parley.example/public/3f1c2a9e/photo.jpg",
    "categories": ["technology"],
    "languages": ["en", "fr"],
    "currency": "GBP",
    "rate_per_minute": 250,
    "hourly_rate": None,
    "free_minutes": 5,
    "presence": "online",
    "rating": {"average": 4.75, "count": 12},
    "reputation": 340,
}
PUBLIC_EXAMPLE: JsonDict = CARD_EXAMPLE | {
    "advice_on": "Programming the analytical engine",
    "offering": "Reviews of your algorithms, notes included",
    "description": "I wrote the first published algorithm for a machine.",
    "tags": ["algorithms", "mathematics"],
    "skills": ["python"],
    "skill_stars": [{"skill": "python", "average": 4.5, "count": 2}],
    "education": [
        {
            "institution": "University of London",
            "qualification": "Private tuition",
            "field": "Mathematics",
            "start_year": 1840,
            "end_year": 1843,
        }
    ],
    "intro_video_url": None,
    "resume_url": None,
    "responsiveness": {"rate": 0.9, "typical_response_seconds": 5400, "answered": 19, "expected_within_hours": 24},
}
OWN_EXAMPLE: JsonDict = PUBLIC_EXAMPLE | {
    "photo_key": "public/3f1c2a9e/photo.jpg",
    "intro_video_key": None,
    "resume_key": None,
    "verification_document_keys": ["private/3f1c2a9e/passport.pdf"],
    "created_at": "2026-03-02T10:00:00+00:00",
    "updated_at": "2026-03-04T08:30:00+00:00",
}


class ProfileRating(ResponseModel):
    average: float | None  # null until the first rating
    count: int


class ProfileCard(ResponseModel):
    """The short form of an expert: search results and the checkout page."""

    model_config = ConfigDict(json_schema_extra={"examples": [CARD_EXAMPLE]})

    expert_id: str
    slug: str
    name: str
    job_title: str | None
    company: str | None
    photo_url: str | None
    categories: list[str]
    languages: list[str]
    currency: CurrencyCode
    rate_per_minute: MinorUnits | None
    hourly_rate: MinorUnits | None
    free_minutes: int
    presence: Presence
    rating: ProfileRating
    reputation: int = Field(
        description="Reputation points: earned from rated paid sessions, answers (more when accepted), articles, "
        "documents and upvotes, lost from downvotes."
    )


class ProfileSkillStars(ResponseModel):
    skill: str
    average: float | None  # null: no stars yet in this skill
    count: int


class ProfileEducation(ResponseModel):
    institution: str
    qualification: str
    field: str | None = None
    start_year: int | None = None
    end_year: int | None = None


class ProfileResponsiveness(ResponseModel):
    """How the expert answers clients' messages: each time a client waits on them counts."""

    rate: float | None = Field(
        ge=0, le=1, description="Waits answered within 24 hours over waits answered or missed; null until 3 waits."
    )
    typical_response_seconds: int | None = Field(
        ge=0, description="The median of the expert's last 50 response times; null before the first answer."
    )
    answered: int = Field(ge=0, description="Waits the expert answered.")
    expected_within_hours: Literal[24] = Field(description="Parley experts answer messages within 24 hours.")


class PublicProfile(ProfileCard):
    """What anyone reads of an expert."""

    model_config = ConfigDict(json_schema_extra={"examples": [PUBLIC_EXAMPLE]})

    advice_on: str | None
    offering: str | None
    description: str | None
    tags: list[str]
    skills: list[str]
    skill_stars: list[ProfileSkillStars]
    education: list[ProfileEducation]
    intro_video_url: str | None
    resume_url: str | None
    responsiveness: ProfileResponsiveness


class OwnProfile(PublicProfile):
    """The expert's own profile: the upload keys and the verification documents too."""

    model_config = ConfigDict(json_schema_extra={"examples": [OWN_EXAMPLE]})

    photo_key: str | None
    intro_video_key: str | None
    resume_key: str | None
    verification_document_keys: list[str]
    created_at: UtcTimestamp
    updated_at: UtcTimestamp


class ProfilePresence(ResponseModel):
    """What clients are shown, and what the expert said (shown online only while a device is connected)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"presence": "offline", "intent": "online"}]})

    presence: Presence
    intent: Literal["online", "offline"]
