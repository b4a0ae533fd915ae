"""A clock a test moves by hand, handed to the app with ``runtime.set_clock(lambda: clock.now)``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


@dataclass
class Clock:
    now: datetime = T0

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now
