"""The local jobs runner (``infra/local/jobs.py``) runs schedules and consumes queues as AWS would.

Each test builds a throwaway Chalice app (a schedule on the app, one on a blueprint,
and an SQS consumer of the payout queue) and runs it against the moto server with
the resources ``provision()`` creates. Time is passed in, so nothing waits for a
schedule; queue tests poll moto for real.
"""

from __future__ import annotations

import io
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from chalice.app import Blueprint, Chalice, Cron, Rate

from infra.local.jobs import (
    CronError,
    EventSources,
    Invoker,
    JobsError,
    JsonLog,
    QueuePoller,
    Scheduler,
    event_sources,
    fire,
    parse_schedule,
    prepare_environment,
    run_once,
    serve,
)
from infra.local.provision import PAYOUT_QUEUE, LocalAws

SUNDAY_NOON = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@dataclass
class Recorded:
    """What the throwaway app's functions received."""

    scheduled: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    consumer_fails: bool = False


def throwaway_app(recorded: Recorded) -> Chalice:
    app = Chalice(app_name="jobs-test")
    sweeps = Blueprint(__name__)

    @sweeps.schedule(Rate(5, unit=Rate.MINUTES))
    def sweep(event: Any) -> None:
        recorded.scheduled.append(("sweep", event.to_dict()))

    @app.schedule(Cron(0, 6, "?", "*", "MON", "*"))
    def weekly_payouts(event: Any) -> None:
        recorded.scheduled.append(("weekly_payouts", event.to_dict()))

    @app.on_sqs_message(queue=PAYOUT_QUEUE, batch_size=1)
    def pay_out(event: Any) -> None:
        recorded.records.extend(record.to_dict() for record in event)
        if recorded.consumer_fails:
            raise RuntimeError("Stripe is down")

    app.register_blueprint(sweeps)
    return app


@pytest.fixture
def recorded() -> Recorded:
    return Recorded()


@pytest.fixture
def sources(recorded: Recorded) -> EventSources:
    return event_sources(throwaway_app(recorded))


@pytest.fixture
def log_stream() -> io.StringIO:
    return io.StringIO()


@pytest.fixture
def invoke(log_stream: io.StringIO) -> Invoker:
    return Invoker(JsonLog(log_stream), stage="local", config={}, app_name="jobs-test")


@pytest.fixture
def sqs(aws: LocalAws) -> Any:
    return boto3.client("sqs", endpoint_url=aws.endpoint_url, region_name=aws.region)


def log_lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def queue_counts(sqs: Any, url: str) -> tuple[int, int]:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return int(attributes[names[0]]), int(attributes[names[1]])


def wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


# --------------------------------------------------------------------------- what it runs


def test_the_runner_finds_the_schedules_and_queue_consumers_of_the_app_and_its_blueprints(
    sources: EventSources,
) -> None:
    assert {(f.name, f.expression) for f in sources.schedules} == {
        ("sweep", "rate(5 minutes)"),
        ("weekly_payouts", "cron(0 6 ? * MON *)"),
    }
    assert [(c.name, c.queue, c.batch_size) for c in sources.consumers] == [("pay_out", PAYOUT_QUEUE, 1)]
    assert sources.not_run_locally == []


# --------------------------------------------------------------------------- schedules


def test_a_rate_schedule_runs_its_function_every_period_from_the_start_and_never_early(
    sources: EventSources, recorded: Recorded, invoke: Invoker
) -> None:
    sweep = [f for f in sources.schedules if f.name == "sweep"]
    scheduler = Scheduler(sweep, start=SUNDAY_NOON, run=lambda function, due: fire(invoke, function, due))
    minutes = [4, 5, 9, 10, 11]

    ran_at = {m: scheduler.tick(SUNDAY_NOON + timedelta(minutes=m, seconds=59 if m == 4 else 0)) for m in minutes}

    assert ran_at == {4: [], 5: ["sweep"], 9: [], 10: ["sweep"], 11: []}
    assert [event["time"] for _, event in recorded.scheduled] == ["2025-06-01T12:05:00Z", "2025-06-01T12:10:00Z"]


