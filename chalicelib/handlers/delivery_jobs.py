"""The deliveries consumer: the effects of appointment and call changes, from their stream records.

The queue is named by ``PARLEY_DELIVERY_QUEUE_NAME`` (default ``<table prefix>deliveries``), read when
this module loads because Chalice builds the SQS event source from the decorator. What it does and why:
``chalicelib/outbox``.
"""

from __future__ import annotations

import os

from chalice.app import Blueprint, SQSEvent

from chalicelib import runtime
from chalicelib.settings import table_prefix

jobs = Blueprint(__name__)
DELIVERY_QUEUE = os.environ.get("PARLEY_DELIVERY_QUEUE_NAME") or f"{table_prefix()}deliveries"


@jobs.on_sqs_message(queue=DELIVERY_QUEUE, batch_size=1)
def deliver_side_effects(event: SQSEvent) -> None:
    """One change per message. Raising leaves it on the queue: SQS retries it, then dead-letters it."""
    from chalicelib.outbox.changes import change_of
    from chalicelib.outbox.delivery import deliver

    for record in event:
        deliver(change_of(record.body), runtime.now())
