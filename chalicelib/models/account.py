"""A person's or organisation's account, keyed by the Cognito user's ``sub``."""

from __future__ import annotations

from pynamodb.attributes import (
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.models import Model

from chalicelib.models.base import StageRegion, StageTableName


class Account(Model):
    class Meta:
        table_name = StageTableName("accounts")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    account_id = UnicodeAttribute(hash_key=True)
    email = UnicodeAttribute()
    kind = UnicodeAttribute()  # individual | organisation
    display_name = UnicodeAttribute()
    organisation_name = UnicodeAttribute(null=True)
    roles = UnicodeSetAttribute(default=set)  # client, expert, admin
    stripe_customer_id = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()
