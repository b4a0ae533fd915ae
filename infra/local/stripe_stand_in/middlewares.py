"""Middlewares: request ids, Stripe-shaped errors, routes that replace localstripe's, public pages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from localstripe import resources
from localstripe.errors import UserError

from infra.local.stripe_stand_in.errors import StripeError, invalid, no_such, unknown
from infra.local.stripe_stand_in.events import RequestInfo, current_request

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# (method, route as localstripe declared it) -> our handler, for routes localstripe already serves.
overrides: dict[tuple[str, str], Handler] = {}
PUBLIC_PREFIXES = ("/_connect/",)  # pages a person's browser opens, without an API key


@web.middleware
async def public_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Outermost: a browser page skips localstripe's API-key check."""
    if request.path.startswith(PUBLIC_PREFIXES):
        return await request.match_info.handler(request)
    return await handler(request)


@web.middleware
async def request_context(request: web.Request, handler: Handler) -> web.StreamResponse:
    info = RequestInfo(
        request_id="req_" + resources.random_id(14),
        idempotency_key=request.headers.get("Idempotency-Key") if request.method == "POST" else None,
        api_version=request.headers.get("Stripe-Version"),
    )
    request["stripe_stand_in_request_id"] = info.request_id
    token = current_request.set(info)
    try:
        return await handler(request)
    finally:
        current_request.reset(token)


async def add_request_id(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.setdefault(
        "Request-Id", request.get("stripe_stand_in_request_id") or "req_" + resources.random_id(14)
    )


def _stripe_shaped(error: UserError, request: web.Request) -> UserError:
    body: dict[str, Any] = error.body.get("error", {})
    message = str(body.get("message", ""))
    if isinstance(error, StripeError):
        return error
    if message.startswith("Unexpected "):
        return unknown(message.removeprefix("Unexpected ").split(",")[0].strip())
    if error.code == 404 and message == "Not Found" and "id" in request.match_info:
        segments = request.path.split("/")
        object_type = segments[2].removesuffix("s") if len(segments) > 2 else "object"
        object_id = request.match_info["id"]
        if f"{object_type}:{object_id}" not in resources.store:
            return no_such(object_type, object_id, status=404)
    if error.code == 402:
        body["type"] = "card_error"
        if body.get("code") == "card_declined":
            body.setdefault("decline_code", "generic_decline")
    return error


@web.middleware
async def stripe_shaped_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except UserError as error:
        response: web.Response = _stripe_shaped(error, request).to_response()
        return response
    except (web.HTTPNotFound, web.HTTPMethodNotAllowed):
        if not request.path.startswith("/v1/"):
            raise
        response = invalid(
            f"Unrecognized request URL ({request.method}: {request.path}). Please see https://stripe.com/docs "
            "or we can help at https://support.stripe.com/.",
            status=404,
        ).to_response()
        return response


@web.middleware
async def override_routes(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Innermost: serve our version of a route localstripe also declares."""
    resource = request.match_info.route.resource
    replacement = overrides.get((request.method, resource.canonical)) if resource is not None else None
    return await (replacement or handler)(request)
