"""The deliveries consumer: the effects of appointment, call and thread changes, from their stream records.

The queue is named by ``PARLEY_DELIVERY_QUEUE_NAME`` (default ``<table prefix>deliveries``), read when
this module loads because Chalice builds the SQS event source from the decorator. What it does and why:
``chalicelib/outbox``.
"""

from __future__ import annotations

import os

from chalice.app import Blueprint, SQSEvent

from chalicelib import runtime
from chalicelib.handlers.partial_batches import BatchAnswer, failed_items
from chalicelib.settings import table_prefix

jobs = Blueprint(__name__)
DELIVERY_QUEUE = os.environ.get("PARLEY_DELIVERY_QUEUE_NAME") or f"{table_prefix()}deliveries"
DELIVERY_BATCH = 10  # changes per invocation; each is delivered on its own, and only those not done go back


@jobs.on_sqs_message(queue=DELIVERY_QUEUE, batch_size=DELIVERY_BATCH)
def deliver_side_effects(event: SQSEvent) -> BatchAnswer:
    """One change per message. A change not fully delivered is handed back (its message alone): SQS gives
    it again after its visibility timeout, and after five receives moves it to the dead-letter queue."""
    from chalicelib.outbox.changes import change_of
    from chalicelib.outbox.delivery import DeliveryIncomplete, deliver
    from chalicelib.web.logs import log_error, log_info

    failed: list[str] = []
    for record in event:
        message_id = str(record.to_dict()["messageId"])
        try:
            deliver(change_of(record.body), runtime.now())
        except DeliveryIncomplete as incomplete:  # its failed effects are logged already
            log_info("change handed back to the queue", message_id=message_id, why=str(incomplete))
            failed.append(message_id)
        except Exception:  # this change only: the batch's others are delivered on their own
            log_error("change not delivered; it is retried", message_id=message_id)
            failed.append(message_id)
    return failed_items(failed)
