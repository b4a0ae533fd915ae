"""Routes for leads: post, read, edit and close one; My Leads; sellers search leads; a lead's matching sellers."""

from __future__ import annotations

from typing import Any

from chalicelib import runtime
from chalicelib.leads.limits import BUYER_STAGES, DEFAULT_PAGE_SIZE, MAX_BUDGET, MAX_PAGE_SIZE, MAX_SEARCH_TEXT
from chalicelib.leads.skills import SKILLS
from chalicelib.money.currency import CURRENCIES
from chalicelib.web.api import ApiBlueprint, ApiRequest, QueryParam

api = ApiBlueprint(__name__, tag="leads")

RESPONSES = "chalicelib.leads.responses"
_PAGE = (
    QueryParam("limit", f"Page size, 1 to {MAX_PAGE_SIZE}.", "integer", minimum=1, maximum=MAX_PAGE_SIZE,
               default=DEFAULT_PAGE_SIZE),
    QueryParam("cursor", "next_cursor of the previous page."),
)  # fmt: skip
SEARCH_PARAMS = (
    QueryParam("skill", "A skill id from GET /catalogue; without it, the skills on my expert profile.",
               enum=tuple(SKILLS)),
    QueryParam("currency", "Only leads budgeted in this currency (needed for a budget range).", enum=CURRENCIES),
    QueryParam("min_budget", "Lowest budget, in minor units (needs currency).", "integer", minimum=0,
               maximum=MAX_BUDGET),
    QueryParam("max_budget", "Highest budget, in minor units (needs currency).", "integer", minimum=0,
               maximum=MAX_BUDGET),
    QueryParam("q", "Words the title contains (case-insensitive).", max_length=MAX_SEARCH_TEXT),
    *_PAGE,
)  # fmt: skip
MINE_PARAMS = (
    QueryParam("stage", "Dashboard stage.", enum=BUYER_STAGES, default="open"),
    *_PAGE,
)


@api.route(
    "/leads", "POST", summary="Post a lead (any registered account): title, description, skills, budget, files",
    status=201, body="chalicelib.leads.schemas:LeadInput", errors=(404, 422), response=f"{RESPONSES}:LeadView",
)  # fmt: skip
def post(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.leads.posting import post_lead
    from chalicelib.leads.schemas import LeadInput
    from chalicelib.uploads.attachments import attachment_store

    data = request.body(LeadInput)
    return post_lead(request.caller.account_id, data, store=attachment_store(), now=runtime.now())


@api.route(
    "/leads", "GET", summary="Open leads that fit my skills (or a skill), newest first, with filters",
    query=SEARCH_PARAMS, errors=(422,), response=f"{RESPONSES}:LeadSearchPage",
)  # fmt: skip
def search(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.leads.finding import parse_lead_search, profile_skills, search_leads

    caller_id = request.caller.account_id
    params = {name: request.query(name) for name in (p.name for p in SEARCH_PARAMS)}
    query = parse_lead_search(params, lambda: profile_skills(caller_id))
    return search_leads(caller_id, query, params["cursor"])


@api.route(
    "/leads/mine", "GET", summary="My Leads: my leads in one dashboard stage, newest first",
    query=MINE_PARAMS, response=f"{RESPONSES}:MyLeadsPage",
)  # fmt: skip
def mine(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.leads.posting import my_leads, parse_mine

    stage, limit = parse_mine(request.query("stage"), request.query("limit"))
    return my_leads(request.caller.account_id, stage=stage, cursor=request.query("cursor"), limit=limit)


@api.route(
    "/leads/{lead_id}", "GET",
    summary="A lead (open: any signed-in account; otherwise its buyer and hired seller only)",
    response=f"{RESPONSES}:LeadView",
)  # fmt: skip
def read(request: ApiRequest, lead_id: str) -> dict[str, Any]:
    from chalicelib.leads.views import lead_view, visible_lead

    caller_id = request.caller.account_id
    return lead_view(visible_lead(lead_id, caller_id), viewer_id=caller_id, now=runtime.now())


@api.route(
    "/leads/{lead_id}", "PUT", summary="Edit my lead while it is open (replaces what I wrote)",
    body="chalicelib.leads.schemas:LeadInput", errors=(403, 409, 422), response=f"{RESPONSES}:LeadView",
)  # fmt: skip
def edit(request: ApiRequest, lead_id: str) -> dict[str, Any]:
    from chalicelib.leads.posting import edit_lead
    from chalicelib.leads.schemas import LeadInput
    from chalicelib.uploads.attachments import attachment_store

    data = request.body(LeadInput)
    return edit_lead(lead_id, request.caller.account_id, data, store=attachment_store(), now=runtime.now())


@api.route(
    "/leads/{lead_id}/close", "POST", summary="Close my open lead before hiring (open bids end)",
    errors=(403, 409), response=f"{RESPONSES}:LeadView",
)  # fmt: skip
def close(request: ApiRequest, lead_id: str) -> dict[str, Any]:
    from chalicelib.leads.posting import close_lead

    return close_lead(lead_id, request.caller.account_id, now=runtime.now())


@api.route(
    "/leads/{lead_id}/sellers", "GET",
    summary="Sellers whose skills fit my lead, best stars in its skills first", query=_PAGE,
    errors=(403,), response=f"{RESPONSES}:LeadSellerPage",
)  # fmt: skip
def sellers(request: ApiRequest, lead_id: str) -> dict[str, Any]:
    from chalicelib.errors import FieldProblem, InvalidInput
    from chalicelib.leads.finding import matching_sellers
    from chalicelib.leads.posting import page_size

    problems: list[FieldProblem] = []
    limit = page_size(request.query("limit"), problems)
    if problems:
        raise InvalidInput("The listing is not valid.", problems)
    return matching_sellers(
        lead_id, request.caller.account_id, cursor=request.query("cursor"), limit=limit,
        media_base_url=runtime.settings().media_base_url,
    )  # fmt: skip
