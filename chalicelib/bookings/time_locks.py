"""The 5-minute granules an appointment occupies: the keys of its time locks (pure).

An appointment occupies ``[start - buffer_before, end + buffer_after)``. One lock item per
granule of that span is written with ``attribute_not_exists`` in the transaction that
creates the appointment. Two half-open spans overlap exactly when they share a granule
(edges are floored and ceiled to granule boundaries), so of two overlapping bookings, of
any lengths, at most one transaction can commit.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

GRANULE_MINUTES = 5
GRANULE = timedelta(minutes=GRANULE_MINUTES)
MAX_GRANULES = 95  # + the appointment, the free-consultation marker and a hold seat: within DynamoDB's 100 items
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def occupied_span(start: datetime, end: datetime, buffer_before: int, buffer_after: int) -> tuple[datetime, datetime]:
    """What a booking holds: its time widened by the expert's buffers (minutes)."""
    return start - timedelta(minutes=buffer_before), end + timedelta(minutes=buffer_after)


def granules(begin: datetime, end: datetime) -> list[datetime]:
    """Starts (UTC) of the granules that ``[begin, end)`` touches; empty if the span is empty."""
    if begin.tzinfo is None or end.tzinfo is None:
        raise ValueError("granules need aware datetimes")
    if end <= begin:
        return []
    first = _floor(begin)
    count = -((_EPOCH - end) // GRANULE) - (first - _EPOCH) // GRANULE  # ceil(end) - floor(begin), in granules
    return [first + GRANULE * i for i in range(count)]


def is_aligned(instant: datetime) -> bool:
    return (instant - _EPOCH) % GRANULE == timedelta()


def lock_key(expert_id: str, granule_start: datetime) -> str:
    stamp = granule_start.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")
    return f"{expert_id}#{stamp}"


def lock_keys(expert_id: str, begin: datetime, end: datetime) -> list[str]:
    return [lock_key(expert_id, granule) for granule in granules(begin, end)]


def _floor(instant: datetime) -> datetime:
    return _EPOCH + ((instant - _EPOCH) // GRANULE) * GRANULE
