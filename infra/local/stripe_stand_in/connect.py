"""Connect accounts, which localstripe lacks.

``POST /v1/accounts`` creates an account that cannot be paid yet: nothing
submitted, charges and payouts disabled, requested capabilities inactive,
requirements due. Onboarding (``onboarding``) completes it. ``GET`` and ``POST
/v1/accounts/{id}`` read and update it; an update sends ``account.updated``.
"""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web
from localstripe import resources

from infra.local.stripe_stand_in.errors import invalid, no_such
from infra.local.stripe_stand_in.events import emit
from infra.local.stripe_stand_in.fixtures import fields_of, fixture
from infra.local.stripe_stand_in.params import Params, answer, merge_metadata

# Where Stripe lets a platform like ours create Express accounts, and each one's default currency.
COUNTRY_CURRENCIES = {
    "US": "usd",
    "GB": "gbp",
    "AU": "aud",
    "CA": "cad",
    "DK": "dkk",
    "FI": "eur",
    "IE": "eur",
    "NO": "nok",
    "SE": "sek",
    "AT": "eur",
    "BE": "eur",
    "FR": "eur",
    "DE": "eur",
    "IT": "eur",
    "JP": "jpy",
    "LU": "eur",
    "NL": "eur",
    "ES": "eur",
    "BR": "brl",
    "MX": "mxn",
    "PT": "eur",
    "SG": "sgd",
    "CH": "chf",
}
CAPABILITIES = ("transfers", "card_payments")
DUE_AT_START = [
    "business_profile.mcc",
    "business_profile.url",
    "business_type",
    "external_account",
    "individual.dob.day",
    "individual.dob.month",
    "individual.dob.year",
    "individual.email",
    "individual.first_name",
    "individual.last_name",
    "tos_acceptance.date",
    "tos_acceptance.ip",
]
EXPRESS_CONTROLLER = {
    "fees": {"payer": "application_express"},
    "is_controller": True,
    "losses": {"payments": "application"},
    "requirement_collection": "stripe",
    "stripe_dashboard": {"type": "express"},
    "type": "application",
}


class Account(resources.StripeObject):
    object = "account"
    _id_prefix = "acct_"
    settings: dict[str, Any]
    business_profile: dict[str, Any]

    def __init__(
        self,
        *,
        type: str,
        country: str,
        email: str | None,
        capabilities: list[str],
        metadata: dict[str, str],
        business_type: str | None,
    ) -> None:
        super().__init__()
        for key, value in fixture("account").items():
            if key not in ("id", "object", "created", "livemode"):
                setattr(self, key, value)
        self.type = type
        self.country = country
        self.email = email
        self.default_currency = COUNTRY_CURRENCIES[country]
        self.business_type = business_type
        self.metadata = metadata
        self.capabilities = {name: "inactive" for name in capabilities}
        self.controller = EXPRESS_CONTROLLER if type == "express" else {"type": "account"}
        self.external_accounts = _list_of([], f"/v1/accounts/{self.id}/external_accounts")
        self.requirements = _requirements(DUE_AT_START, disabled_reason="requirements.past_due")
        self.settings = {**self.settings, "dashboard": {"display_name": None, "timezone": "Etc/UTC"}}

    def _export(self, expand: Any = None) -> dict[str, Any]:
        exported: dict[str, Any] = super()._export(expand=expand)
        return {key: value for key, value in exported.items() if key in fields_of("account")}  # no livemode

    def _complete_onboarding(self, ip: str, user_agent: str | None) -> None:
        previous = {key: getattr(self, key) for key in ONBOARDING_FIELDS}
        self.details_submitted = self.charges_enabled = self.payouts_enabled = True
        self.capabilities = dict.fromkeys(self.capabilities, "active")
        self.requirements = _requirements([], disabled_reason=None)
        self.business_type = self.business_type or "individual"
        self.business_profile = {**self.business_profile, "mcc": self.business_profile.get("mcc") or "8999"}
        self.tos_acceptance = {"date": int(time.time()), "ip": ip, "user_agent": user_agent}
        if not self.external_accounts["data"]:
            self.external_accounts = _list_of([self._bank_account()], self.external_accounts["url"])
        changed = {key: value for key, value in previous.items() if getattr(self, key) != value}
        emit("account.updated", self, previous_attributes=changed, account=self.id)

    def _bank_account(self) -> dict[str, Any]:
        return fixture(
            "bank_account",
            id="ba_" + resources.random_id(24),
            account=self.id,
            country=self.country,
            currency=self.default_currency,
            default_for_currency=True,
            account_holder_type="individual",
        )

    def _can_receive_transfers(self) -> bool:
        return bool(self.capabilities.get("transfers") == "active" and self.payouts_enabled)


