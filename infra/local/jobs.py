"""The local stand-in for EventBridge schedules and Lambda's SQS polling.

    python -m infra.local.jobs                # run every schedule, pipe, queue consumer, until SIGINT/SIGTERM
    python -m infra.local.jobs --list         # what it would run, and when
    python -m infra.local.jobs --run NAME     # run one scheduled function once, now (an operator's tool)

It imports the Chalice app and reads what the app registered (``Chalice.event_sources``,
blueprints included): each ``@schedule`` runs on its schedule and each
``@on_sqs_message`` consumer gets the messages of its queue, both invoked as Lambda
invokes them: the function Chalice registered under its name is called with the
event Lambda would build (a CloudWatch "Scheduled Event", or SQS ``Records``) and a
Lambda context. Schedules are evaluated in UTC, as EventBridge does, on the stack's clock:
the wall clock plus ``.local/clock-offset`` (re-read every second), as every local process
of the stack has it. A ``rate(...)`` first fires one period after the runner starts
(``--run NAME`` runs it at once). Moving the clock forward fires each schedule that fell due
once, on the moved time (a cron skipped by the jump is caught up once); moving it back
starts the schedules afresh from the new time.

Queues behave as they do under Lambda's poller: a batch is deleted only when the
function returns; when it raises, the messages stay and reappear after the queue's
visibility timeout, and once received ``maxReceiveCount`` times the queue's redrive
policy moves them to the dead-letter queue (moto does this on receive, like SQS). A
consumer that reports failed items (``chalicelib/handlers/partial_batches.py``) has only
the messages it names handed back; the rest of its batch is deleted. Each function runs
one invocation at a time, as in one Lambda execution environment, and different functions
run alongside each other, as Lambda runs each in its own (a slow payout run does not hold up
a call's receipts). A schedule that fell behind (the process was busy or suspended) runs
once, not once per miss.

Each consumer long-polls its queue without pause (``POLL_WAIT_SECONDS``; a receive answers as
soon as a message is there, and moto looks again at delayed messages, whose ``DelaySeconds`` it
honours on the wall clock, about every second): a call's timer runs at most about a second after
its delay ends. Delays are wall-clock seconds, so moving ``.local/clock-offset`` forward does not
hurry a delayed timer; the every-minute ``call_timer_backstop``, which fires at once on the moved
time, re-sends the timers of calls then overdue (the local stage's grace is 2 seconds).

Every run is logged as one JSON line on stdout. The AWS side is the local stack's
moto server: the launcher (``infra/local/stack.py``) passes the same environment as
to ``chalice local``; run by hand, the environment comes from ``.local/stack.json``
of the running stack (or from an ``AWS_ENDPOINT_URL`` you set). Without any of
these it refuses to start, so a job can never reach real AWS by accident.
"""

from __future__ import annotations

import argparse
import base64
import calendar
import importlib
import json
import os
import re
import signal
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, TextIO

from chalice.app import Chalice, ScheduledEventConfig, ScheduleExpression, SQSEventConfig

from chalicelib.handlers.partial_batches import REPORTS_FAILED_ITEMS, failed_ids
from infra.local.stream_pipes import StreamPipe, stream_pipes

REPO = Path(__file__).resolve().parents[2]
CHALICE_CONFIG = REPO / ".chalice" / "config.json"
LOCAL_ACCOUNT = "123456789012"  # moto's default account
POLL_WAIT_SECONDS = 2  # short long-polls, so the runner stops within seconds (AWS's poller waits 20 s)
MAX_SQS_BATCH = 10  # one ReceiveMessage returns at most 10 messages
CHALICE_DEFAULT_TIMEOUT = 60
CHALICE_DEFAULT_MEMORY = 128

LambdaHandler = Callable[[dict[str, Any], Any], Any]


class JobsError(Exception):
    """The runner cannot start or cannot do what it was asked; the message says why."""


class CronError(ValueError):
    """An AWS cron expression this evaluator cannot accept."""


# --------------------------------------------------------------------------- schedules


class Schedule(Protocol):
    def next_after(self, moment: datetime) -> datetime:
        """The first time strictly after ``moment`` at which the schedule fires."""
        ...


@dataclass(frozen=True)
class RateSchedule:
    """``rate(N unit)``: every ``period`` from ``anchor`` (EventBridge counts from the rule's creation)."""

    period: timedelta
    anchor: datetime

    def next_after(self, moment: datetime) -> datetime:
        if moment < self.anchor:
            return self.anchor + self.period
        periods = (moment - self.anchor) // self.period + 1
        return self.anchor + periods * self.period


