"""Side effects are never lost and never doubled: a settled call's receipts and notifications travel from
the sessions table's stream through the deliveries queue (moto's SQS, with its redrive to the dead-letter queue) to
the consumer, as the Pipe and Lambda's poller carry them in AWS (``chalicelib/outbox``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

import boto3
import pytest

from chalicelib import runtime
from chalicelib.mail import send
from chalicelib.models.delivery import Delivery
from chalicelib.outbox import carried
from chalicelib.sessions import calls
from infra.local.jobs import Invoker, JsonLog, QueuePoller, event_sources
from infra.local.provision import LocalAws
from infra.local.stream_pipes import StreamPipe, StreamReader
from tests.functional import deliveries
from tests.functional.conftest import Users
from tests.functional.deliveries import sent_emails
from tests.functional.test_calls import Parties, make_parties, start_call

RETRY_AFTER_SECONDS = 1  # the test's queue hides a failed message for 1 s (the template's: 60 s)


class Killed(BaseException):
    """The consumer's process dies here (not an error the code could catch and handle)."""


@dataclass
class Pipeline:
    pipe: StreamPipe
    poller: QueuePoller
    sqs: Any
    aws: LocalAws

    def carry(self) -> int:
        """Move what the stream holds to the queue; returns how many changes."""
        return self.pipe.pump_once()

    def consume(self) -> int:
        """One receive of the consumer (waiting up to the retry delay); returns how many it was given."""
        return self.poller.poll_once(wait_seconds=RETRY_AFTER_SECONDS + 1)

    def consume_all(self) -> int:
        """Receive until the queue stays empty for longer than a retry takes; returns how many were given."""
        given = 0
        while received := self.consume():
            given += received
        return given

    def waiting(self, queue_url: str) -> int:
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])


@pytest.fixture
def pipeline(aws: LocalAws, api: Any) -> Pipeline:
    from app import app

    deliveries.stop()  # no shortcut: only the pipe and the queue deliver in these tests
    sqs = boto3.client("sqs", endpoint_url=aws.endpoint_url, region_name=aws.region)
    sqs.set_queue_attributes(
        QueueUrl=aws.delivery_queue_url, Attributes={"VisibilityTimeout": str(RETRY_AFTER_SECONDS)}
    )
    reader = StreamReader(
        boto3.client("dynamodb", endpoint_url=aws.endpoint_url, region_name=aws.region),
        boto3.client("dynamodbstreams", endpoint_url=aws.endpoint_url, region_name=aws.region),
        f"{aws.table_prefix}sessions",
    )
    [consumer] = [c for c in event_sources(app).consumers if c.name == "deliver_side_effects"]
    poller = QueuePoller(consumer, sqs, Invoker(JsonLog(), stage="local"), region=aws.region)
    pipe = StreamPipe(reader, sqs, aws.delivery_queue_url, "sessions", partial(carried, "sessions"))
    return Pipeline(pipe, poller, sqs, aws)


@pytest.fixture
def parties(api: Any, users: Users, stripe_api: Any) -> Parties:
    return make_parties(api, users, stripe_api)


class FlakySes:
    """SES that refuses the first ``failures`` emails (throttled), then sends through moto's SES."""

    def __init__(self, failures: int, real: Any) -> None:
        self.failures, self.attempts, self._real = failures, 0, real

    def send_email(self, **kwargs: Any) -> Any:
        self.attempts += 1
        if self.attempts <= self.failures:
            from botocore.exceptions import ClientError

            raise ClientError(
                {"Error": {"Code": "Throttling", "Message": "Maximum sending rate exceeded."}}, "SendEmail"
            )
        return self._real.send_email(**kwargs)


def receipts_to(address: str) -> list[str]:
    return [str(m.body) for m in sent_emails(deliver_first=False) if address in m.destinations["ToAddresses"]]


def a_settled_call(p: Parties) -> str:
    start = runtime.now()
    session_id = start_call(p, start)
    calls.hang_up(session_id, p.client.sub, now=start + timedelta(minutes=12))
    return session_id


def test_ses_failing_three_times_then_succeeding_delivers_each_receipt_once(
    pipeline: Pipeline, parties: Parties, monkeypatch: pytest.MonkeyPatch
) -> None:
    ses = FlakySes(3, send.ses_client())
    monkeypatch.setattr(send, "ses_client", lambda: ses)
    session_id = a_settled_call(parties)

    changes = pipeline.carry()
    given = pipeline.consume_all()

    # 1st try: both refused; 2nd: the client's refused, the expert's sent; 3rd: the client's sent
    assert ses.attempts == 5
    [client_receipt] = receipts_to(parties.client.email)
    [expert_receipt] = receipts_to(parties.expert.email)
    assert "Billed minutes: 12" in client_receipt
    assert "Your earnings" in expert_receipt
    assert Delivery.get(f"session:{session_id}:receipt:client").state == "delivered"
    assert changes == 1  # the Pipe's filter carries only the change that settles the call
    assert given == 3  # received three times: twice it failed
    assert pipeline.waiting(pipeline.aws.delivery_queue_url) == 0
    assert pipeline.waiting(pipeline.aws.delivery_dlq_url) == 0


class FlakyWebSocketApi:
    """The WebSocket API failing for the first ``failures`` posts (a 500 from @connections), then passing
    them to the test's recording notifier."""

    def __init__(self, failures: int, real: Any) -> None:
        self.failures, self.attempts, self._real = failures, 0, real

    def notify(self, account_id: str, message: dict[str, Any]) -> None:
        self.attempts += 1
        if self.attempts <= self.failures:
            from botocore.exceptions import ClientError

            raise ClientError(
                {"Error": {"Code": "InternalServerError", "Message": "Internal error"}}, "PostToConnection"
            )
        self._real.notify(account_id, message)


