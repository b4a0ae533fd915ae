"""Ask an expert in the web client: a client types their question and sees an answered question like it
among the similar ones as they type; none helps, so they ask theirs (a question with contact details is
refused with the API's own message beside the field); an expert answers it in their own browser; the client
votes the answer up (the count and the pressed button change) and accepts it ("Accepted answer"); the asker
edits the question (its history keeps the old text) and removes it after confirming."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest
import requests
from selenium.webdriver.common.by import By

from tests.browser import web
from tests.stack.conftest import new_person

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.stack.conftest import LocalStack, Person

pytestmark = pytest.mark.stack
PASSWORD = "Stack-person-2026"  # tests.stack.conftest.new_person's
ANSWERED_TITLE = "How do I invoice a client abroad for consulting work?"
PARAPHRASE = "invoicing a consulting client in another country"


def _api(stack: LocalStack, tail: str) -> str:
    return f"{stack.info['api_url']}{tail}"


def _expert(stack: LocalStack, run: str, name: str) -> Person:
    expert = new_person(stack, f"knowledge-{name.split()[0].lower()}-{run}@example.com")
    profile: dict[str, Any] = {
        "slug": f"{name.split()[0].lower()}-{run}", "name": name, "categories": ["finance"], "languages": ["en"],
        "currency": "USD", "rate_per_minute": 200, "free_minutes": 0,
    }  # fmt: skip
    saved = requests.put(_api(stack, "/experts/me"), json=profile, headers=expert.auth, timeout=30)
    assert saved.status_code == 200, saved.text
    return expert


def _ask(stack: LocalStack, who: Person, title: str, body: str) -> dict[str, Any]:
    asked = requests.post(
        _api(stack, "/questions"), json={"title": title, "body": body, "category": "finance", "tags": ["invoicing"]},
        headers=who.auth, timeout=30,
    )  # fmt: skip
    assert asked.status_code == 201, asked.text
    return dict(asked.json())


def _answer(stack: LocalStack, expert: Person, question_id: str, body: str) -> dict[str, Any]:
    answered = requests.post(
        _api(stack, f"/questions/{quote(question_id, safe='')}/answers"), json={"body": body}, headers=expert.auth,
        timeout=30,
    )  # fmt: skip
    assert answered.status_code == 201, answered.text
    return dict(answered.json())


def _question(stack: LocalStack, question_id: str) -> dict[str, Any]:
    read = requests.get(_api(stack, f"/questions/{quote(question_id, safe='')}"), timeout=30)
    assert read.status_code == 200, read.text
    return dict(read.json())


def _signed_in(browsers: Callable[[], Any], stack: LocalStack, who: Person) -> Any:
    tab = browsers()
    web.sign_in(tab, stack, who.email, PASSWORD)
    return tab


def _messages_beside(tab: Any, label: str) -> list[str]:
    """The error messages the field labelled ``label`` is described by (shown next to it)."""
    box = web.field(tab, label)
    return list(
        web.wait_for(
            f"a message beside {label!r}",
            lambda: [
                tab.find_element(By.ID, name).text
                for name in (box.get_attribute("aria-describedby") or "").split()
                if name.endswith("-error")
            ],
            on_fail=lambda: web.state(tab),
        )
    )


def _answer_item(tab: Any, text: str) -> Any:
    """The answer (list item) whose text holds ``text``."""
    return web.wait_for(
        f"the answer holding {text!r}",
        lambda: next(
            (li for li in tab.find_elements(By.XPATH, "//ul[contains(@class,'answers')]/li") if text in li.text), None
        ),
        on_fail=lambda: web.state(tab),
    )


def test_a_client_finds_a_similar_answered_question_asks_their_own_and_accepts_the_answer_they_voted_up(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    run = uuid.uuid4().hex[:8]
    first_expert, second_expert = _expert(local_stack, run, "Fiona Finance"), _expert(local_stack, run, "Victor Vat")
    earlier_asker, client = (
        new_person(local_stack, f"knowledge-asker-{run}@example.com"),
        new_person(local_stack, f"knowledge-client-{run}@example.com"),
    )
    answered = _ask(
        local_stack, earlier_asker, ANSWERED_TITLE,
        "A company in Boston hired me for consulting and wants an invoice from me in Lisbon. What goes on it?",
    )  # fmt: skip
    _answer(local_stack, first_expert, answered["question_id"], "Services to a business abroad are outside VAT here.")

    client_tab = _signed_in(browsers, local_stack, client)
    web.open_page(client_tab, local_stack, "/questions")
    web.wait_heading(client_tab, "Ask an expert")
    web.fill(client_tab, "Your question", PARAPHRASE)
    status = web.wait_for(
        "the count of similar questions",
        lambda: next(
            (e for e in client_tab.find_elements(By.CSS_SELECTOR, "[role=status]") if "similar question" in e.text),
            None,
        ),
        on_fail=lambda: web.state(client_tab),
    )
    web.wait_for(
        "the answered question among the similar ones",
        lambda: client_tab.find_elements(By.XPATH, f"//section[contains(@class,'similar')]//a[.='{ANSWERED_TITLE}']"),
        on_fail=lambda: web.state(client_tab),
    )
    assert re.fullmatch(r"\d+ similar questions?", status.text), status.text
    link = web.button(client_tab, ANSWERED_TITLE)
    assert link.get_attribute("href").endswith(f"/questions/{answered['question_id']}")
    assert "answered, 1 answer" in link.find_element(By.XPATH, "..").text
    web.record_page(client_tab, "questions-ask")

    # None helps: the title is what was typed; details with an e-mail address are refused, beside the field.
    assert web.field(client_tab, "Title").get_attribute("value") == PARAPHRASE
    title = f"Which VAT rules apply when I invoice a client in Canada? ({run})"
    refused_body = "I consult for a firm in Toronto; write to me at me@example.com about the invoice."
    refusal = requests.post(
        _api(local_stack, "/questions"), headers=client.auth, timeout=30,
        json={"title": title, "body": refused_body, "category": "finance"},
    ).json()["error"]  # fmt: skip
    web.fill(client_tab, "Title", title)
    web.fill(client_tab, "Details", refused_body)
    web.choose(client_tab, "Category", "Finance & accounting")
    web.fill(client_tab, "Tags", "vat, Invoicing")
    web.click(client_tab, "Ask the question")
    assert _messages_beside(client_tab, "Details") == [refusal["fields"][0]["message"]]
    alert = client_tab.find_element(By.XPATH, "//form[@aria-label='Ask a new question']//*[@role='alert']")
    assert alert.text == refusal["message"]
    assert client_tab.current_url.endswith("/questions")  # still on the ask page: nothing was asked

    web.fill(client_tab, "Details", "I consult for a firm in Toronto and bill it monthly. What must the invoice say?")
    web.click(client_tab, "Ask the question")
    web.wait_heading(client_tab, title)
    question_id = client_tab.current_url.rstrip("/").rsplit("/", 1)[1]
    asked = _question(local_stack, question_id)
    assert (asked["title"], asked["tags"], asked["asker_id"]) == (title, ["vat", "invoicing"], client.sub)
    web.wait_text(client_tab, "No answers yet")
    assert not client_tab.find_elements(By.XPATH, "//label[normalize-space()='Answer']")  # the asker does not answer
    web.record_page(client_tab, "question-asked")

    # An expert answers in their own browser; on their own answer there is nothing to vote.
    expert_tab = _signed_in(browsers, local_stack, second_expert)
    web.open_page(expert_tab, local_stack, f"/questions/{question_id}")
    web.wait_heading(expert_tab, title)
    reply = "Invoices to a business in Canada are outside the scope of VAT here: say so on the invoice."
    web.fill(expert_tab, "Answer", reply)
    web.click(expert_tab, "Post the answer")
    mine = _answer_item(expert_tab, reply)
    assert "Your answer" in mine.text
    assert not mine.find_elements(By.XPATH, ".//button[normalize-space()='Vote up']")
    assert not expert_tab.find_elements(By.XPATH, "//button[normalize-space()='Post the answer']")

    # The client votes it up and accepts it.
    web.open_page(client_tab, local_stack, f"/questions/{question_id}")
    theirs = _answer_item(client_tab, reply)
    expert_link = web.button(client_tab, "Victor Vat", within=theirs)
    assert expert_link.get_attribute("href").endswith(f"/experts/{second_expert.sub}")
    up = web.button(client_tab, "Vote up", within=theirs)
    assert up.get_attribute("aria-pressed") == "false"
    assert "0 up" in theirs.text
    web.click(client_tab, "Vote up", within=theirs)
    web.wait_for(
        "the vote up pressed and counted",
        lambda: up.get_attribute("aria-pressed") == "true" and "1 up" in theirs.text,
        on_fail=lambda: web.state(client_tab),
    )
    assert [a["upvotes"] for a in _question(local_stack, question_id)["answers"]] == [1]
    web.click(client_tab, "Accept this answer", within=theirs)
    accepted = _answer_item(client_tab, "Accepted answer")
    assert reply in accepted.text
    assert not client_tab.find_elements(By.XPATH, "//button[normalize-space()='Accept this answer']")
    stored = _question(local_stack, question_id)
    assert stored["accepted_answer_id"] == stored["answers"][0]["answer_id"]
    web.open_page(client_tab, local_stack, f"/questions/{question_id}")  # after a reload, my vote is still pressed
    again = _answer_item(client_tab, reply)
    web.wait_for(
        "my vote pressed after a reload",
        lambda: web.button(client_tab, "Vote up", within=again).get_attribute("aria-pressed") == "true",
        on_fail=lambda: web.state(client_tab),
    )
    web.record_page(client_tab, "question-answered")

    # My questions lists it with its answer; the expert's name leads to their profile.
    web.open_page(client_tab, local_stack, "/me/questions")
    web.wait_heading(client_tab, "My questions")
    listed = web.button(client_tab, title)
    assert "Solved · 1 answer" in listed.find_element(By.XPATH, "..").text
    web.record_page(client_tab, "my-questions")
    web.click(client_tab, title)
    web.wait_heading(client_tab, title)
    web.click(client_tab, "Victor Vat", within=_answer_item(client_tab, reply))
    web.wait_for("the expert's profile", lambda: client_tab.current_url.endswith(f"/e/victor-{run}"),
                 on_fail=lambda: web.state(client_tab))  # fmt: skip
    web.wait_heading(client_tab, "Victor Vat")


def test_the_asker_edits_their_question_sees_its_history_and_removes_it_after_confirming(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    run = uuid.uuid4().hex[:8]
    asker = new_person(local_stack, f"knowledge-editor-{run}@example.com")
    first_title = f"Do I charge VAT to a client in Norway? ({run})"
    asked = _ask(local_stack, asker, first_title, "A design agency in Oslo wants my services every month.")
    tab = _signed_in(browsers, local_stack, asker)
    web.open_page(tab, local_stack, f"/questions/{asked['question_id']}")
    web.wait_heading(tab, first_title)

    web.click(tab, "Edit the question")
    new_title = f"Do I charge VAT to a business client in Norway? ({run})"
    web.fill(tab, "Title", new_title)
    web.click(tab, "Save the question")
    web.wait_heading(tab, new_title)
    web.click(tab, "see its history")
    web.wait_heading(tab, "The question's history")
    web.wait_text(tab, "Revision 2 (shown now)")
    assert web.text_shown(tab, first_title)
    assert web.text_shown(tab, new_title)
    web.record_page(tab, "question-history")

    # Someone who is no expert cannot answer: the API's own message says so.
    passer_by = new_person(local_stack, f"knowledge-passer-{run}@example.com")
    refusal = requests.post(
        _api(local_stack, f"/questions/{quote(asked['question_id'], safe='')}/answers"), headers=passer_by.auth,
        json={"body": "Yes, always charge VAT to everyone."}, timeout=30,
    ).json()["error"]  # fmt: skip
    other_tab = _signed_in(browsers, local_stack, passer_by)
    web.open_page(other_tab, local_stack, f"/questions/{asked['question_id']}")
    web.fill(other_tab, "Answer", "Yes, always charge VAT to everyone.")
    web.click(other_tab, "Post the answer")
    shown = web.wait_for(
        "the API's refusal of the answer",
        lambda: [
            e.text
            for e in other_tab.find_elements(By.XPATH, "//form[@aria-label='Answer the question']//*[@role='alert']")
        ],
        on_fail=lambda: web.state(other_tab),
    )
    assert shown == [refusal["message"]]
    assert _question(local_stack, asked["question_id"])["answers"] == []

    web.click(tab, "Back to the question")
    web.wait_heading(tab, new_title)
    web.click(tab, "Remove the question")
    web.wait_text(tab, "Remove this question?")
    web.click(tab, "Keep it")  # nothing removed
    assert "removed_at" not in _question(local_stack, asked["question_id"])
    web.click(tab, "Remove the question")
    web.click(tab, "Yes, remove the question")
    web.wait_heading(tab, "My questions")
    gone = requests.get(_api(local_stack, f"/questions/{quote(asked['question_id'], safe='')}"), timeout=30)
    assert gone.status_code == 404, gone.text
    web.wait_text(tab, "You have not asked a question yet.")
