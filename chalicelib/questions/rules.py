"""The rules of questions and answers: limits, ids, who may do what, and the order answers are shown in. Pure."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, overload

from chalicelib.errors import FieldProblem, InvalidInput

TITLE_MIN, TITLE_MAX = 10, 200
BODY_MIN, BODY_MAX = 20, 10_000
ANSWER_MIN, ANSWER_MAX = 20, 10_000
MAX_TAGS = 5
SIMILAR_QUERY_MAX = 300
SIMILAR_LIMIT_MAX = 10
SIMILAR_LIMIT_DEFAULT = 5
PAGE_SIZE = 20
MAX_PAGE_SIZE = 50


def question_id_for(asker_id: str, idempotency_key: str | None) -> str:
    """The same asker and key name the same question (a retry); without a key, a new id."""
    if idempotency_key:
        return "q" + hashlib.sha256(f"question\n{asker_id}\n{idempotency_key}".encode()).hexdigest()[:31]
    return "q" + uuid.uuid4().hex[:31]


def answer_id_for(question_id: str, expert_id: str) -> str:
    """One answer per expert per question: its id is derived from both, so a retry is the same answer."""
    return "a" + hashlib.sha256(f"answer\n{question_id}\n{expert_id}".encode()).hexdigest()[:31]


def normalised_tags(tags: Sequence[str]) -> list[str]:
    """Lowercased, trimmed, blanks dropped, each once, in the order given."""
    seen: list[str] = []
    for tag in tags:
        cleaned = tag.strip().lower()
        if cleaned and cleaned not in seen:
            seen.append(cleaned)
    return seen


def may_remove(caller_id: str, owner_id: str, *, is_admin: bool) -> bool:
    return is_admin or caller_id == owner_id


def may_see_removed(*, is_admin: bool) -> bool:
    return is_admin


@dataclass(frozen=True)
class Ranked:
    """What answers are ordered by."""

    answer_id: str
    accepted: bool
    upvotes: int
    downvotes: int
    created_key: str


def answer_order(answer: Ranked) -> tuple[int, int, str]:
    """The accepted answer first, then by score (upvotes less downvotes) best first, then the oldest first."""
    return (0 if answer.accepted else 1, -(answer.upvotes - answer.downvotes), answer.created_key)


@dataclass(frozen=True)
class AcceptanceMove:
    """What accepting ``new`` does when ``previous`` (or nothing) held the mark: the points that move."""

    new_answer_id: str
    previous_answer_id: str | None
    move: int  # the question's acceptances after this one


def acceptance_move(accepted_answer_id: str | None, acceptances: int, answer_id: str) -> AcceptanceMove | None:
    """None when ``answer_id`` holds the mark already (accepting it again changes nothing)."""
    if accepted_answer_id == answer_id:
        return None
    return AcceptanceMove(answer_id, accepted_answer_id, acceptances + 1)


@overload
def query_category(value: str | None, *, required: Literal[True]) -> str: ...
@overload
def query_category(value: str | None, *, required: bool = False) -> str | None: ...
def query_category(value: str | None, *, required: bool = False) -> str | None:
    """A ``category`` query parameter: one of the catalogue's slugs (400 ``unknown_category``), or absent
    (400 ``missing`` when ``required``)."""
    from chalicelib.profiles.catalogue import CATEGORIES

    if value is None and required:
        raise InvalidInput(
            "Name a category: ?category=<slug>.",
            [FieldProblem("category", "missing", "A category slug from GET /catalogue.")],
            code="missing",
        )
    if value is not None and value not in CATEGORIES:
        raise InvalidInput(
            f"'{value}' is not a category.",
            [FieldProblem("category", "unknown_category", "A category slug from GET /catalogue.")],
            code="unknown_category",
        )
    return value


def query_text(name: str, value: str | None, most: int) -> str | None:
    """A free-text query parameter of at most ``most`` characters (400 ``too_long``)."""
    if value is not None and len(value) > most:
        raise InvalidInput(
            f"'{name}' is at most {most} characters.",
            [FieldProblem(name, "too_long", f"At most {most} characters.")],
            code="too_long",
        )
    return value
