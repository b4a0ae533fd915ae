"""A lead's states, and the dashboard stage each belongs to (pure).

open -> awaiting_payment (a seller's terms were accepted) -> in_progress (paid; funds held by the
platform) -> delivered -> completed. Side exits: closed (the buyer stopped it before hiring),
cancelled (the deadline passed undelivered; refunded in full), disputed (funds frozen).
"""

from __future__ import annotations

from datetime import UTC, datetime

OPEN = "open"
AWAITING_PAYMENT = "awaiting_payment"
IN_PROGRESS = "in_progress"
DELIVERED = "delivered"
COMPLETED = "completed"
CLOSED = "closed"
CANCELLED = "cancelled"
DISPUTED = "disputed"

# The buyer's dashboard: open, in progress, completed (and ended: closed or cancelled).
BUYER_STAGES = {
    OPEN: "open",
    AWAITING_PAYMENT: "in_progress",
    IN_PROGRESS: "in_progress",
    DELIVERED: "in_progress",
    DISPUTED: "in_progress",
    COMPLETED: "completed",
    CLOSED: "ended",
    CANCELLED: "ended",
}


def stage_key(stage: str, created_at: datetime, lead_id: str) -> str:
    """A dashboard index key: a stage's items, newest first when read backwards (buyers' and sellers')."""
    return f"{stage}#{created_at.astimezone(UTC).isoformat()}#{lead_id}"


def buyer_stage_key(status: str, created_at: datetime, lead_id: str) -> str:
    return stage_key(BUYER_STAGES[status], created_at, lead_id)