def test_a_scheduled_function_gets_the_event_eventbridge_sends_and_its_run_is_logged_as_json(
    sources: EventSources, recorded: Recorded, invoke: Invoker, log_stream: io.StringIO
) -> None:
    weekly = [f for f in sources.schedules if f.name == "weekly_payouts"]
    scheduler = Scheduler(weekly, start=SUNDAY_NOON, run=lambda function, due: fire(invoke, function, due))

    scheduler.tick(datetime(2025, 6, 2, 6, 0, 0, 400000, tzinfo=UTC))

    [(_, event)] = recorded.scheduled
    assert event["detail-type"] == "Scheduled Event"
    assert event["source"] == "aws.events"
    assert event["time"] == "2025-06-02T06:00:00Z"
    assert event["resources"] == ["arn:aws:events:us-east-1:123456789012:rule/jobs-test-local-weekly_payouts-event"]
    [run] = log_lines(log_stream)
    assert run["function"] == "weekly_payouts"
    assert run["outcome"] == "ok"
    assert run["scheduled_for"] == "2025-06-02T06:00:00+00:00"


def test_a_schedule_that_fell_behind_runs_once_and_then_keeps_its_rhythm(
    sources: EventSources, recorded: Recorded, invoke: Invoker
) -> None:
    sweep = [f for f in sources.schedules if f.name == "sweep"]
    scheduler = Scheduler(sweep, start=SUNDAY_NOON, run=lambda function, due: fire(invoke, function, due))

    assert scheduler.tick(SUNDAY_NOON + timedelta(minutes=27)) == ["sweep"]

    assert scheduler.next_runs() == {"sweep": SUNDAY_NOON + timedelta(minutes=30)}
    assert len(recorded.scheduled) == 1


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        # The weekly payout: from Sunday noon, Monday 06:00; from Monday 06:00 itself, the next Monday.
        ("cron(0 6 ? * MON *)", "2025-06-01T12:00", ["2025-06-02T06:00", "2025-06-09T06:00"]),
        ("cron(0 6 ? * MON *)", "2025-06-02T06:00", ["2025-06-09T06:00"]),
        # AWS numbers the weekdays from 1 = SUN, unlike Unix cron.
        ("cron(0 6 ? * 2 *)", "2025-06-01T12:00", ["2025-06-02T06:00"]),
        ("cron(0 18 ? * MON-FRI *)", "2025-06-06T18:00", ["2025-06-09T18:00", "2025-06-10T18:00"]),
        ("cron(0/15 * * * ? *)", "2025-06-01T12:07", ["2025-06-01T12:15", "2025-06-01T12:30"]),
        ("cron(0/5 8-17 ? * MON-FRI *)", "2025-06-02T17:55", ["2025-06-03T08:00", "2025-06-03T08:05"]),
        ("cron(0 8 1 * ? *)", "2025-06-01T12:00", ["2025-07-01T08:00", "2025-08-01T08:00"]),
        ("cron(0 10 ? * 2#1 *)", "2025-06-01T12:00", ["2025-06-02T10:00", "2025-07-07T10:00"]),  # first Monday
        ("cron(15 10 ? * 6L 2025-2026)", "2025-06-01T12:00", ["2025-06-27T10:15", "2025-07-25T10:15"]),
        ("cron(0 0 L * ? *)", "2025-06-01T12:00", ["2025-06-30T00:00", "2025-07-31T00:00"]),
        ("cron(0 9 1W * ? *)", "2025-05-31T12:00", ["2025-06-02T09:00", "2025-07-01T09:00"]),  # 1 June: a Sunday
        ("cron(30 23 29 FEB ? *)", "2025-06-01T12:00", ["2028-02-29T23:30", "2032-02-29T23:30"]),
        ("cron(0 12 ? JAN,jul SUN 2026)", "2025-06-01T12:00", ["2026-01-04T12:00", "2026-01-11T12:00"]),
    ],
)
def test_aws_cron_expressions_fire_when_eventbridge_would_in_utc(
    expression: str, after: str, expected: list[str]
) -> None:
    schedule = parse_schedule(expression, start=SUNDAY_NOON)
    moment = datetime.fromisoformat(after).replace(tzinfo=UTC)

    fired = []
    for _ in expected:
        moment = schedule.next_after(moment)
        fired.append(moment.strftime("%Y-%m-%dT%H:%M"))

    assert fired == expected


