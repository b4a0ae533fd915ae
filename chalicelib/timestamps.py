"""How instants are written: in the API (ISO 8601 UTC with a ``Z``), in index keys (fixed width, so they
sort as time), and as ISO weeks (pure)."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_text(instant: datetime) -> str:
    """``2026-03-02T10:00:00Z`` for an aware datetime, whatever its zone."""
    if instant.tzinfo is None:
        raise ValueError("utc_text needs an aware datetime")
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


def utc_text_or_none(instant: datetime | None) -> str | None:
    return utc_text(instant) if instant is not None else None


def iso_week(moment: datetime) -> str:
    """The ISO week of ``moment`` in UTC, e.g. ``2026-W47`` (payouts and statements go by it)."""
    if moment.tzinfo is None:
        raise ValueError("iso_week needs an aware datetime")
    year, week, _ = moment.astimezone(UTC).isocalendar()
    return f"{year}-W{week:02d}"


def sortable_utc(instant: datetime) -> str:
    """An index key that sorts as time: fixed width, microseconds included, ``2026-03-02T10:00:00.000000Z``."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
