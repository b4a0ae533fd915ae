"""What readers see of articles, their history and documents."""

from __future__ import annotations

from typing import Any

from chalicelib.models.publication import Article, ExpertDocument
from chalicelib.models.question import ContentRevision
from chalicelib.publications.rules import excerpt
from chalicelib.timestamps import utc_text
from chalicelib.uploads.attachments import AttachmentStore

DOWNLOAD_LINK_SECONDS = 5 * 60


def article_view(article: Article) -> dict[str, Any]:
    return {
        "article_id": article.article_id,
        "expert_id": article.expert_id,
        "title": article.title,
        "body": article.body,
        "category": article.category,
        "tags": list(article.tags or []),
        "revision": int(article.revision or 1),
        "upvotes": int(article.upvotes or 0),
        "downvotes": int(article.downvotes or 0),
        "created_at": utc_text(article.created_at),
        "updated_at": utc_text(article.updated_at),
        "removed_at": utc_text(article.removed_at) if article.removed_at else None,
    }


def article_summary(article: Article) -> dict[str, Any]:
    return {
        "article_id": article.article_id,
        "title": article.title,
        "excerpt": excerpt(article.body),
        "category": article.category,
        "upvotes": int(article.upvotes or 0),
        "downvotes": int(article.downvotes or 0),
        "created_at": utc_text(article.created_at),
    }


def revision_view(revision: ContentRevision) -> dict[str, Any]:
    return {
        "revision": int(revision.revision),
        "title": revision.title,
        "body": revision.body,
        "edited_by": revision.edited_by,
        "written_at": utc_text(revision.written_at),
    }


def document_view(document: ExpertDocument, store: AttachmentStore | None) -> dict[str, Any]:
    """``store`` is given when the view carries a short-lived download link."""
    view: dict[str, Any] = {
        "document_id": document.document_id,
        "expert_id": document.expert_id,
        "title": document.title,
        "description": document.description,
        "file_name": document.file_name,
        "content_type": document.content_type,
        "size_bytes": int(document.size_bytes),
        "upvotes": int(document.upvotes or 0),
        "downvotes": int(document.downvotes or 0),
        "created_at": utc_text(document.created_at),
        "download_url": None,
    }
    if store is not None:
        view["download_url"] = store.download_url(document.file_key, document.file_name, DOWNLOAD_LINK_SECONDS)
    return view
