"""Make moto's DynamoDB answer one request at a time, as isolated as DynamoDB's are.

moto runs a ``TransactWriteItems`` by deep-copying every table it touches, applying the
items one by one, and, when any condition fails, putting the copies back. Its server
answers requests on threads, so without this a request served meanwhile sees half of
a transaction, and a write that lands between the copy and a failed transaction's
rollback is silently undone. DynamoDB never does either: its transactions are atomic
and serializable with the single-item writes and reads around them. The local stack and
the functional tests run real concurrency (a Stripe webhook arriving while the API
writes the same capture, two jobs at once), so they need the real guarantee.

Serving DynamoDB requests one at a time gives it; every other service stays threaded.
"""

from __future__ import annotations

import threading
from typing import Any

_dynamodb_requests = threading.RLock()
_installed = False


def isolate_dynamodb_requests() -> None:
    """Serve moto's DynamoDB requests one at a time in this process. Safe to call twice."""
    global _installed
    if _installed:
        return
    from moto.dynamodb.responses import DynamoHandler

    serve = DynamoHandler.call_action

    def call_action_alone(self: Any) -> Any:
        with _dynamodb_requests:
            return serve(self)

    DynamoHandler.call_action = call_action_alone  # type: ignore[method-assign]
    _installed = True
