"""What the discovery routes answer: a page of search results and an expert's public profile."""

from __future__ import annotations

from pydantic import ConfigDict

from chalicelib.availability.responses import FreeConsultationOfferView
from chalicelib.profiles.responses import CARD_EXAMPLE, PUBLIC_EXAMPLE, ProfileCard, PublicProfile
from chalicelib.web.responses import ResponseModel


class ExpertSearchPage(ResponseModel):
    """One page of experts in the search's order; ``next_cursor`` is null on the last page."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"items": [CARD_EXAMPLE], "next_cursor": "eyJzY29wZSI6InNlYXJjaDphbGwifQ"}]}
    )

    items: list[ProfileCard]
    next_cursor: str | None


class ExpertProfileView(PublicProfile):
    """An expert's public profile and whether they give new clients a free first consultation."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [PUBLIC_EXAMPLE | {"free_consultation": {"enabled": True, "minutes": 30}}]}
    )

    free_consultation: FreeConsultationOfferView
