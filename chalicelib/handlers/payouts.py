"""Weekly payouts: the Monday schedule, the queue consumer that pays each expert, and admin views.

The schedule and the queue name are read from the environment when this module
loads, because Chalice builds the EventBridge rule and the SQS event source from
the decorators: ``PARLEY_PAYOUT_CRON_HOUR`` (UTC, default 6) and
``PARLEY_PAYOUT_QUEUE_NAME`` (default ``<table prefix>payouts``). The use cases
are imported when a job runs, not here: this module is on every cold start.
"""

from __future__ import annotations

import os
from typing import Any

from chalice.app import Cron, SQSEvent

from chalicelib import runtime
from chalicelib.errors import InvalidInput
from chalicelib.settings import table_prefix
from chalicelib.web.api import ApiBlueprint, ApiRequest, QueryParam
from chalicelib.web.logs import log_info
from chalicelib.web.numbers import is_plain_digits, whole_number_in_range

api = ApiBlueprint(__name__, tag="payouts")
jobs = api.blueprint  # the plain Chalice blueprint: schedules and queue consumers register on it
MAX_PAGE = 500
RESPONSES = "chalicelib.payouts.responses"


def _cron_hour() -> int:
    raw = os.environ.get("PARLEY_PAYOUT_CRON_HOUR", "6")
    if not is_plain_digits(raw) or not 0 <= int(raw) <= 23:
        raise RuntimeError(f"PARLEY_PAYOUT_CRON_HOUR must be an hour from 0 to 23 (UTC), not {raw!r}")
    return int(raw)


PAYOUT_HOUR = _cron_hour()
PAYOUT_QUEUE = os.environ.get("PARLEY_PAYOUT_QUEUE_NAME") or f"{table_prefix()}payouts"


@jobs.schedule(Cron(0, PAYOUT_HOUR, "?", "*", "MON", "*"))
def start_weekly_payouts(event: Any) -> None:
    """Mondays: one message per expert and currency owed money, paid by ``pay_expert_from_queue``."""
    from chalicelib.payouts.weekly_run import SqsPayoutQueue
    from chalicelib.payouts.weekly_run import start_weekly_payouts as start

    run = start(runtime.now(), SqsPayoutQueue())
    log_info("weekly payouts enqueued", week=run.week, messages=run.messages, totals=run.totals)


@jobs.on_sqs_message(queue=PAYOUT_QUEUE, batch_size=1)
def pay_expert_from_queue(event: SQSEvent) -> None:
    """One payout per message. Raising leaves the message on the queue: SQS retries it, then dead-letters it."""
    from chalicelib.payouts.pay_expert import pay_expert
    from chalicelib.payouts.weekly_run import PayoutMessage

    for record in event:
        message = PayoutMessage.from_json(record.body)
        outcome = pay_expert(message.expert_id, message.currency, message.week, runtime.stripe_gateway(), runtime.now())
        log_info(
            "payout", payout_id=outcome.payout_id, result=outcome.result, amount=outcome.amount,
            transfer_id=outcome.transfer_id, reason=outcome.reason,
        )  # fmt: skip


@api.route(
    "/admin/payouts", "GET", summary="A week's payouts (admins)",
    query=(
        QueryParam("week", "ISO week, e.g. 2026-W47 (default: the week the last Monday run paid); 400 invalid_week "
                   "if it names no week.", pattern=r"^[0-9]{4}-W(0[1-9]|[1-4][0-9]|5[0-3])$"),
        QueryParam("limit", f"Payouts per page, 1 to {MAX_PAGE} (default 100).", "integer", minimum=1, maximum=MAX_PAGE,
                   default=100),
        QueryParam("cursor", "next_cursor of the previous page."),
    ),
    errors=(403,), response=f"{RESPONSES}:WeekPayouts",
)  # fmt: skip
def week_payouts(request: ApiRequest) -> dict[str, Any]:
    request.caller.require_admin("see payouts")
    from chalicelib.payouts.schedule import parse_week, week_to_pay
    from chalicelib.payouts.views import week_payouts as view

    raw_week = request.query("week")
    try:
        week = parse_week(raw_week) if raw_week else week_to_pay(runtime.now())
    except ValueError as error:
        raise InvalidInput(str(error), code="invalid_week") from None
    limit = whole_number_in_range("limit", request.query("limit"), 1, MAX_PAGE, default=100)
    return view(week, limit=limit, after=request.query("cursor"))


@api.route(
    "/admin/payouts/dead-letters", "GET", summary="Payout messages that failed every retry (admins)",
    errors=(403,), response=f"{RESPONSES}:PayoutDeadLetters",
)  # fmt: skip
def dead_letters(request: ApiRequest) -> dict[str, Any]:
    request.caller.require_admin("see payouts")
    from chalicelib.payouts.views import dead_letters as peek

    return {"messages": peek()}
