"""A change of one item, as its DynamoDB stream record tells it (the Pipe puts the record in the message)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from chalicelib.settings import table_prefix


@dataclass(frozen=True)
class Change:
    table: str  # the table's name without the stage prefix: "appointments", "sessions"
    old: dict[str, Any] | None  # the item before, in DynamoDB's JSON ({"status": {"S": "confirmed"}})
    new: dict[str, Any] | None
    recorded_at: datetime  # when DynamoDB wrote the change


class NotAChange(ValueError):
    """A message that is no stream record of ours: it goes to the dead-letter queue for a person to read."""


def change_of(message_body: str) -> Change:
    try:
        record = json.loads(message_body)
        arn = str(record["eventSourceARN"])
        data = record["dynamodb"]
        table = arn.split(":table/", 1)[1].split("/", 1)[0]
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise NotAChange(f"not a DynamoDB stream record: {error!r}") from None
    prefix = table_prefix()
    if not table.startswith(prefix):
        raise NotAChange(f"a change of {table!r}, not of a {prefix}* table")
    created = data.get("ApproximateCreationDateTime")
    return Change(
        table=table[len(prefix) :],
        old=data.get("OldImage"),
        new=data.get("NewImage"),
        recorded_at=datetime.fromtimestamp(float(created), UTC) if created is not None else datetime.now(UTC),
    )
