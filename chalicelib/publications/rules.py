"""Pure rules of publications: ids derived from their cause, excerpts, and the refusal of contact details."""

from __future__ import annotations

import hashlib

EXCERPT_CHARS = 280
PAGE_SIZE = 20
MAX_PAGE_SIZE = 50


def article_id_for(expert_id: str, idempotency_key: str) -> str:
    """An article's id from its author's Idempotency-Key: a retry names the same article."""
    return "art-" + hashlib.sha256(f"{expert_id}\n{idempotency_key}".encode()).hexdigest()[:32]


def document_id_for(expert_id: str, upload_key: str) -> str:
    """A document's id from its upload: one upload is published once, however often it is sent."""
    return "doc-" + hashlib.sha256(f"{expert_id}\n{upload_key}".encode()).hexdigest()[:32]


def excerpt(body: str) -> str:
    """The start of ``body`` for lists: whole words, at most ``EXCERPT_CHARS`` characters and an ellipsis."""
    text = " ".join(body.split())
    if len(text) <= EXCERPT_CHARS:
        return text
    cut = text[:EXCERPT_CHARS].rsplit(" ", 1)[0] or text[:EXCERPT_CHARS]
    return cut.rstrip(" ,.;:") + "…"


def page_size(limit: int | None) -> int:
    return min(max(limit or PAGE_SIZE, 1), MAX_PAGE_SIZE)
