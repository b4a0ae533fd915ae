"""A card payment for something an expert delivers: a hold, then a capture, refunds, disputes."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute, UnicodeSetAttribute, UTCDateTimeAttribute, VersionAttribute
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.models.base import IntegerAttribute, StageRegion, StageTableName


class ByPaymentIntentIndex(GlobalSecondaryIndex["Payment"]):
    """Stripe events about disputes name the PaymentIntent, not our payment."""

    class Meta:
        index_name = "by-payment-intent"
        projection = KeysOnlyProjection()

    stripe_payment_intent_id = UnicodeAttribute(hash_key=True)


class ReleaseDueIndex(GlobalSecondaryIndex["Payment"]):
    """Sparse: only captured payments whose earnings still wait for release are in it."""

    class Meta:
        index_name = "release-due"
        projection = KeysOnlyProjection()

    release_shard = UnicodeAttribute(hash_key=True)
    release_due_at = UnicodeAttribute(range_key=True)  # ISO 8601 UTC, sorts as time


class Payment(Model):
    class Meta:
        table_name = StageTableName("payments")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    payment_id = UnicodeAttribute(hash_key=True)
    purpose = UnicodeAttribute()  # what is paid for, e.g. "session:<id>"
    client_id = UnicodeAttribute()
    expert_id = UnicodeAttribute()
    currency = UnicodeAttribute()
    commission_bps = IntegerAttribute()
    authorised = IntegerAttribute()
    status = UnicodeAttribute()
    captured = IntegerAttribute(default=0)
    refunded = IntegerAttribute(default=0)
    refund_count = IntegerAttribute(default=0)
    refund_keys = UnicodeSetAttribute(null=True)  # "<hashed Idempotency-Key>:<refund number>:<amount>", before Stripe
    earnings_bucket = UnicodeAttribute(default="pending")
    dispute_id = UnicodeAttribute(null=True)
    bucket_before_dispute = UnicodeAttribute(null=True)
    stripe_payment_intent_id = UnicodeAttribute()
    payment_method_id = UnicodeAttribute(null=True)  # the card the hold was made with, when we were given one
    release_shard = UnicodeAttribute(null=True)
    release_due_at = UnicodeAttribute(null=True)
    capture_started_at = UTCDateTimeAttribute(null=True)  # the terms a capture started on, for its webhook
    earnings_not_before = UTCDateTimeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()

    by_payment_intent = ByPaymentIntentIndex()
    release_due = ReleaseDueIndex()
