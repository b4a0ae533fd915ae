"""Use cases: an expert publishes a document (a file they uploaded) on their profile, lists and removes it.

The upload must be the expert's own, of purpose ``document``, present in the media bucket and of
an allowed type and size (``chalicelib.uploads.attachments.check_attachment``). A document's id
comes from its upload, so publishing it again is the same document and earns its points once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.discovery.index_writer import reindex_experts
from chalicelib.errors import FieldProblem, Forbidden, NotFound, Unprocessable
from chalicelib.identity.caller import Caller
from chalicelib.models.publication import ExpertDocument
from chalicelib.profiles.contact_details import refuse_contact_details
from chalicelib.publications.articles import author_profile, publish_with_points, remove_with_points
from chalicelib.publications.rules import document_id_for, page_size
from chalicelib.publications.schemas import DocumentInput
from chalicelib.publications.views import document_view
from chalicelib.reputation.points import DOCUMENT_POINTS
from chalicelib.timestamps import sortable_utc
from chalicelib.uploads.attachments import AttachmentStore, check_attachment
from chalicelib.web.cursors import decode_cursor, encode_cursor

PURPOSE = "document"


def publish_document(
    expert_id: str, data: DocumentInput, *, store: AttachmentStore, media_base_url: str, now: datetime
) -> dict[str, Any]:
    author_profile(expert_id)
    refuse_contact_details({"title": data.title, "description": data.description}, "Documents")
    found = check_attachment(store, purpose=PURPOSE, owner_id=expert_id, key=data.upload_key, field="upload_key")
    if isinstance(found, FieldProblem):
        raise Unprocessable("This file cannot be published.", [found], code=found.code)
    document_id = document_id_for(expert_id, data.upload_key)
    document = ExpertDocument(
        document_id, expert_id=expert_id, title=data.title, description=data.description or None,
        file_key=data.upload_key, file_name=data.file_name, content_type=found.content_type,
        size_bytes=found.size_bytes, created_at=now, created_key=f"{sortable_utc(now)}#{document_id}",
        upvotes=0, downvotes=0,
    )  # fmt: skip
    if publish_with_points(
        document, ExpertDocument.document_id, expert_id, "document", document_id, DOCUMENT_POINTS, now
    ):
        reindex_experts([expert_id], media_base_url)
        return document_view(document, store)
    stored = ExpertDocument.get(document_id, consistent_read=True)
    if stored.removed_at is not None:
        raise NotFound("This document was removed; upload the file again to publish it.", code="document_not_found")
    return document_view(stored, store)


def expert_documents(
    expert_id: str, *, limit: int | None, cursor: str | None, store: AttachmentStore
) -> dict[str, Any]:
    """The expert's documents not removed, newest first, each with a short-lived download link."""
    author_profile(expert_id, code="expert_not_found")
    size = page_size(limit)
    scope = f"documents:{expert_id}"
    start = decode_cursor(scope, cursor) if cursor else None
    page = ExpertDocument.by_expert.query(
        expert_id, scan_index_forward=False, limit=size, last_evaluated_key=start,
        filter_condition=ExpertDocument.removed_at.does_not_exist(),
    )  # fmt: skip
    items = [document_view(document, store) for document in page]
    last = page.last_evaluated_key
    return {"items": items, "next_cursor": encode_cursor(scope, last) if last else None}


def remove_document(document_id: str, caller: Caller, *, media_base_url: str, now: datetime) -> dict[str, Any]:
    document = _document(document_id)
    if document.expert_id != caller.account_id and not caller.is_admin:
        raise Forbidden("Only the author or an admin removes a document.", code="not_the_author")
    if not remove_with_points(
        document, document.expert_id, "document", document_id, DOCUMENT_POINTS, removed_by=caller.account_id, now=now
    ):
        raise NotFound("No document has this id.", code="document_not_found")
    reindex_experts([document.expert_id], media_base_url)
    return document_view(ExpertDocument.get(document_id, consistent_read=True), None)


def _document(document_id: str) -> ExpertDocument:
    try:
        document = ExpertDocument.get(document_id, consistent_read=True)
    except DoesNotExist:
        raise NotFound("No document has this id.", code="document_not_found") from None
    if document.removed_at is not None:
        raise NotFound("No document has this id.", code="document_not_found")
    return document
