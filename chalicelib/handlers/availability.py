"""Routes for an expert's availability and the bookable slots clients read."""

from __future__ import annotations

from typing import Any

from chalicelib import runtime
from chalicelib.web.api import ApiBlueprint, ApiRequest, QueryParam

api = ApiBlueprint(__name__, tag="availability")


@api.route(
    "/experts/me/availability", "PUT", summary="Set my weekly hours, date overrides, buffers, notice and horizon",
    body="chalicelib.availability.schemas:AvailabilityInput", errors=(400, 401, 404, 409),
)  # fmt: skip
def set_availability(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.availability.manage import save_availability
    from chalicelib.availability.schemas import AvailabilityInput

    data = request.body(AvailabilityInput)
    return save_availability(request.caller.account_id, data, now=runtime.now())


@api.route("/experts/me/availability", "GET", summary="My availability", errors=(401, 404))
def get_availability(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.availability.manage import read_availability

    return read_availability(request.caller.account_id)


@api.route(
    "/experts/{expert_id}/slots", "GET", summary="An expert's bookable slots, in UTC and in the client's zone",
    public=True, errors=(400, 404),
    query=(
        QueryParam("from", "First local date in the client's zone, YYYY-MM-DD."),
        QueryParam("to", "Last local date (inclusive), at most 31 days in all."),
        QueryParam("tz", "The client's IANA time zone (default UTC)."),
        QueryParam("minutes", "Slot length in minutes, 5 to 480 (default 30).", "integer"),
    ),
)  # fmt: skip
def slots(request: ApiRequest, expert_id: str) -> dict[str, Any]:
    from chalicelib.availability.manage import expert_slots, parse_slots_query, slots_range
    from chalicelib.bookings.busy import busy_intervals

    query = parse_slots_query(request.query("from"), request.query("to"), request.query("tz"), request.query("minutes"))
    busy = busy_intervals(expert_id, *slots_range(query))
    return expert_slots(expert_id, query, busy=busy, now=runtime.now())
