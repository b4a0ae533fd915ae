"""Scheduled jobs of conversations and service checkouts."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Rate

from chalicelib import runtime
from chalicelib.web.logs import log_info

jobs = Blueprint(__name__)


@jobs.schedule(Rate(1, unit=Rate.HOURS))
def remind_experts_of_waiting_messages(event: Any) -> None:
    """Hourly: an expert whose client has waited 20 hours is emailed once, before 24 hours pass."""
    from chalicelib.conversations.reminders import remind_waiting_experts

    outcome = remind_waiting_experts(runtime.now())
    log_info("experts reminded", due=outcome.due, reminded=outcome.reminded)


@jobs.schedule(Rate(1, unit=Rate.HOURS))
def release_unaccepted_checkout_holds(event: Any) -> None:
    """Hourly: a checkout's hold the expert has not accepted within 6 days is released."""
    from chalicelib.services.checkout import release_unaccepted_holds

    outcome = release_unaccepted_holds(runtime.now())
    log_info("checkout holds released", due=outcome.due, released=outcome.released)
