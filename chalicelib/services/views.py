"""How a service is shown: publicly (lists and the checkout page), and to the expert who offers it.

The meeting's location link is given to a client at checkout, so the public
shapes say only how long the meeting is.
"""

from __future__ import annotations

from typing import Any

from chalicelib.models.service import ExpertService


def web_checkout_page(profile_slug: str, service_slug: str) -> str:
    """The web frontend's page (not an API route) where a client reviews and confirms this service."""
    return f"/experts/{profile_slug}/services/{service_slug}/checkout"


def public_service(service: ExpertService, profile_slug: str) -> dict[str, Any]:
    rate = service.ongoing_rate
    return {
        "service_id": service.service_id,
        "expert_id": service.expert_id,
        "slug": service.slug,
        "name": service.name,
        "description": service.description,
        "currency": service.currency,
        "upfront_hold": service.upfront_hold,
        "ongoing_rate": {"amount": rate.amount, "unit": rate.unit} if rate else None,
        "meeting": {"duration_minutes": service.meeting.duration_minutes} if service.meeting else None,
        "position": service.position,
        "web_checkout_page": web_checkout_page(profile_slug, service.slug),
    }


def own_service(service: ExpertService, profile_slug: str) -> dict[str, Any]:
    """What the expert sees of their own service: the meeting link and timestamps too."""
    meeting = service.meeting
    return public_service(service, profile_slug) | {
        "meeting": (
            {"location_url": meeting.location_url, "duration_minutes": meeting.duration_minutes} if meeting else None
        ),
        "created_at": service.created_at.isoformat(),
        "updated_at": service.updated_at.isoformat(),
    }
