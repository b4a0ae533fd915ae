"""Session links: each expert's permanent paid-session link, and one-time free-session links.

A free link makes a call free (no hold, no charge); the first call request that uses it
spends it in the same transaction that writes the request (see ``calls.request_call``),
so a second use is refused. A request that never becomes a call gives the link back.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pynamodb.exceptions import PutError

from chalicelib.errors import NotFound
from chalicelib.models.conditions import condition_failed
from chalicelib.models.expert_profile import ExpertProfile
from chalicelib.models.session_link import SessionLink

PAID = "paid"
FREE = "free"
_PAID_LINK_NAMESPACE = uuid.UUID("5b0b7a0e-3c1f-4b8e-9d4c-6f1d2a7e9c41")


def paid_link_id(expert_id: str) -> str:
    """The permanent link's id: derived from the expert, so creating it twice creates one."""
    return "p" + uuid.uuid5(_PAID_LINK_NAMESPACE, expert_id).hex


def list_links(expert_id: str, now: datetime) -> dict[str, Any]:
    """The expert's paid link (created on first read) and their free links, newest first."""
    _require_expert(expert_id)
    paid = _ensure_paid_link(expert_id, now)
    free = [
        link_view(link)
        for link in SessionLink.by_expert.query(expert_id, scan_index_forward=False)
        if link.kind == FREE
    ]
    return {"paid_link": link_view(paid), "free_links": free}


def create_free_link(expert_id: str, now: datetime) -> dict[str, Any]:
    _require_expert(expert_id)
    link = SessionLink("f" + uuid.uuid4().hex, expert_id=expert_id, kind=FREE, created_at=now.isoformat())
    link.save(condition=SessionLink.link_id.does_not_exist())
    return link_view(link)


def link_view(link: SessionLink) -> dict[str, Any]:
    return {
        "link_id": link.link_id,
        "kind": link.kind,
        "expert_id": link.expert_id,
        "created_at": link.created_at,
        "spent": bool(link.spent_by_session) if link.kind == FREE else False,
        "spent_at": link.spent_at.isoformat() if link.spent_at else None,
    }


def _ensure_paid_link(expert_id: str, now: datetime) -> SessionLink:
    link_id = paid_link_id(expert_id)
    try:
        return SessionLink.get(link_id, consistent_read=True)
    except SessionLink.DoesNotExist:
        pass
    link = SessionLink(link_id, expert_id=expert_id, kind=PAID, created_at=now.isoformat())
    try:
        link.save(condition=SessionLink.link_id.does_not_exist())
    except PutError as error:
        if not condition_failed(error):
            raise
        return SessionLink.get(link_id, consistent_read=True)
    return link


def _require_expert(expert_id: str) -> None:
    try:
        ExpertProfile.get(expert_id, attributes_to_get=["expert_id"])
    except ExpertProfile.DoesNotExist:
        raise NotFound("Create your expert profile first.", code="profile_not_found") from None
