"""Use cases: an expert publishes, edits and removes articles; anyone reads them and their history.

Publishing is one transaction: the article (put only if its id is new, so a retry with the same
Idempotency-Key publishes once), its reputation event and the ``ADD`` to the author's reputation.
An edit copies the text it replaces into ``ContentRevision`` in the same transaction as the update
(conditional on the article's version). Removing is a soft delete that gives the points back, once.
After a change of reputation the author's search entries are re-indexed.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.models import Model

from chalicelib.discovery.index_writer import reindex_experts
from chalicelib.errors import Conflict, Forbidden, NotFound
from chalicelib.identity.caller import Caller
from chalicelib.models.base import write_transaction
from chalicelib.models.conditions import cancelled_items, transaction_conflicted
from chalicelib.models.expert_profile import ExpertProfile
from chalicelib.models.publication import Article
from chalicelib.models.question import ContentRevision
from chalicelib.profiles.contact_details import refuse_contact_details
from chalicelib.publications.rules import article_id_for, page_size
from chalicelib.publications.schemas import ArticleEdit, ArticleInput
from chalicelib.publications.views import article_summary, article_view, revision_view
from chalicelib.reputation.points import ARTICLE_POINTS, publication_event_id, removal_event_id
from chalicelib.reputation.record import award, new_event
from chalicelib.timestamps import sortable_utc
from chalicelib.web.cursors import decode_cursor, encode_cursor

WRITE_ATTEMPTS = 3
PublicationKind = Literal["article", "document"]


def publish_article(
    expert_id: str, data: ArticleInput, *, idempotency_key: str | None, media_base_url: str, now: datetime
) -> dict[str, Any]:
    author_profile(expert_id)
    refuse_contact_details({"title": data.title, "body": data.body, "tags": " ".join(data.tags)}, "Articles")
    article_id = article_id_for(expert_id, idempotency_key) if idempotency_key else "art-" + uuid.uuid4().hex
    article = Article(
        article_id, expert_id=expert_id, title=data.title, body=data.body, category=data.category,
        tags=list(dict.fromkeys(data.tags)), created_at=now, created_key=f"{sortable_utc(now)}#{article_id}",
        updated_at=now, revision=1, upvotes=0, downvotes=0,
    )  # fmt: skip
    new = publish_with_points(article, Article.article_id, expert_id, "article", article_id, ARTICLE_POINTS, now)
    if not new:
        stored = Article.get(article_id, consistent_read=True)
        if (stored.title, stored.body) != (data.title, data.body) and stored.revision == 1:
            raise Conflict(
                "You published a different article with this Idempotency-Key.", code="idempotency_key_reused"
            )
        return article_view(stored)
    reindex_experts([expert_id], media_base_url)
    return article_view(article)


def read_article(article_id: str, caller: Caller | None = None, *, admin_view: bool = False) -> dict[str, Any]:
    if admin_view:
        if caller is None:
            raise Forbidden("Only admins see removed articles.")
        caller.require_admin("see removed articles")
    article = _article(article_id, include_removed=admin_view)
    return article_view(article)


def edit_article(article_id: str, editor_id: str, data: ArticleEdit, *, now: datetime) -> dict[str, Any]:
    refuse_contact_details({"title": data.title, "body": data.body, "tags": " ".join(data.tags or [])}, "Articles")
    for _ in range(WRITE_ATTEMPTS):
        article = _article(article_id)
        if article.expert_id != editor_id:
            raise Forbidden("Only the author edits an article.", code="not_the_author")
        title = data.title if data.title is not None else article.title
        body = data.body if data.body is not None else article.body
        category = data.category if "category" in data.model_fields_set else article.category
        tags = list(dict.fromkeys(data.tags)) if data.tags is not None else list(article.tags or [])
        if (title, body, category, tags) == (article.title, article.body, article.category, list(article.tags or [])):
            return article_view(article)
        old = ContentRevision(
            f"article#{article_id}", int(article.revision or 1), title=article.title, body=article.body,
            edited_by=editor_id, written_at=article.updated_at,
        )  # fmt: skip
        try:
            with write_transaction() as transaction:
                transaction.save(old, condition=ContentRevision.item_key.does_not_exist())
                transaction.update(
                    article,
                    actions=[
                        Article.title.set(title),
                        Article.body.set(body),
                        Article.category.set(category) if category else Article.category.remove(),
                        Article.tags.set(tags),
                        Article.revision.add(1),
                        Article.updated_at.set(now),
                    ],
                    condition=Article.removed_at.does_not_exist(),
                )  # the article's version is checked too
        except TransactWriteError as error:
            if transaction_conflicted(error) or any(cancelled_items(error)):
                continue  # edited or removed meanwhile: read again
            raise
        return article_view(Article.get(article_id, consistent_read=True))
    raise Conflict("The article changed meanwhile; load it and retry.", code="changed_concurrently")


def article_revisions(article_id: str) -> dict[str, Any]:
    """The article's earlier texts, newest first, then the current one's number."""
    article = _article(article_id)
    earlier = ContentRevision.query(f"article#{article_id}", scan_index_forward=False, consistent_read=True)
    return {"article_id": article_id, "revision": int(article.revision or 1),
            "items": [revision_view(revision) for revision in earlier]}  # fmt: skip


def remove_article(article_id: str, caller: Caller, *, media_base_url: str, now: datetime) -> dict[str, Any]:
    article = _article(article_id)
    if article.expert_id != caller.account_id and not caller.is_admin:
        raise Forbidden("Only the author or an admin removes an article.", code="not_the_author")
    if not remove_with_points(
        article, article.expert_id, "article", article_id, ARTICLE_POINTS, removed_by=caller.account_id, now=now
    ):
        raise NotFound("No article has this id.", code="article_not_found")
    reindex_experts([article.expert_id], media_base_url)
    return article_view(Article.get(article_id, consistent_read=True))


def expert_articles(expert_id: str, *, limit: int | None, cursor: str | None) -> dict[str, Any]:
    """The expert's articles not removed, newest first, a page at a time."""
    author_profile(expert_id, code="expert_not_found")
    size = page_size(limit)
    scope = f"articles:{expert_id}"
    start = decode_cursor(scope, cursor) if cursor else None
    page = Article.by_expert.query(
        expert_id, scan_index_forward=False, limit=size, last_evaluated_key=start,
        filter_condition=Article.removed_at.does_not_exist(),
    )  # fmt: skip
    items = [article_summary(article) for article in page]
    last = page.last_evaluated_key
    return {"items": items, "next_cursor": encode_cursor(scope, last) if last else None}


