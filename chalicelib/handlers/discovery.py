"""Public routes: read an expert's profile and search experts. No login needed."""

from __future__ import annotations

from typing import Any

from chalicelib import runtime
from chalicelib.discovery.find_experts import profile_by_id, profile_by_slug, search_experts
from chalicelib.discovery.search_query import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_PRICE, parse_search
from chalicelib.money.currency import CURRENCIES
from chalicelib.profiles.catalogue import CATEGORIES, LANGUAGES
from chalicelib.profiles.views import public_profile
from chalicelib.web.api import ApiBlueprint, ApiRequest, QueryParam

api = ApiBlueprint(__name__, tag="discovery")

SEARCH_PARAMS = (
    QueryParam("category", "A category slug from GET /catalogue.", enum=tuple(CATEGORIES)),
    QueryParam("tag", "A tag (compared lowercase)."),
    QueryParam("language", "An ISO 639-1 language code from GET /catalogue.", enum=tuple(LANGUAGES)),
    QueryParam("online", "Only experts online now.", "boolean", default=False),
    QueryParam("currency", "Needed to sort or filter by price.", enum=CURRENCIES),
    QueryParam("min_price", "Lowest rate per minute, in minor units (needs currency).", "integer",
               minimum=0, maximum=MAX_PRICE),
    QueryParam("max_price", "Highest rate per minute, in minor units, at least min_price (needs currency).",
               "integer", minimum=0, maximum=MAX_PRICE),
    QueryParam("sort", "reputation (most reputation points first, then rating), rating (best first) or price "
               "(lowest first; needs currency).", enum=("reputation", "rating", "price"), default="reputation"),
    QueryParam("limit", "Page size.", "integer", minimum=1, maximum=MAX_PAGE_SIZE, default=DEFAULT_PAGE_SIZE),
    QueryParam("cursor", "next_cursor of the previous page of this same search."),
)  # fmt: skip
RESPONSES = "chalicelib.discovery.responses"


@api.route(
    "/experts", "GET", summary="Search experts", public=True,
    query=SEARCH_PARAMS, errors=(400,), response=f"{RESPONSES}:ExpertSearchPage",
)  # fmt: skip
def search(request: ApiRequest) -> dict[str, Any]:
    params = {name: request.query(name) for name in (p.name for p in SEARCH_PARAMS)}
    return search_experts(parse_search(params), params["cursor"]).to_json()


@api.route(
    "/experts/{expert_id}", "GET", summary="An expert's public profile", public=True, errors=(404,),
    response=f"{RESPONSES}:ExpertProfileView",
)  # fmt: skip
def by_id(request: ApiRequest, expert_id: str) -> dict[str, Any]:
    return _with_free_consultation(public_profile(profile_by_id(expert_id), runtime.settings().media_base_url))


@api.route(
    "/experts/by-slug/{slug}", "GET", summary="An expert's public profile by link", public=True, errors=(404,),
    response=f"{RESPONSES}:ExpertProfileView",
)  # fmt: skip
def by_slug(request: ApiRequest, slug: str) -> dict[str, Any]:
    return _with_free_consultation(public_profile(profile_by_slug(slug), runtime.settings().media_base_url))


def _with_free_consultation(profile: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.availability.free_consultation import public_free_consultation

    return profile | {"free_consultation": public_free_consultation(str(profile["expert_id"]))}
