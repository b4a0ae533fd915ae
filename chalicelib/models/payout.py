"""Weekly payouts: one per expert, currency and week, and each expert's Connect account."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.models.base import IntegerAttribute, StageRegion, StageTableName, StringListAttribute


class PayoutsByExpertIndex(GlobalSecondaryIndex["Payout"]):
    class Meta:
        index_name = "by-expert"
        projection = AllProjection()

    expert_id = UnicodeAttribute(hash_key=True)
    week = UnicodeAttribute(range_key=True)  # ISO week, e.g. 2026-W47


class PayoutsByWeekIndex(GlobalSecondaryIndex["Payout"]):
    """A week's payouts, for admins (one Query per week, paged by payout id)."""

    class Meta:
        index_name = "by-week"
        projection = AllProjection()

    week = UnicodeAttribute(hash_key=True)
    payout_id = UnicodeAttribute(range_key=True)


class Payout(Model):
    """``payout_id`` is ``payout:<expert>:<currency>:<week>``: a second payout that week cannot exist."""

    class Meta:
        table_name = StageTableName("payouts")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    payout_id = UnicodeAttribute(hash_key=True)
    expert_id = UnicodeAttribute()
    currency = UnicodeAttribute()
    week = UnicodeAttribute()
    amount = IntegerAttribute()
    status = UnicodeAttribute()  # transferring | paid | failed
    destination = UnicodeAttribute(null=True)  # the Connect account the transfer goes to, fixed when reserved
    stripe_transfer_id = UnicodeAttribute(null=True)
    failure = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()

    by_expert = PayoutsByExpertIndex()
    by_week = PayoutsByWeekIndex()


class PayoutAccount(Model):
    """An expert's Stripe Connect Express account and what Stripe last said of it."""

    class Meta:
        table_name = StageTableName("payout-accounts")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    expert_id = UnicodeAttribute(hash_key=True)
    stripe_account_id = UnicodeAttribute()
    country = UnicodeAttribute()
    details_submitted = BooleanAttribute(default=False)
    payouts_enabled = BooleanAttribute(default=False)
    requirements_due = StringListAttribute(default=list)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
