"""Reputation: an append-only record of point events per expert; the total is their sum.

Each ``ReputationEvent`` has an id derived from its cause (``chalicelib.reputation.points``), and is
put only if that id is new, in the same transaction as the ``ADD`` to ``ExpertProfile.reputation``:
a retry never counts twice, and ``chalicelib.reputation.record.recompute_total`` can rebuild the
total from the events. ``by-time`` serves the weekly statistics.
"""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.models.base import IntegerAttribute, StageRegion, StageTableName


class ReputationByTimeIndex(GlobalSecondaryIndex["ReputationEvent"]):
    class Meta:
        index_name = "by-time"
        projection = AllProjection()

    expert_id = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)  # sortable_utc(created_at) + "#" + event_id


class ReputationEvent(Model):
    class Meta:
        table_name = StageTableName("reputation-events")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    expert_id = UnicodeAttribute(hash_key=True)
    event_id = UnicodeAttribute(range_key=True)
    points = IntegerAttribute()  # may be negative
    cause = UnicodeAttribute()  # review | answer | answer_accepted | article | document | vote
    created_at = UTCDateTimeAttribute()
    created_key = UnicodeAttribute()

    by_time = ReputationByTimeIndex()
