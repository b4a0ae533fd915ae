"""``build_app()``: localstripe's aiohttp app with the stand-in's extensions installed.

Installs once per process, before the app starts (aiohttp freezes an app's routes
and middlewares when it starts). The store stays in memory: nothing is written
to, or read from, localstripe's ``/tmp/localstripe.pickle``.

Middlewares, outermost first: ``public_pages`` (browser pages skip the API-key
check), localstripe's errors, auth and store-saving, then ``request_context``
(``Request-Id``, the request behind each event), ``idempotency``,
``stripe_shaped_errors`` and ``override_routes`` (our versions of some of
localstripe's routes).
"""

from __future__ import annotations

from aiohttp import web
from localstripe import resources, server, webhooks

from infra.local.stripe_stand_in import (
    balance,
    card_declines,
    charges,
    clock,
    connect,
    disputes,
    events,
    idempotency,
    onboarding,
    payment_intents,
    refund_limits,
    transfers,
)
from infra.local.stripe_stand_in.middlewares import (
    add_request_id,
    override_routes,
    overrides,
    public_pages,
    request_context,
    stripe_shaped_errors,
)
from infra.local.stripe_stand_in.params import Params, answer

_installed = False


def build_app() -> web.Application:
    global _installed
    if not _installed:
        _install(server.app)
        _installed = True
    app: web.Application = server.app
    return app


async def _flush(request: web.Request) -> web.Response:
    """``DELETE /_config/data``: forget every object, and the saved idempotent answers."""
    resources.store.clear()
    idempotency.clear()
    return web.Response()


async def _advance_clock(request: web.Request) -> web.Response:
    """``POST /_config/clock`` with ``advance`` (seconds): expire links and idempotency keys sooner."""
    params = await Params.of(request)
    seconds = params.required_integer("advance", minimum=0)
    params.done()
    return answer({"now": clock.advance(seconds)})


async def _forget_webhook(request: web.Request) -> web.Response:
    """``DELETE /_config/webhooks/{id}``: stop sending events to that endpoint."""
    webhooks._webhooks.pop(request.match_info["id"], None)
    return web.Response()


ROUTES = (
    ("POST", "/v1/accounts", connect.create_account),
    ("GET", "/v1/accounts", connect.list_accounts),
    ("GET", "/v1/accounts/{id}", connect.retrieve_account),
    ("POST", "/v1/accounts/{id}", connect.update_account),
    ("POST", "/v1/account_links", onboarding.create_account_link),
    ("GET", onboarding.ONBOARDING_PATH, onboarding.onboard),
    ("POST", "/v1/transfers", transfers.create_transfer),
    ("GET", "/v1/transfers", transfers.list_transfers),
    ("GET", "/v1/transfers/{id}", transfers.retrieve_transfer),
    ("GET", "/v1/disputes", disputes.list_disputes),
    ("GET", "/v1/disputes/{id}", disputes.retrieve_dispute),
    ("POST", "/v1/disputes/{id}", disputes.update_dispute),
    ("POST", "/v1/disputes/{id}/close", disputes.accept_dispute),
    ("POST", "/_config/balance", balance.top_up),
    ("POST", "/_config/clock", _advance_clock),
    ("POST", "/_config/disputes", disputes.create_dispute),
    ("POST", "/_config/disputes/{id}/close", disputes.close_dispute),
    ("DELETE", "/_config/webhooks/{id}", _forget_webhook),
)
OVERRIDES = (
    ("GET", "/v1/balance", balance.get_balance),
    ("POST", "/v1/payment_intents/{id}/confirm", payment_intents.confirm),
    ("POST", "/v1/payment_intents/{id}/capture", payment_intents.capture),
    ("POST", "/v1/payment_intents/{id}/cancel", payment_intents.cancel),
    ("DELETE", "/_config/data", _flush),
)


def _install(app: web.Application) -> None:
    resources.Store.dump_to_disk = lambda self: None
    resources.Store.try_load_from_disk = lambda self: None
    for module in (events, card_declines, charges, payment_intents, refund_limits):
        module.install()
    for method, path, handler in ROUTES:
        app.router.add_route(method, path, handler)
    for method, path, handler in OVERRIDES:
        overrides[(method, path)] = handler
    app.middlewares.insert(0, public_pages)
    app.middlewares.extend([request_context, idempotency.idempotency, stripe_shaped_errors, override_routes])
    app.on_response_prepare.append(add_request_id)
