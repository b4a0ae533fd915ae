"""Routes for appointments: a client books an expert's slot; its participants read or cancel it."""

from __future__ import annotations

from typing import Any

from chalicelib import runtime
from chalicelib.web.api import ApiBlueprint, ApiRequest

api = ApiBlueprint(__name__, tag="bookings")


@api.route(
    "/bookings", "POST", summary="Book one of an expert's slots (paid: the card is held; or the free consultation)",
    status=201, body="chalicelib.bookings.schemas:BookingInput", errors=(400, 401, 402, 403, 404, 409),
)  # fmt: skip
def create_booking(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.bookings.book import book
    from chalicelib.bookings.schemas import BookingInput

    return book(request.caller.account_id, request.body(BookingInput), now=runtime.now())


@api.route("/bookings/{appointment_id}", "GET", summary="A booking (its client and expert only)", errors=(401, 404))
def get_booking(request: ApiRequest, appointment_id: str) -> dict[str, Any]:
    from chalicelib.bookings.book import read_booking

    return read_booking(appointment_id, request.caller.account_id)


@api.route(
    "/bookings/{appointment_id}/cancel", "POST", summary="Cancel a booking: its time is freed and any hold released",
    errors=(401, 404, 409),
)  # fmt: skip
def cancel_booking(request: ApiRequest, appointment_id: str) -> dict[str, Any]:
    from chalicelib.bookings.book import cancel_booking as cancel

    return cancel(appointment_id, request.caller.account_id, now=runtime.now())
