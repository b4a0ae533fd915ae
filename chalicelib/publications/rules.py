"""Pure rules of publications: ids derived from their cause, excerpts, and the refusal of contact details."""

from __future__ import annotations

import hashlib

from chalicelib.errors import FieldProblem, InvalidInput
from chalicelib.profiles.contact_details import find_contact_details

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


def refuse_contact_details(fields: dict[str, str | None], noun: str) -> None:
    """400 ``contact_details`` naming every field that carries an address, a phone number or a link."""
    problems = []
    found_any = None
    for field, text in fields.items():
        if text and (found := find_contact_details(text)) is not None:
            found_any = found_any or found
            problems.append(FieldProblem(field, "contact_details", f"Remove {found}."))
    if problems:
        raise InvalidInput(f"{noun} may not contain {found_any}.", problems, code="contact_details")


def page_size(limit: int | None) -> int:
    return min(max(limit or PAGE_SIZE, 1), MAX_PAGE_SIZE)