def test_the_websocket_api_failing_as_a_call_ends_still_tells_each_side_of_its_end_and_bill_once(
    pipeline: Pipeline, parties: Parties
) -> None:
    websocket = FlakyWebSocketApi(3, parties.notifier)
    session_id = a_settled_call(parties)
    runtime.use_notifier(websocket)  # from here on the consumer posts through the failing API

    pipeline.carry()
    given = pipeline.consume_all()

    # 1st try: both refused; 2nd: the client's refused, the expert's told; 3rd: the client's told
    assert websocket.attempts == 5
    [to_client] = parties.notifier.to(parties.client.sub, "session.ended")
    [to_expert] = parties.notifier.to(parties.expert.sub, "session.ended")
    assert (to_client["session_id"], to_client["bill"]["billed_minutes"]) == (session_id, 12)
    assert "earnings" not in to_client["bill"]
    assert to_expert["bill"]["earnings"] > 0
    assert len(receipts_to(parties.client.email)) == len(receipts_to(parties.expert.email)) == 1
    assert given == 3
    assert pipeline.waiting(pipeline.aws.delivery_queue_url) == 0


def test_a_change_that_fails_in_a_batch_comes_back_alone_and_its_batch_mates_are_delivered_once(
    pipeline: Pipeline, parties: Parties, monkeypatch: pytest.MonkeyPatch
) -> None:
    ses = FlakySes(2, send.ses_client())  # the first call's two receipts are refused once
    monkeypatch.setattr(send, "ses_client", lambda: ses)
    first, second = a_settled_call(parties), a_settled_call(parties)

    assert pipeline.carry() == 2
    assert pipeline.consume() == 2  # one batch: the first change handed back, the second delivered
    assert pipeline.consume() == 1  # only the first comes back
    assert pipeline.consume_all() == 0

    assert ses.attempts == 6  # 2 refused, then each of the four receipts once
    client_receipts = receipts_to(parties.client.email)
    assert sorted(r.split("session ")[1].split("\n")[0] for r in client_receipts) == sorted([first, second])
    assert len(receipts_to(parties.expert.email)) == 2
    assert len(parties.notifier.to(parties.client.sub, "session.ended")) == 2
    assert pipeline.waiting(pipeline.aws.delivery_queue_url) == 0


def test_a_consumer_killed_half_way_through_a_change_loses_nothing_and_doubles_nothing(
    pipeline: Pipeline, parties: Parties, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = send.ses_client()
    sends: list[str] = []

    class DiesOnSecondEmail:
        def send_email(self, **kwargs: Any) -> Any:
            sends.append(kwargs["Destination"]["ToAddresses"][0])
            if len(sends) == 2:
                raise Killed  # the first receipt went out; the process dies sending the second
            return real.send_email(**kwargs)

    monkeypatch.setattr(send, "ses_client", lambda: DiesOnSecondEmail())
    a_settled_call(parties)
    pipeline.carry()
    with pytest.raises(Killed):  # the changes before the settling one have nothing to deliver
        pipeline.consume_all()
    assert len(receipts_to(parties.client.email)) == 1
    assert receipts_to(parties.expert.email) == []

    monkeypatch.setattr(send, "ses_client", lambda: real)  # a new process takes over
    parties_clock_moves_past_the_claim(monkeypatch)
    pipeline.consume_all()

    assert len(receipts_to(parties.client.email)) == 1
    assert len(receipts_to(parties.expert.email)) == 1
    assert pipeline.waiting(pipeline.aws.delivery_queue_url) == 0


def parties_clock_moves_past_the_claim(monkeypatch: pytest.MonkeyPatch) -> None:
    """The killed attempt's claim on the second receipt lapses (30 s) before the message comes back."""
    later = runtime.now() + timedelta(seconds=31)
    monkeypatch.setattr(runtime, "now", lambda: later)


def test_a_change_that_never_gets_through_ends_in_the_dead_letter_queue_for_an_operator(
    pipeline: Pipeline, parties: Parties, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(send, "ses_client", lambda: FlakySes(10**6, None))
    a_settled_call(parties)
    pipeline.carry()

    pipeline.consume_all()

    assert pipeline.waiting(pipeline.aws.delivery_queue_url) == 0
    assert pipeline.waiting(pipeline.aws.delivery_dlq_url) == 1
    [message] = pipeline.sqs.receive_message(QueueUrl=pipeline.aws.delivery_dlq_url)["Messages"]
    assert json.loads(message["Body"])["eventName"] in ("MODIFY", "INSERT")
    assert receipts_to(parties.client.email) == []


def test_the_local_pipe_carries_writes_made_after_a_transaction_failed(aws: LocalAws) -> None:
    dynamodb = boto3.client("dynamodb", endpoint_url=aws.endpoint_url, region_name=aws.region)
    table = f"{aws.table_prefix}sessions"
    reader = StreamReader(
        dynamodb, boto3.client("dynamodbstreams", endpoint_url=aws.endpoint_url, region_name=aws.region), table
    )
    dynamodb.put_item(TableName=table, Item={"session_id": {"S": "first"}})
    assert [r["eventName"] for r in reader.read()] == ["INSERT"]

    refused = {
        "TableName": table,
        "Item": {"session_id": {"S": "first"}},
        "ConditionExpression": "attribute_not_exists(session_id)",
    }
    with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        dynamodb.transact_write_items(TransactItems=[{"Put": refused}])
    dynamodb.put_item(TableName=table, Item={"session_id": {"S": "second"}})

    [record] = reader.read()
    assert record["dynamodb"]["Keys"] == {"session_id": {"S": "second"}}
    assert reader.read() == []
