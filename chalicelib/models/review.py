"""A client's review of an expert after a paid call: one per session."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.models.base import IntegerAttribute, StageRegion, StageTableName


class ByExpertIndex(GlobalSecondaryIndex["Review"]):
    class Meta:
        index_name = "by-expert"
        projection = AllProjection()

    expert_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)  # ISO 8601 UTC


class Review(Model):
    class Meta:
        table_name = StageTableName("reviews")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    session_id = UnicodeAttribute(hash_key=True)
    expert_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    client_name = UnicodeAttribute(null=True)
    stars = IntegerAttribute()
    comment = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()

    by_expert = ByExpertIndex()
