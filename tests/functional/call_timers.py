"""The call-timer queue played on a test's clock: each timer runs when SQS would let it be received.

``PlayedTimers`` is what ``runtime.call_timers()`` answers in tests that ask for the ``call_timers``
fixture: it keeps every timer sent with the moment its delay ends (``delay_seconds``, at most 15
minutes, as SQS), and ``run_until(t)`` hands them to ``sweep.run_timers`` one at a time in that
order, each at its own moment, until none is left up to ``t``: the timers that runs send are played
too, and the effects of each run's changes are delivered after it. ``deliveries=2`` hands each timer
over twice (SQS delivers at least once).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta

from chalicelib.sessions.notifier import CallNotifier
from chalicelib.sessions.sweep import TimerResult, run_timers
from chalicelib.sessions.timers import Timer, delay_seconds
from tests.functional.deliveries import deliver_pending


@dataclass
class PlayedTimers:
    deliveries: int = 1
    sent: list[tuple[Timer, int]] = field(default_factory=list)  # each timer with the DelaySeconds it got
    _pending: list[tuple[datetime, int, Timer]] = field(default_factory=list)
    _order: itertools.count[int] = field(default_factory=itertools.count)

    def send(self, timers: Sequence[Timer], now: datetime) -> None:
        for timer in timers:
            delay = delay_seconds(timer.due_at, now)
            self.sent.append((timer, delay))
            heapq.heappush(self._pending, (now + timedelta(seconds=delay), next(self._order), timer))

    def pending(self) -> list[tuple[datetime, Timer]]:
        return sorted((visible, timer) for visible, _, timer in self._pending)

    def run_until(self, until: datetime, notifier: CallNotifier) -> TimerResult:
        """Run every timer received up to ``until``, each at its moment; the runs' results added up."""
        total = TimerResult()
        while self._pending and self._pending[0][0] <= until:
            visible, _, timer = heapq.heappop(self._pending)
            result = run_timers([timer] * self.deliveries, visible, notifier, self)
            deliver_pending()  # what the run's changes call for (a call's end told to both), as the pipe would
            for name in (f.name for f in fields(TimerResult)):
                setattr(total, name, getattr(total, name) + getattr(result, name))
        return total
