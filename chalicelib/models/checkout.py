"""A client's checkout of an expert's service (as Otechie has it): the hold, and the expert's answer.

While the card hold awaits the expert's answer the checkout carries ``hold_expiry_shard``/
``hold_expires_at``: the sparse ``hold-expiry-by-shard`` index the scheduled job reads to release
holds nobody accepted in time (card networks drop them after 7 days).
"""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.models.base import IntegerAttribute, StageRegion, StageTableName


class HoldExpiryIndex(GlobalSecondaryIndex["ServiceCheckout"]):
    """Checkouts whose hold awaits the expert, by shard and the time it is to be released (sparse)."""

    class Meta:
        index_name = "hold-expiry-by-shard"
        projection = KeysOnlyProjection()

    hold_expiry_shard = UnicodeAttribute(hash_key=True)  # chalicelib.due_index.due_shard
    hold_expires_at = UnicodeAttribute(range_key=True)  # ISO 8601 UTC, sorts as time


class ServiceCheckout(Model):
    class Meta:
        table_name = StageTableName("service-checkouts")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    checkout_id = UnicodeAttribute(hash_key=True)
    client_id = UnicodeAttribute()
    expert_id = UnicodeAttribute()
    service_id = UnicodeAttribute()
    service_name = UnicodeAttribute()
    currency = UnicodeAttribute()
    upfront_hold = IntegerAttribute(null=True)  # minor units held at checkout
    payment_id = UnicodeAttribute(null=True)
    thread_id = UnicodeAttribute()
    status = UnicodeAttribute()  # awaiting_expert | accepted | declined | expired
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    hold_expiry_shard = UnicodeAttribute(null=True)
    hold_expires_at = UnicodeAttribute(null=True)

    hold_expiry = HoldExpiryIndex()
