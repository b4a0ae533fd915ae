"""Reading why DynamoDB refused a conditional write, without leaking botocore into use cases."""

from __future__ import annotations

from pynamodb.exceptions import PynamoDBException, TransactWriteError


def condition_failed(error: PynamoDBException) -> bool:
    return error.cause_response_code == "ConditionalCheckFailedException"


def cancelled_items(error: TransactWriteError) -> list[bool]:
    """For each item of a cancelled transaction, whether its condition failed."""
    return [
        reason is not None and reason.code == "ConditionalCheckFailed" for reason in (error.cancellation_reasons or [])
    ]


def lost_a_race(error: BaseException) -> bool:
    """True for a DynamoDB write refused because another write got there first (a failed condition, or
    an item held by another transaction)."""
    if isinstance(error, TransactWriteError):
        return any(cancelled_items(error)) or transaction_conflicted(error)
    if isinstance(error, PynamoDBException):
        return condition_failed(error) or error.cause_response_code == "TransactionConflictException"
    return False


def transaction_conflicted(error: TransactWriteError) -> bool:
    """True when another transaction held one of the items: the write may simply be retried."""
    return any(
        reason is not None and reason.code == "TransactionConflict" for reason in error.cancellation_reasons or []
    )
