"""The local stand-in for the EventBridge Pipes that carry table changes to the deliveries queue.

In AWS a Pipe reads a table's DynamoDB stream and sends each record, as JSON, to an SQS queue
(``infra/resources.json``: ``AppointmentChangesPipe``, ``SessionChangesPipe``). Here ``StreamPipe`` reads
moto's stream of the same table (every shard, from its oldest record, then where it left off) and
sends each record to the local queue in the shape a Pipe gives it (``ApproximateCreationDateTime`` in
epoch seconds, ``eventSourceARN`` the stream's ARN). The jobs runner (``infra/local/jobs.py``) runs
one per piped table; the functional tests use ``StreamReader`` to deliver changes at once.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

PUMP_SECONDS = 0.25  # how often a pipe looks for new records (a Pipe polls its shards about 4 times a second)


class StreamReader:
    """Every record of one table's stream, each once, in order within a shard.

    Its shards are listed once (moto's stream has one, which never closes). Each read asks for a fresh
    iterator after the last record it returned (at first, the shard's oldest): moto rolls a failed
    transaction back by putting a copy of the table in place, stream included, and an iterator taken
    before that sees nothing written after it.
    """

    def __init__(self, dynamodb: Any, streams: Any, table_name: str) -> None:
        self._streams = streams
        arn = dynamodb.describe_table(TableName=table_name)["Table"].get("LatestStreamArn")
        if not arn:
            raise RuntimeError(f"the table {table_name} has no stream (its model names a stream_view_type)")
        self.stream_arn = str(arn)
        # shard id -> the sequence number of the last record returned (moto's stream has one shard, for good)
        shards = streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"]
        self._last: dict[str, str | None] = {str(shard["ShardId"]): None for shard in shards}

    def read(self) -> list[dict[str, Any]]:
        """The records written since the last read, as a Pipe sends them."""
        records: list[dict[str, Any]] = []
        for shard_id in self._last:
            iterator: str | None = self._iterator(shard_id, self._last[shard_id])
            while iterator is not None:
                answer = self._streams.get_records(ShardIterator=iterator)
                found = answer.get("Records", [])
                if not found:
                    break
                records += [self._as_sent(record) for record in found]
                self._last[shard_id] = str(found[-1]["dynamodb"]["SequenceNumber"])
                iterator = answer.get("NextShardIterator")
        return records

    def _iterator(self, shard_id: str, after: str | None) -> str:
        where: dict[str, str] = (
            {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after}
            if after
            else {"ShardIteratorType": "TRIM_HORIZON"}
        )
        return str(
            self._streams.get_shard_iterator(StreamArn=self.stream_arn, ShardId=shard_id, **where)["ShardIterator"]
        )

    def _as_sent(self, record: dict[str, Any]) -> dict[str, Any]:
        data = dict(record["dynamodb"])
        created = data.get("ApproximateCreationDateTime")
        if isinstance(created, datetime):
            data["ApproximateCreationDateTime"] = created.timestamp()
        return {key: value for key, value in record.items() if key != "dynamodb"} | {
            "dynamodb": data,
            "eventSourceARN": self.stream_arn,
        }


class StreamPipe:
    """One table's stream to one queue, as a Pipe with a batch size of 1 and a filter (``carries``)."""

    def __init__(
        self, reader: StreamReader, sqs: Any, queue_url: str, table_name: str, carries: Callable[[dict[str, Any]], bool]
    ) -> None:
        self.reader = reader
        self.table_name = table_name
        self._sqs = sqs
        self._queue_url = queue_url
        self._carries = carries

    def pump_once(self) -> int:
        """Send what the stream holds and the filter lets through; returns how many records were sent."""
        records = [record for record in self.reader.read() if self._carries(record)]
        for record in records:
            self._sqs.send_message(QueueUrl=self._queue_url, MessageBody=json.dumps(record, default=str))
        return len(records)

    def run(self, stop: threading.Event, log: Callable[..., None]) -> None:
        while not stop.is_set():
            try:
                self.pump_once()
            except Exception as error:
                if stop.is_set():
                    return  # the stack is stopping, moto with it
                log("pipe failed", level="error", table=self.table_name, error=f"{type(error).__name__}: {error}")
                stop.wait(1.0)
                continue
            stop.wait(PUMP_SECONDS)


def stream_pipes(
    dynamodb: Any, streams: Any, sqs: Any, tables: Mapping[str, Callable[[dict[str, Any]], bool]], queue_name: str
) -> list[StreamPipe]:
    """A pipe for each table (full name -> its filter) to the queue ``queue_name``."""
    queue_url = str(sqs.get_queue_url(QueueName=queue_name)["QueueUrl"])
    return [
        StreamPipe(StreamReader(dynamodb, streams, table), sqs, queue_url, table, carries)
        for table, carries in tables.items()
    ]
