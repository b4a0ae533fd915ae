"""Counters of an expert's week that no other record holds: profile views and search appearances.

One item per expert and ISO week (``2026-W49``), bumped with ``ADD`` by the beacons the web client
sends after it has shown a profile or a page of search results, never on the read path itself.
Calls, bookings, answers, reputation and earnings per week are read from their own records.
"""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

from chalicelib.models.base import IntegerAttribute, StageRegion, StageTableName


class ExpertWeek(Model):
    class Meta:
        table_name = StageTableName("expert-weeks")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    expert_id = UnicodeAttribute(hash_key=True)
    week = UnicodeAttribute(range_key=True)  # ISO week, e.g. 2026-W49
    profile_views = IntegerAttribute(default=0)
    search_appearances = IntegerAttribute(default=0)
