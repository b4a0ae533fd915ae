"""Routes for what experts publish on their profile: articles (with their edit history) and documents."""

from __future__ import annotations

from typing import Any

from chalicelib import runtime
from chalicelib.web.api import IDEMPOTENCY_KEY, ApiBlueprint, ApiRequest, QueryParam
from chalicelib.web.numbers import whole_number_in_range

MAX_PAGE = 50
RESPONSES = "chalicelib.publications.responses"
SCHEMAS = "chalicelib.publications.schemas"
PAGING = (
    QueryParam("limit", f"Page size, 1 to {MAX_PAGE} (default 20).", "integer", minimum=1, maximum=MAX_PAGE,
               default=20),
    QueryParam("cursor", "next_cursor of the previous page (422 invalid_cursor if it is not this listing's)."),
)  # fmt: skip

api = ApiBlueprint(__name__, tag="publications")


@api.route(
    "/articles", "POST", summary="Publish an article on my expert profile (an Idempotency-Key makes a retry the same)",
    status=201, body=f"{SCHEMAS}:ArticleInput", headers=(IDEMPOTENCY_KEY,), errors=(403, 409),
    response=f"{RESPONSES}:ArticleView",
)  # fmt: skip
def publish_article(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.publications.articles import publish_article as publish
    from chalicelib.publications.schemas import ArticleInput

    data = request.body(ArticleInput)
    return publish(
        request.caller.account_id, data, idempotency_key=request.header(IDEMPOTENCY_KEY),
        media_base_url=runtime.settings().media_base_url, now=runtime.now(),
    )  # fmt: skip


@api.route(
    "/articles/{article_id}", "GET", summary="An article", public=True, errors=(404,),
    response=f"{RESPONSES}:ArticleView",
)  # fmt: skip
def read_article(request: ApiRequest, article_id: str) -> dict[str, Any]:
    from chalicelib.publications.articles import read_article as read

    return read(article_id)


@api.route(
    "/admin/articles/{article_id}", "GET", summary="An article, removed or not (admins)", errors=(403, 404),
    response=f"{RESPONSES}:ArticleView",
)  # fmt: skip
def admin_article(request: ApiRequest, article_id: str) -> dict[str, Any]:
    from chalicelib.publications.articles import read_article as read

    return read(article_id, request.caller, admin_view=True)


@api.route(
    "/articles/{article_id}", "PATCH", summary="Edit my article (the replaced text is kept in its history)",
    body=f"{SCHEMAS}:ArticleEdit", errors=(403, 404, 409), response=f"{RESPONSES}:ArticleView",
)  # fmt: skip
def edit_article(request: ApiRequest, article_id: str) -> dict[str, Any]:
    from chalicelib.publications.articles import edit_article as edit
    from chalicelib.publications.schemas import ArticleEdit

    data = request.body(ArticleEdit)
    return edit(article_id, request.caller.account_id, data, now=runtime.now())


@api.route(
    "/articles/{article_id}/revisions", "GET", summary="An article's earlier texts, newest first", public=True,
    errors=(404,), response=f"{RESPONSES}:ArticleRevisions",
)  # fmt: skip
def article_revisions(request: ApiRequest, article_id: str) -> dict[str, Any]:
    from chalicelib.publications.articles import article_revisions as revisions

    return revisions(article_id)


@api.route(
    "/articles/{article_id}", "DELETE", summary="Remove an article (its author or an admin); its points go back",
    errors=(403, 404), response=f"{RESPONSES}:ArticleView",
)  # fmt: skip
def remove_article(request: ApiRequest, article_id: str) -> dict[str, Any]:
    from chalicelib.publications.articles import remove_article as remove

    return remove(article_id, request.caller, media_base_url=runtime.settings().media_base_url, now=runtime.now())


@api.route(
    "/experts/{expert_id}/articles", "GET", summary="An expert's articles, newest first", public=True,
    query=PAGING, errors=(404, 422), response=f"{RESPONSES}:ArticlePage",
)  # fmt: skip
def expert_articles(request: ApiRequest, expert_id: str) -> dict[str, Any]:
    from chalicelib.publications.articles import expert_articles as listing

    limit = whole_number_in_range("limit", request.query("limit"), 1, MAX_PAGE)
    return listing(expert_id, limit=limit, cursor=request.query("cursor"))


@api.route(
    "/documents", "POST", summary="Publish a document I uploaded (POST /uploads, purpose document) on my profile",
    status=201, body=f"{SCHEMAS}:DocumentInput", errors=(403, 404, 422), response=f"{RESPONSES}:DocumentView",
)  # fmt: skip
def publish_document(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.publications.documents import publish_document as publish
    from chalicelib.publications.schemas import DocumentInput
    from chalicelib.uploads.attachments import attachment_store

    data = request.body(DocumentInput)
    return publish(
        request.caller.account_id, data, store=attachment_store(), media_base_url=runtime.settings().media_base_url,
        now=runtime.now(),
    )  # fmt: skip


@api.route(
    "/experts/{expert_id}/documents", "GET", summary="An expert's documents, newest first, with download links",
    public=True, query=PAGING, errors=(404, 422), response=f"{RESPONSES}:DocumentPage",
)  # fmt: skip
def expert_documents(request: ApiRequest, expert_id: str) -> dict[str, Any]:
    from chalicelib.publications.documents import expert_documents as listing
    from chalicelib.uploads.attachments import attachment_store

    limit = whole_number_in_range("limit", request.query("limit"), 1, MAX_PAGE)
    return listing(expert_id, limit=limit, cursor=request.query("cursor"), store=attachment_store())


@api.route(
    "/documents/{document_id}", "DELETE", summary="Remove a document (its author or an admin); its points go back",
    errors=(403, 404), response=f"{RESPONSES}:DocumentView",
)  # fmt: skip
def remove_document(request: ApiRequest, document_id: str) -> dict[str, Any]:
    from chalicelib.publications.documents import remove_document as remove

    return remove(document_id, request.caller, media_base_url=runtime.settings().media_base_url, now=runtime.now())