@pytest.mark.parametrize(
    ("expression", "complaint"),
    [
        ("cron(0 6 * * MON *)", "exactly one of day-of-month and day-of-week must be '?'"),
        ("cron(0 6 ? * MON)", "6 fields"),
        ("cron(60 6 ? * MON *)", "outside 0-59"),
        ("cron(0 6 ? * 0 *)", "outside 1-7"),
        ("cron(0 6 ? * FRI-MON *)", "backwards"),
        ("cron(0 0 30 FEB ? *)", "never fires"),
        ("rate(0 minutes)", "at least 1"),
        ("at(2025-06-01T12:00:00)", "neither rate(...) nor cron(...)"),
    ],
)
def test_a_schedule_eventbridge_would_refuse_is_refused_with_the_reason(expression: str, complaint: str) -> None:
    with pytest.raises(CronError, match=complaint.replace("(", r"\(").replace(")", r"\)")):
        parse_schedule(expression, start=SUNDAY_NOON).next_after(SUNDAY_NOON)


def test_an_operator_runs_one_scheduled_function_now_by_its_name(
    sources: EventSources, recorded: Recorded, invoke: Invoker
) -> None:
    assert run_once(sources, "weekly_payouts", invoke, SUNDAY_NOON) == 0

    assert [(name, event["time"]) for name, event in recorded.scheduled] == [("weekly_payouts", "2025-06-01T12:00:00Z")]
    with pytest.raises(JobsError, match="'pay_out' is not a scheduled function"):
        run_once(sources, "pay_out", invoke, SUNDAY_NOON)


# --------------------------------------------------------------------------- queues


def test_provision_creates_the_payout_queue_with_the_templates_redrive_and_a_dead_letter_queue_kept_14_days(
    aws: LocalAws, sqs: Any
) -> None:
    queue = sqs.get_queue_attributes(QueueUrl=aws.payout_queue_url, AttributeNames=["All"])["Attributes"]
    dlq = sqs.get_queue_attributes(QueueUrl=aws.payout_dlq_url, AttributeNames=["All"])["Attributes"]

    assert json.loads(queue["RedrivePolicy"]) == {"deadLetterTargetArn": dlq["QueueArn"], "maxReceiveCount": 5}
    assert int(queue["VisibilityTimeout"]) == 180  # 6 x the stages' 30 s lambda_timeout
    assert int(dlq["MessageRetentionPeriod"]) == 14 * 24 * 3600
    assert aws.app_environment()["PARLEY_PAYOUT_QUEUE_NAME"] == PAYOUT_QUEUE
    assert aws.app_environment()["PARLEY_PAYOUT_DLQ_URL"] == aws.payout_dlq_url


def test_a_message_sent_to_the_queue_is_delivered_to_its_consumer_once_and_then_deleted(
    aws: LocalAws, sqs: Any, sources: EventSources, recorded: Recorded, invoke: Invoker
) -> None:
    poller = QueuePoller(sources.consumers[0], sqs, invoke, region=aws.region)
    sent = sqs.send_message(
        QueueUrl=aws.payout_queue_url,
        MessageBody='{"expert_id": "e-1", "week": "2025-W23"}',
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "payout"}},
    )

    assert poller.poll_once(wait_seconds=1) == 1
    assert poller.poll_once(wait_seconds=0) == 0

    [record] = recorded.records
    assert record["messageId"] == sent["MessageId"]
    assert record["body"] == '{"expert_id": "e-1", "week": "2025-W23"}'
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == poller.queue_arn
    assert record["eventSourceARN"].endswith(f":{PAYOUT_QUEUE}")
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert record["messageAttributes"]["kind"]["stringValue"] == "payout"
    assert record["receiptHandle"]
    assert queue_counts(sqs, aws.payout_queue_url) == (0, 0)  # deleted, not merely hidden


