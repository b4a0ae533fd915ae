"""Side effects that follow a state change (emails, notifications, thread entries), never lost nor doubled.

The rule: an effect is not sent by the request that makes the change. It is *derived from the change*:
the change's DynamoDB stream record (old and new image of the item, so nothing extra is written and the
effect cannot exist without its change, nor the change without its effect) reaches a queue
(``parley-<stage>-deliveries``; an EventBridge Pipe in AWS, ``infra/local/jobs.py`` locally), whose
consumer works out the effects (``effects``), sends each one not yet sent under its idempotency key and
records the key (``delivery``). A failure leaves the message on the queue: SQS retries it after its
visibility timeout, and after five receives moves it to the dead-letter queue, whose alarm calls an
operator; effects sent by an earlier attempt are skipped by their key.

What derives what: ``chalicelib/bookings/announce.py`` (an appointment's mails and thread entries),
``chalicelib/sessions/notices.py`` (a call's end, unanswered end or failed card, told to both sides over
WebSocket), ``chalicelib/sessions/receipts.py`` (a settled call's receipts) and
``chalicelib/conversations/reminders.py`` (the reminder to an expert whose client has waited 20 hours).
"""

from typing import Any

PIPED_TABLES = ("appointments", "sessions", "conversations")  # tables whose stream feeds the deliveries queue

# Which of a table's stream records the Pipe carries: EventBridge event patterns, a record matching any
# of them (the template's FilterCriteria say the same, tests/unit/test_outbox_pipes.py holds them together).
# A call's changes but those that settle it, end it unanswered or record a failed card have no effect, nor
# does a booking removed before it was made, nor a thread's change before its first reminder, so they
# never cost a message or an invocation.
PIPE_FILTERS: dict[str, list[dict[str, Any]]] = {
    "appointments": [{"eventName": ["INSERT", "MODIFY"]}],
    "sessions": [
        {"eventName": ["MODIFY"], "dynamodb": {"NewImage": {"settled": {"BOOL": [True]}}}},
        {"eventName": ["MODIFY"], "dynamodb": {"NewImage": {"state": {"S": ["declined", "cancelled", "expired"]}}}},
        {"eventName": ["MODIFY"], "dynamodb": {"NewImage": {"payment_failed_at": {"S": [{"exists": True}]}}}},
    ],
    "conversations": [
        {"eventName": ["MODIFY"], "dynamodb": {"NewImage": {"reminded_at": {"S": [{"exists": True}]}}}},
    ],
}


def carried(table: str, record: dict[str, Any]) -> bool:
    """Whether the Pipe of ``table`` carries ``record`` (the subset of event patterns used above:
    nested fields, each matching one of the listed values, or ``{"exists": true}``)."""
    return any(_matches(pattern, record) for pattern in PIPE_FILTERS[table])


def _matches(pattern: dict[str, Any], value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    for key, wanted in pattern.items():
        if isinstance(wanted, dict):
            if not _matches(wanted, value.get(key)):
                return False
        elif key not in value or not any(_accepts(option, value[key]) for option in wanted):
            return False
    return True


def _accepts(option: Any, value: Any) -> bool:
    return value is not None if option == {"exists": True} else bool(option == value)
