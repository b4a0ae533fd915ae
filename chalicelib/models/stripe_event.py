"""Stripe events already handled: a redelivered event is acknowledged and changes nothing."""

from __future__ import annotations

from pynamodb.attributes import TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.models.base import StageRegion, StageTableName


class ProcessedStripeEvent(Model):
    class Meta:
        table_name = StageTableName("stripe-events")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    event_id = UnicodeAttribute(hash_key=True)
    type = UnicodeAttribute()
    processed_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()  # Stripe retries for 3 days; kept 30