ONBOARDING_FIELDS = (
    "details_submitted",
    "charges_enabled",
    "payouts_enabled",
    "capabilities",
    "requirements",
    "business_type",
    "business_profile",
    "tos_acceptance",
    "external_accounts",
)


def _requirements(due: list[str], *, disabled_reason: str | None) -> dict[str, Any]:
    lists = ("currently_due", "eventually_due", "past_due")
    return fixture("account")["requirements"] | {key: list(due) for key in lists} | {"disabled_reason": disabled_reason}


def _list_of(data: list[dict[str, Any]], url: str) -> dict[str, Any]:
    return {"object": "list", "data": data, "has_more": False, "url": url}


def account_of(account_id: str, *, param: str | None = None) -> Account:
    account = resources.store.get(f"account:{account_id}")
    if not isinstance(account, Account):
        raise no_such("account", account_id, param=param, status=400 if param else 404)
    return account


def _country(params: Params) -> str:
    country = (params.text("country") or "US").upper()
    if country not in COUNTRY_CURRENCIES:
        raise invalid(
            f"Connected accounts in {country} are not supported for this platform. Supported countries: "
            f"{', '.join(sorted(COUNTRY_CURRENCIES))}.",
            param="country",
            code="country_unsupported",
        )
    return country


def _capabilities(params: Params, current: dict[str, str] | None = None) -> dict[str, str]:
    requested = dict(current or {})
    for name, options in (params.mapping("capabilities") or {}).items():
        if name not in CAPABILITIES or not isinstance(options, dict):
            raise invalid(f"Invalid capability: {name}", param=f"capabilities[{name}]")
        if str(options.get("requested", "")).lower() == "true":
            requested.setdefault(name, "inactive")
        else:
            requested.pop(name, None)
    return requested


async def create_account(request: web.Request) -> web.Response:
    params = await Params.of(request)
    account_type = params.text("type", choices=("express", "standard", "custom")) or "standard"
    country = _country(params)
    capabilities = _capabilities(params)
    if account_type == "express" and not capabilities:
        raise invalid(
            "Express accounts must request at least one of the capabilities card_payments or transfers.",
            param="capabilities",
        )
    account = Account(
        type=account_type,
        country=country,
        email=params.text("email"),
        capabilities=list(capabilities),
        metadata=merge_metadata(None, params.metadata()),
        business_type=params.text(
            "business_type", choices=("individual", "company", "non_profit", "government_entity")
        ),
    )
    account.business_profile = {**account.business_profile, **(params.mapping("business_profile") or {})}
    params.done()
    return answer(account, params)


async def retrieve_account(request: web.Request) -> web.Response:
    params = await Params.of(request)
    return answer(account_of(request.match_info["id"]), params)


async def list_accounts(request: web.Request) -> web.Response:
    params = await Params.of(request)
    page = resources.List(
        "/v1/accounts", limit=params.integer("limit", minimum=1), starting_after=params.text("starting_after")
    )
    page._list = [obj for obj in reversed(resources.store.values()) if isinstance(obj, Account)]
    params.done()
    return answer(page, params)


async def update_account(request: web.Request) -> web.Response:
    account = account_of(request.match_info["id"])
    params = await Params.of(request)
    previous = {
        "email": account.email,
        "metadata": account.metadata,
        "capabilities": account.capabilities,
        "business_type": account.business_type,
        "business_profile": account.business_profile,
    }
    if "email" in params:
        account.email = params.text("email")
    if "metadata" in params:
        account.metadata = merge_metadata(account.metadata, params.metadata())
    if "capabilities" in params:
        status = "active" if account.details_submitted else "inactive"
        account.capabilities = {
            name: account.capabilities.get(name, status) for name in _capabilities(params, account.capabilities)
        }
    if "business_type" in params:
        account.business_type = params.text(
            "business_type", choices=("individual", "company", "non_profit", "government_entity")
        )
    if "business_profile" in params:
        account.business_profile = {**account.business_profile, **(params.mapping("business_profile") or {})}
    params.done()
    changed = {key: value for key, value in previous.items() if getattr(account, key) != value}
    if changed:
        emit("account.updated", account, previous_attributes=changed, account=account.id)
    return answer(account, params)
