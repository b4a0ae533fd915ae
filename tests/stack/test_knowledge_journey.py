"""The knowledge side of Parley on the running local stack, as a client and two experts live it.

A client types a question and is shown a similar one experts have answered; she asks her own;
two experts answer; votes move their reputation; she accepts one answer, and that expert's
reputation and place in search rise. Then she messages an expert directly, without a booking,
and the expert's typical response time appears on his profile.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest
import requests

from chalicelib.reputation.points import ACCEPTED_ANSWER_POINTS, ANSWER_POINTS, DOWNVOTE_POINTS, UPVOTE_POINTS
from tests.stack.conftest import Person, new_person

if TYPE_CHECKING:
    from tests.stack.conftest import LocalStack

pytestmark = pytest.mark.stack


def _letters() -> str:
    """A run's own letters (tags allow no look-alike of contact details), so searches see only this run."""
    return "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:10])


def _call(api: str, person: Person | None, method: str, path: str, body: Any = None, *, status: int = 200) -> Any:
    headers = person.auth if person else {}
    if method in ("post", "put"):
        headers = headers | {"Idempotency-Key": uuid.uuid4().hex}
    answer = requests.request(method, f"{api}{path}", json=body, headers=headers, timeout=30)
    assert answer.status_code == status, f"{method.upper()} {path}: {answer.status_code} {answer.text}"
    return answer.json() if answer.content else None


def _expert(stack: LocalStack, run: str, name: str) -> Person:
    expert = new_person(stack, f"knowledge-{name.lower()}-{run}@example.com")
    _call(stack.info["api_url"], expert, "put", "/experts/me", {
        "slug": f"{name.lower()}-{run}", "name": f"{name} {run.capitalize()}", "job_title": "Tax adviser",
        "categories": ["finance"], "languages": ["en"], "tags": [f"vat {run}"], "currency": "GBP",
        "rate_per_minute": 200, "free_minutes": 0,
    })  # fmt: skip
    return expert


def _reputation(api: str, expert: Person) -> int:
    return int(_call(api, None, "get", f"/experts/{expert.sub}")["reputation"])


def _search_order(api: str, run: str) -> list[str]:
    found = _call(api, None, "get", f"/experts?tag={quote(f'vat {run}')}")
    return [card["expert_id"] for card in found["items"]]


def test_a_client_finds_asks_and_accepts_and_reputation_moves_experts_up_search(
    local_stack: LocalStack, clock: Path
) -> None:
    api = local_stack.info["api_url"]
    run = _letters()
    client, voter, earlier_asker = (new_person(local_stack, f"knowledge-{who}-{run}@example.com")
                                    for who in ("client", "voter", "asker"))  # fmt: skip
    ada, ben = _expert(local_stack, run, "Ada"), _expert(local_stack, run, "Ben")

    # Someone asked before, and Ada answered: that is what the client's typing should find.
    earlier = _call(api, earlier_asker, "post", "/questions", {
        "title": f"How do I register my small business for VAT {run}?",
        "body": "I sell furniture online and my turnover will pass the threshold this year.",
        "category": "finance", "tags": ["vat"],
    }, status=201)  # fmt: skip
    _call(api, ada, "post", f"/questions/{earlier['question_id']}/answers", {
        "body": "Register online with the tax office before you pass the threshold; it takes a few weeks.",
    }, status=201)  # fmt: skip

    typed = _call(api, None, "get", f"/questions/similar?q={quote(f'registering small businesses for vat {run}')}")
    assert typed["items"], "typing the question found nothing similar"
    first = typed["items"][0]
    assert (first["question_id"], first["answered"], first["answer_count"]) == (earlier["question_id"], True, 1)

    # Her situation differs, so she asks; both experts answer.
    asked = _call(api, client, "post", "/questions", {
        "title": f"Do I charge VAT on furniture I sell to customers abroad {run}?",
        "body": "I am registered for VAT and ship to Germany and the United States from next month.",
        "category": "finance", "tags": ["vat", "export"],
    }, status=201)  # fmt: skip
    question_id = asked["question_id"]
    by_ada = _call(api, ada, "post", f"/questions/{question_id}/answers", {
        "body": "Sales to consumers in the EU follow the destination rules; exports outside are zero-rated.",
    }, status=201)  # fmt: skip
    by_ben = _call(api, ben, "post", f"/questions/{question_id}/answers", {
        "body": "Zero-rate the exports and keep proof of shipping; for Germany look at the distance rules.",
    }, status=201)  # fmt: skip
    assert _reputation(api, ada) == 2 * ANSWER_POINTS
    assert _reputation(api, ben) == ANSWER_POINTS

    # Votes: Ben's answer up, Ada's down; Ben now ranks above Ada.
    _call(api, voter, "put", f"/answers/{by_ben['answer_id']}/vote", {"value": 1})
    _call(api, voter, "put", f"/answers/{by_ada['answer_id']}/vote", {"value": -1})
    _call(api, ben, "put", f"/answers/{by_ben['answer_id']}/vote", {"value": 1}, status=403)  # not on his own
    assert _reputation(api, ben) == ANSWER_POINTS + UPVOTE_POINTS
    assert _reputation(api, ada) == 2 * ANSWER_POINTS + DOWNVOTE_POINTS
    assert _search_order(api, run) == [ben.sub, ada.sub]

    # She accepts Ada's answer: Ada's reputation rises past Ben's, and so does her place in search.
    accepted = _call(api, client, "post", f"/questions/{question_id}/accept", {"answer_id": by_ada["answer_id"]})
    assert accepted["accepted_answer_id"] == by_ada["answer_id"]
    assert _reputation(api, ada) == 2 * ANSWER_POINTS + DOWNVOTE_POINTS + ACCEPTED_ANSWER_POINTS
    assert _search_order(api, run) == [ada.sub, ben.sub]
    shown = _call(api, None, "get", f"/questions/{question_id}")
    assert (shown["answers"][0]["answer_id"], shown["answers"][0]["accepted"]) == (by_ada["answer_id"], True)

    # She messages Ben directly, with no booking; he answers two hours later, and his profile says so.
    sent = _call(api, client, "post", f"/experts/{ben.sub}/messages", {
        "text": "Could you look at my export invoices next week?",
    }, status=201)  # fmt: skip
    thread = quote(sent["thread_id"], safe="")
    assert _call(api, None, "get", f"/experts/{ben.sub}")["responsiveness"]["answered"] == 0
    clock.write_text(str(2 * 3600))
    _call(api, ben, "post", f"/conversations/{thread}/messages", {"text": "Yes, send them over."}, status=201)
    responsiveness = _call(api, None, "get", f"/experts/{ben.sub}")["responsiveness"]
    assert responsiveness["answered"] == 1
    assert 2 * 3600 <= responsiveness["typical_response_seconds"] < 2 * 3600 + 120
