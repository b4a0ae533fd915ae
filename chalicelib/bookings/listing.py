"""Use case: a person's bookings, as client or as expert, upcoming or past, a page at a time.

Read from the ``by_client`` / ``by_expert`` indexes (a Query per page, never a Scan). An
expert's waiting requests show how long they have waited (``waiting_seconds``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib.bookings.agenda_rules import STATUSES
from chalicelib.bookings.records import appointment_view
from chalicelib.bookings.time_locks import GRANULE_MINUTES, MAX_GRANULES
from chalicelib.errors import FieldProblem, InvalidInput
from chalicelib.models.appointment import Appointment
from chalicelib.web.cursors import decode_cursor, encode_cursor
from chalicelib.web.numbers import is_plain_digits

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
ROLES = ("client", "expert")
WHEN = ("upcoming", "past")
_LONGEST = timedelta(minutes=GRANULE_MINUTES * MAX_GRANULES)


def my_bookings(
    caller_id: str, *, role: str | None, when: str | None, status: str | None, limit: str | None,
    cursor: str | None, now: datetime,
) -> dict[str, Any]:  # fmt: skip
    """Upcoming: by start, soonest first (including those under way). Past: latest first."""
    role, when = role or "client", when or "upcoming"
    problems = []
    if role not in ROLES:
        problems.append(FieldProblem("as", "invalid_choice", f"'as' is one of {', '.join(ROLES)}."))
    if when not in WHEN:
        problems.append(FieldProblem("when", "invalid_choice", f"'when' is one of {', '.join(WHEN)}."))
    if status is not None and status not in STATUSES:
        problems.append(FieldProblem("status", "invalid_choice", f"'status' is one of {', '.join(STATUSES)}."))
    size = _page_size(limit, problems)
    if problems:
        raise InvalidInput("The listing's query is not valid.", problems)
    index = Appointment.by_client if role == "client" else Appointment.by_expert
    scope = f"bookings:{role}:{when}:{status or ''}:{caller_id}"
    start_key = decode_cursor(scope, cursor) if cursor else None
    boundary = now - _LONGEST
    condition = Appointment.start >= boundary if when == "upcoming" else Appointment.start < now
    page = index.query(
        caller_id, condition, filter_condition=(Appointment.status == status) if status else None,
        scan_index_forward=when == "upcoming", limit=size, last_evaluated_key=start_key,
    )  # fmt: skip
    items = [item for item in page if (item.end > now) == (when == "upcoming")]
    last = page.last_evaluated_key
    return {
        "items": [appointment_view(item, now) for item in items],
        "next_cursor": encode_cursor(scope, last) if last else None,
    }


def _page_size(limit: str | None, problems: list[FieldProblem]) -> int:
    if limit is None:
        return PAGE_SIZE
    if not is_plain_digits(limit) or not 1 <= int(limit) <= MAX_PAGE_SIZE:
        problems.append(FieldProblem("limit", "out_of_range", f"'limit' is a whole number from 1 to {MAX_PAGE_SIZE}."))
        return PAGE_SIZE
    return int(limit)
