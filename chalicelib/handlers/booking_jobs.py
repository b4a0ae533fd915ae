"""The scheduled booking agenda: approvals running out, reminders, holds, charging after delivery."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Rate

from chalicelib import runtime
from chalicelib.web.logs import log_info

jobs = Blueprint(__name__)


@jobs.schedule(Rate(5, unit=Rate.MINUTES))
def run_booking_agenda(event: Any) -> None:
    """Every 5 minutes: do what is due for each appointment (safe to run twice, or twice at once)."""
    from chalicelib.bookings.agenda import run_booking_agenda as run

    outcome = run(runtime.now())
    log_info("booking agenda", due=outcome.due, done=outcome.done, failed=outcome.failed)
