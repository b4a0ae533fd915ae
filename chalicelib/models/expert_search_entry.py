"""Discovery's index: one item per expert per search facet, read by Query only.

A facet is a partition such as ``all``, ``category:law`` or ``online|tag:tax``.
Each item carries the expert's public card, so a page of results is one Query
on a sort-ordered index and never a Scan of the experts.
"""

from __future__ import annotations

from pynamodb.attributes import (
    MapAttribute,
    UnicodeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.models.base import IntegerAttribute, StageRegion, StageTableName, StringListAttribute


class ByRatingIndex(GlobalSecondaryIndex["ExpertSearchEntry"]):
    class Meta:
        index_name = "by-rating"
        projection = AllProjection()

    facet = UnicodeAttribute(hash_key=True)
    rating_key = UnicodeAttribute(range_key=True)


class ByReputationIndex(GlobalSecondaryIndex["ExpertSearchEntry"]):
    """Most reputation first (``chalicelib.discovery.search_index.reputation_key``)."""

    class Meta:
        index_name = "by-reputation"
        projection = AllProjection()

    facet = UnicodeAttribute(hash_key=True)
    reputation_key = UnicodeAttribute(range_key=True)


class ByPriceIndex(GlobalSecondaryIndex["ExpertSearchEntry"]):
    """Sparse: experts without a price are not in it."""

    class Meta:
        index_name = "by-price"
        projection = AllProjection()

    facet = UnicodeAttribute(hash_key=True)
    price_key = UnicodeAttribute(range_key=True)


class ExpertSearchEntry(Model):
    class Meta:
        table_name = StageTableName("expert-search")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    facet = UnicodeAttribute(hash_key=True)
    expert_id = UnicodeAttribute(range_key=True)
    rating_key = UnicodeAttribute()
    reputation_key = UnicodeAttribute()
    price_key = UnicodeAttribute(null=True)
    categories = StringListAttribute(default=list)
    tags = StringListAttribute(default=list)
    languages = StringListAttribute(default=list)
    currency = UnicodeAttribute()
    price_per_minute = IntegerAttribute(null=True)
    card = MapAttribute[str, object]()

    by_rating = ByRatingIndex()
    by_reputation = ByReputationIndex()
    by_price = ByPriceIndex()