def test_a_consumer_that_raises_gets_the_message_again_and_after_max_receive_count_it_lands_in_the_dlq(
    aws: LocalAws, sqs: Any, sources: EventSources, recorded: Recorded, invoke: Invoker, log_stream: io.StringIO
) -> None:
    # In AWS a failed message reappears after the 180 s visibility timeout; here at once.
    sqs.set_queue_attributes(QueueUrl=aws.payout_queue_url, Attributes={"VisibilityTimeout": "0"})
    recorded.consumer_fails = True
    poller = QueuePoller(sources.consumers[0], sqs, invoke, region=aws.region)
    sqs.send_message(QueueUrl=aws.payout_queue_url, MessageBody="pay e-2")

    deliveries = [poller.poll_once(wait_seconds=0) for _ in range(7)]

    assert deliveries == [1, 1, 1, 1, 1, 0, 0]
    assert [r["attributes"]["ApproximateReceiveCount"] for r in recorded.records] == ["1", "2", "3", "4", "5"]
    assert {r["messageId"] for r in recorded.records} == {recorded.records[0]["messageId"]}
    assert queue_counts(sqs, aws.payout_queue_url) == (0, 0)
    [dead] = sqs.receive_message(QueueUrl=aws.payout_dlq_url, WaitTimeSeconds=0)["Messages"]
    assert dead["Body"] == "pay e-2"
    failures = [line for line in log_lines(log_stream) if line["outcome"] == "error"]
    assert len(failures) == 5
    assert failures[0]["error"] == "RuntimeError: Stripe is down"
    assert failures[0]["queue"] == PAYOUT_QUEUE


def test_a_consumer_of_a_queue_that_was_never_created_stops_the_runner_with_the_queue_name(
    aws: LocalAws, sqs: Any, recorded: Recorded, invoke: Invoker
) -> None:
    app = Chalice(app_name="jobs-test")

    @app.on_sqs_message(queue="parley-local-missing")
    def consume(event: Any) -> None:
        pass

    with pytest.raises(JobsError, match="'parley-local-missing', which does not exist"):
        QueuePoller(event_sources(app).consumers[0], sqs, invoke, region=aws.region)


# --------------------------------------------------------------------------- the runner as a whole


@pytest.fixture
def running(
    aws: LocalAws, sqs: Any, sources: EventSources, invoke: Invoker
) -> Iterator[tuple[threading.Event, threading.Thread]]:
    """``serve`` in a thread, on a clock that runs 600 times faster than real time."""
    started = time.monotonic()

    def fast_clock() -> datetime:
        return SUNDAY_NOON + timedelta(seconds=(time.monotonic() - started) * 600)

    stop = threading.Event()
    thread = threading.Thread(
        target=serve, args=(sources, invoke), kwargs={"sqs": sqs, "stop": stop, "clock": fast_clock, "poll_seconds": 1}
    )
    thread.start()
    yield stop, thread
    stop.set()
    thread.join(timeout=10)


def test_the_runner_runs_schedules_and_consumes_queues_until_it_is_told_to_stop(
    aws: LocalAws,
    sqs: Any,
    recorded: Recorded,
    log_stream: io.StringIO,
    running: tuple[threading.Event, threading.Thread],
) -> None:
    stop, thread = running
    sqs.send_message(QueueUrl=aws.payout_queue_url, MessageBody="pay e-3")

    wait_for(lambda: bool(recorded.records) and any(name == "sweep" for name, _ in recorded.scheduled))
    stop.set()
    thread.join(timeout=5)

    assert not thread.is_alive()
    assert [r["body"] for r in recorded.records] == ["pay e-3"]
    messages = [line["message"] for line in log_lines(log_stream)]
    assert messages[0] == "ready"
    assert messages[-1] == "stopped"
    ready = log_lines(log_stream)[0]
    assert {s["function"] for s in ready["schedules"]} == {"sweep", "weekly_payouts"}
    assert ready["consumers"] == [{"function": "pay_out", "queue": PAYOUT_QUEUE, "batch_size": 1}]


