"""Spend one request of an account's rate limit, or refuse it with 429 and how long to wait.

A fixed window counter in DynamoDB: one ``UpdateItem`` per limited request, ``ADD spent 1`` on condition
that the count is still under the limit. DynamoDB applies conditional updates of one item one at a time,
so however many requests arrive at once, exactly ``most`` of a window pass (no read-then-write race), and
a refused request leaves the count as it was. The counter is removed by TTL after its window.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import UpdateError

from chalicelib.errors import TooManyRequests
from chalicelib.limits.rate_limits import rate_limit
from chalicelib.models.conditions import condition_failed
from chalicelib.models.limits import RateCounter

KEPT_AFTER_WINDOW = timedelta(hours=1)


def spend(action: str, account_id: str, now: datetime) -> None:
    """Count one ``action`` of ``account_id`` at ``now``; 429 ``rate_limited`` once the window's limit is spent."""
    limit = rate_limit(action)
    start = limit.window_start(now)
    counter = RateCounter(f"{action}#{account_id}#{start.strftime('%Y-%m-%dT%H:%M:%SZ')}")
    try:
        counter.update(
            actions=[RateCounter.spent.add(1), RateCounter.expires.set(start + limit.window + KEPT_AFTER_WINDOW)],
            condition=RateCounter.spent.does_not_exist() | (RateCounter.spent < limit.most),
        )
    except UpdateError as error:
        if not condition_failed(error):
            raise
        wait = limit.retry_after(now)
        raise TooManyRequests(
            f"Too many {limit.what}: {limit.stated()} per account; try again in {wait} seconds.", retry_after=wait
        ) from None
