"""Run a week's payouts by hand: who gets what (``--dry-run``), then the payouts, with a progress bar.

    scripts/payouts [--week 2026-W47] [--dry-run] [--env-from-shell] [--state-dir .local]

Without ``--week`` it pays the week that has just ended, as the Monday schedule
does. It pays the same people the schedule would (experts listed on the ``owed``
index, plus the week's payouts an earlier attempt left unfinished) and in the same
way (``pay_expert``), in this process instead of through the queue, so running it
after the schedule, twice, or after it was interrupted pays nobody twice.

It talks to the local stack that ``scripts/run`` started (endpoints and the app's
environment from ``<state-dir>/stack.json``), or, with ``--env-from-shell``, to
whatever this shell's environment points at (a stage in AWS: set
``PARLEY_TABLE_PREFIX``, ``PARLEY_STAGE`` and ``PARLEY_STRIPE_SECRET_PARAMETER``
and AWS credentials). Exits 1 if any payout must be retried.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from chalicelib.payouts.owed import OwedBalance
    from chalicelib.payouts.pay_expert import PayoutOutcome
    from chalicelib.payouts.weekly_run import InlineRun

REPO = Path(__file__).resolve().parents[2]
# A developer's real AWS profile or session must never reach the local stack.
SCRUBBED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")

PAY, CARRY, RESUME, PAID, FAILED = "pay", "carry", "resume", "paid already", "failed: next week"


class OpsError(Exception):
    """The command cannot run as asked; the message says why and what to do."""


# --------------------------------------------------------------------------- environment


def use_local_stack(state_dir: Path) -> None:
    """Point this process at the local stack, with the environment its API runs with."""
    stack_file = state_dir / "stack.json"
    try:
        info = json.loads(stack_file.read_text())
    except FileNotFoundError:
        raise OpsError(
            f"No local stack is running ({stack_file} not found): start one with scripts/run, "
            "or pass --env-from-shell to use this shell's AWS environment."
        ) from None
    environment = info.get("app_environment")
    if not isinstance(environment, dict):
        raise OpsError(f"{stack_file} has no app_environment: restart the local stack with scripts/run.")
    for name in SCRUBBED:
        os.environ.pop(name, None)
    os.environ.update({str(k): str(v) for k, v in environment.items()})


# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class PlanRow:
    expert_id: str
    name: str
    currency: str
    amount: int
    payouts_enabled: bool
    action: str


def plan(week: str, owed: Sequence[OwedBalance]) -> list[PlanRow]:
    """What a run of ``week`` would do for each expert and currency listed."""
    from chalicelib.models.expert_profile import ExpertProfile
    from chalicelib.models.payout import Payout, PayoutAccount
    from chalicelib.payouts.schedule import payout_id
    from chalicelib.payouts.status import TRANSFERRING

    experts = sorted({o.expert_id for o in owed})
    names = {p.expert_id: p.name for p in ExpertProfile.batch_get(experts)}
    enabled = {a.expert_id: bool(a.payouts_enabled) for a in PayoutAccount.batch_get(experts)}
    ids = [payout_id(o.expert_id, o.currency, week) for o in owed]
    existing = {p.payout_id: p for p in Payout.batch_get(ids)}
    rows = []
    for item, pid in zip(owed, ids, strict=True):
        made = existing.get(pid)
        payable = enabled.get(item.expert_id, False)
        amount = item.balance
        if made is None:
            action = PAY if payable else CARRY
        elif made.status == TRANSFERRING:
            action, amount = RESUME, made.amount  # finishes the reserved payout; newer money waits
        else:  # this week's payout is made (or refused); what is available now waits for next week
            action = PAID if made.status == "paid" else FAILED
        rows.append(PlanRow(item.expert_id, names.get(item.expert_id, "-"), item.currency, amount, payable, action))
    return sorted(rows, key=lambda r: (r.currency, r.name.lower(), r.expert_id))


def money(amount: int, currency: str = "") -> str:
    """Minor units as major units: ``123456`` -> ``1,234.56``."""
    sign = "-" if amount < 0 else ""
    whole, cents = divmod(abs(amount), 100)
    return f"{sign}{whole:,}.{cents:02d}" + (f" {currency}" if currency else "")


def print_plan(week: str, rows: Sequence[PlanRow], out: TextIO) -> None:
    headers = ("EXPERT", "NAME", "CURRENCY", "AMOUNT", "PAYOUTS ENABLED", "ACTION")
    table = [
        (r.expert_id, r.name, r.currency, money(r.amount), "yes" if r.payouts_enabled else "no", r.action) for r in rows
    ]
    widths = [max(len(h), *(len(row[i]) for row in table)) if table else len(h) for i, h in enumerate(headers)]
    right = {3}

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    print(f"Payouts for week {week} (dry run: nothing is paid)\n", file=out)
    if not table:
        print("Nobody is owed money.", file=out)
        return
    print(line(headers), file=out)
    print(line(["-" * w for w in widths]), file=out)
    for row in table:
        print(line(row), file=out)
    print("", file=out)
    paying: Counter[str] = Counter()
    carried: Counter[str] = Counter()
    for r in rows:
        if r.action in (PAY, RESUME):
            paying[r.currency] += r.amount
        elif r.action == CARRY:
            carried[r.currency] += r.amount
    for currency in sorted(set(paying) | set(carried)):
        count = sum(1 for r in rows if r.currency == currency and r.action in (PAY, RESUME))
        print(
            f"{currency}: pay {money(paying[currency])} to {count} expert(s); "
            f"carry {money(carried[currency])} to next week",
            file=out,
        )


# --------------------------------------------------------------------------- the real run


class ProgressBar:
    """``[#########.........]  45/100  paid 40  carried 3  failed 1  retry 1``, redrawn in place on stderr."""

    def __init__(self, out: TextIO, width: int = 30) -> None:
        self.out = out
        self.width = width
        self.results: Counter[str] = Counter()

    def update(self, done: int, total: int, outcome: PayoutOutcome) -> None:
        self.results[outcome.result] += 1
        if not self.out.isatty() and done != total and done % max(1, total // 10):
            return  # a log file gets a line per tenth, not a redraw per payout
        filled = self.width * done // total if total else self.width
        counts = "  ".join(f"{label} {self.results[key]}" for key, label in _SUMMARY_LABELS if self.results[key])
        bar = f"[{'#' * filled}{'.' * (self.width - filled)}] {done:>{len(str(total))}}/{total}  {counts}"
        self.out.write(f"\r{bar}\033[K" if self.out.isatty() else f"{bar}\n")
        self.out.flush()

    def finish(self) -> None:
        if self.out.isatty():
            self.out.write("\n")
            self.out.flush()


_SUMMARY_LABELS = (
    ("paid", "paid"),
    ("already_paid", "paid already"),
    ("carried", "carried"),
    ("nothing_owed", "nothing owed"),
    ("failed", "failed"),
    ("already_failed", "failed already"),
    ("error", "retry"),
)


def print_summary(run: InlineRun, out: TextIO) -> None:
    print(f"\nWeek {run.week}: {len(run.outcomes)} payout(s) looked at", file=out)
    for key, label in _SUMMARY_LABELS:
        if run.count(key):
            amounts = ", ".join(money(a, c) for c, a in sorted(run.amounts(key).items()))
            print(f"  {label:<15}{run.count(key):>6}   {amounts}", file=out)
    for outcome in run.outcomes:
        if outcome.result in ("failed", "error"):
            print(f"  {outcome.result}: {outcome.payout_id}: {outcome.reason}", file=out)
    if run.count("error"):
        print("Run the same command again to retry the payouts marked 'retry'.", file=out)


# --------------------------------------------------------------------------- command line


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="scripts/payouts", description="Run a week's payouts by hand (or show who would get what)."
    )
    parser.add_argument("--week", help="ISO week to pay, e.g. 2026-W47 (default: the week that just ended)")
    parser.add_argument("--dry-run", action="store_true", help="print who would get what; pay nobody")
    parser.add_argument(
        "--env-from-shell", action="store_true", help="use this shell's environment (AWS), not the local stack's"
    )
    parser.add_argument(
        "--state-dir", default=str(REPO / ".local"), help="the local stack's state dir (default .local)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        if not args.env_from_shell:
            use_local_stack(Path(args.state_dir))
        from chalicelib import runtime
        from chalicelib.payouts.owed import payouts_to_make
        from chalicelib.payouts.schedule import parse_week, week_to_pay
        from chalicelib.payouts.weekly_run import run_payouts_inline

        now = runtime.now()
        try:
            week = parse_week(args.week) if args.week else week_to_pay(now)
        except ValueError as error:
            raise OpsError(str(error)) from None
        owed = list(payouts_to_make(week))
        if args.dry_run:
            print_plan(week, plan(week, owed), sys.stdout)
            return 0
        if not owed:
            print(f"Week {week}: nobody is owed money.")
            return 0
        print(f"Paying week {week}: {len(owed)} expert payout(s)", file=sys.stderr)
        bar = ProgressBar(sys.stderr)
        run = run_payouts_inline(week, runtime.stripe_gateway(), now, bar.update, owed=owed)
        bar.finish()
        print_summary(run, sys.stdout)
        return 1 if run.count("error") else 0
    except OpsError as error:
        print(f"payouts: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
