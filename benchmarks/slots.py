"""A month of slots for a busy expert, against the same month with no bookings.

What: ``available_slots`` (``chalicelib/availability/rules.py``, a pure function, timed
in-process) computes a month of 30-minute slots for an expert in Europe/Berlin
(weekdays 09:00-12:00 and 13:00-18:00, 10-minute buffers on both sides, March 2026,
which has the EU clock change) twice: with ``--bookings`` bookings (200) spread over the
month's working hours, and with none. Runs alternate busy / empty so machine noise hits
both; the median of ``--runs`` of each is compared.

The ratio says what the bookings cost: the rule sorts and merges them once and finds
each candidate's neighbour by bisection, so it stays near 1; a rule that compared every
candidate with every booking would grow with their product.

    scripts/bench-slots [--runs 201] [--bookings 200]

Exits 1 if the busy month takes more than 3 times the empty one (measured: 1.03; 1.5 with 2,000 bookings).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from chalicelib.availability.rules import AvailabilityRules, Slot, available_slots, parse_range

MONTH_START = datetime(2026, 3, 1, tzinfo=UTC)
MONTH_END = datetime(2026, 4, 1, tzinfo=UTC)
NOW = MONTH_START - timedelta(days=1)
RATIO_LIMIT = 3.0
WORKDAY = [parse_range("09:00-12:00"), parse_range("13:00-18:00")]
RULES = AvailabilityRules(
    "Europe/Berlin",
    {weekday: WORKDAY for weekday in range(5)},
    buffer_before_minutes=10,
    buffer_after_minutes=10,
    booking_horizon_days=90,
)


def bookings(count: int) -> list[tuple[datetime, datetime]]:
    """``count`` bookings of 30 or 60 minutes at working-hour starts (08:00-16:30 UTC), spread over the month
    in a scrambled order (the rule must sort them)."""
    busy: list[tuple[datetime, datetime]] = []
    for n in range(count):
        day = MONTH_START + timedelta(days=(n * 7) % 31)
        start = day + timedelta(hours=8, minutes=30 * ((n * 11) % 18))
        busy.append((start, start + timedelta(minutes=30 if n % 3 else 60)))
    return busy


def compute(busy: Sequence[tuple[datetime, datetime]]) -> Callable[[], list[Slot]]:
    return lambda: available_slots(RULES, busy, MONTH_START, MONTH_END, NOW, length_minutes=30)


def timed(action: Callable[[], list[Slot]]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/bench-slots", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("--runs", type=int, default=201, help="timed runs of each (default 201)")
    parser.add_argument("--bookings", type=int, default=200, help="bookings in the busy month (default 200)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.bookings < 0:
        parser.error("need --runs >= 1 and --bookings >= 0")

    busy_month, empty_month = compute(bookings(args.bookings)), compute([])
    busy_slots, empty_slots = busy_month(), empty_month()  # untimed warm-up, and the counts to print
    busy_times: list[float] = []
    empty_times: list[float] = []
    for run in range(args.runs):
        pair = [(busy_times, busy_month), (empty_times, empty_month)]
        for times, action in pair if run % 2 else reversed(pair):
            times.append(timed(action))
    busy_ms, empty_ms = statistics.median(busy_times) * 1000, statistics.median(empty_times) * 1000
    ratio = busy_ms / empty_ms

    print(f"slots benchmark (python {sys.version.split()[0]}, {args.runs} runs each, in-process)")
    print(f"  March 2026, {RULES.time_zone}, 30-minute slots, buffers 10/10 minutes")
    print(f"  {'no bookings':>14}: {len(empty_slots):>4} slots   median {empty_ms:.3f} ms")
    print(f"  {f'{args.bookings:,} bookings':>14}: {len(busy_slots):>4} slots   median {busy_ms:.3f} ms")
    verdict = "met" if ratio <= RATIO_LIMIT else "NOT met"
    print(f"slots ratio (median, busy / empty): {ratio:.2f}  target <= {RATIO_LIMIT:g}: {verdict}")
    return 0 if ratio <= RATIO_LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
