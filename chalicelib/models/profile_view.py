"""Markers of profile views already counted today: one per expert, UTC day and viewer, removed by TTL.

The view beacon puts the marker on condition that it does not exist and adds to the expert's
``ExpertWeek.profile_views`` only when the put succeeded, so one viewer (a signed-in account, or the
random id a browser keeps) counts at most once per expert per day. The viewer is stored hashed.
"""

from __future__ import annotations

from pynamodb.attributes import TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.models.base import StageRegion, StageTableName


class ProfileViewMarker(Model):
    class Meta:
        table_name = StageTableName("profile-view-markers")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    marker_key = UnicodeAttribute(hash_key=True)  # "<expert_id>#<YYYY-MM-DD>#<sha256 of the viewer>"
    expires = TTLAttribute()  # two days after the view: DynamoDB removes it
