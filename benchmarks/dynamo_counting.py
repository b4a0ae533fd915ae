"""What the DynamoDB benchmarks share: a moto server of their own, and a count of requests and items read."""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class DynamoRequests:
    """Every DynamoDB request PynamoDB makes while recording, with the items each read."""

    recording: bool = False
    operations: Counter[str] = field(default_factory=Counter)
    items_read: Counter[str] = field(default_factory=Counter)

    def reset(self) -> None:
        self.operations.clear()
        self.items_read.clear()

    @property
    def total(self) -> int:
        return sum(self.operations.values())

    @property
    def total_items_read(self) -> int:
        return sum(self.items_read.values())


def items_in(result: dict[str, Any]) -> int:
    """Items one response read: a Query's or Scan's ``ScannedCount`` (else ``Count``), 1 for a found GetItem."""
    if "Item" in result:
        return 1
    return int(result.get("ScannedCount", result.get("Count", 0)))


def record_dynamo_requests() -> DynamoRequests:
    from pynamodb.connection.base import Connection

    requests = DynamoRequests()
    original = Connection.dispatch

    def dispatch(self: Connection, operation_name: str, operation_kwargs: dict[str, Any]) -> Any:
        result = original(self, operation_name, operation_kwargs)
        if requests.recording:
            requests.operations[operation_name] += 1
            requests.items_read[operation_name] += items_in(result)
        return result

    Connection.dispatch = dispatch  # type: ignore[method-assign]
    return requests


@contextmanager
def recording(requests: DynamoRequests) -> Iterator[None]:
    requests.reset()
    requests.recording = True
    try:
        yield
    finally:
        requests.recording = False


def start_moto(table_prefix: str) -> tuple[Any, str]:
    """A moto server on a free loopback port with Parley's resources, and this process pointed at it."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    os.environ.update(
        AWS_ENDPOINT_URL=url,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_REGION="us-east-1",
        PARLEY_TABLE_PREFIX=table_prefix,
    )
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    from infra.local.provision import provision

    provision(url, table_prefix=table_prefix)
    return server, url


def timed(action: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def put_into_moto(model: Any, items: Iterable[Any]) -> int:
    """Put ``items`` (PynamoDB models) straight into the in-process moto's storage of ``model``'s table, as a
    BatchWriteItem would leave them (moto's own write path costs milliseconds an item). Returns how many."""
    from moto.dynamodb.models import dynamodb_backends
    from moto.dynamodb.models.dynamo_type import DynamoType, Item

    region = os.environ["AWS_DEFAULT_REGION"]
    table = dynamodb_backends["123456789012"][region].get_table(model.Meta.table_name)
    hash_name = model._hash_key_attribute().attr_name
    range_attribute = model._range_key_attribute()
    written = 0
    for item in items:
        attributes = item.serialize()
        key = DynamoType(attributes[hash_name])
        if range_attribute is None:
            table.items[key] = Item(key, None, attributes)  # type: ignore[assignment]
        else:
            sort_key = DynamoType(attributes[range_attribute.attr_name])
            table.items[key][sort_key] = Item(key, sort_key, attributes)
        written += 1
    return written


def empty_moto_table(model: Any) -> None:
    """Forget every item of ``model``'s table in the in-process moto."""
    from moto.dynamodb.models import dynamodb_backends

    dynamodb_backends["123456789012"][os.environ["AWS_DEFAULT_REGION"]].get_table(model.Meta.table_name).items.clear()
