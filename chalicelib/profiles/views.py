"""How a profile is shown: the public card and page, and the owner's private view.

Private fields (verification documents, the raw upload keys, version) never
appear in the public shapes.
"""

from __future__ import annotations

from typing import Any

from chalicelib.discovery.search_index import rating_x100
from chalicelib.models.expert_profile import ExpertProfile


def media_url(base_url: str, key: str | None) -> str | None:
    return f"{base_url.rstrip('/')}/{key}" if key else None


def rating_view(profile: ExpertProfile) -> dict[str, Any]:
    count = int(profile.rating_count or 0)
    average = rating_x100(int(profile.rating_total or 0), count) / 100 if count else None
    return {"average": average, "count": count}


def public_card(profile: ExpertProfile, media_base_url: str) -> dict[str, Any]:
    """The short form shown in search results; stored in the search index as it is."""
    return {
        "expert_id": profile.expert_id,
        "slug": profile.slug,
        "name": profile.name,
        "job_title": profile.job_title,
        "company": profile.company,
        "photo_url": media_url(media_base_url, profile.photo_key),
        "categories": list(profile.categories or []),
        "languages": list(profile.languages or []),
        "currency": profile.currency,
        "rate_per_minute": profile.rate_per_minute,
        "hourly_rate": profile.hourly_rate,
        "free_minutes": int(profile.free_minutes or 0),
        "presence": profile.presence,
        "rating": rating_view(profile),
        "reputation": int(profile.reputation or 0),
    }


def skill_stars(profile: ExpertProfile) -> list[dict[str, Any]]:
    """The stars buyers gave in each skill the profile lists, in its order (no stars yet: count 0)."""
    given = profile.skill_stars.as_dict() if profile.skill_stars is not None else {}
    stars = []
    for skill in profile.skills or []:
        counts = given.get(skill) or {}
        total, count = int(counts.get("sum", 0)), int(counts.get("count", 0))
        stars.append({"skill": skill, "average": round(total / count, 2) if count else None, "count": count})
    return stars


def responsiveness(profile: ExpertProfile) -> dict[str, Any]:
    """How the expert answers clients' messages, from the counters on the profile (no other read)."""
    from chalicelib.conversations.rules import ANSWER_WITHIN, median_seconds, response_rate

    answered = int(profile.response_count or 0)
    return {
        "rate": response_rate(int(profile.responses_within_24h or 0), answered, int(profile.responses_missed or 0)),
        "typical_response_seconds": median_seconds(list(profile.response_seconds or [])),
        "answered": answered,
        "expected_within_hours": int(ANSWER_WITHIN.total_seconds() // 3600),
    }


def public_profile(profile: ExpertProfile, media_base_url: str) -> dict[str, Any]:
    return public_card(profile, media_base_url) | {
        "advice_on": profile.advice_on,
        "offering": profile.offering,
        "description": profile.description,
        "tags": list(profile.tags or []),
        "skills": list(profile.skills or []),
        "skill_stars": skill_stars(profile),
        "education": [entry.as_dict() for entry in profile.education or []],
        "intro_video_url": media_url(media_base_url, profile.intro_video_key),
        "resume_url": media_url(media_base_url, profile.resume_key),
        "responsiveness": responsiveness(profile),
    }


def private_profile(profile: ExpertProfile, media_base_url: str) -> dict[str, Any]:
    """What the expert sees of their own profile: everything, keys included."""
    return public_profile(profile, media_base_url) | {
        "photo_key": profile.photo_key,
        "intro_video_key": profile.intro_video_key,
        "resume_key": profile.resume_key,
        "verification_document_keys": list(profile.verification_document_keys or []),
        "created_at": profile.created_at.isoformat(),
        "updated_at": profile.updated_at.isoformat(),
    }
