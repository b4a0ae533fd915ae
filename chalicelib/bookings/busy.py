"""An expert's booked time, read through the sparse ``busy`` index (a Query, never a Scan)."""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.models.appointment import Appointment
from chalicelib.timestamps import sortable_utc

# A booking lasts at most 95 granules (under 8 hours): one that ends after ``begin`` started within a day of it.
_LONGEST = timedelta(days=1)


def busy_intervals(expert_id: str, begin: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The expert's appointments (without buffers) that hold time overlapping ``[begin, end)``."""
    low, high = sortable_utc(begin - _LONGEST), sortable_utc(end)
    found: list[tuple[datetime, datetime]] = []
    for item in Appointment.busy.query(expert_id, Appointment.busy_start.between(low, high)):
        if item.busy_start is None or item.busy_end is None:
            continue
        start, finish = datetime.fromisoformat(item.busy_start), datetime.fromisoformat(item.busy_end)
        if start < end and finish > begin:
            found.append((start, finish))
    return found
