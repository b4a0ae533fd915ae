"""Open WebSocket connections: one item per connection, found by account through a small index.

API Gateway closes a WebSocket connection after two hours at most, so an item
outlives its connection by no more than that: ``expires_at`` lets DynamoDB drop
the ones whose ``$disconnect`` never arrived (readers also skip those past it).
"""

from __future__ import annotations

from pynamodb.attributes import TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

from chalicelib.models.base import StageRegion, StageTableName


class ConnectionsByAccount(GlobalSecondaryIndex["WsConnection"]):
    """Every open connection of one person: presence and notifications are per person."""

    class Meta:
        index_name = "by-account"
        projection = IncludeProjection(["expires_at", "session_id"])

    account_id = UnicodeAttribute(hash_key=True)


class WsConnection(Model):
    class Meta:
        table_name = StageTableName("ws-connections")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    connection_id = UnicodeAttribute(hash_key=True)
    account_id = UnicodeAttribute()
    connected_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()
    session_id = UnicodeAttribute(null=True)  # the call this device joined, if any

    by_account = ConnectionsByAccount()
