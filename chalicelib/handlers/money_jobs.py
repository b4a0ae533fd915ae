"""Scheduled money jobs that are not payouts."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Rate

from chalicelib import runtime
from chalicelib.web.logs import log_info

jobs = Blueprint(__name__)


@jobs.schedule(Rate(1, unit=Rate.HOURS))
def release_matured_earnings(event: Any) -> None:
    """Hourly: earnings past their hold period become payable at the next weekly payout."""
    from chalicelib.payments.earnings_release import release_matured_earnings as run

    outcome = run(runtime.now())
    log_info("earnings released", due=outcome.due, released=outcome.released)
