"""What the publication routes answer (``chalicelib.publications``)."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from chalicelib.web.responses import ResponseModel, UtcTimestamp

_BODY = "Most first calls go better with one page of notes: what you tried, what you measured, and what you want."
_ARTICLE: dict[str, Any] = {
    "article_id": "art-5f0c2a9e8d7b4c1e9a3f6b2d1c0e4a7b",
    "expert_id": "a1b2c3d4-0000-4000-8000-00000000e001",
    "title": "How to prepare for a first call",
    "body": _BODY,
    "category": "technology",
    "tags": ["consulting"],
    "revision": 2,
    "upvotes": 4,
    "downvotes": 1,
    "created_at": "2026-11-23T15:20:00Z",
    "updated_at": "2026-11-24T09:00:00Z",
    "removed_at": None,
}
_SUMMARY: dict[str, Any] = {
    "article_id": _ARTICLE["article_id"],
    "title": _ARTICLE["title"],
    "excerpt": _BODY,
    "category": "technology",
    "upvotes": 4,
    "downvotes": 1,
    "created_at": "2026-11-23T15:20:00Z",
}
_DOCUMENT: dict[str, Any] = {
    "document_id": "doc-0a1b2c3d4e5f60718293a4b5c6d7e8f9",
    "expert_id": "a1b2c3d4-0000-4000-8000-00000000e001",
    "title": "Checklist for a data migration",
    "description": "Two pages I send every client before we start.",
    "file_name": "migration-checklist.pdf",
    "content_type": "application/pdf",
    "size_bytes": 183204,
    "upvotes": 2,
    "downvotes": 0,
    "created_at": "2026-11-23T15:20:00Z",
    "download_url": "https://parley-files.s3.amazonaws.com/private/a1b2/document/0a1b.pdf?X-Amz-Signature=0f1e",
}
_CURSOR = "eyJrIjp7ImFydGljbGVfaWQiOnsiUyI6ImFydC0xIn19LCJzIjoiYXJ0aWNsZXM6YTEifQ"


class ArticleView(ResponseModel):
    """One article, as its readers see it."""

    model_config = ConfigDict(json_schema_extra={"examples": [_ARTICLE]})

    article_id: str
    expert_id: str = Field(description="The author.")
    title: str
    body: str
    category: str | None
    tags: list[str]
    revision: int = Field(ge=1, description="1 as published; each edit adds one (GET .../revisions has the others).")
    upvotes: int = Field(ge=0)
    downvotes: int = Field(ge=0)
    created_at: UtcTimestamp
    updated_at: UtcTimestamp
    removed_at: UtcTimestamp | None = Field(description="Set once removed (only admins and the remover see it).")


class ArticleSummary(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_SUMMARY]})

    article_id: str
    title: str
    excerpt: str = Field(description="The start of the body, whole words.")
    category: str | None
    upvotes: int = Field(ge=0)
    downvotes: int = Field(ge=0)
    created_at: UtcTimestamp


class ArticlePage(ResponseModel):
    """A page of an expert's articles, newest first."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [_SUMMARY], "next_cursor": _CURSOR}]})

    items: list[ArticleSummary]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page.")


class ArticleRevision(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "revision": 1,
                    "title": "How to prepare",
                    "body": _BODY,
                    "edited_by": "a1b2c3d4-0000-4000-8000-00000000e001",
                    "written_at": "2026-11-23T15:20:00Z",
                }
            ]
        }
    )

    revision: int = Field(ge=1)
    title: str | None
    body: str
    edited_by: str = Field(description="Who replaced this text.")
    written_at: UtcTimestamp = Field(description="When this text was written.")


class ArticleRevisions(ResponseModel):
    """An article's earlier texts, newest first; ``revision`` is the current text's number."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "article_id": _ARTICLE["article_id"],
                    "revision": 2,
                    "items": [
                        {
                            "revision": 1,
                            "title": "How to prepare",
                            "body": _BODY,
                            "edited_by": "a1b2c3d4-0000-4000-8000-00000000e001",
                            "written_at": "2026-11-23T15:20:00Z",
                        }
                    ],
                }
            ]
        }
    )

    article_id: str
    revision: int = Field(ge=1)
    items: list[ArticleRevision]


class DocumentView(ResponseModel):
    """A document an expert published; ``download_url`` lasts 5 minutes (null where not given)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_DOCUMENT]})

    document_id: str
    expert_id: str
    title: str
    description: str | None
    file_name: str
    content_type: str
    size_bytes: int = Field(ge=0)
    upvotes: int = Field(ge=0)
    downvotes: int = Field(ge=0)
    created_at: UtcTimestamp
    download_url: str | None


class DocumentPage(ResponseModel):
    """A page of an expert's documents, newest first."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [_DOCUMENT], "next_cursor": None}]})

    items: list[DocumentView]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page.")
