"""Onboarding links: ``POST /v1/account_links`` and the page its ``url`` opens.

The link's ``url`` points at the stand-in itself and is single-use, valid for
300 s. A ``GET`` of it, as the expert's browser would make, completes onboarding
(details submitted, charges and payouts enabled, requested capabilities active,
nothing due), sends ``account.updated`` and redirects to ``return_url``; a used
or expired link redirects to ``refresh_url``, as Stripe's do.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from localstripe import resources

from infra.local.stripe_stand_in import clock
from infra.local.stripe_stand_in.connect import Account, account_of
from infra.local.stripe_stand_in.errors import invalid
from infra.local.stripe_stand_in.fixtures import fixture
from infra.local.stripe_stand_in.params import Params, answer

LINK_TTL_SECONDS = 300
ONBOARDING_PATH = "/_connect/onboard/{link_id}"


class AccountLink(resources.StripeObject):
    """Kept in localstripe's store (so ``DELETE /_config/data`` clears it); shown as Stripe shows links."""

    object = "account_link"
    _id_prefix = "alink_"

    def __init__(self, *, account: str, refresh_url: str, return_url: str, base_url: str) -> None:
        super().__init__()
        self._account = account
        self._refresh_url = refresh_url
        self._return_url = return_url
        self._used = False
        self._issued_at = clock.now()  # the stand-in's clock, which tests may move on
        self.expires_at = self.created + LINK_TTL_SECONDS
        self.url = base_url + ONBOARDING_PATH.format(link_id=self.id)

    def _export(self, expand: Any = None) -> dict[str, Any]:
        return fixture("account_link", created=self.created, expires_at=self.expires_at, url=self.url)


async def create_account_link(request: web.Request) -> web.Response:
    params = await Params.of(request)
    account = account_of(params.required_text("account"), param="account")
    link_type = params.required_text("type", choices=("account_onboarding", "account_update"))
    if link_type == "account_update" and account.type != "custom":
        raise invalid("Account links of type account_update can only be created for Custom accounts.", param="type")
    urls = {}
    for name in ("refresh_url", "return_url"):
        url = params.required_text(name)
        if not url.startswith(("http://", "https://")):
            raise invalid(f"Not a valid URL: {name}", param=name, code="url_invalid")
        urls[name] = url
    params.mapping("collection_options")
    params.text("collect")
    params.done()
    link = AccountLink(account=account.id, base_url=str(request.url.origin()), **urls)
    return answer(link, params)


async def onboard(request: web.Request) -> web.StreamResponse:
    """The page an onboarding link opens: finishes onboarding at once and sends the browser back."""
    link = resources.store.get(f"account_link:{request.match_info['link_id']}")
    if not isinstance(link, AccountLink):
        raise web.HTTPNotFound(text="This onboarding link is not valid.\n")
    if link._used or clock.now() - link._issued_at >= LINK_TTL_SECONDS:
        raise web.HTTPFound(link._refresh_url)
    link._used = True
    account = resources.store.get(f"account:{link._account}")
    if not isinstance(account, Account):
        raise web.HTTPNotFound(text="The account of this link no longer exists.\n")
    account._complete_onboarding(request.remote or "127.0.0.1", request.headers.get("User-Agent"))
    raise web.HTTPFound(link._return_url)