# Shared with documents.


def author_profile(expert_id: str, *, code: str = "not_an_expert") -> ExpertProfile:
    try:
        return ExpertProfile.get(expert_id, consistent_read=True)
    except DoesNotExist:
        if code == "not_an_expert":
            raise Forbidden("Only experts with a profile publish.", code="not_an_expert") from None
        raise NotFound("No expert has this id.", code=code) from None


def publish_with_points(
    item: Model, key: Any, expert_id: str, kind: PublicationKind, item_id: str, points: int, now: datetime
) -> bool:
    """Put ``item`` if new, with its publication's points; False when it was published before."""
    event = new_event(expert_id, publication_event_id(kind, item_id), points, kind, now)
    for _ in range(WRITE_ATTEMPTS):
        try:
            with write_transaction() as transaction:
                transaction.save(item, condition=key.does_not_exist())
                award(transaction, event)
        except TransactWriteError as error:
            failed = cancelled_items(error)  # puts first (the item, the event), then the profile's update
            if any(failed[:2]):
                return False
            if transaction_conflicted(error):
                continue
            raise
        return True
    raise Conflict("The expert's profile is busy; try again.", code="changed_concurrently")


def remove_with_points(
    item: Model, expert_id: str, kind: PublicationKind, item_id: str, points: int, *, removed_by: str, now: datetime
) -> bool:
    """Soft delete ``item`` and take its publication's points back, once; False when it was removed before."""
    model: Any = type(item)
    event = new_event(expert_id, removal_event_id(kind, item_id), -points, kind, now)
    for _ in range(WRITE_ATTEMPTS):
        try:
            with write_transaction() as transaction:
                transaction.update(
                    item,
                    actions=[model.removed_at.set(now), model.removed_by.set(removed_by)],
                    condition=model.removed_at.does_not_exist(),
                    add_version_condition=False,
                )
                award(transaction, event)
        except TransactWriteError as error:
            failed = cancelled_items(error)  # puts first (the event), then the updates (the item, the profile)
            if any(failed[:2]):
                return False
            if transaction_conflicted(error):
                continue
            raise
        return True
    raise Conflict("The expert's profile is busy; try again.", code="changed_concurrently")


def _article(article_id: str, *, include_removed: bool = False) -> Article:
    try:
        article = Article.get(article_id, consistent_read=True)
    except DoesNotExist:
        raise NotFound("No article has this id.", code="article_not_found") from None
    if article.removed_at is not None and not include_removed:
        raise NotFound("No article has this id.", code="article_not_found")
    return article
