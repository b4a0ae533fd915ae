"""An expert's session links: one permanent paid link, and one-time free links."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute, VersionAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.models.base import StageRegion, StageTableName


class ByExpertIndex(GlobalSecondaryIndex["SessionLink"]):
    class Meta:
        index_name = "by-expert"
        projection = AllProjection()

    expert_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)  # ISO 8601 UTC


class SessionLink(Model):
    class Meta:
        table_name = StageTableName("session-links")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    link_id = UnicodeAttribute(hash_key=True)
    expert_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # paid | free
    created_at = UnicodeAttribute()
    spent_by_session = UnicodeAttribute(null=True)  # free links: the call that used it
    spent_at = UTCDateTimeAttribute(null=True)
    version = VersionAttribute()

    by_expert = ByExpertIndex()
