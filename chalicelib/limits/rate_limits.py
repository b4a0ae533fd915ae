"""How often one account may do each sensitive thing: the table of limits, and the window arithmetic (pure).

Each action has a fixed window (aligned to the epoch, so every request of a window names the same counter)
and a most per window. The limits are set for people, not scripts: a person books a few appointments a day,
asks an expert or two for a call, writes a few dozen messages in a conversation; a script does hundreds. A
person who is refused is told how long to wait (``Retry-After``: the seconds until the window ends).

``chalicelib.limits.limiter`` counts the requests in DynamoDB; the routes name their action
(``ApiBlueprint.route(limit=...)``) and the OpenAPI document states each route's limit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class RateLimit:
    most: int  # requests per window, per account
    window: timedelta
    what: str  # the action, for people: "bookings" in "at most 20 bookings an hour"

    def window_start(self, now: datetime) -> datetime:
        return _EPOCH + ((now - _EPOCH) // self.window) * self.window

    def retry_after(self, now: datetime) -> int:
        """Whole seconds until the window that holds ``now`` ends (at least 1)."""
        left = self.window_start(now) + self.window - now
        return max(1, math.ceil(left.total_seconds()))

    def stated(self) -> str:
        """``at most 20 bookings an hour``, as the document and the README say it."""
        return f"at most {self.most} {self.what} {_per(self.window)}"


def _per(window: timedelta) -> str:
    minutes = int(window.total_seconds()) // 60
    if minutes == 60:
        return "an hour"
    if minutes % 60 == 0:
        return f"per {minutes // 60} hours"
    return "a minute" if minutes == 1 else f"per {minutes} minutes"


HOUR = timedelta(hours=1)

SIGN_UP = "sign_up"
CALL_REQUESTS = "call_requests"
BOOKINGS = "bookings"
CHECKOUTS = "checkouts"
MESSAGES = "messages"
UPLOADS = "uploads"
QUESTIONS = "questions"
ANSWERS = "answers"

RATE_LIMITS: dict[str, RateLimit] = {
    # registering the account after Cognito's sign-up (Cognito's own limits and, in AWS, WAF guard the pool);
    # a client that registers again before each step it takes (409 once registered) still fits
    SIGN_UP: RateLimit(20, HOUR, "account registrations"),
    # a person rings an expert or two, and another when one declines; a script rings everyone online
    CALL_REQUESTS: RateLimit(20, HOUR, "call requests"),
    # a few bookings a day, a few reschedules; each attempt counts, a slot taken meanwhile included
    BOOKINGS: RateLimit(20, HOUR, "bookings and reschedules"),
    CHECKOUTS: RateLimit(10, HOUR, "checkouts"),
    # a lively conversation is a message every few seconds for a while, not hundreds
    MESSAGES: RateLimit(100, timedelta(minutes=10), "messages"),
    UPLOADS: RateLimit(60, HOUR, "uploads"),
    QUESTIONS: RateLimit(10, HOUR, "questions"),
    ANSWERS: RateLimit(30, HOUR, "answers"),
}


def rate_limit(action: str) -> RateLimit:
    return RATE_LIMITS[action]
