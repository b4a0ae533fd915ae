"""Questions and answers: anyone signed in asks, experts answer once, the asker accepts; reputation follows."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from chalicelib.models.expert_profile import ExpertProfile
from chalicelib.models.question import Answer
from chalicelib.reputation.points import ACCEPTED_ANSWER_POINTS, ANSWER_POINTS
from tests.functional.builders import become_expert, register
from tests.functional.conftest import User, Users

TITLE = "How should I invoice a client abroad?"
BODY = "I freelance from Lisbon and a client in Boston wants an invoice. Which VAT rules apply to me?"
ANSWER = "Services to a business client outside the EU are outside the scope of Portuguese VAT."


@dataclass
class Cast:
    asker: User
    ada: User
    bob: User
    cleo: User
    admin: User
    stranger: User


@pytest.fixture
def cast(api: Any, users: Users) -> Cast:
    asker, stranger = users.sign_up("grace@example.com"), users.sign_up("eve@example.com")
    assert register(api, asker).status_code == 201
    assert register(api, stranger).status_code == 201
    ada, bob, cleo = (users.sign_up(f"{n}@example.com") for n in ("ada", "bob", "cleo"))
    become_expert(api, ada)
    become_expert(api, bob, slug="bob-builder", name="Bob Builder")
    become_expert(api, cleo, slug="cleo-counts", name="Cleo Counts")
    admin = users.sign_up("root@example.com", admin=True)
    return Cast(asker, ada, bob, cleo, admin, stranger)


def _ask(api: Any, user: User, key: str | None = None, **changes: Any) -> Any:
    body = {"title": TITLE, "body": BODY, "category": "finance", "tags": ["Invoicing", "VAT"], **changes}
    headers = user.auth | ({"Idempotency-Key": key} if key else {})
    return api.post("/questions", headers=headers, body=json.dumps(body))


def _asked(api: Any, user: User, **changes: Any) -> str:
    response = _ask(api, user, **changes)
    assert response.status_code == 201, response.json_body
    return str(response.json_body["question_id"])


def _answer(api: Any, user: User, question_id: str, body: str = ANSWER) -> Any:
    return api.post(f"/questions/{question_id}/answers", headers=user.auth, body=json.dumps({"body": body}))


def _answered(api: Any, user: User, question_id: str, body: str = ANSWER) -> str:
    response = _answer(api, user, question_id, body)
    assert response.status_code == 201, response.json_body
    return str(response.json_body["answer_id"])


def _accept(api: Any, user: User, question_id: str, answer_id: str) -> Any:
    return api.post(f"/questions/{question_id}/accept", headers=user.auth, body=json.dumps({"answer_id": answer_id}))


def _reputation(user: User) -> int:
    return int(ExpertProfile.get(user.sub, consistent_read=True).reputation or 0)


def _similar(api: Any, q: str, **params: str) -> list[dict[str, Any]]:
    from urllib.parse import urlencode

    response = api.get("/questions/similar?" + urlencode({"q": q, **params}))
    assert response.status_code == 200, response.json_body
    return list(response.json_body["items"])


def _fields(response: Any) -> set[str]:
    return {problem["field"] for problem in response.json_body["error"].get("fields", [])}


def test_a_signed_in_person_asks_a_question_and_anyone_reads_it(api: Any, cast: Cast) -> None:
    asked = _ask(api, cast.asker)
    assert asked.status_code == 201, asked.json_body
    question = asked.json_body
    assert (question["title"], question["category"], question["tags"]) == (TITLE, "finance", ["invoicing", "vat"])
    assert (question["asker_id"], question["revision"], question["answer_count"]) == (cast.asker.sub, 1, 0)
    assert question["accepted_answer_id"] is None
    read = api.get(f"/questions/{question['question_id']}")
    assert read.status_code == 200
    assert read.json_body["answers"] == []
    assert read.json_body["title"] == TITLE
    unsigned = api.post("/questions", body=json.dumps({"title": TITLE, "body": BODY, "category": "finance"}))
    assert unsigned.status_code == 401


def test_a_retry_with_the_same_idempotency_key_is_the_same_question_asked_once(api: Any, cast: Cast) -> None:
    first = _ask(api, cast.asker, key="ask-1")
    again = _ask(api, cast.asker, key="ask-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json_body["question_id"] == again.json_body["question_id"]
    other = _ask(api, cast.asker, key="ask-2")
    assert other.json_body["question_id"] != first.json_body["question_id"]
    someone_else = _ask(api, cast.stranger, key="ask-1")
    assert someone_else.json_body["question_id"] != first.json_body["question_id"]
    mine = api.get("/me/questions", headers=cast.asker.auth).json_body["items"]
    assert sorted(q["question_id"] for q in mine) == sorted(
        {first.json_body["question_id"], other.json_body["question_id"]}
    )


def test_a_question_is_validated_and_each_problem_names_its_field(api: Any, cast: Cast) -> None:
    short = _ask(api, cast.asker, title="Invoice?")
    assert short.status_code == 400
    assert _fields(short) == {"title"}
    assert _fields(_ask(api, cast.asker, body="Too short.")) == {"body"}
    assert _fields(_ask(api, cast.asker, category="astrology")) == {"category"}
    assert _ask(api, cast.asker, tags=["a", "b", "c", "d", "e", "f"]).status_code == 400
    assert _ask(api, cast.asker, colour="blue").status_code == 400
    contact = _ask(api, cast.asker, body="Please mail me the answer at grace@example.com, thank you.")
    assert contact.status_code == 400
    assert contact.json_body["error"]["code"] == "contact_details"
    assert _fields(contact) == {"body"}
    assert api.get("/me/questions", headers=cast.asker.auth).json_body["items"] == []


def test_the_similar_search_finds_an_asked_question_by_another_form_of_its_words(api: Any, cast: Cast) -> None:
    question_id = _asked(api, cast.asker)
    _asked(api, cast.asker, title="Which laptop is best for video editing?", category="technology",
           body="I edit long 4K videos and my old laptop struggles with the renders.")  # fmt: skip
    hits = _similar(api, "invoicing clients")
    assert [hit["question_id"] for hit in hits] == [question_id]
    assert hits[0]["title"] == TITLE
    assert (hits[0]["answered"], hits[0]["answer_count"]) == (False, 0)
    assert hits[0]["score"] > 0
    assert _similar(api, "invoicing", category="law") == []
    assert _similar(api, "the and of") == []
    assert _similar(api, "") == []
    assert api.get("/questions/similar?q=" + "a" * 301).status_code == 400
    assert api.get("/questions/similar?q=invoice&limit=11").status_code == 400


def test_a_category_lists_its_questions_newest_first(api: Any, cast: Cast) -> None:
    older = _asked(api, cast.asker)
    newer = _asked(api, cast.stranger, title="Do I charge VAT on a retainer?")
    _asked(api, cast.asker, category="law", title="Can I break a lease early?")
    listed = api.get("/questions?category=finance")
    assert listed.status_code == 200
    assert [q["question_id"] for q in listed.json_body["items"]] == [newer, older]
    paged = api.get("/questions?category=finance&limit=1").json_body
    assert [q["question_id"] for q in paged["items"]] == [newer]
    rest = api.get(f"/questions?category=finance&limit=1&cursor={paged['next_cursor']}").json_body
    assert [q["question_id"] for q in rest["items"]] == [older]
    missing = api.get("/questions")
    assert missing.status_code == 400
    assert _fields(missing) == {"category"}


def test_editing_a_question_keeps_its_history_and_reindexes_it(api: Any, cast: Cast) -> None:
    question_id = _asked(api, cast.asker)
    new_body = "My client in Boston pays me a monthly retainer; which VAT applies to that?"
    change = {"title": "Which VAT applies to a retainer abroad?", "body": new_body, "tags": ["Retainer"]}
    refused = api.patch(f"/questions/{question_id}", headers=cast.stranger.auth, body=json.dumps(change))
    assert refused.status_code == 403
    assert refused.json_body["error"]["code"] == "not_the_asker"
    edited = api.patch(f"/questions/{question_id}", headers=cast.asker.auth, body=json.dumps(change))
    assert edited.status_code == 200, edited.json_body
    assert (edited.json_body["title"], edited.json_body["tags"], edited.json_body["revision"]) == (
        change["title"], ["retainer"], 2,
    )  # fmt: skip
    assert edited.json_body["body"] == new_body
    history = api.get(f"/questions/{question_id}/revisions").json_body["items"]
    assert [(r["revision"], r["title"], r["body"], r["current"]) for r in history] == [
        (1, TITLE, BODY, False), (2, change["title"], new_body, True),
    ]  # fmt: skip
    assert [hit["question_id"] for hit in _similar(api, "retainers")] == [question_id]
    assert _similar(api, "lisbon") == []
    contact = api.patch(f"/questions/{question_id}", headers=cast.asker.auth,
                        body=json.dumps({"body": "Call me on +44 20 7946 0958 to talk about it please."}))  # fmt: skip
    assert contact.json_body["error"]["code"] == "contact_details"
    assert api.get(f"/questions/{question_id}").json_body["revision"] == 2


def test_a_removed_question_is_hidden_from_readers_but_an_admin_sees_it(api: Any, cast: Cast) -> None:
    question_id = _asked(api, cast.asker)
    refused = api.delete(f"/questions/{question_id}", headers=cast.stranger.auth)
    assert refused.status_code == 403
    removed = api.delete(f"/questions/{question_id}", headers=cast.asker.auth)
    assert removed.status_code == 200, removed.json_body
    assert api.get(f"/questions/{question_id}").status_code == 404
    assert api.get(f"/questions/{question_id}", headers=cast.asker.auth).status_code == 404
    assert api.get(f"/questions/{question_id}/revisions").status_code == 404
    seen = api.get(f"/questions/{question_id}", headers=cast.admin.auth)
    assert seen.status_code == 200
    assert seen.json_body["removed_at"]
    assert _similar(api, "invoicing") == []
    assert api.get("/questions?category=finance").json_body["items"] == []
    assert _answer(api, cast.ada, question_id).status_code == 404
    assert api.delete(f"/questions/{question_id}", headers=cast.admin.auth).status_code == 200


def test_an_admin_removes_anyones_question(api: Any, cast: Cast) -> None:
    question_id = _asked(api, cast.asker)
    assert api.delete(f"/questions/{question_id}", headers=cast.admin.auth).status_code == 200
    assert api.get(f"/questions/{question_id}").status_code == 404


def test_only_experts_answer_and_never_their_own_question(api: Any, cast: Cast) -> None:
    question_id = _asked(api, cast.asker)
    not_expert = _answer(api, cast.stranger, question_id)
    assert not_expert.status_code == 403
    assert not_expert.json_body["error"]["code"] == "not_an_expert"
    own_id = _asked(api, cast.ada)
    own = _answer(api, cast.ada, own_id)
    assert own.status_code == 403
    assert own.json_body["error"]["code"] == "own_question"
    assert _answer(api, cast.ada, question_id, body="Short.").status_code == 400
    contact = _answer(api, cast.ada, question_id, body="Write to ada@example.com and I will explain it all.")
    assert contact.json_body["error"]["code"] == "contact_details"
    assert _fields(contact) == {"body"}
    assert api.get(f"/questions/{question_id}").json_body["answer_count"] == 0


def test_an_answer_earns_its_expert_reputation_once(api: Any, cast: Cast) -> None:
    question_id = _asked(api, cast.asker)
    made = _answer(api, cast.ada, question_id)
    assert made.status_code == 201, made.json_body
    answer = made.json_body
    assert (answer["expert_id"], answer["expert_name"], answer["accepted"]) == (cast.ada.sub, "Ada Lovelace", False)
    assert (answer["upvotes"], answer["downvotes"], answer["revision"]) == (0, 0, 1)
    assert _reputation(cast.ada) == ANSWER_POINTS
    again = _answer(api, cast.ada, question_id, body=ANSWER + " Again.")
    assert again.status_code == 409
    assert again.json_body["error"]["code"] == "already_answered"
    assert _reputation(cast.ada) == ANSWER_POINTS
    read = api.get(f"/questions/{question_id}").json_body
    assert read["answer_count"] == 1
    assert [a["answer_id"] for a in read["answers"]] == [answer["answer_id"]]
    listed = api.get(f"/experts/{cast.ada.sub}/answers").json_body["items"]
    assert [(a["answer_id"], a["question_title"]) for a in listed] == [(answer["answer_id"], TITLE)]
    hit = _similar(api, "invoicing")[0]
    assert (hit["answered"], hit["answer_count"]) == (True, 1)
    assert [h["question_id"] for h in _similar(api, "portuguese")] == [question_id]  # the answer's words count
    assert api.get(f"/experts/{cast.ada.sub}").json_body["reputation"] == ANSWER_POINTS


def test_accepting_moves_the_bonus_and_accepting_twice_changes_nothing(api: Any, cast: Cast) -> None:
    question_id = _asked(api, cast.asker)
    ada_answer, bob_answer = _answered(api, cast.ada, question_id), _answered(api, cast.bob, question_id)
    refused = _accept(api, cast.ada, question_id, ada_answer)
    assert refused.status_code == 403
    assert refused.json_body["error"]["code"] == "not_the_asker"
    accepted = _accept(api, cast.asker, question_id, ada_answer)
    assert accepted.status_code == 200, accepted.json_body
    assert accepted.json_body["accepted_answer_id"] == ada_answer
    assert _reputation(cast.ada) == ANSWER_POINTS + ACCEPTED_ANSWER_POINTS
    assert _accept(api, cast.asker, question_id, ada_answer).status_code == 200
    assert _reputation(cast.ada) == ANSWER_POINTS + ACCEPTED_ANSWER_POINTS
    _accept(api, cast.asker, question_id, bob_answer)
    assert (_reputation(cast.ada), _reputation(cast.bob)) == (ANSWER_POINTS, ANSWER_POINTS + ACCEPTED_ANSWER_POINTS)
    _accept(api, cast.asker, question_id, ada_answer)  # back again: each move counts
    assert (_reputation(cast.ada), _reputation(cast.bob)) == (ANSWER_POINTS + ACCEPTED_ANSWER_POINTS, ANSWER_POINTS)
    read = api.get(f"/questions/{question_id}").json_body
    assert [(a["answer_id"], a["accepted"]) for a in read["answers"]] == [(ada_answer, True), (bob_answer, False)]
    other_question = _asked(api, cast.stranger, title="Do I charge VAT on a retainer?")
    assert _accept(api, cast.stranger, other_question, ada_answer).status_code == 404
    assert _accept(api, cast.asker, question_id, "made-up").status_code == 404


def test_answers_show_the_accepted_one_first_then_by_votes_then_the_oldest(api: Any, cast: Cast) -> None:
    question_id = _asked(api, cast.asker)
    oldest = _answered(api, cast.ada, question_id)
    middle = _answered(api, cast.bob, question_id)
    newest = _answered(api, cast.cleo, question_id)
    Answer.get(newest).update(actions=[Answer.upvotes.set(3), Answer.downvotes.set(1)])  # the votes' own writes
    Answer.get(oldest).update(actions=[Answer.downvotes.set(1)])
    order = [a["answer_id"] for a in api.get(f"/questions/{question_id}").json_body["answers"]]
    assert order == [newest, middle, oldest]
    _accept(api, cast.asker, question_id, oldest)
    order = [a["answer_id"] for a in api.get(f"/questions/{question_id}").json_body["answers"]]
    assert order == [oldest, newest, middle]


def test_editing_an_answer_keeps_its_history(api: Any, cast: Cast) -> None:
    question_id = _asked(api, cast.asker)
    answer_id = _answered(api, cast.ada, question_id)
    better = ANSWER + " Write 'reverse charge' on the invoice."
    refused = api.patch(f"/answers/{answer_id}", headers=cast.bob.auth, body=json.dumps({"body": better}))
    assert refused.status_code == 403
    edited = api.patch(f"/answers/{answer_id}", headers=cast.ada.auth, body=json.dumps({"body": better}))
    assert edited.status_code == 200, edited.json_body
    assert (edited.json_body["body"], edited.json_body["revision"]) == (better, 2)
    history = api.get(f"/answers/{answer_id}/revisions").json_body["items"]
    assert [(r["revision"], r["body"], r["current"]) for r in history] == [(1, ANSWER, False), (2, better, True)]
    assert [h["question_id"] for h in _similar(api, "reverse charge")] == [question_id]
    linked = json.dumps({"body": "See https://example.com/vat for the whole story of it."})
    contact = api.patch(f"/answers/{answer_id}", headers=cast.ada.auth, body=linked)
    assert contact.json_body["error"]["code"] == "contact_details"


def test_removing_an_answer_takes_its_points_and_its_bonus_back_once(api: Any, cast: Cast) -> None:
    question_id = _asked(api, cast.asker)
    answer_id = _answered(api, cast.ada, question_id)
    _accept(api, cast.asker, question_id, answer_id)
    assert _reputation(cast.ada) == ANSWER_POINTS + ACCEPTED_ANSWER_POINTS
    assert api.delete(f"/answers/{answer_id}", headers=cast.bob.auth).status_code == 403
    removed = api.delete(f"/answers/{answer_id}", headers=cast.ada.auth)
    assert removed.status_code == 200, removed.json_body
    assert _reputation(cast.ada) == 0
    assert api.delete(f"/answers/{answer_id}", headers=cast.admin.auth).status_code == 200
    assert _reputation(cast.ada) == 0
    read = api.get(f"/questions/{question_id}").json_body
    assert (read["answers"], read["answer_count"], read["accepted_answer_id"]) == ([], 0, None)
    assert [
        a["answer_id"] for a in api.get(f"/questions/{question_id}", headers=cast.admin.auth).json_body["answers"]
    ] == [answer_id]
    assert api.get(f"/experts/{cast.ada.sub}/answers").json_body["items"] == []
    assert api.get(f"/answers/{answer_id}/revisions").status_code == 404
    assert _answer(api, cast.ada, question_id).json_body["error"]["code"] == "already_answered"
    assert _similar(api, "portuguese") == []


def test_an_admin_removes_an_answer_and_its_points_go_back(api: Any, cast: Cast) -> None:
    question_id = _asked(api, cast.asker)
    answer_id = _answered(api, cast.bob, question_id)
    assert api.delete(f"/answers/{answer_id}", headers=cast.admin.auth).status_code == 200
    assert _reputation(cast.bob) == 0


def test_unknown_ids_answer_404(api: Any, cast: Cast) -> None:
    body = json.dumps({"body": ANSWER})
    assert api.get("/questions/made-up").json_body["error"]["code"] == "question_not_found"
    assert api.get("/questions/made-up/revisions").status_code == 404
    assert (
        api.patch("/questions/made-up", headers=cast.asker.auth, body=json.dumps({"title": TITLE})).status_code == 404
    )
    assert api.delete("/questions/made-up", headers=cast.asker.auth).status_code == 404
    assert api.post("/questions/made-up/answers", headers=cast.ada.auth, body=body).status_code == 404
    assert _accept(api, cast.asker, "made-up", "made-up").status_code == 404
    assert (
        api.patch("/answers/made-up", headers=cast.ada.auth, body=body).json_body["error"]["code"] == "answer_not_found"
    )
    assert api.delete("/answers/made-up", headers=cast.ada.auth).status_code == 404
    assert api.get("/answers/made-up/revisions").status_code == 404
    assert api.get("/experts/made-up/answers").json_body["items"] == []
