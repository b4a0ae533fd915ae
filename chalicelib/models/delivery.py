"""Side effects being or already delivered: one item per idempotency key, so no retry sends twice."""

from __future__ import annotations

from pynamodb.attributes import TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.models.base import StageRegion, StageTableName


class Delivery(Model):
    """``key`` names the effect and its cause, e.g. ``appointment:<id>:r<revision>:confirmed:client``."""

    class Meta:
        table_name = StageTableName("deliveries")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    key = UnicodeAttribute(hash_key=True)
    what = UnicodeAttribute()  # "email", "thread entry", "notification": for an operator reading the table
    state = UnicodeAttribute()  # "sending" (claimed by one attempt until ``claimed_until``) | "delivered"
    claimed_until = UTCDateTimeAttribute()
    delivered_at = UTCDateTimeAttribute(null=True)
    expires_at = TTLAttribute()  # kept past the stream's 24 hours and the queue's retries: 14 days
