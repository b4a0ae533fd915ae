"""Conversations in the web client: a booking's thread between a client and an expert, each in their
own browser. A message arrives on the other's open page without a reload and is announced; the list
says whose answer each thread awaits; a file goes with a message and reaches the other side as a
link; a refused message or file shows the API's own message beside what caused it; pressing Send
twice sends once."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest
import requests
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from tests.browser import steps_conversations as convo
from tests.browser import web
from tests.stack.conftest import new_person
from tests.stack.test_booking_journey import _expert

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tests.stack.conftest import LocalStack, Person

pytestmark = pytest.mark.stack
PASSWORD = "Stack-person-2026"  # tests.stack.conftest.new_person's
EXPERT_NAME = "Bettina Berlin"  # tests.stack.test_booking_journey._expert's


def _people(stack: LocalStack) -> tuple[Person, Person, str]:
    run = uuid.uuid4().hex[:8]
    expert, client = _expert(stack, run), new_person(stack, f"convo-client-{run}@example.com")
    return expert, client, convo.booked_thread(stack, expert, client)


def _api(stack: LocalStack, thread_id: str, tail: str = "") -> str:
    return f"{stack.info['api_url']}/conversations/{quote(thread_id, safe='')}{tail}"


def _messages(stack: LocalStack, who: Person, thread_id: str) -> list[dict[str, Any]]:
    listed = requests.get(_api(stack, thread_id, "/messages?limit=100"), headers=who.auth, timeout=30)
    assert listed.status_code == 200, listed.text
    return list(listed.json()["items"])


def _signed_in(browsers: Callable[[], Any], stack: LocalStack, who: Person) -> Any:
    tab = browsers()
    web.sign_in(tab, stack, who.email, PASSWORD)
    return tab


def test_a_message_arrives_on_the_other_persons_open_thread_and_the_lists_say_whose_answer_it_awaits(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    expert, client, thread_id = _people(local_stack)
    expert_tab, client_tab = _signed_in(browsers, local_stack, expert), _signed_in(browsers, local_stack, client)
    convo.open_thread(expert_tab, local_stack, thread_id)
    convo.open_thread(client_tab, local_stack, thread_id)
    assert web.text_shown(client_tab, f"With {EXPERT_NAME}")
    title = client_tab.find_element(By.TAG_NAME, "h1").text  # its time in the viewer's zone
    assert re.search(r"\d{4}-\d{2}-\d{2}T", title) is None, title  # not the API's UTC text

    convo.send_message(client_tab, "Could we start with my CV?")

    arrived = convo.wait_message(expert_tab, "Could we start with my CV?")  # no reload: it polls
    assert "Your client" in arrived.text
    assert convo.announced(expert_tab) == "New message from Your client: Could we start with my CV?"
    web.wait_text(expert_tab, "Waiting on you for")  # the reminder line followed the message
    web.wait_text(client_tab, f"Waiting on {EXPERT_NAME} for")

    convo.open_list(expert_tab, local_stack)
    mine = convo.thread_summary(expert_tab, title)
    assert "Waiting on you" in mine.text
    assert "Your client: Could we start with my CV?" in mine.text
    booking = web.button(expert_tab, "View the booking", within=mine)
    assert booking.get_attribute("href").endswith(f"/bookings/{thread_id.split(':', 1)[1]}")
    convo.open_list(client_tab, local_stack)
    theirs = convo.thread_summary(client_tab, title)
    assert f"Waiting on {EXPERT_NAME}" in theirs.text
    assert "You: Could we start with my CV?" in theirs.text

    web.click(client_tab, title, within=theirs)  # back to the thread, in the page
    convo.wait_message(client_tab, "Could we start with my CV?")
    convo.open_thread(expert_tab, local_stack, thread_id)
    convo.send_message(expert_tab, "Yes: send it over.")
    convo.wait_message(client_tab, "Yes: send it over.")
    assert convo.announced(client_tab) == f"New message from {EXPERT_NAME}: Yes: send it over."
    web.wait_text(client_tab, "Not waiting on anyone")


def test_a_file_sent_with_a_message_reaches_the_other_person_as_a_link_to_the_file(
    local_stack: LocalStack, browsers: Callable[[], Any], tmp_path: Path
) -> None:
    expert, client, thread_id = _people(local_stack)
    brief = tmp_path / "brief.txt"
    brief.write_bytes(b"My CV, in plain text.\n")
    client_tab = _signed_in(browsers, local_stack, client)
    convo.open_thread(client_tab, local_stack, thread_id)

    convo.attach_file(client_tab, brief)
    files = client_tab.find_element(By.XPATH, "//ul[@aria-label='Files to send']")
    assert "brief.txt" in files.text
    convo.send_message(client_tab, "My CV is attached.")

    expert_tab = _signed_in(browsers, local_stack, expert)
    convo.open_thread(expert_tab, local_stack, thread_id)
    message = convo.wait_message(expert_tab, "My CV is attached.")
    link = web.button(expert_tab, "brief.txt", within=message)
    assert "22 bytes" in message.text
    downloaded = requests.get(link.get_attribute("href"), timeout=30)
    assert (downloaded.status_code, downloaded.content) == (200, b"My CV, in plain text.\n")


def test_a_refused_message_and_a_refused_file_each_show_the_apis_message_beside_what_caused_it(
    local_stack: LocalStack, browsers: Callable[[], Any], tmp_path: Path
) -> None:
    _, client, thread_id = _people(local_stack)
    client_tab = _signed_in(browsers, local_stack, client)
    convo.open_thread(client_tab, local_stack, thread_id)
    refusal = requests.post(
        _api(local_stack, thread_id, "/messages"), json={"text": "   ", "attachments": []},
        headers=client.auth, timeout=30,
    ).json()["error"]  # fmt: skip

    convo.type_message(client_tab, "   ")
    web.click(client_tab, "Send")

    box = web.field(client_tab, "Message")
    beside = web.wait_for(
        "the API's message described by the message box",
        lambda: [
            client_tab.find_element(By.ID, name).text
            for name in (box.get_attribute("aria-describedby") or "").split()
            if name.endswith("-error")
        ],
        on_fail=lambda: web.state(client_tab),
    )
    assert beside == [refusal["fields"][0]["message"]]
    assert box.get_attribute("aria-invalid") == "true"
    assert (
        client_tab.find_element(By.XPATH, "//form[@aria-label='Write a message']//*[@role='alert']").text
        == (refusal["message"])
    )
    assert {m["sender_id"] for m in _messages(local_stack, client, thread_id)} == {"system"}  # nothing was sent

    table = tmp_path / "figures.csv"
    table.write_bytes(b"a,b\n1,2\n")
    file_refusal = requests.post(
        f"{local_stack.info['api_url']}/uploads", headers=client.auth, timeout=30,
        json={"purpose": "message_attachment", "content_type": "text/csv", "size_bytes": 8},
    ).json()["error"]  # fmt: skip
    web.field(client_tab, "Attach a file").send_keys(str(table))
    picker = web.field(client_tab, "Attach a file")
    shown = web.wait_for(
        "the API's message under the file picker",
        lambda: [
            client_tab.find_element(By.ID, name).text
            for name in (picker.get_attribute("aria-describedby") or "").split()
            if name.endswith("-error")
        ],
        on_fail=lambda: web.state(client_tab),
    )
    assert shown == [file_refusal["message"]]


def test_pressing_send_twice_sends_the_message_once(local_stack: LocalStack, browsers: Callable[[], Any]) -> None:
    _, client, thread_id = _people(local_stack)
    client_tab = _signed_in(browsers, local_stack, client)
    convo.open_thread(client_tab, local_stack, thread_id)

    convo.type_message(client_tab, "Is Tuesday fine?")
    ActionChains(client_tab).double_click(web.button(client_tab, "Send")).perform()
    convo.wait_message(client_tab, "Is Tuesday fine?")
    convo.type_message(client_tab, "Or Wednesday?")  # both submits of one draft at once, as a double Enter would
    client_tab.execute_script(
        "const form = document.evaluate(\"//form[@aria-label='Write a message']\", document, null, 9, null)"
        ".singleNodeValue; form.requestSubmit(); form.requestSubmit();"
    )
    convo.wait_message(client_tab, "Or Wednesday?")
    convo.send_message(client_tab, "Thanks.")  # sent after both, so any second copy would be in by now

    texts = [m["text"] for m in _messages(local_stack, client, thread_id)]
    assert [t for t in texts if t in ("Is Tuesday fine?", "Or Wednesday?", "Thanks.")] == [
        "Is Tuesday fine?", "Or Wednesday?", "Thanks.",
    ]  # fmt: skip
    for text in ("Is Tuesday fine?", "Or Wednesday?"):
        assert len(convo.message_items(client_tab, text)) == 1


def test_a_long_thread_shows_its_latest_messages_and_earlier_ones_on_request(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    _, client, thread_id = _people(local_stack)  # the thread opens with "Appointment confirmed …"
    for n in range(1, 25):
        sent = requests.post(
            _api(local_stack, thread_id, "/messages"), json={"text": f"Note {n}"},
            headers=client.auth | {"Idempotency-Key": f"note-{n}"}, timeout=30,
        )  # fmt: skip
        assert sent.status_code == 201, sent.text
    client_tab = _signed_in(browsers, local_stack, client)
    convo.open_thread(client_tab, local_stack, thread_id)

    convo.wait_message(client_tab, "Note 24")
    assert convo.message_items(client_tab, "Note 5")
    assert not convo.message_items(client_tab, "Note 4")  # the latest 20 of 25 are shown
    web.click(client_tab, "Earlier messages")

    convo.wait_message(client_tab, "Note 1")
    assert "Appointment confirmed" in client_tab.switch_to.active_element.text  # focus on the earliest revealed
    assert not client_tab.find_elements(By.XPATH, "//button[normalize-space()='Earlier messages']")
    shown = client_tab.find_elements(By.XPATH, f"{convo.MESSAGES}/li")
    assert len(shown) == 25
