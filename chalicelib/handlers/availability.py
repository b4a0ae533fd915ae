"""Routes for an expert's availability and the bookable slots clients read."""

from __future__ import annotations

from typing import Any

from chalicelib import runtime
from chalicelib.availability.manage import DEFAULT_SLOT_MINUTES, MAX_SLOT_DAYS, MAX_SLOT_MINUTES, MIN_SLOT_MINUTES
from chalicelib.web.api import ApiBlueprint, ApiRequest, QueryParam

api = ApiBlueprint(__name__, tag="availability")
RESPONSES = "chalicelib.availability.responses"


@api.route(
    "/experts/me/availability", "PUT", summary="Set my weekly hours, date overrides, buffers, notice and horizon",
    body="chalicelib.availability.schemas:AvailabilityInput", errors=(400, 401, 404, 409),
    response=f"{RESPONSES}:AvailabilityView",
)  # fmt: skip
def set_availability(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.availability.manage import save_availability
    from chalicelib.availability.schemas import AvailabilityInput

    data = request.body(AvailabilityInput)
    return save_availability(request.caller.account_id, data, now=runtime.now())


@api.route(
    "/experts/me/availability", "GET", summary="My availability", errors=(401, 404),
    response=f"{RESPONSES}:AvailabilityView",
)  # fmt: skip
def get_availability(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.availability.manage import read_availability

    return read_availability(request.caller.account_id)


@api.route(
    "/experts/{expert_id}/slots", "GET", summary="An expert's bookable slots, in UTC and in the client's zone",
    public=True, errors=(400, 404), response=f"{RESPONSES}:ExpertSlots",
    query=(
        QueryParam("from", "First local date in the client's zone.", required=True, format="date"),
        QueryParam("to", f"Last local date (inclusive), on or after 'from', at most {MAX_SLOT_DAYS} days in all.",
                   required=True, format="date"),
        QueryParam("tz", "The client's IANA time zone, e.g. Europe/Berlin.", default="UTC"),
        QueryParam("minutes", "Slot length in minutes.", "integer", minimum=MIN_SLOT_MINUTES,
                   maximum=MAX_SLOT_MINUTES, default=DEFAULT_SLOT_MINUTES),
    ),
)  # fmt: skip
def slots(request: ApiRequest, expert_id: str) -> dict[str, Any]:
    from chalicelib.availability.manage import expert_slots, parse_slots_query, slots_range
    from chalicelib.bookings.busy import busy_intervals

    query = parse_slots_query(request.query("from"), request.query("to"), request.query("tz"), request.query("minutes"))
    busy = busy_intervals(expert_id, *slots_range(query))
    return expert_slots(expert_id, query, busy=busy, now=runtime.now())
