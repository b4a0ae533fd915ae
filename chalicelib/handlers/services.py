"""Routes for an expert's services: the expert writes them; anyone reads them and their checkout page."""

from __future__ import annotations

from typing import Any

from chalicelib import runtime
from chalicelib.limits.hold_cap import HOLD_CAP_NOTE
from chalicelib.limits.rate_limits import CHECKOUTS
from chalicelib.web.api import IDEMPOTENCY_KEY, ApiBlueprint, ApiRequest

api = ApiBlueprint(__name__, tag="services")
RESPONSES = "chalicelib.services.responses"
OWN_SERVICE = f"{RESPONSES}:ServiceOwnView"
CHECKOUT = f"{RESPONSES}:ServiceCheckoutView"


@api.route(
    "/experts/me/services", "GET", summary="My services in display order", errors=(401, 404),
    response=f"{RESPONSES}:OwnServiceList",
)  # fmt: skip
def my_services(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.services.catalogue import own_services
    from chalicelib.services.views import own_service

    found = own_services(request.caller.account_id)
    return {"services": [own_service(service, found.profile.slug) for service in found.services]}


@api.route(
    "/experts/me/services", "POST", summary="Offer a new service (claims its link among my services)",
    status=201, body="chalicelib.services.schemas:ServiceInput", errors=(400, 401, 404, 409), response=OWN_SERVICE,
)  # fmt: skip
def create(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.services.catalogue import create_service
    from chalicelib.services.schemas import ServiceInput
    from chalicelib.services.views import own_service

    profile, service = create_service(request.caller.account_id, request.body(ServiceInput), now=runtime.now())
    return own_service(service, profile.slug)


@api.route(
    "/experts/me/services/order", "PUT", summary="Set the order of my services (name each exactly once)",
    body="chalicelib.services.schemas:ServiceOrderInput", errors=(400, 401, 404, 409, 422),
    response=f"{RESPONSES}:OwnServiceList",
)  # fmt: skip
def reorder(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.services.catalogue import reorder_services
    from chalicelib.services.schemas import ServiceOrderInput
    from chalicelib.services.views import own_service

    found = reorder_services(request.caller.account_id, request.body(ServiceOrderInput).service_ids)
    return {"services": [own_service(service, found.profile.slug) for service in found.services]}


@api.route(
    "/experts/me/services/{service_id}", "PUT", summary="Replace one of my services (a new link frees the old)",
    body="chalicelib.services.schemas:ServiceInput", errors=(400, 401, 404, 409), response=OWN_SERVICE,
)  # fmt: skip
def edit(request: ApiRequest, service_id: str) -> dict[str, Any]:
    from chalicelib.services.catalogue import edit_service
    from chalicelib.services.schemas import ServiceInput
    from chalicelib.services.views import own_service

    profile, service = edit_service(
        request.caller.account_id, service_id, request.body(ServiceInput), now=runtime.now()
    )
    return own_service(service, profile.slug)


@api.route(
    "/experts/me/services/{service_id}", "DELETE", summary="Delete one of my services and free its link",
    errors=(401, 404, 409), response=f"{RESPONSES}:ServiceDeleted",
)  # fmt: skip
def delete(request: ApiRequest, service_id: str) -> dict[str, Any]:
    from chalicelib.services.catalogue import delete_service

    delete_service(request.caller.account_id, service_id)
    return {"deleted": service_id}


@api.route(
    "/experts/{expert_id}/services", "GET", public=True, errors=(404,), response=f"{RESPONSES}:PublicServiceList",
    summary="An expert's services in display order (what their public profile page shows)",
)  # fmt: skip
def expert_services(request: ApiRequest, expert_id: str) -> dict[str, Any]:
    from chalicelib.services.catalogue import public_services
    from chalicelib.services.views import public_service

    found = public_services(expert_id)
    return {"services": [public_service(service, found.profile.slug) for service in found.services]}


@api.route(
    "/experts/by-slug/{slug}/services/{service_slug}", "GET", public=True, errors=(404,),
    response=f"{RESPONSES}:ServiceCheckoutPage",
    summary="A service's checkout page: the service and its expert",
)  # fmt: skip
def checkout_page(request: ApiRequest, slug: str, service_slug: str) -> dict[str, Any]:
    from chalicelib.profiles.views import public_card
    from chalicelib.services.catalogue import service_for_checkout
    from chalicelib.services.views import public_service

    profile, service = service_for_checkout(slug, service_slug)
    return {
        "expert": public_card(profile, runtime.settings().media_base_url),
        "service": public_service(service, profile.slug),
    }


@api.route(
    "/experts/{expert_id}/services/{service_id}/checkout", "POST",
    summary="Check out a service: its upfront hold on my card, and a conversation with the expert opened by my message",
    status=201, body="chalicelib.conversations.schemas:CheckoutInput", errors=(400, 401, 402, 403, 404, 409, 422, 503),
    headers=(IDEMPOTENCY_KEY,), response=f"{RESPONSES}:ServiceCheckoutStarted", limit=CHECKOUTS,
    notes=(HOLD_CAP_NOTE,),
)  # fmt: skip
def check_out(request: ApiRequest, expert_id: str, service_id: str) -> dict[str, Any]:
    from chalicelib.conversations.schemas import CheckoutInput
    from chalicelib.services.checkout import check_out as run

    return run(
        request.caller.account_id, expert_id, service_id, request.body(CheckoutInput),
        idempotency_key=request.header(IDEMPOTENCY_KEY), now=runtime.now(),
    )  # fmt: skip


@api.route(
    "/checkouts/{checkout_id}", "GET", summary="A checkout (its client and expert only)", errors=(401, 404),
    response=CHECKOUT,
)  # fmt: skip
def checkout(request: ApiRequest, checkout_id: str) -> dict[str, Any]:
    from chalicelib.services.checkout import read_checkout

    return read_checkout(checkout_id, request.caller.account_id)


@api.route(
    "/checkouts/{checkout_id}/accept", "POST", summary="The expert takes the work on: the hold is captured",
    errors=(401, 403, 404, 409, 503), response=CHECKOUT,
)  # fmt: skip
def accept(request: ApiRequest, checkout_id: str) -> dict[str, Any]:
    from chalicelib.services.checkout import accept_checkout

    return accept_checkout(checkout_id, request.caller.account_id, now=runtime.now())


@api.route(
    "/checkouts/{checkout_id}/decline", "POST", summary="The expert turns the work down: the hold is released",
    errors=(401, 403, 404, 409, 503), response=CHECKOUT,
)  # fmt: skip
def decline(request: ApiRequest, checkout_id: str) -> dict[str, Any]:
    from chalicelib.services.checkout import decline_checkout

    return decline_checkout(checkout_id, request.caller.account_id, now=runtime.now())
