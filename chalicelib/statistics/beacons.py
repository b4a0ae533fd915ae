"""The beacons the web client sends after it has shown a profile or a page of search results.

Counting happens here, never on the read path: the public profile GET and the search write nothing.
Each beacon is one ``ADD`` per expert to the ``ExpertWeek`` item of the current ISO week (created by
the first ``ADD``). An expert's own views are not counted.

Against one browser inflating the count, a view is counted once per viewer, expert and UTC day: a
``ProfileViewMarker`` (hashed viewer, removed by TTL two days later) is put on condition that it is
new, and the ``ADD`` follows only if it was. The viewer is the signed-in account, else the random
``viewer`` id the browser keeps and sends; a beacon with neither counts every time. This keeps an
honest browser's reloads out; it cannot stop someone who mints new ids (nothing anonymous can).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.errors import NotFound
from chalicelib.models.conditions import condition_failed
from chalicelib.models.expert_profile import ExpertProfile
from chalicelib.models.expert_week import ExpertWeek
from chalicelib.models.profile_view import ProfileViewMarker
from chalicelib.statistics.rules import week_of

MARKER_LIFETIME = timedelta(days=2)


def count_view(expert_id: str, account_id: str | None, browser_id: str | None, *, now: datetime) -> bool:
    """Add one view to the expert's week; False (nothing written) when the expert views their own
    profile, or this viewer's view of this expert was counted earlier the same UTC day."""
    try:
        ExpertProfile.get(expert_id, attributes_to_get=["expert_id"])
    except DoesNotExist:
        raise NotFound("No expert has this id.", code="expert_not_found") from None
    if account_id == expert_id:
        return False
    viewer = f"account:{account_id}" if account_id is not None else f"browser:{browser_id}" if browser_id else None
    if viewer is not None and not _first_today(expert_id, viewer, now):
        return False
    ExpertWeek(expert_id, week_of(now).label).update(actions=[ExpertWeek.profile_views.add(1)])
    return True


def _first_today(expert_id: str, viewer: str, now: datetime) -> bool:
    digest = hashlib.sha256(viewer.encode()).hexdigest()
    marker = ProfileViewMarker(
        f"{expert_id}#{now.astimezone(UTC).date().isoformat()}#{digest}", expires=now + MARKER_LIFETIME
    )
    try:
        marker.save(condition=ProfileViewMarker.marker_key.does_not_exist())
    except PutError as error:
        if condition_failed(error):
            return False
        raise
    return True


def count_appearances(expert_ids: list[str], *, now: datetime) -> int:
    """Add one search appearance to each existing expert's week; how many were counted (unknown ids are not)."""
    found = {item.expert_id for item in ExpertProfile.batch_get(expert_ids, attributes_to_get=["expert_id"])}
    week = week_of(now).label
    for expert_id in sorted(found):
        ExpertWeek(expert_id, week).update(actions=[ExpertWeek.search_appearances.add(1)])
    return len(found)
