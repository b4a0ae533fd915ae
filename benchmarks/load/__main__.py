"""The load run: many paid calls at once through the local stack's WebSocket gateway, then every check.

    scripts/load-calls [--calls 40] [--minutes 3] [--seed 1] [--stack DIR]

Starts its own local stack (``--stack DIR`` uses one already running there instead), signs up ``--calls``
experts, each of whom takes calls back to back for ``--minutes`` (benchmarks/load/calls.py: clients with
saved cards, signalling, drops and rejoins, hang-ups), so ``--calls`` calls are in flight at any moment.
Then it checks, through the public API only:

* every call ended and was settled once: ``GET /sessions/{id}`` says ``ended`` to both sides with the same
  bill, the bill each side was told in ``session.ended`` (once per side, never twice), the client's
  payment captured exactly the bill's amount (``GET /payments/{id}``), and each expert's earnings are
  the sum of their calls' earnings;
* every receipt was sent once per side (the moto outbox, by session id);
* no relayed message was lost, doubled or delivered to a device outside its call (benchmarks/load/tally.py).

It prints one table (calls, messages relayed, REST requests, WebSocket messages, errors by code, latency
p50 / p99 / max, receipts, wall time) and exits 1 if a check failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import math
import random
import sys
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.load.calls import RATE, Call, Lanes, Ledger, lane
from benchmarks.load.local import Counts, Rest, Stack, running_stack
from benchmarks.load.receipts import EVERY, Receipts
from benchmarks.load.tally import Findings, percentile

HOLD = (4.0, 20.0)  # seconds a short call lasts once active
LONG_HOLD = 185.0  # every fifth lane's first call: past the 3 minutes under which a call costs nothing
DROP_SHARE = 0.3  # calls in which one side's socket drops and comes back
SIGN_UP_AT_ONCE = 8
BILL_FIELDS = ("currency", "free_call", "billable_seconds", "billed_minutes", "free_minutes", "amount")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=40, help="calls in flight at once (one expert each)")
    parser.add_argument("--minutes", type=float, default=3.0, help="how long new calls keep starting")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--stack", type=Path, help="a running stack's state directory (default: start one)")
    args = parser.parse_args(argv)
    began = time.monotonic()
    with running_stack(args.stack) as (stack, stack_seconds):
        return asyncio.run(_run(stack, args, began, stack_seconds))


async def _run(stack: Stack, args: argparse.Namespace, began: float, stack_seconds: float) -> int:
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=4 * args.calls + 8))
    counts, ledger = Counts(), Ledger()
    rest = Rest(stack.info["api_url"], counts, pool=4 * args.calls + 8)
    run = uuid.uuid4().hex[:6]
    lanes = Lanes(stack, rest, counts, ledger, random.Random(args.seed), deadline=0.0, hold=HOLD,
                  long_hold=LONG_HOLD if args.minutes * 60 >= 150 else 0.0, drop_share=DROP_SHARE)  # fmt: skip
    at_once = asyncio.Semaphore(SIGN_UP_AT_ONCE)

    async def expert(number: int) -> Any:
        async with at_once:
            return await lanes.new_person(f"load-{run}-e{number}@example.com", "expert")

    lanes.experts = list(await asyncio.gather(*(expert(n) for n in range(args.calls))))
    signed_up = time.monotonic()
    lanes.deadline = signed_up + args.minutes * 60
    spread = min(5.0, args.minutes * 6)  # lanes start over the first few seconds, not in one instant
    receipts, stop_watching = Receipts(stack, lanes.calls), asyncio.Event()
    watching = asyncio.create_task(receipts.watch(stop_watching))
    await asyncio.gather(
        *(lane(lanes, n, run, person, n * spread / args.calls) for n, person in enumerate(lanes.experts))
    )
    loaded = time.monotonic()
    stop_watching.set()
    await watching
    problems = await _check(lanes)
    problems["receipts"] = await receipts.finish()
    checked = time.monotonic()
    print(_report(args, lanes, receipts, problems, [began, began + stack_seconds, signed_up, loaded, checked]))
    return 1 if any(problems.values()) else 0


async def _check(lanes: Lanes) -> dict[str, list[str]]:
    """Every check, by name: what failed (empty: passed)."""
    problems: dict[str, list[str]] = {"calls": [], "settled once": [], "receipts": [], "relay": []}
    calls = [c for c in lanes.calls if c.session_id]
    problems["calls"] = [
        f"{c.session_id or '(no session)'} lane {c.lane}: {c.failure}" for c in lanes.calls if c.failure
    ]
    at_once = asyncio.Semaphore(16)

    async def read(path: str, person: Any) -> Any:
        async with at_once:
            answer = await lanes.rest.acall("GET", path, person)
        return answer.json() if answer.status_code == 200 else {"status": answer.status_code, "body": answer.text}

    views = await asyncio.gather(*(read(f"/sessions/{c.session_id}", p) for c in calls for p in (c.client, c.expert)))
    payments = await asyncio.gather(*(read(f"/payments/{c.payment_id}", c.client) for c in calls))
    earned: Counter[str] = Counter()
    for index, call in enumerate(calls):
        client_view, expert_view = views[2 * index], views[2 * index + 1]
        problems["settled once"] += _settlement(call, client_view, expert_view, payments[index], lanes.ledger)
        earned[call.expert.sub] += int((expert_view.get("bill") or {}).get("earnings", 0))
    earnings = await asyncio.gather(*(read("/experts/me/earnings", e) for e in lanes.experts))
    for person, seen in zip(lanes.experts, earnings, strict=True):
        usd = [row for row in seen.get("currencies", []) if row["currency"] == "USD"]
        total = sum(row["pending"] + row["available"] + row["on_the_way"] + row["paid"] for row in usd)
        if total != earned[person.sub]:
            problems["settled once"].append(
                f"expert {person.email} has {total} in earnings, their calls {earned[person.sub]}"
            )
    problems["relay"] = (
        [f"{len(lanes.ledger.misrouted)} misrouted: {lanes.ledger.misrouted[:3]}"] if lanes.ledger.misrouted else []
    )
    found = relay_findings(lanes.ledger)
    if found.faults:
        problems["relay"].append(f"lost {found.lost[:5]}, doubled {found.doubled[:5]}, stray {found.stray[:5]}, "
                                 f"unanswered {found.unanswered[:5]} (seq; -1: an unnumbered message)")  # fmt: skip
    return problems


def _settlement(call: Call, client_view: Any, expert_view: Any, payment: Any, ledger: Ledger) -> list[str]:
    sid, wrong = call.session_id, []
    for role, view in (("client", client_view), ("expert", expert_view)):
        if view.get("state") != "ended":
            wrong.append(f"{sid}: the {role} reads it {view.get('state') or view}")
        told = ledger.ended[(str(sid), role)]
        if told > 1 or (told != 1 and not call.failure):
            wrong.append(f"{sid}: the {role} was told session.ended {told} times")
    bills = [(view.get("bill") or {}) for view in (client_view, expert_view)]
    bills += [(call.ended[role].get("bill") or {}) for role in ("client", "expert") if role in call.ended]
    shown = {tuple(bill.get(f) for f in BILL_FIELDS) for bill in bills}
    if len(shown) != 1:
        wrong.append(f"{sid}: bills differ between the sides and the events: {sorted(shown, key=str)}")
    bill = bills[0]
    amount = int(bill.get("amount", -1))
    if amount != int(bill.get("billed_minutes", -2)) * RATE:
        wrong.append(f"{sid}: amount {amount} is not {bill.get('billed_minutes')} minutes at {RATE}")
    expert_bill = bills[1]
    if expert_bill.get("fee", 0) + expert_bill.get("earnings", 0) != amount:
        wrong.append(f"{sid}: fee + earnings {expert_bill.get('fee')} + {expert_bill.get('earnings')} != {amount}")
    if payment.get("captured") != amount or payment.get("status") != ("captured" if amount else "released"):
        wrong.append(f"{sid}: payment {payment.get('status')} captured {payment.get('captured')}, bill {amount}")
    return wrong


def relay_findings(ledger: Ledger) -> Findings:
    found = Findings()
    for stream in ledger.streams.values():
        found.add(stream.findings())
    for counted in ledger.counted.values():
        found.add(counted.findings())
    return found


def _report(
    args: argparse.Namespace, lanes: Lanes, receipts: Receipts, problems: dict[str, list[str]], marks: list[float]
) -> str:
    counts, ledger = lanes.counts, lanes.ledger
    calls = lanes.calls
    ended = [c for c in calls if len(c.ended) == 2]
    billed = [c for c in ended if c.ended["client"]["bill"]["amount"] > 0]
    relayed_numbered = sum(len(s.arrivals) for s in ledger.streams.values())
    relayed_counted = sum(c.received for c in ledger.counted.values())
    found = relay_findings(ledger)
    relay_latency = [x for s in ledger.streams.values() for x in s.latencies()]
    counts.latencies.extend("relay", relay_latency)
    rest_total = sum(counts.rest_status.values())
    statuses = ", ".join(f"{code} {n}" for code, n in sorted(counts.rest_status.items()))
    rate_limited = sum(n for what, n in counts.errors.items() if "429" in what or "rate_limited" in what)
    lags = receipts.lags()
    stack_s, signup_s, load_s, check_s = (b - a for a, b in itertools.pairwise(marks))
    lines = [
        f"Load run: {args.calls} calls in flight at once for {args.minutes:g} min (seed {args.seed}), "
        f"{len(lanes.experts)} experts, {len({c.client.sub for c in calls})} clients",
        "",
        f"  calls               {len(calls)} started, {len(ended)} ended and told to both sides, "
        f"{sum(1 for c in calls if c.failure)} failed; {sum(1 for c in calls if c.dropped)} with a drop and "
        f"rejoin; {len(billed)} billed (over 3 min)",
        f"  messages relayed    {relayed_numbered + relayed_counted} ({relayed_numbered} numbered signalling, "
        f"{relayed_counted} toggles and end-of-candidates): lost {len(found.lost)}, doubled {len(found.doubled)}, "
        f"stray {len(found.stray)}, unanswered {len(found.unanswered)}, misrouted {len(ledger.misrouted)}, "
        f"reordered {found.reordered} (reported only)",
        f"  REST requests       {rest_total} ({statuses})",
        f"  WS messages         {counts.ws_sent} sent, {counts.ws_received} received",
        f"  429s met            {rate_limited}",
        "  errors by code      " + (", ".join(f"{what} {n}" for what, n in counts.errors.most_common()) or "none"),
        f"  receipts            {len(receipts.wanted())} expected, {receipts.found()} found; after the hang-up "
        f"p50 {percentile(lags, 50):.1f} s, p99 {percentile(lags, 99):.1f} s, max {max(lags, default=math.nan):.1f} s "
        f"(outbox read every {EVERY:g} s)",
        "",
        "  latency (ms)              n      p50      p99      max",
    ]
    for kind, label in (("REST", "REST request"), ("WS reply", "WS command reply"), ("WS ack", "relay ack"),
                        ("relay", "relay send->receive"), ("ended", "hang-up->ended")):  # fmt: skip
        n, p50, p99, most = counts.latencies.row(kind)
        lines.append(f"  {label:<20} {n:>8} {p50:8.1f} {p99:8.1f} {most:8.1f}")
    lines += [
        "",
        f"  wall time           {marks[-1] - marks[0]:.0f} s (stack start {stack_s:.0f} s, experts' sign-up "
        f"{signup_s:.0f} s, calls {load_s:.0f} s, checks {check_s:.0f} s)",
        "",
    ]
    for name, wrong in problems.items():
        lines.append(f"  check {name:<14} " + ("ok" if not wrong else f"FAILED ({len(wrong)})"))
        lines += [f"      {line}" for line in wrong[:10]]
    return "\n".join(lines)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
    sys.exit(130)
