"""Routes for appointments: a client books an expert's slot; its participants read, move or cancel
it; an expert who requires approval approves or declines requests."""

from __future__ import annotations

from typing import Any

from chalicelib import runtime
from chalicelib.bookings.agenda_rules import STATUSES
from chalicelib.bookings.listing import MAX_PAGE_SIZE, PAGE_SIZE, ROLES, WHEN
from chalicelib.limits.hold_cap import HOLD_CAP_NOTE
from chalicelib.limits.rate_limits import BOOKINGS
from chalicelib.web.api import IDEMPOTENCY_KEY, ApiBlueprint, ApiRequest, QueryParam

api = ApiBlueprint(__name__, tag="bookings")
BOOKING_VIEW = "chalicelib.bookings.responses:BookingView"


@api.route(
    "/bookings", "POST", summary="Book one of an expert's slots (paid: the card is held; or the free consultation)",
    status=201, body="chalicelib.bookings.schemas:BookingInput", errors=(400, 401, 402, 403, 404, 409, 503),
    response="chalicelib.bookings.responses:BookingMade", limit=BOOKINGS, notes=(HOLD_CAP_NOTE,),
)  # fmt: skip
def create_booking(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.bookings.book import book
    from chalicelib.bookings.schemas import BookingInput

    return book(request.caller.account_id, request.body(BookingInput), now=runtime.now())


@api.route(
    "/bookings/{appointment_id}/confirm-card", "POST",
    summary="After the card's holder confirmed it with Stripe.js (3-D Secure): the booking goes ahead",
    errors=(401, 402, 403, 404, 409, 503), response=BOOKING_VIEW,
)  # fmt: skip
def confirm_booking_card(request: ApiRequest, appointment_id: str) -> dict[str, Any]:
    from chalicelib.bookings.book import confirm_card

    return confirm_card(appointment_id, request.caller.account_id, now=runtime.now())


@api.route(
    "/bookings", "GET", summary="My bookings as client or expert, upcoming (soonest first) or past (latest first)",
    errors=(400, 401), response="chalicelib.bookings.responses:BookingPage",
    query=(
        QueryParam("as", "My bookings as the client or as the expert.", enum=ROLES, default="client"),
        QueryParam("when", "upcoming (soonest first, those under way included) or past (latest first).",
                   enum=WHEN, default="upcoming"),
        QueryParam("status", "Only bookings in this status.", enum=STATUSES),
        QueryParam("limit", "Page size.", "integer", minimum=1, maximum=MAX_PAGE_SIZE, default=PAGE_SIZE),
        QueryParam("cursor", "next_cursor of the previous page of this same listing."),
    ),
)  # fmt: skip
def list_bookings(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.bookings.listing import my_bookings

    return my_bookings(
        request.caller.account_id, role=request.query("as"), when=request.query("when"),
        status=request.query("status"), limit=request.query("limit"), cursor=request.query("cursor"),
        now=runtime.now(),
    )  # fmt: skip


@api.route(
    "/bookings/{appointment_id}", "GET", summary="A booking (its client and expert only)", errors=(401, 404),
    response=BOOKING_VIEW,
)  # fmt: skip
def get_booking(request: ApiRequest, appointment_id: str) -> dict[str, Any]:
    from chalicelib.bookings.records import appointment_view, participant_of

    now = runtime.now()
    return appointment_view(participant_of(appointment_id, request.caller.account_id), now)


@api.route(
    "/bookings/{appointment_id}/cancel", "POST",
    summary="Cancel a booking: its time is freed; the card is charged what the expert's policy says (nothing if "
    "the expert cancels)",
    errors=(401, 404, 409, 503), response=BOOKING_VIEW,
)  # fmt: skip
def cancel_booking(request: ApiRequest, appointment_id: str) -> dict[str, Any]:
    from chalicelib.bookings.cancellation import cancel_booking as cancel

    return cancel(appointment_id, request.caller.account_id, now=runtime.now())


@api.route(
    "/bookings/{appointment_id}/reschedule", "POST",
    summary="Move a booking to another of the expert's slots (the client: before the policy's cut-off)",
    body="chalicelib.bookings.schemas:RescheduleInput", errors=(400, 401, 404, 409), response=BOOKING_VIEW,
    limit=BOOKINGS,
)  # fmt: skip
def reschedule_booking(request: ApiRequest, appointment_id: str) -> dict[str, Any]:
    from chalicelib.bookings.reschedule import reschedule
    from chalicelib.bookings.schemas import RescheduleInput

    data = request.body(RescheduleInput)
    return reschedule(appointment_id, request.caller.account_id, data.start, now=runtime.now())


@api.route(
    "/bookings/{appointment_id}/approve", "POST", summary="Approve a booking request (the expert)",
    errors=(401, 403, 404, 409), response=BOOKING_VIEW,
)  # fmt: skip
def approve_booking(request: ApiRequest, appointment_id: str) -> dict[str, Any]:
    from chalicelib.bookings.approval import approve

    return approve(appointment_id, request.caller.account_id, now=runtime.now())


@api.route(
    "/bookings/{appointment_id}/decline", "POST",
    summary="Decline a booking request (the expert): its time is freed and the hold released",
    errors=(401, 403, 404, 409, 503), response=BOOKING_VIEW,
)  # fmt: skip
def decline_booking(request: ApiRequest, appointment_id: str) -> dict[str, Any]:
    from chalicelib.bookings.approval import decline

    return decline(appointment_id, request.caller.account_id, now=runtime.now())


@api.route(
    "/bookings/{appointment_id}/call", "POST",
    summary="Open (or join again) the appointment's call: its one session, from 10 minutes before the start until "
    "the end of a confirmed booking; the other participant is told (session.opened). Repeats, with or without "
    "an Idempotency-Key, answer the same session",
    headers=(IDEMPOTENCY_KEY,), errors=(401, 404, 409), response="chalicelib.sessions.responses:CallView",
)  # fmt: skip
def open_call(request: ApiRequest, appointment_id: str) -> dict[str, Any]:
    from chalicelib.sessions.appointment_calls import open_appointment_call
    from chalicelib.sessions.notifier import default_notifier

    return open_appointment_call(
        appointment_id, request.caller.account_id, notifier=default_notifier(), now=runtime.now()
    )
