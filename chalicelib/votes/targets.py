"""What can be voted on: each kind's model, whose content it is, and whether it was removed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.errors import NotFound
from chalicelib.models.publication import Article, ExpertDocument
from chalicelib.models.question import Answer
from chalicelib.reputation.points import VoteKind

MODELS: dict[str, Any] = {"answer": Answer, "article": Article, "document": ExpertDocument}


@dataclass(frozen=True)
class Target:
    kind: VoteKind
    item_id: str
    item: Any  # the Answer, Article or ExpertDocument

    @property
    def key(self) -> str:
        return target_key(self.kind, self.item_id)

    @property
    def owner_id(self) -> str:
        return str(self.item.expert_id)

    @property
    def upvotes(self) -> int:
        return int(self.item.upvotes or 0)

    @property
    def downvotes(self) -> int:
        return int(self.item.downvotes or 0)


def target_key(kind: str, item_id: str) -> str:
    return f"{kind}#{item_id}"


def parse_target_key(key: str) -> tuple[VoteKind, str] | None:
    kind, _, item_id = key.partition("#")
    if kind not in MODELS or not item_id:
        return None
    return kind, item_id  # type: ignore[return-value]


def load_target(kind: VoteKind, item_id: str) -> Target:
    """The item, read consistently; 404 when it does not exist or was removed."""
    try:
        item = MODELS[kind].get(item_id, consistent_read=True)
    except DoesNotExist:
        item = None
    if item is None or item.removed_at is not None:
        raise NotFound(f"No {kind} has this id.", code=f"{kind}_not_found")
    return Target(kind, item_id, item)
