"""The beacons the web client sends after it has shown a profile or a page of search results.

Counting happens here, never on the read path: the public profile GET and the search write nothing.
Each beacon is one ``ADD`` per expert to the ``ExpertWeek`` item of the current ISO week (created by
the first ``ADD``). An expert's own views are not counted. There is no per-viewer dedupe: a browser
that sends the beacon again counts again (honest figure: "times the profile was shown").
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from chalicelib.errors import NotFound
from chalicelib.models.expert_profile import ExpertProfile
from chalicelib.models.expert_week import ExpertWeek
from chalicelib.statistics.rules import week_of


def count_view(expert_id: str, viewer_id: str | None, *, now: datetime) -> bool:
    """Add one view to the expert's week; False (nothing written) when the expert views their own profile."""
    try:
        ExpertProfile.get(expert_id, attributes_to_get=["expert_id"])
    except DoesNotExist:
        raise NotFound("No expert has this id.", code="expert_not_found") from None
    if viewer_id == expert_id:
        return False
    ExpertWeek(expert_id, week_of(now).label).update(actions=[ExpertWeek.profile_views.add(1)])
    return True


def count_appearances(expert_ids: list[str], *, now: datetime) -> int:
    """Add one search appearance to each existing expert's week; how many were counted (unknown ids are not)."""
    found = {item.expert_id for item in ExpertProfile.batch_get(expert_ids, attributes_to_get=["expert_id"])}
    week = week_of(now).label
    for expert_id in sorted(found):
        ExpertWeek(expert_id, week).update(actions=[ExpertWeek.search_appearances.add(1)])
    return len(found)
