"""Votes on answers, articles and documents: one item per person per item, changed in place.

``target`` is ``<kind>#<id>`` (kind: answer, article, document). ``value`` is +1, -1 or 0 (a vote
taken back); ``change`` counts the person's changes of this vote, so each change has its own
reputation event id (``chalicelib.reputation.points.vote_event_id``) and a retried change counts once.
"""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.models.base import IntegerAttribute, StageRegion, StageTableName


class Vote(Model):
    class Meta:
        table_name = StageTableName("votes")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    target = UnicodeAttribute(hash_key=True)
    voter_id = UnicodeAttribute(range_key=True)
    owner_id = UnicodeAttribute()  # whose content it is: the expert whose reputation moves
    value = IntegerAttribute()
    change = IntegerAttribute()  # 1 for the first vote, +1 on each change
    updated_at = UTCDateTimeAttribute()
