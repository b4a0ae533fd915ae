"""Writing an expert's shown presence (online, busy, offline) and re-indexing them for search.

What decides it (the expert's intent and their open connections) is ``chalicelib/realtime/presence.py``."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action

from chalicelib.discovery.index_writer import reindex_expert, wanted_facets
from chalicelib.errors import Conflict, NotFound
from chalicelib.models.conditions import condition_failed
from chalicelib.models.expert_profile import ExpertProfile
from chalicelib.profiles.save_profile import find_own_profile

UPDATE_ATTEMPTS = 3


def set_presence(
    expert_id: str, status: str, *, intent: str | None = None, media_base_url: str, now: datetime
) -> ExpertProfile:
    """Set presence with an optimistic-lock retry: a profile save racing with this one wins, then we reapply."""
    for _ in range(UPDATE_ATTEMPTS):
        profile = find_own_profile(expert_id)
        if profile is None:
            raise NotFound("Create your expert profile before going online.", code="profile_not_found")
        previous_facets = list(profile.search_facets or [])
        profile.presence = status
        facets = wanted_facets(profile)
        actions: list[Action] = [
            ExpertProfile.presence.set(status),
            ExpertProfile.search_facets.set(facets),
            ExpertProfile.updated_at.set(now),
        ]
        if intent is not None:  # what the expert said, kept apart from what is shown
            actions.append(ExpertProfile.presence_intent.set(intent))
        try:
            profile.update(actions=actions)
        except UpdateError as error:
            if condition_failed(error):
                continue
            raise
        reindex_expert(profile, previous_facets, media_base_url)
        return profile
    raise Conflict("Your profile is being changed elsewhere; try again.", code="changed_concurrently")