@dataclass(frozen=True)
class _CronField:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()  # names[i] stands for low + i

    def value(self, text: str) -> int:
        upper = text.upper()
        number = self.low + self.names.index(upper) if upper in self.names else _int(text, self.name)
        if not self.low <= number <= self.high:
            raise CronError(f"{self.name}: {text} is outside {self.low}-{self.high}")
        return number

    def values(self, text: str) -> frozenset[int]:
        """A comma-separated list of ``*``, ``N``, ``A-B``, each optionally ``/STEP``."""
        result: set[int] = set()
        for part in text.split(","):
            base, slash, step_text = part.partition("/")
            step = _int(step_text, self.name) if slash else 1
            if step < 1:
                raise CronError(f"{self.name}: the step in {part!r} must be at least 1")
            if base == "*":
                first, last = self.low, self.high
            elif "-" in base:
                first, last = (self.value(end) for end in base.split("-", 1))
            else:
                first = self.value(base)
                last = self.high if slash else first
            if first > last:
                raise CronError(f"{self.name}: the range {part!r} runs backwards")
            result.update(range(first, last + 1, step))
        return frozenset(result)


def _int(text: str, field_name: str) -> int:
    if not text.isdigit():
        raise CronError(f"{field_name}: {text!r} is not a number")
    return int(text)


