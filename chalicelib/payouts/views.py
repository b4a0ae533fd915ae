"""What admins see of payouts: a week's payouts, and the messages in the dead-letter queue."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from chalicelib.models.payout import Payout
from chalicelib.payouts.schedule import parse_week
from chalicelib.payouts.sqs import queue_url, sqs_client

DLQ_PEEK = 10  # ReceiveMessage returns at most 10 messages


def week_payouts(week: str, *, limit: int, after: str | None = None) -> dict[str, Any]:
    """A page of ``week``'s payouts in payout id order, through the ``by-week`` index (no Scan)."""
    week = parse_week(week)
    condition = Payout.payout_id > after if after else None
    items = list(Payout.by_week.query(week, range_key_condition=condition, limit=limit + 1))
    page = items[:limit]
    return {
        "week": week,
        "payouts": [payout_view(p) for p in page],
        "next_cursor": page[-1].payout_id if len(items) > limit else None,
    }


def payout_view(payout: Payout) -> dict[str, Any]:
    return {
        "payout_id": payout.payout_id,
        "expert_id": payout.expert_id,
        "currency": payout.currency,
        "week": payout.week,
        "amount": payout.amount,
        "status": payout.status,
        "stripe_transfer_id": payout.stripe_transfer_id,
        "destination": payout.destination,
        "failure": payout.failure,
        "created_at": payout.created_at.isoformat(),
        "updated_at": payout.updated_at.isoformat(),
    }


def dead_letters() -> list[dict[str, Any]]:
    """Up to 10 payout messages that failed every retry, read without removing them.

    ``VisibilityTimeout=0`` leaves each message visible to the next reader at once;
    SQS still counts the read in ``ApproximateReceiveCount``.
    """
    response = sqs_client().receive_message(
        QueueUrl=queue_url("PARLEY_PAYOUT_DLQ_URL"),
        MaxNumberOfMessages=DLQ_PEEK,
        VisibilityTimeout=0,
        WaitTimeSeconds=0,
        MessageSystemAttributeNames=["ApproximateReceiveCount", "SentTimestamp"],
    )
    return [_dead_letter(message) for message in response.get("Messages", [])]


def _dead_letter(message: dict[str, Any]) -> dict[str, Any]:
    attributes = message.get("Attributes", {})
    try:
        body: Any = json.loads(message.get("Body", ""))
    except json.JSONDecodeError:
        body = message.get("Body")
    sent = attributes.get("SentTimestamp")
    return {
        "message_id": message.get("MessageId"),
        "body": body,
        "sent_at": datetime.fromtimestamp(int(sent) / 1000, UTC).isoformat() if sent else None,
        "receive_count": int(attributes.get("ApproximateReceiveCount", 0)),
    }
