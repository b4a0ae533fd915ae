"""Routes for votes on answers, articles and documents, and for reading my own votes."""

from __future__ import annotations

from typing import Any

from chalicelib import runtime
from chalicelib.reputation.points import VoteKind
from chalicelib.web.api import ApiBlueprint, ApiRequest

RESPONSES = "chalicelib.votes.responses"
VOTE_BODY = "chalicelib.votes.schemas:VoteInput"

api = ApiBlueprint(__name__, tag="votes")


def _vote(request: ApiRequest, kind: VoteKind, item_id: str) -> dict[str, Any]:
    from chalicelib.votes.schemas import VoteInput
    from chalicelib.votes.voting import cast_vote

    data = request.body(VoteInput)
    return cast_vote(
        kind, item_id, request.caller.account_id, data.value, media_base_url=runtime.settings().media_base_url,
        now=runtime.now(),
    )  # fmt: skip


@api.route(
    "/answers/{answer_id}/vote", "PUT", summary="Vote on an answer: 1 up, -1 down, 0 takes the vote back",
    body=VOTE_BODY, errors=(403, 404, 409), response=f"{RESPONSES}:VoteResult",
)  # fmt: skip
def vote_answer(request: ApiRequest, answer_id: str) -> dict[str, Any]:
    return _vote(request, "answer", answer_id)


@api.route(
    "/articles/{article_id}/vote", "PUT", summary="Vote on an article: 1 up, -1 down, 0 takes the vote back",
    body=VOTE_BODY, errors=(403, 404, 409), response=f"{RESPONSES}:VoteResult",
)  # fmt: skip
def vote_article(request: ApiRequest, article_id: str) -> dict[str, Any]:
    return _vote(request, "article", article_id)


@api.route(
    "/documents/{document_id}/vote", "PUT", summary="Vote on a document: 1 up, -1 down, 0 takes the vote back",
    body=VOTE_BODY, errors=(403, 404, 409), response=f"{RESPONSES}:VoteResult",
)  # fmt: skip
def vote_document(request: ApiRequest, document_id: str) -> dict[str, Any]:
    return _vote(request, "document", document_id)


@api.route(
    "/me/votes/lookup", "POST", summary="My votes on up to 100 items ('<kind>#<id>'), 0 where I have none",
    body="chalicelib.votes.schemas:VoteLookup", response=f"{RESPONSES}:MyVotes",
)  # fmt: skip
def my_votes(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.votes.schemas import VoteLookup
    from chalicelib.votes.voting import my_votes as lookup

    return lookup(request.caller.account_id, request.body(VoteLookup).targets)
