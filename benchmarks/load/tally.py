"""What the load run counts, and how it judges relayed messages (pure: no I/O, no clock of its own).

A *stream* is one direction of one call (the client's messages to the expert, or the expert's to the
client). The sender numbers each message it sends in the stream (``seq``, carried in the payload) and
notes when it sent it and how the server answered (``ack``, or an error code); the receiver notes each
numbered message it gets and when. From both ends, ``Stream.findings`` tells:

* **lost**: acknowledged (the server said the other side's devices have it) but never received;
* **doubled**: received more than once (each extra copy counts once);
* **stray**: received though never sent in this stream, or though the server refused it;
* **unanswered**: sent, but neither acknowledged nor refused;
* **reordered**: received after a message with a higher number (reported; the protocol does not
  promise order across messages, only that each is delivered once).

Messages that cannot carry a number (``media.toggle``, whose fields are fixed, and ``signal.ice`` with
``payload: null``, the end of candidates) are *counted*: ``Counted`` compares acknowledged with received.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

ACK = "ack"


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank ``q``-th percentile (0 < q <= 100): the smallest value with at least q% of
    the values at or below it. NaN for no values."""
    if not 0 < q <= 100:
        raise ValueError(f"percentile {q} is not in (0, 100]")
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass
class Findings:
    lost: list[int] = field(default_factory=list)
    doubled: list[int] = field(default_factory=list)
    stray: list[int] = field(default_factory=list)
    unanswered: list[int] = field(default_factory=list)
    reordered: int = 0

    @property
    def faults(self) -> int:
        """Everything that breaks delivery exactly once (reordering is reported apart)."""
        return len(self.lost) + len(self.doubled) + len(self.stray) + len(self.unanswered)

    def add(self, other: Findings) -> None:
        self.lost += other.lost
        self.doubled += other.doubled
        self.stray += other.stray
        self.unanswered += other.unanswered
        self.reordered += other.reordered


@dataclass
class Stream:
    """One direction of one call: numbered messages as sent, answered and received."""

    sent_at: dict[int, float] = field(default_factory=dict)
    answers: dict[int, str] = field(default_factory=dict)  # seq -> "ack" or the error code
    arrivals: list[tuple[int, float]] = field(default_factory=list)
    next_seq: int = 0

    def send(self, at: float) -> int:
        """The next number, noted as sent at ``at``."""
        seq = self.next_seq
        self.next_seq += 1
        self.sent_at[seq] = at
        return seq

    def answered(self, seq: int, outcome: str) -> None:
        self.answers.setdefault(seq, outcome)

    def arrived(self, seq: int, at: float) -> None:
        self.arrivals.append((seq, at))

    def findings(self) -> Findings:
        found = Findings()
        copies = Counter(seq for seq, _ in self.arrivals)
        found.lost = sorted(s for s, outcome in self.answers.items() if outcome == ACK and copies[s] == 0)
        found.doubled = sorted(s for s, n in copies.items() for _ in range(n - 1))
        found.stray = sorted(s for s in copies if s not in self.sent_at or self.answers.get(s, ACK) != ACK)
        found.unanswered = sorted(s for s in self.sent_at if s not in self.answers)
        highest = -1
        for seq, _ in self.arrivals:
            if seq < highest:
                found.reordered += 1
            highest = max(highest, seq)
        return found

    def latencies(self) -> list[float]:
        """Send to first receipt, in seconds, for each message received that was sent in this stream."""
        first: dict[int, float] = {}
        for seq, at in self.arrivals:
            first.setdefault(seq, at)
        return [at - self.sent_at[seq] for seq, at in first.items() if seq in self.sent_at]


@dataclass
class Counted:
    """Messages that carry no number: how many the server acknowledged, how many arrived."""

    acked: int = 0
    received: int = 0

    def findings(self) -> Findings:
        missing, extra = max(0, self.acked - self.received), max(0, self.received - self.acked)
        return Findings(lost=[-1] * missing, doubled=[-1] * extra)


@dataclass
class Latencies:
    """Seconds per kind of exchange (REST request, WebSocket reply, relay), reported in milliseconds."""

    samples: dict[str, list[float]] = field(default_factory=dict)

    def add(self, kind: str, seconds: float) -> None:
        self.samples.setdefault(kind, []).append(seconds)

    def extend(self, kind: str, seconds: Sequence[float]) -> None:
        self.samples.setdefault(kind, []).extend(seconds)

    def row(self, kind: str) -> tuple[int, float, float, float]:
        """(count, p50, p99, max) in milliseconds."""
        values = self.samples.get(kind, [])
        if not values:
            return 0, math.nan, math.nan, math.nan
        return len(values), percentile(values, 50) * 1e3, percentile(values, 99) * 1e3, max(values) * 1e3
