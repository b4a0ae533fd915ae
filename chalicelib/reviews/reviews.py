"""Use cases: the client of an ended, charged call reviews the expert once; anyone reads an expert's reviews.

A booked appointment's call that took place is reviewed the same way (once per session): its booking paid for it.

The review is written only if none exists for the session, in the same transaction as
an ``ADD`` to the expert's rating total and count and the reputation points the rating earns
(``chalicelib.reputation``), so a retry or a double submit counts once.
The expert's search entries are then re-indexed with the new rating.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib.discovery.index_writer import reindex_experts
from chalicelib.errors import Conflict, Forbidden, NotFound
from chalicelib.models.base import write_transaction
from chalicelib.models.conditions import cancelled_items, transaction_conflicted
from chalicelib.models.expert_profile import ExpertProfile
from chalicelib.models.review import Review
from chalicelib.models.session import CallSession
from chalicelib.profiles.contact_details import refuse_contact_details
from chalicelib.reputation.points import points_for_stars, review_event_id
from chalicelib.reputation.record import award, new_event
from chalicelib.reviews.schemas import ReviewInput
from chalicelib.web.cursors import decode_cursor, encode_cursor

PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
WRITE_ATTEMPTS = 3


def review_call(
    session_id: str, client_id: str, data: ReviewInput, *, media_base_url: str, now: datetime
) -> dict[str, Any]:
    session = _session_of(session_id, client_id)
    if not _reviewable(session):
        raise Conflict("Only a paid call that was charged can be reviewed.", code="not_reviewable")
    comment = (data.comment or "").strip() or None
    refuse_contact_details({"comment": comment}, "Reviews")
    review = Review(
        session_id, expert_id=session.expert_id, client_id=client_id, stars=data.stars, comment=comment,
        created_at=now.isoformat(),
    )  # fmt: skip
    points = points_for_stars(data.stars)
    event = new_event(session.expert_id, review_event_id(session_id), points, "review", now)
    _profile(session.expert_id)  # 404 for an expert without a profile, before anything is written
    for _ in range(WRITE_ATTEMPTS):
        try:
            with write_transaction() as transaction:
                transaction.save(review, condition=Review.session_id.does_not_exist())
                award(  # the rated session's reputation points, once, with the rating in the same update
                    transaction, event,
                    also=[
                        ExpertProfile.rating_total.add(data.stars),
                        ExpertProfile.rating_count.add(1),
                        ExpertProfile.updated_at.set(now),
                    ],
                )  # fmt: skip
        except TransactWriteError as error:
            failed = cancelled_items(error)
            if failed and failed[0]:
                raise Conflict("You have reviewed this call already.", code="already_reviewed") from None
            if transaction_conflicted(error):
                continue
            raise
        break
    else:
        raise Conflict("The expert's profile is busy; try again.", code="changed_concurrently")
    reindex_experts([session.expert_id], media_base_url)
    return review_view(review)


def expert_reviews(expert_id: str, *, limit: int | None, cursor: str | None) -> dict[str, Any]:
    """An expert's reviews, newest first, a page at a time."""
    _profile(expert_id)
    size = min(max(limit or PAGE_SIZE, 1), MAX_PAGE_SIZE)
    scope = f"reviews:{expert_id}"
    start = decode_cursor(scope, cursor) if cursor else None
    page = Review.by_expert.query(expert_id, scan_index_forward=False, limit=size, last_evaluated_key=start)
    items = [review_view(review) for review in page]
    last = page.last_evaluated_key
    return {"items": items, "next_cursor": encode_cursor(scope, last) if last and len(items) == size else None}


def review_view(review: Review) -> dict[str, Any]:
    return {
        "session_id": review.session_id,
        "expert_id": review.expert_id,
        "stars": review.stars,
        "comment": review.comment,
        "created_at": review.created_at,
    }


def _reviewable(session: CallSession) -> bool:
    """A paid call that took place (both joined) and was charged: by the minute, or a paid appointment's call,
    charged by its booking (its bill's ``amount``). A free-link call or a free consultation is not reviewed."""
    return (
        session.state == "ended"
        and bool(session.paid)
        and int(session.amount or 0) > 0
        and bool(session.settled)
        and session.active_at is not None
    )


def _session_of(session_id: str, client_id: str) -> CallSession:
    try:
        session = CallSession.get(session_id, consistent_read=True)
    except DoesNotExist:
        raise NotFound("No call has this id.", code="session_not_found") from None
    if client_id == session.expert_id:
        raise Forbidden("Only the client reviews a call.", code="not_the_client")
    if client_id != session.client_id:
        raise NotFound("No call has this id.", code="session_not_found")
    return session


def _profile(expert_id: str) -> ExpertProfile:
    try:
        return ExpertProfile.get(expert_id, consistent_read=True)
    except DoesNotExist:
        raise NotFound("No expert has this id.", code="expert_not_found") from None
