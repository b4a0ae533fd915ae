"""How a lead is shown, and who may see it.

An open lead is readable by any signed-in account; once it is no longer open, only by its buyer
and its hired seller (anyone else gets 404, as if it did not exist). Attachments come with
short-lived download links for the buyer and the hired seller, as metadata only for others.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.errors import Forbidden, NotFound
from chalicelib.leads import states
from chalicelib.models.lead import Lead, LeadSkillEntry
from chalicelib.timestamps import utc_text_or_none

DOWNLOAD_LINK_SECONDS = 5 * 60


def lead_not_found() -> NotFound:
    return NotFound("No lead has this id.", code="lead_not_found")


def load_lead(lead_id: str) -> Lead:
    try:
        return Lead.get(lead_id, consistent_read=True)
    except DoesNotExist:
        raise lead_not_found() from None


def can_see(lead: Lead, viewer_id: str) -> bool:
    return lead.status == states.OPEN or viewer_id in (lead.buyer_id, lead.seller_id)


def visible_lead(lead_id: str, viewer_id: str) -> Lead:
    """The lead, if ``viewer_id`` may see it; 404 ``lead_not_found`` otherwise."""
    lead = load_lead(lead_id)
    if not can_see(lead, viewer_id):
        raise lead_not_found()
    return lead


def buyers_lead(lead_id: str, viewer_id: str) -> Lead:
    """The lead, if ``viewer_id`` is its buyer; 403 ``not_the_buyer`` for others who can see it."""
    lead = visible_lead(lead_id, viewer_id)
    if lead.buyer_id != viewer_id:
        raise Forbidden("Only the lead's buyer can do this.", code="not_the_buyer")
    return lead


def lead_view(lead: Lead, *, viewer_id: str, now: datetime) -> dict[str, Any]:
    """Everything a participant sees of a lead (``now`` dates the download links)."""
    links = viewer_id in (lead.buyer_id, lead.seller_id)
    return {
        "lead_id": lead.lead_id,
        "buyer_id": lead.buyer_id,
        "title": lead.title,
        "description": lead.description,
        "skills": list(lead.skills or []),
        "budget": lead.budget,
        "currency": lead.currency,
        "wished_deadline": lead.wished_deadline,
        "attachments": _attachments(lead, links),
        "status": lead.status,
        "stage": states.BUYER_STAGES[lead.status],
        "seller_id": lead.seller_id,
        "price": lead.price,
        "days": lead.days,
        "accepted_at": utc_text_or_none(lead.accepted_at),
        "payment_id": lead.payment_id,
        "paid_at": utc_text_or_none(lead.paid_at),
        "due_at": utc_text_or_none(lead.due_at),
        "delivered_at": utc_text_or_none(lead.delivered_at),
        "completed_at": utc_text_or_none(lead.completed_at),
        "completed_by": lead.completed_by,
        "cancelled_at": utc_text_or_none(lead.cancelled_at),
        "disputed_at": utc_text_or_none(lead.disputed_at),
        "stars": _stars(lead),
        "created_at": utc_text_or_none(lead.created_at),
        "updated_at": utc_text_or_none(lead.updated_at),
    }


def _stars(lead: Lead) -> dict[str, int] | None:
    if lead.stars is None:
        return None
    raw = lead.stars.as_dict() if hasattr(lead.stars, "as_dict") else dict(lead.stars)
    return {str(skill): int(value) for skill, value in raw.items()}


def _attachments(lead: Lead, with_links: bool) -> list[dict[str, Any]]:
    store = None
    if with_links and lead.attachments:
        from chalicelib.uploads.attachments import attachment_store

        store = attachment_store()
    shown = []
    for attachment in lead.attachments or []:
        view: dict[str, Any] = {
            "key": attachment.key,
            "file_name": attachment.filename,
            "content_type": attachment.content_type,
        }
        if store is not None:
            view["download_url"] = store.download_url(attachment.key, attachment.filename, DOWNLOAD_LINK_SECONDS)
        shown.append(view)
    return shown


def lead_card(lead: Lead) -> dict[str, Any]:
    """The short form of a buyer's own lead in My Leads."""
    return {
        "lead_id": lead.lead_id,
        "title": lead.title,
        "skills": list(lead.skills or []),
        "budget": lead.budget,
        "currency": lead.currency,
        "wished_deadline": lead.wished_deadline,
        "status": lead.status,
        "stage": states.BUYER_STAGES[lead.status],
        "seller_id": lead.seller_id,
        "price": lead.price,
        "created_at": utc_text_or_none(lead.created_at),
        "updated_at": utc_text_or_none(lead.updated_at),
    }


def entry_card(entry: LeadSkillEntry) -> dict[str, Any]:
    """An open lead as a seller's search lists it (from its skill entry alone: no further reads)."""
    return {
        "lead_id": entry.lead_id,
        "buyer_id": entry.buyer_id,
        "title": entry.title,
        "skills": list(entry.skills or []),
        "budget": entry.budget,
        "currency": entry.currency,
        "wished_deadline": entry.wished_deadline,
        "created_at": utc_text_or_none(entry.created_at),
    }
