"""Repeats of one request served at the same time (a double click, a client retrying at once).

Every state change is a conditional write; of concurrent repeats one write wins and the others'
conditions fail. A loser re-reads: when what it finds is the state it was asked to reach, it
answers that (the repeat is idempotent); otherwise it answers 409 ``changed_concurrently``, and
the client loads the object again. A write that lost such a race and reached the API unhandled is
answered the same 409 (``lost_a_race``), never a 500.
"""

from __future__ import annotations

from pynamodb.exceptions import PynamoDBException, TransactWriteError

from chalicelib.errors import Conflict

CHANGED_CONCURRENTLY = "changed_concurrently"
_RACE_CODES = ("ConditionalCheckFailed", "ConditionalCheckFailedException", "TransactionConflict",
               "TransactionConflictException")  # fmt: skip


def changed_concurrently(message: str = "This changed meanwhile; load it and retry.") -> Conflict:
    return Conflict(message, code=CHANGED_CONCURRENTLY)


def lost_a_race(error: BaseException) -> bool:
    """True for a DynamoDB write refused because another write got there first."""
    if not isinstance(error, PynamoDBException):
        return False
    if isinstance(error, TransactWriteError):
        reasons = [reason.code for reason in error.cancellation_reasons or [] if reason is not None]
        return any(code in _RACE_CODES for code in reasons)
    return error.cause_response_code in _RACE_CODES
