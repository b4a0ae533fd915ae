"""Routes for an expert's weekly statistics and the beacons that count profile views and search appearances."""

from __future__ import annotations

from typing import Any

from chalicelib import runtime
from chalicelib.web.api import ApiBlueprint, ApiRequest, QueryParam

api = ApiBlueprint(__name__, tag="statistics")
RESPONSES = "chalicelib.statistics.responses"
MAX_WEEKS = 26  # chalicelib.statistics.rules.MAX_WEEKS (not imported here: cold start)
DEFAULT_WEEKS = 8


@api.route(
    "/experts/{expert_id}/views", "POST", summary="Count a view of an expert's profile (sent after showing it)",
    public=True, status=202, body="chalicelib.statistics.schemas:ProfileView", errors=(400, 404),
    response=f"{RESPONSES}:ViewCounted",
)  # fmt: skip
def profile_viewed(request: ApiRequest, expert_id: str) -> dict[str, Any]:
    from chalicelib.statistics.beacons import count_view
    from chalicelib.statistics.schemas import ProfileView

    browser = request.body(ProfileView).viewer
    account = request.caller_or_none.account_id if request.caller_or_none is not None else None
    return {"counted": count_view(expert_id, account, browser, now=runtime.now())}


@api.route(
    "/experts/appearances", "POST", summary="Count the experts a page of search results showed",
    public=True, status=202, body="chalicelib.statistics.schemas:SearchAppearances", errors=(400,),
    response=f"{RESPONSES}:AppearancesCounted",
)  # fmt: skip
def search_appearances(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.statistics.beacons import count_appearances
    from chalicelib.statistics.schemas import SearchAppearances

    body = request.body(SearchAppearances)
    return {"counted": count_appearances(body.expert_ids, now=runtime.now())}


@api.route(
    "/me/statistics", "GET", summary="My figures week by week: views, appearances, calls, bookings, answers, "
    "reputation, earnings", errors=(400, 403),
    query=(QueryParam("weeks", f"How many ISO weeks, this one included, 1 to {MAX_WEEKS} (default {DEFAULT_WEEKS}).",
                      "integer", minimum=1, maximum=MAX_WEEKS, default=DEFAULT_WEEKS),),
    response=f"{RESPONSES}:ExpertStatistics",
)  # fmt: skip
def my_statistics(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.statistics.weekly import expert_statistics, require_expert
    from chalicelib.web.numbers import whole_number_in_range

    count = whole_number_in_range("weeks", request.query("weeks"), 1, MAX_WEEKS, default=DEFAULT_WEEKS)
    account_id = request.caller.account_id
    require_expert(account_id)
    return expert_statistics(account_id, weeks=count, now=runtime.now())
