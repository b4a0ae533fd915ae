"""Votes on answers, articles and documents: one per person per item, changed in place, each change moving
the owner's reputation once, and search following the reputation."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.errors import Conflict
from chalicelib.models.expert_profile import ExpertProfile
from chalicelib.models.question import Answer
from chalicelib.models.reputation import ReputationEvent
from chalicelib.models.vote import Vote
from chalicelib.timestamps import sortable_utc
from tests.functional.builders import become_expert, register
from tests.functional.conftest import User, Users
from tests.functional.test_publications import publish, publish_document, reputation, upload_document


def an_answer(expert: User, answer_id: str = "ans-1", *, removed: bool = False) -> str:
    """An answer item written as the question routes write one (they are built separately)."""
    now = datetime.now(UTC)
    Answer(
        answer_id, question_id="q-1", expert_id=expert.sub, expert_name="Ada", body="Measure it first, then decide.",
        created_at=now, created_key=f"{sortable_utc(now)}#{answer_id}", updated_at=now,
        removed_at=now if removed else None,
    ).save()  # fmt: skip
    return answer_id


def vote(api: Any, who: User, kind: str, item_id: str, value: int) -> Any:
    return api.put(f"/{kind}s/{item_id}/vote", headers=who.auth, body=json.dumps({"value": value}))


@pytest.fixture
def expert(api: Any, users: Users) -> User:
    ada = users.sign_up("ada@example.com")
    become_expert(api, ada)
    return ada


@pytest.fixture
def voter(api: Any, users: Users) -> User:
    grace = users.sign_up("grace@example.com")
    assert register(api, grace).status_code == 201
    return grace


def test_an_upvote_gives_ten_a_change_to_down_takes_twelve_and_withdrawing_returns_to_zero(
    api: Any, expert: User, voter: User
) -> None:
    answer_id = an_answer(expert)
    up = vote(api, voter, "answer", answer_id, 1)
    assert up.status_code == 200, up.json_body
    assert up.json_body == {"target": f"answer#{answer_id}", "value": 1, "upvotes": 1, "downvotes": 0,
                            "owner_reputation": 10}  # fmt: skip
    down = vote(api, voter, "answer", answer_id, -1)
    assert (down.json_body["upvotes"], down.json_body["downvotes"], down.json_body["owner_reputation"]) == (0, 1, -2)
    assert reputation(expert) == -2
    withdrawn = vote(api, voter, "answer", answer_id, 0)
    assert (withdrawn.json_body["value"], withdrawn.json_body["upvotes"], withdrawn.json_body["downvotes"]) == (0, 0, 0)
    assert reputation(expert) == 0
    events = [e for e in ReputationEvent.query(expert.sub) if e.cause == "vote"]
    assert sorted(e.points for e in events) == [-12, 2, 10]
    answer = Answer.get(answer_id)
    assert (answer.upvotes, answer.downvotes) == (0, 0)
    assert Vote.get(f"answer#{answer_id}", voter.sub).change == 3


def test_the_same_vote_sent_again_counts_once(api: Any, expert: User, voter: User) -> None:
    article_id = publish(api, expert).json_body["article_id"]
    assert vote(api, voter, "article", article_id, 1).status_code == 200
    again = vote(api, voter, "article", article_id, 1)
    assert again.status_code == 200
    assert (again.json_body["value"], again.json_body["upvotes"]) == (1, 1)
    assert reputation(expert) == 5 + 10
    assert api.get(f"/articles/{article_id}").json_body["upvotes"] == 1


def test_repeats_sent_at_once_count_once(api: Any, expert: User, voter: User) -> None:
    from chalicelib.votes.voting import cast_vote

    answer_id = an_answer(expert)
    errors: list[BaseException] = []

    def send() -> None:
        try:
            cast_vote("answer", answer_id, voter.sub, 1, media_base_url="http://media", now=datetime.now(UTC))
        except BaseException as error:  # a lost race answers 409; either way the vote counts once
            errors.append(error)

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(isinstance(error, Conflict) for error in errors), errors
    assert reputation(expert) == 10
    assert Answer.get(answer_id).upvotes == 1


def test_two_voters_are_counted_separately(api: Any, users: Users, expert: User, voter: User) -> None:
    document_id = publish_document(api, expert, upload_document(api, expert)).json_body["document_id"]
    other = users.sign_up("linus@example.com")
    assert register(api, other).status_code == 201
    assert vote(api, voter, "document", document_id, 1).json_body["upvotes"] == 1
    both = vote(api, other, "document", document_id, -1)
    assert (both.json_body["upvotes"], both.json_body["downvotes"]) == (1, 1)
    assert reputation(expert) == 3 + 10 - 2
    listed = api.get(f"/experts/{expert.sub}/documents").json_body["items"][0]
    assert (listed["upvotes"], listed["downvotes"]) == (1, 1)
    mine = api.post(
        "/me/votes/lookup", headers=voter.auth,
        body=json.dumps({"targets": [f"document#{document_id}", "answer#unknown"]}),
    )  # fmt: skip
    assert mine.status_code == 200, mine.json_body
    assert mine.json_body["votes"] == [
        {"target": f"document#{document_id}", "value": 1},
        {"target": "answer#unknown", "value": 0},
    ]


def test_nobody_votes_on_their_own_content(api: Any, expert: User) -> None:
    article_id = publish(api, expert).json_body["article_id"]
    for kind, item_id in (("article", article_id), ("answer", an_answer(expert))):
        refused = vote(api, expert, kind, item_id, 1)
        assert refused.status_code == 403
        assert refused.json_body["error"]["code"] == "own_content"
    assert reputation(expert) == 5


def test_removed_and_unknown_items_cannot_be_voted_on(api: Any, expert: User, voter: User) -> None:
    gone = an_answer(expert, "ans-gone", removed=True)
    assert vote(api, voter, "answer", gone, 1).status_code == 404
    assert vote(api, voter, "answer", "nothing", 1).status_code == 404
    assert vote(api, voter, "document", "nothing", -1).status_code == 404
    article_id = publish(api, expert).json_body["article_id"]
    assert api.delete(f"/articles/{article_id}", headers=expert.auth).status_code == 200
    refused = vote(api, voter, "article", article_id, 1)
    assert refused.status_code == 404
    assert refused.json_body["error"]["code"] == "article_not_found"
    assert vote(api, voter, "answer", an_answer(expert), 2).status_code == 400
    assert reputation(expert) == 0


def test_votes_change_the_order_of_search_by_reputation(api: Any, users: Users, expert: User, voter: User) -> None:
    rival = users.sign_up("rival@example.com")
    become_expert(api, rival, slug="rival-expert", name="Rival")
    assert publish(api, expert).status_code == 201  # ada: 5
    document_id = publish_document(api, rival, upload_document(api, rival)).json_body["document_id"]  # rival: 3

    def order() -> list[str]:
        return [e["expert_id"] for e in api.get("/experts?category=technology").json_body["items"]]

    assert order() == [expert.sub, rival.sub]
    assert vote(api, voter, "document", document_id, 1).json_body["owner_reputation"] == 13
    assert order() == [rival.sub, expert.sub]
    vote(api, voter, "document", document_id, -1)  # rival: 1
    assert order() == [expert.sub, rival.sub]
    assert ExpertProfile.get(rival.sub).reputation == 1


def test_a_vote_moves_the_voted_items_and_the_owners_versions_on_by_one_and_never_back(
    api: Any, expert: User, voter: User
) -> None:
    """A save that read either before the vote must fail its version check, not find its old version again."""
    from chalicelib.models.publication import Article

    article_id = publish(api, expert).json_body["article_id"]
    for title in ("A second title for the article", "A third title for the article"):
        edited = api.patch(f"/articles/{article_id}", headers=expert.auth, body=json.dumps({"title": title}))
        assert edited.status_code == 200, edited.json_body
    article_before = Article.get(article_id, consistent_read=True).version
    profile_before = ExpertProfile.get(expert.sub, consistent_read=True).version
    assert article_before > 1  # two edits
    assert profile_before > 1  # the profile's save, then the article's points

    assert vote(api, voter, "article", article_id, 1).status_code == 200

    assert Article.get(article_id, consistent_read=True).version == article_before + 1
    assert ExpertProfile.get(expert.sub, consistent_read=True).version == profile_before + 1
