"""Journey steps on the conversations pages, as a person takes them: opening a thread, writing a
message (with a file), waiting for a message to arrive, and reading the list of conversations.

A thread's messages are the list named "Messages"; its newcomers are announced in the live region
named "New messages"; the composer is the form named "Write a message".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import requests
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By

from tests.browser import web

if TYPE_CHECKING:
    from pathlib import Path

    from tests.stack.conftest import LocalStack, Person

MESSAGES = "//ol[@aria-label='Messages']"


def _literal(text: str) -> str:
    if "'" not in text:
        return f"'{text}'"
    return "concat('" + "', \"'\", '".join(text.split("'")) + "')"


def booked_thread(stack: LocalStack, expert: Person, client: Person) -> str:
    """The thread of a free consultation ``client`` books with ``expert`` (made as in the stack's
    booking journey: tests.stack.test_booking_journey._expert); its id, "booking:<appointment id>"."""
    api = stack.info["api_url"]
    day = (datetime.now(UTC) + timedelta(days=4)).date()
    slots = requests.get(f"{api}/experts/{expert.sub}/slots?from={day}&to={day}&minutes=30", timeout=30)
    assert slots.status_code == 200, slots.text
    body = {
        "expert_id": expert.sub, "start": slots.json()["slots"][0]["start_utc"], "minutes": 30,
        "kind": "free_consultation", "note": "My CV",
    }  # fmt: skip
    booked = requests.post(f"{api}/bookings", json=body, headers=client.auth, timeout=60)
    assert booked.status_code == 201, booked.text
    return str(booked.json()["conversation_id"])


def thread_path(thread_id: str) -> str:
    return f"/conversations/{quote(thread_id, safe='')}"


def open_thread(driver: Any, stack: LocalStack, thread_id: str) -> None:
    """The signed-in person opens one conversation and waits until its messages and composer show."""
    web.open_page(driver, stack, thread_path(thread_id))
    web.field(driver, "Message")
    web.wait_for("the thread's messages", lambda: _messages_shown(driver), on_fail=lambda: web.state(driver))
    web.record_page(driver, "conversations-thread")


def _messages_shown(driver: Any) -> bool:
    return bool(driver.find_elements(By.XPATH, MESSAGES)) or web.text_shown(driver, "No messages yet.")


def open_list(driver: Any, stack: LocalStack) -> None:
    """The signed-in person opens their conversations from the header's navigation."""
    web.open_page(driver, stack, "/")
    web.click(driver, "Conversations")
    web.wait_heading(driver, "Conversations")
    web.wait_for(
        "the list of conversations",
        lambda: driver.find_elements(By.XPATH, "//main//li//h2") or web.text_shown(driver, "No conversations yet."),
        on_fail=lambda: web.state(driver),
    )
    web.record_page(driver, "conversations-list")


def thread_summary(driver: Any, title: str) -> Any:
    """The list's entry of the conversation whose heading reads ``title``."""
    xpath = f"//main//li[h2[normalize-space()={_literal(title)}]]"
    return web.wait_for(
        f"the conversation {title!r} in the list",
        lambda: (driver.find_elements(By.XPATH, xpath) or [None])[0],
        on_fail=lambda: web.state(driver),
    )


def type_message(driver: Any, text: str) -> None:
    web.fill(driver, "Message", text)


def attach_file(driver: Any, path: Path) -> None:
    """Picks ``path`` in "Attach a file"; it is uploaded at once."""
    web.field(driver, "Attach a file").send_keys(str(path))
    web.wait_text(driver, f"Uploaded {path.name}.")


def send_message(driver: Any, text: str) -> None:
    """Writes ``text`` in the composer, presses Send and waits until the message is in the thread."""
    type_message(driver, text)
    web.click(driver, "Send")
    wait_message(driver, text)


def message_items(driver: Any, text: str) -> list[Any]:
    """The thread's messages that read ``text``."""
    try:
        return list(driver.find_elements(By.XPATH, f"{MESSAGES}/li[p[normalize-space()={_literal(text)}]]"))
    except (StaleElementReferenceException, WebDriverException):
        return []


def wait_message(driver: Any, text: str) -> Any:
    """Waits until a message reading ``text`` is in the open thread (no reload: it arrives by itself)."""
    return web.wait_for(
        f"the message {text!r} in the thread",
        lambda: (message_items(driver, text) or [None])[0],
        on_fail=lambda: web.state(driver),
    )


def announced(driver: Any) -> str:
    """What the live region of new messages says now."""
    found = driver.find_elements(By.XPATH, "//*[@role='status' and @aria-label='New messages']")
    return str(found[0].get_attribute("textContent")).strip() if found else ""