def test_the_runner_refuses_to_start_without_a_local_aws_endpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ENDPOINT_URL", "PARLEY_LAUNCHER_PINNED"):
        monkeypatch.delenv(name, raising=False)
    config = {"stages": {"local": {"environment_variables": {"PARLEY_STAGE": "local"}}}}

    with pytest.raises(JobsError, match="no local AWS"):
        prepare_environment(config, "local", tmp_path / "stack.json", need_aws=True)


def test_run_by_hand_the_runner_takes_the_running_stacks_environment_over_the_stage_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ENDPOINT_URL", "PARLEY_LAUNCHER_PINNED", "PARLEY_WEB_ORIGIN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_PROFILE", "someones-real-account")
    stack_file = tmp_path / "stack.json"
    stack_file.write_text(json.dumps({"app_environment": {"AWS_ENDPOINT_URL": "http://127.0.0.1:5999"}}))
    config = {
        "environment_variables": {"PARLEY_WEB_ORIGIN": "http://localhost"},
        "stages": {"local": {"environment_variables": {"AWS_ENDPOINT_URL": "https://stale.example"}}},
    }

    prepare_environment(config, "local", stack_file, need_aws=True)

    assert os.environ["AWS_ENDPOINT_URL"] == "http://127.0.0.1:5999"
    assert os.environ["PARLEY_WEB_ORIGIN"] == "http://localhost"
    assert "AWS_PROFILE" not in os.environ


def test_after_the_clock_offset_moves_the_runner_fires_the_hourly_jobs_and_the_monday_payout_on_the_moved_time(
    aws: LocalAws,
    sqs: Any,
    sources: EventSources,
    recorded: Recorded,
    invoke: Invoker,
    log_stream: io.StringIO,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    offset = tmp_path / "clock-offset"
    offset.write_text("0")
    monkeypatch.setenv("PARLEY_STAGE", "local")
    monkeypatch.setenv("PARLEY_CLOCK_OFFSET_FILE", str(offset))
    stop = threading.Event()
    thread = threading.Thread(
        target=serve, args=(sources, invoke), kwargs={"sqs": sqs, "stop": stop, "poll_seconds": 1}
    )
    thread.start()
    try:
        wait_for(lambda: '"ready"' in log_stream.getvalue())
        moved = datetime.now(UTC) + timedelta(days=8)  # a Monday 06:00 is always within 8 days
        offset.write_text(str(8 * 24 * 3600))
        wait_for(lambda: {"sweep", "weekly_payouts"} <= {name for name, _ in recorded.scheduled})
    finally:
        stop.set()
        thread.join(timeout=10)

    fired = {name: datetime.fromisoformat(event["time"]) for name, event in recorded.scheduled}
    print("fired on the moved clock:", {name: at.isoformat() for name, at in fired.items()})
    assert [name for name, _ in recorded.scheduled].count("weekly_payouts") == 1  # a skipped cron is caught up once
    assert [name for name, _ in recorded.scheduled].count("sweep") == 1
    assert (fired["weekly_payouts"].weekday(), fired["weekly_payouts"].hour) == (0, 6)
    assert moved - timedelta(days=7) <= fired["weekly_payouts"] <= moved


def test_a_clock_moved_back_fires_each_rate_at_once_and_restarts_the_schedules_from_the_new_time(
    sources: EventSources, recorded: Recorded, invoke: Invoker
) -> None:
    sweep = [f for f in sources.schedules if f.name == "sweep"]
    scheduler = Scheduler(sweep, start=SUNDAY_NOON, run=lambda function, due: fire(invoke, function, due))
    assert scheduler.tick(SUNDAY_NOON + timedelta(days=30)) == ["sweep"]  # the clock was moved forward

    back = SUNDAY_NOON + timedelta(minutes=1)  # and then back (a test resets the offset)

    assert scheduler.tick(back) == ["sweep"]  # what fell due is unknown: a rate fires at once
    assert scheduler.tick(back + timedelta(seconds=30)) == []
    assert scheduler.tick(back + timedelta(minutes=5)) == ["sweep"]