MINUTES = _CronField("minutes", 0, 59)
HOURS = _CronField("hours", 0, 23)
DAY_OF_MONTH = _CronField("day-of-month", 1, 31)
MONTH = _CronField("month", 1, 12, ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"))
DAY_OF_WEEK = _CronField("day-of-week", 1, 7, ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"))
YEAR = _CronField("year", 1970, 2199)

DayMatcher = Callable[[date], bool]


def _aws_weekday(day: date) -> int:
    """AWS numbers the days 1 (SUN) to 7 (SAT); Python 0 (MON) to 6 (SUN)."""
    return (day.weekday() + 1) % 7 + 1


def _last_day(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def _nearest_weekday(day: date, target: int) -> int:
    """``NW``: the weekday nearest the ``target`` day, without leaving the month."""
    last = min(target, _last_day(day))
    weekday = date(day.year, day.month, last).weekday()
    if weekday == 5:  # Saturday: the Friday before, or the Monday after on the 1st
        return last - 1 if last > 1 else last + 2
    if weekday == 6:  # Sunday: the Monday after, or the Friday before on the last day
        return last + 1 if last < _last_day(day) else last - 2
    return last


def _day_of_month_matcher(text: str) -> DayMatcher:
    upper = text.upper()
    if upper == "L":
        return lambda day: day.day == _last_day(day)
    if upper == "LW":
        return lambda day: day.day == _nearest_weekday(day, _last_day(day))
    if upper.endswith("W"):
        target = DAY_OF_MONTH.value(upper[:-1])
        return lambda day: day.day == _nearest_weekday(day, target)
    days = DAY_OF_MONTH.values(text)
    return lambda day: day.day in days


def _day_of_week_matcher(text: str) -> DayMatcher:
    upper = text.upper()
    if upper.endswith("L") and len(upper) > 1:  # 6L: the last Friday of the month
        weekday = DAY_OF_WEEK.value(upper[:-1])
        return lambda day: _aws_weekday(day) == weekday and day.day + 7 > _last_day(day)
    if "#" in upper:  # 2#1: the first Monday of the month
        weekday_text, _, nth_text = upper.partition("#")
        weekday, nth = DAY_OF_WEEK.value(weekday_text), _int(nth_text, DAY_OF_WEEK.name)
        if not 1 <= nth <= 5:
            raise CronError(f"day-of-week: {text!r}: the week of the month is 1 to 5")
        return lambda day: _aws_weekday(day) == weekday and (day.day - 1) // 7 + 1 == nth
    weekdays = DAY_OF_WEEK.values("7" if upper == "L" else text)
    return lambda day: _aws_weekday(day) in weekdays


@dataclass(frozen=True)
class CronSchedule:
    """An AWS (EventBridge) cron expression: ``minutes hours day-of-month month day-of-week year``, in UTC.

    Unlike Unix cron it has a year field, numbers the weekdays 1 (SUN) to 7 (SAT),
    and wants ``?`` in exactly one of the two day fields. Supported: ``*``, ``?``,
    lists, ranges, ``/`` steps, JAN-DEC and SUN-SAT, ``L``, ``W``, ``LW`` and ``#``.
    """

    expression: str
    minutes: frozenset[int]
    hours: frozenset[int]
    months: frozenset[int]
    years: frozenset[int]
    matches_day: DayMatcher = field(compare=False)

    @classmethod
    def parse(cls, expression: str) -> CronSchedule:
        fields = expression.split()
        if len(fields) != 6:
            raise CronError(f"cron({expression}): AWS cron has 6 fields, not {len(fields)}")
        minutes, hours, day_of_month, month, day_of_week, year = fields
        if (day_of_month == "?") == (day_of_week == "?"):
            raise CronError(f"cron({expression}): exactly one of day-of-month and day-of-week must be '?'")
        matcher = _day_of_week_matcher(day_of_week) if day_of_month == "?" else _day_of_month_matcher(day_of_month)
        return cls(
            expression=expression,
            minutes=MINUTES.values(minutes),
            hours=HOURS.values(hours),
            months=MONTH.values(month),
            years=YEAR.values(year),
            matches_day=matcher,
        )

    def next_after(self, moment: datetime) -> datetime:
        start = moment.astimezone(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
        day = start.date()
        while day.year <= YEAR.high:
            if day.year not in self.years:
                day = date(day.year + 1, 1, 1)
            elif day.month not in self.months:
                day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
            else:
                if self.matches_day(day):
                    for hour in sorted(self.hours):
                        for minute in sorted(self.minutes):
                            candidate = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
                            if candidate >= start:
                                return candidate
                day += timedelta(days=1)
        raise CronError(f"cron({self.expression}) never fires after {moment.isoformat()}")


_RATE = re.compile(r"rate\((?P<value>\d+) (?P<unit>minutes?|hours?|days?)\)")
_CRON = re.compile(r"cron\((?P<fields>[^)]*)\)")


def expression_text(expression: str | ScheduleExpression) -> str:
    """``rate(...)`` or ``cron(...)`` as EventBridge receives it."""
    return expression if isinstance(expression, str) else expression.to_string()


def parse_schedule(expression: str | ScheduleExpression, *, start: datetime) -> Schedule:
    """The schedule of a ``@schedule`` expression; a rate counts from ``start``."""
    text = expression_text(expression).strip()
    rate = _RATE.fullmatch(text)
    if rate:
        value = int(rate["value"])
        if value < 1:
            raise CronError(f"{text}: the rate must be at least 1")
        unit = rate["unit"].rstrip("s") + "s"
        return RateSchedule(period=timedelta(**{unit: value}), anchor=start)
    cron = _CRON.fullmatch(text)
    if cron:
        return CronSchedule.parse(cron["fields"].strip())
    raise CronError(f"{text!r} is neither rate(...) nor cron(...)")


# --------------------------------------------------------------------------- the app's event sources


@dataclass(frozen=True)
class ScheduledFunction:
    name: str
    expression: str
    handler: LambdaHandler


@dataclass(frozen=True)
class QueueConsumer:
    name: str
    queue: str
    batch_size: int
    handler: LambdaHandler
    reports_failed_items: bool = False  # answers which messages failed (ReportBatchItemFailures)


@dataclass(frozen=True)
class EventSources:
    schedules: list[ScheduledFunction]
    consumers: list[QueueConsumer]
    not_run_locally: list[str]  # S3, SNS, Kinesis, DynamoDB streams, event patterns


def event_sources(app: Chalice) -> EventSources:
    """What the app registered, blueprints included (they register on the app itself).

    The handler is the one Chalice keeps under the function's name, the same
    object that the Lambda handler string of the function resolves to.
    """
    schedules: list[ScheduledFunction] = []
    consumers: list[QueueConsumer] = []
    others: list[str] = []
    for source in app.event_sources:
        handler = app.handler_map[source.name]
        if isinstance(source, ScheduledEventConfig):
            schedules.append(ScheduledFunction(source.name, expression_text(source.schedule_expression), handler))
        elif isinstance(source, SQSEventConfig):
            queue = source.queue or (source.queue_arn or "").rpartition(":")[2]
            reports = source.name in REPORTS_FAILED_ITEMS
            consumers.append(QueueConsumer(source.name, queue, source.batch_size, handler, reports))
        else:
            others.append(f"{source.name} ({type(source).__name__})")
    return EventSources(schedules, consumers, others)


# --------------------------------------------------------------------------- invoking as Lambda does


class JsonLog:
    """One JSON object per line: the jobs log (thread-safe)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def __call__(self, message: str, *, level: str = "info", **fields: Any) -> None:
        entry = {"time": datetime.now(UTC).isoformat(timespec="milliseconds"), "level": level, "message": message}
        line = json.dumps(entry | fields, default=str)
        with self._lock:
            stream = self._stream or sys.stdout
            stream.write(line + "\n")
            stream.flush()


@dataclass(frozen=True)
class FunctionSettings:
    timeout: int
    memory: int


def function_settings(config: dict[str, Any], stage: str, name: str) -> FunctionSettings:
    """Timeout and memory the function gets in ``stage`` (``config.json``, as chalice resolves them)."""
    stage_config = config.get("stages", {}).get(stage, {})
    layers = [config, stage_config, stage_config.get("lambda_functions", {}).get(name, {})]
    settings = {"lambda_timeout": CHALICE_DEFAULT_TIMEOUT, "lambda_memory_size": CHALICE_DEFAULT_MEMORY}
    for layer in layers:
        settings.update({key: layer[key] for key in settings if key in layer})
    return FunctionSettings(timeout=settings["lambda_timeout"], memory=settings["lambda_memory_size"])


@dataclass(frozen=True)
class Run:
    """How an invocation went: whether the handler returned, and what it returned."""

    returned: bool
    answer: Any = None

    def __bool__(self) -> bool:
        return self.returned


@dataclass
class Invoker:
    """Calls a function's handler with ``(event, context)`` and logs the run; one invocation of a function
    at a time, different functions alongside each other.

    The context carries the function's name, memory and timeout from ``config.json``
    (``get_remaining_time_in_millis`` works); a run longer than the timeout is not
    stopped, but logged as a warning, since Lambda would have killed it. Like
    ``chalice local``, the process has the stage's environment, not per-function
    ``environment_variables``.
    """

    log: JsonLog
    stage: str = "local"
    config: dict[str, Any] = field(default_factory=dict)
    app_name: str = "parley"
    _locks: dict[str, threading.Lock] = field(default_factory=dict)
    _locks_lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, name: str, handler: LambdaHandler, event: dict[str, Any], **fields: Any) -> Run:
        """The run: returned (with the handler's answer), or raised (the error is logged, not raised)."""
        from chalice.local import LambdaContext

        settings = function_settings(self.config, self.stage, name)
        with self._lock_of(name):
            context = LambdaContext(f"{self.app_name}-{self.stage}-{name}", settings.memory, settings.timeout * 1000)
            started = time.monotonic()
            try:
                answer = handler(event, context)
            except Exception as error:
                seconds = round(time.monotonic() - started, 3)
                self.log(
                    "run failed", level="error", function=name, outcome="error", seconds=seconds,
                    error=f"{type(error).__name__}: {error}", traceback=traceback.format_exc(), **fields,
                )  # fmt: skip
                return Run(returned=False)
        seconds = round(time.monotonic() - started, 3)
        late = {"exceeded_timeout": settings.timeout} if seconds > settings.timeout else {}
        level = "warning" if late else "info"
        self.log("run", level=level, function=name, outcome="ok", seconds=seconds, **late, **fields)
        return Run(returned=True, answer=answer)

    def _lock_of(self, name: str) -> threading.Lock:
        with self._locks_lock:
            return self._locks.setdefault(name, threading.Lock())


def scheduled_event(function_name: str, scheduled_for: datetime, region: str) -> dict[str, Any]:
    """The event EventBridge sends a function on its schedule."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": LOCAL_ACCOUNT,
        "time": scheduled_for.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [f"arn:aws:events:{region}:{LOCAL_ACCOUNT}:rule/{function_name}-event"],
        "detail": {},
    }


def _lambda_message_attributes(attributes: dict[str, Any]) -> dict[str, Any]:
    """SQS's ``MessageAttributes`` in the shape Lambda puts them in a record."""
    shaped = {}
    for name, value in attributes.items():
        entry: dict[str, Any] = {"dataType": value["DataType"], "stringListValues": [], "binaryListValues": []}
        if "StringValue" in value:
            entry["stringValue"] = value["StringValue"]
        if "BinaryValue" in value:
            entry["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode("ascii")
        shaped[name] = entry
    return shaped


def sqs_event(messages: Iterable[dict[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    """The event Lambda's SQS poller sends a function for a batch of received messages."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message.get("Attributes", {}),
                "messageAttributes": _lambda_message_attributes(message.get("MessageAttributes", {})),
                "md5OfBody": message["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for message in messages
        ]
    }


# --------------------------------------------------------------------------- the schedule loop and the queue pollers


class Scheduler:
    """Runs each scheduled function when it is due; the caller says what time it is (``tick``)."""

    def __init__(
        self,
        functions: Sequence[ScheduledFunction],
        *,
        start: datetime,
        run: Callable[[ScheduledFunction, datetime], object],
    ) -> None:
        self._functions = list(functions)
        self._schedules = {f.name: parse_schedule(f.expression, start=start) for f in functions}
        self._due = {f.name: self._schedules[f.name].next_after(start) for f in functions}
        self._run = run
        self._last_tick: datetime | None = None

    def _restart(self, start: datetime) -> None:
        """After the clock moved back, nothing says what fell due: every rate fires at once (every job is
        safe to run twice) and then counts from ``start``; a cron waits for its next time. Without this,
        a clock reset and moved forward again within one tick would look like one step back, and the
        schedules would wait a whole period of wall time."""
        self._schedules = {f.name: parse_schedule(f.expression, start=start) for f in self._functions}
        self._due = {
            f.name: start
            if isinstance(self._schedules[f.name], RateSchedule)
            else self._schedules[f.name].next_after(start)
            for f in self._functions
        }

    def next_runs(self) -> dict[str, datetime]:
        return dict(self._due)

    def tick(self, now: datetime) -> list[str]:
        """Run every function due at ``now`` (once, however many runs it missed); returns their names.
        A clock moved back (below the last tick) restarts every schedule from ``now`` (rates fire at once)."""
        if self._last_tick is not None and now < self._last_tick:
            self._restart(now)
        self._last_tick = now
        ran = []
        for function in self._functions:
            due = self._due[function.name]
            if due <= now:
                self._due[function.name] = self._schedules[function.name].next_after(now)
                self._run(function, due)
                ran.append(function.name)
        return ran

    def seconds_until_next(self, now: datetime) -> float:
        if not self._due:
            return float("inf")
        return max(0.0, (min(self._due.values()) - now).total_seconds())


class QueuePoller:
    """Lambda's SQS poller for one consumer: receive a batch, invoke, delete the batch only on success
    (but the messages the consumer handed back, if it reports failed items)."""

    def __init__(
        self,
        consumer: QueueConsumer,
        sqs: Any,
        invoke: Invoker,
        *,
        region: str,
        wait_seconds: int = POLL_WAIT_SECONDS,
    ) -> None:
        self.consumer = consumer
        self._sqs = sqs
        self._invoke = invoke
        self._region = region
        self._wait_seconds = wait_seconds
        try:
            self.queue_url = str(sqs.get_queue_url(QueueName=consumer.queue)["QueueUrl"])
        except sqs.exceptions.QueueDoesNotExist:
            raise JobsError(
                f"{consumer.name} consumes the queue {consumer.queue!r}, which does not exist "
                "(infra/local/provision.py creates the local queues)"
            ) from None
        attributes = sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])
        self.queue_arn = str(attributes["Attributes"]["QueueArn"])

    def poll_once(self, wait_seconds: int | None = None) -> int:
        """Receive one batch (long-polling up to ``wait_seconds``) and hand it over; returns its size."""
        messages = self._sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=min(self.consumer.batch_size, MAX_SQS_BATCH),
            WaitTimeSeconds=self._wait_seconds if wait_seconds is None else wait_seconds,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return 0
        event = sqs_event(messages, self.queue_arn, self._region)
        ids = [message["MessageId"] for message in messages]
        run = self._invoke(self.consumer.name, self.consumer.handler, event, queue=self.consumer.queue, messages=ids)
        if not run:
            return len(messages)  # all stay on the queue
        handed_back = failed_ids(run.answer) if self.consumer.reports_failed_items else set()
        if handed_back is None:  # an answer Lambda could not read: it retries the whole batch
            log = self._invoke.log
            log("unreadable batch answer", level="error", function=self.consumer.name, answer=repr(run.answer))
            return len(messages)
        done = [m for m in messages if m["MessageId"] not in handed_back]
        if done:
            entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)]
            self._sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=entries)
        return len(messages)

    def run(self, stop: threading.Event, log: JsonLog) -> None:
        """Poll until ``stop`` is set; a failing poll (e.g. moto restarting) is logged and retried."""
        while not stop.is_set():
            try:
                self.poll_once()
            except Exception as error:
                if stop.is_set():
                    return  # the stack is stopping, moto with it
                log("poll failed", level="error", function=self.consumer.name, queue=self.consumer.queue,
                    error=f"{type(error).__name__}: {error}")  # fmt: skip
                stop.wait(1.0)


# --------------------------------------------------------------------------- the environment and the app


_REAL_AWS_VARIABLES = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")


def stage_environment(config: dict[str, Any], stage: str) -> dict[str, str]:
    """What ``chalice local --stage STAGE`` sets from ``config.json`` before importing the app."""
    return {**config.get("environment_variables", {}), **config["stages"][stage].get("environment_variables", {})}


def prepare_environment(config: dict[str, Any], stage: str, stack_file: Path, *, need_aws: bool) -> None:
    """The environment ``chalice local`` would give the app: config.json's stage values under the stack's.

    Started by the launcher, the stack's values are in the environment already and
    ``PARLEY_LAUNCHER_PINNED`` names them. Started by hand, they come from the
    running stack's ``stack.json``. With neither there is no local AWS to talk to.
    """
    pinned = {name for name in os.environ.get("PARLEY_LAUNCHER_PINNED", "").split(",") if name}
    if not pinned and stack_file.exists():
        stack_environment = json.loads(stack_file.read_text())["app_environment"]
        for name in _REAL_AWS_VARIABLES:
            os.environ.pop(name, None)
        os.environ.update(stack_environment)
        pinned = set(stack_environment)
    if need_aws and not os.environ.get("AWS_ENDPOINT_URL"):
        raise JobsError(
            f"no local AWS to run against: start the local stack (scripts/run; it writes {stack_file}) "
            "or set AWS_ENDPOINT_URL to a moto server"
        )
    os.environ.update({k: v for k, v in stage_environment(config, stage).items() if k not in pinned})


def load_app(target: str) -> Chalice:
    """``module:attribute`` of the Chalice app, imported as chalice imports ``app.py``."""
    module_name, _, attribute = target.partition(":")
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    app = getattr(importlib.import_module(module_name), attribute or "app")
    if not isinstance(app, Chalice):
        raise JobsError(f"{target} is not a Chalice app")
    return app


def _region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


def stack_now() -> datetime:
    """The stack's clock, the one the app's handlers use (``chalicelib.runtime``): the wall clock
    plus the seconds in ``PARLEY_CLOCK_OFFSET_FILE`` (local stage only), read afresh each call."""
    from chalicelib import runtime

    return runtime.now()


# --------------------------------------------------------------------------- commands


def describe(sources: EventSources, now: datetime) -> dict[str, Any]:
    """What the runner runs, as logged when it is ready and printed by ``--list``."""
    return {
        "schedules": [
            {
                "function": f.name,
                "expression": f.expression,
                "next_run": parse_schedule(f.expression, start=now).next_after(now).isoformat(timespec="seconds"),
            }
            for f in sources.schedules
        ],
        "consumers": [{"function": c.name, "queue": c.queue, "batch_size": c.batch_size} for c in sources.consumers],
        "not_run_locally": sources.not_run_locally,
    }


def list_sources(sources: EventSources, now: datetime, out: TextIO) -> None:
    described = describe(sources, now)
    out.write("Scheduled functions (UTC):\n")
    for s in described["schedules"]:
        out.write(f"  {s['function']:<32} {s['expression']:<28} next {s['next_run']}\n")
    out.write("Queue consumers:\n")
    for c in described["consumers"]:
        out.write(f"  {c['function']:<32} queue {c['queue']} (batch {c['batch_size']})\n")
    for other in described["not_run_locally"]:
        out.write(f"Not run locally: {other}\n")


def fire(invoke: Invoker, function: ScheduledFunction, scheduled_for: datetime, *, trigger: str = "schedule") -> bool:
    """Invoke a scheduled function with the event EventBridge sends when its schedule fires."""
    event = scheduled_event(f"{invoke.app_name}-{invoke.stage}-{function.name}", scheduled_for, _region())
    return invoke(function.name, function.handler, event, trigger=trigger, expression=function.expression,
                  scheduled_for=scheduled_for.isoformat()).returned  # fmt: skip


def run_once(sources: EventSources, name: str, invoke: Invoker, now: datetime) -> int:
    """``--run NAME``: the scheduled function, once, as if its schedule fired ``now``."""
    functions = {f.name: f for f in sources.schedules}
    if name not in functions:
        known = ", ".join(functions) or "none"
        raise JobsError(f"{name!r} is not a scheduled function of the app (scheduled: {known})")
    return 0 if fire(invoke, functions[name], now, trigger="--run") else 1


def serve(
    sources: EventSources,
    invoke: Invoker,
    *,
    sqs: Any,
    stop: threading.Event,
    clock: Callable[[], datetime] = stack_now,
    poll_seconds: int = POLL_WAIT_SECONDS,
    pipes: Sequence[StreamPipe] = (),
) -> None:
    """Run the schedules in this thread, one poller thread per consumer and one per pipe (a table's
    stream to a queue, ``infra/local/stream_pipes.py``) until ``stop`` is set."""
    log = invoke.log
    pollers = [
        QueuePoller(consumer, sqs, invoke, region=_region(), wait_seconds=poll_seconds)
        for consumer in sources.consumers
    ]
    scheduler = Scheduler(sources.schedules, start=clock(), run=lambda function, due: fire(invoke, function, due))
    threads = [
        threading.Thread(target=p.run, args=(stop, log), name=f"poll-{p.consumer.name}", daemon=True) for p in pollers
    ]
    threads += [
        threading.Thread(target=p.run, args=(stop, log), name=f"pipe-{p.table_name}", daemon=True) for p in pipes
    ]
    log("ready", **describe(sources, clock()))  # before the pollers start: "ready" is always the first line
    for thread in threads:
        thread.start()
    while not stop.is_set():
        scheduler.tick(clock())
        stop.wait(min(1.0, scheduler.seconds_until_next(clock())))
    log("stopping: letting running invocations finish")
    for thread in threads:
        thread.join()
    log("stopped")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m infra.local.jobs",
        description="Run the app's scheduled functions and queue consumers locally, as EventBridge and Lambda would.",
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--list", action="store_true", help="list the schedules and consumers, then exit")
    action.add_argument("--run", metavar="NAME", help="run one scheduled function once, now, then exit")
    parser.add_argument("--stage", default="local", help="the stage of .chalice/config.json (default: local)")
    parser.add_argument("--stack-file", default=".local/stack.json", help="the running stack's endpoints")
    parser.add_argument("--app", default="app:app", help="module:attribute of the Chalice app (default: app:app)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    log = JsonLog()
    try:
        config = json.loads(CHALICE_CONFIG.read_text())
        prepare_environment(config, args.stage, Path(args.stack_file), need_aws=not args.list)
        sources = event_sources(load_app(args.app))
        if args.list:
            list_sources(sources, stack_now(), sys.stdout)
            return 0
        invoke = Invoker(log, stage=args.stage, config=config, app_name=str(config.get("app_name", "parley")))
        if args.run:
            return run_once(sources, args.run, invoke, stack_now())
        return _serve_until_signalled(sources, invoke)
    except (JobsError, CronError) as error:
        log("cannot run", level="error", error=str(error))
        return 2


def _serve_until_signalled(sources: EventSources, invoke: Invoker) -> int:
    import boto3

    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()  # only that: logging here could wait forever on a lock the interrupted code holds

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    sqs = boto3.client("sqs", region_name=_region())
    serve(sources, invoke, sqs=sqs, stop=stop, pipes=delivery_pipes(sqs))
    return 0


def delivery_pipes(sqs: Any) -> list[StreamPipe]:
    """The Pipes of the template: each piped table's stream to the deliveries queue (``chalicelib/outbox``)."""
    from functools import partial

    import boto3

    from chalicelib.handlers.delivery_jobs import DELIVERY_QUEUE
    from chalicelib.outbox import PIPED_TABLES, carried
    from chalicelib.settings import table_prefix

    region = _region()
    return stream_pipes(
        boto3.client("dynamodb", region_name=region),
        boto3.client("dynamodbstreams", region_name=region),
        sqs,
        {f"{table_prefix()}{table}": partial(carried, table) for table in PIPED_TABLES},
        DELIVERY_QUEUE,
    )


if __name__ == "__main__":
    sys.exit(main())
