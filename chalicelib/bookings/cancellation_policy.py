"""The per-expert cancellation and reschedule policy (pure).

An expert sets a cut-off in hours before the start and the share of the amount charged to a
client who cancels after it. The policy is copied onto each appointment when it is booked, so
a later change never alters a booking already made.

* A client who cancels before the cut-off pays nothing; after it, ``late_share_bps`` of the
  amount (rounded down, in the client's favour).
* An expert's cancellation always releases everything.
* A client may reschedule only before the cut-off; an expert may reschedule until the start.
* A request still awaiting approval can be withdrawn by the client at no charge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.money.commission import BPS_DENOMINATOR


@dataclass(frozen=True)
class CancellationPolicy:
    cutoff_hours: int
    late_share_bps: int

    def cutoff(self, start: datetime) -> datetime:
        """The last moment a client may cancel for free or reschedule."""
        return start - timedelta(hours=self.cutoff_hours)

    def is_late(self, start: datetime, now: datetime) -> bool:
        return now >= self.cutoff(start)

    def cancellation_charge(self, amount: int, *, start: datetime, now: datetime, by_expert: bool) -> int:
        """What a cancellation at ``now`` costs the client, in minor units."""
        if by_expert or not self.is_late(start, now):
            return 0
        return amount * self.late_share_bps // BPS_DENOMINATOR

    def client_may_reschedule(self, start: datetime, now: datetime) -> bool:
        return not self.is_late(start, now)
