"""The effects of changes (emails, thread entries), delivered at once in functional tests.

In the stack, a table's stream reaches the deliveries queue through a Pipe and its consumer sends the
effects (``chalicelib/outbox``). Here the ``aws`` fixture starts a ``PendingDeliveries`` on the test's
fresh tables, and every request through the test client, and every read of sent mail
(``sent_emails``), first delivers what the changes so far call for, as a pipe with no lag would. A
change whose delivery fails is tried again at the next chance, as the queue would.
"""

from __future__ import annotations

import json
from typing import Any

import boto3

from chalicelib import runtime
from chalicelib.outbox import PIPED_TABLES, carried
from chalicelib.outbox.changes import change_of
from chalicelib.outbox.delivery import DeliveryIncomplete, deliver
from infra.local.stream_pipes import StreamReader


class PendingDeliveries:
    def __init__(self, endpoint_url: str, table_prefix: str) -> None:
        dynamodb = boto3.client("dynamodb", endpoint_url=endpoint_url, region_name="us-east-1")
        streams = boto3.client("dynamodbstreams", endpoint_url=endpoint_url, region_name="us-east-1")
        self._readers = {table: StreamReader(dynamodb, streams, f"{table_prefix}{table}") for table in PIPED_TABLES}
        self._waiting: list[str] = []  # message bodies whose delivery failed: tried again next time
        self.failures = 0

    def deliver_all(self) -> None:
        bodies = self._waiting + [
            json.dumps(record, default=str)
            for table, reader in self._readers.items()
            for record in reader.read()
            if carried(table, record)
        ]
        self._waiting = []
        for body in bodies:
            try:
                deliver(change_of(body), runtime.now())
            except DeliveryIncomplete:
                self.failures += 1
                self._waiting.append(body)


_current: PendingDeliveries | None = None


def start(endpoint_url: str, table_prefix: str) -> PendingDeliveries:
    global _current
    _current = PendingDeliveries(endpoint_url, table_prefix)
    return _current


def stop() -> None:
    global _current
    _current = None


def deliver_pending() -> None:
    """Deliver what the changes so far call for (nothing outside a test with the ``aws`` fixture)."""
    if _current is not None:
        _current.deliver_all()


def sent_emails(*, deliver_first: bool = True) -> list[Any]:
    """Every email SES (moto, in this process) accepted, oldest first, after delivering what is pending
    (``deliver_first=False``: only what was sent so far, for tests that send mail themselves)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    if deliver_first:
        deliver_pending()
    return list(ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages)
