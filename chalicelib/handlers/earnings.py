"""Routes for an expert's payout account and earnings, and the platform's revenue."""

from __future__ import annotations

from typing import Any

from chalicelib import runtime
from chalicelib.web.api import ApiBlueprint, ApiRequest, QueryParam
from chalicelib.web.numbers import whole_number_in_range

api = ApiBlueprint(__name__, tag="earnings")
MAX_STATEMENT_WEEKS = 52
CONNECT = "chalicelib.connect.responses"
LEDGER = "chalicelib.ledger.responses"


@api.route(
    "/experts/me/payouts/onboarding", "POST", summary="Start or resume Stripe Connect onboarding",
    status=201, body="chalicelib.connect.schemas:OnboardingInput", errors=(404, 409, 502, 503),
    response=f"{CONNECT}:PayoutOnboarding",
)  # fmt: skip
def onboarding(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.connect.onboarding import start_onboarding
    from chalicelib.connect.schemas import OnboardingInput

    country = request.body(OnboardingInput).country
    return start_onboarding(
        request.caller.account_id,
        country,
        gateway=runtime.stripe_gateway(),
        web_origin=runtime.settings().web_origin,
        now=runtime.now(),
    )


@api.route(
    "/experts/me/payouts", "GET", summary="My payout account: onboarding stage, payouts enabled", errors=(502, 503),
    response=f"{CONNECT}:PayoutAccountStatus",
)  # fmt: skip
def payout_status(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.connect.onboarding import refresh_payout_status

    return refresh_payout_status(request.caller.account_id, gateway=runtime.stripe_gateway(), now=runtime.now())


@api.route(
    "/experts/me/earnings", "GET", summary="My earnings per currency: pending, available, frozen, paid",
    response=f"{LEDGER}:ExpertEarnings",
)  # fmt: skip
def earnings(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.ledger.statements import expert_earnings

    return expert_earnings(request.caller.account_id)


@api.route(
    "/experts/me/earnings/statement", "GET", summary="My earnings week by week",
    query=(QueryParam("weeks", f"How many weeks back, 1 to {MAX_STATEMENT_WEEKS} (default 12).", "integer", minimum=1,
                      maximum=MAX_STATEMENT_WEEKS, default=12),),
    response=f"{LEDGER}:EarningsStatement",
)  # fmt: skip
def statement(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.ledger.statements import weekly_statement

    count = whole_number_in_range("weeks", request.query("weeks"), 1, MAX_STATEMENT_WEEKS, default=12)
    weeks = weekly_statement(request.caller.account_id, weeks=count, now=runtime.now())
    return {"weeks": weeks}


@api.route(
    "/admin/revenue", "GET", summary="The platform's commission per currency (admins)", errors=(403,),
    response=f"{LEDGER}:PlatformRevenue",
)  # fmt: skip
def revenue(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.ledger.statements import platform_revenue

    request.caller.require_admin("see platform revenue")
    return {"revenue": platform_revenue()}
