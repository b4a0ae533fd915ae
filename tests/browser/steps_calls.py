"""Journey steps on the calls pages, as a person takes them: going online, calling an expert,
answering, waiting for the call to connect, hanging up and reading the receipt.

Each step takes the signed-in person's browser (and the stack where it opens a page). The call's
state line is the live region named "Call status"; the receipt is the page's list of terms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By

from tests.browser import web

if TYPE_CHECKING:
    from tests.stack.conftest import LocalStack


def call_status(driver: Any) -> str:
    """The call page's state line ("Joining…", "Connected", "Reconnecting…"), or "" when there is none."""
    try:
        found = driver.find_elements(By.XPATH, "//*[@role='status' and @aria-label='Call status']")
        return str(found[0].text).strip() if found else ""
    except (StaleElementReferenceException, WebDriverException):
        return ""


def page_state(driver: Any) -> str:
    """What a failure message says about the page: web.state and the call's state line."""
    return f"call status: {call_status(driver)!r}\n{web.state(driver)}"


def go_online(driver: Any, stack: LocalStack, query: str = "") -> None:
    """The signed-in expert opens their calls page and goes online (``query``: e.g. "?ice=relay")."""
    web.open_page(driver, stack, f"/calls{query}")
    web.wait_heading(driver, "Calls")
    web.click(driver, "Go online")
    web.wait_text(driver, "You are online: calls ring here.")
    web.record_page(driver, "calls-expert")


def call_expert(
    driver: Any, stack: LocalStack, expert_id: str, name: str, media: str = "voice", query: str = ""
) -> None:
    """The signed-in client opens the page to call one expert and asks for a voice or video call."""
    web.open_page(driver, stack, f"/call?expert={expert_id}{query}")
    web.wait_heading(driver, "Call an expert")
    web.click(driver, f"{media.capitalize()} call with {name}")


def accept_incoming_call(driver: Any) -> None:
    """The expert's calls page rings; they accept and their browser goes to the call."""
    web.click(driver, "Accept")
    web.wait_heading(driver, "Your call")


def wait_connected(driver: Any) -> None:
    """The call page's state line says the media connected."""
    web.wait_for("the call connected", lambda: call_status(driver) == "Connected", on_fail=lambda: page_state(driver))


def receipt_lines(driver: Any) -> dict[str, str]:
    """The receipt page, once shown: each term ("Charged", "Billed minutes", …) and what it says."""
    web.wait_heading(driver, "Receipt", timeout=60)
    terms = web.wait_for(
        "the receipt's lines", lambda: driver.find_elements(By.XPATH, "//dl/dt"), on_fail=lambda: web.state(driver)
    )
    return {term.text.strip(): term.find_element(By.XPATH, "following-sibling::dd[1]").text.strip() for term in terms}


def hang_up(driver: Any) -> dict[str, str]:
    """Hangs up the call and answers the receipt's lines."""
    web.click(driver, "Hang up")
    return receipt_lines(driver)


def join_booked_call(driver: Any, stack: LocalStack, booking_id: str) -> None:
    """Either side of a booked appointment opens its call (as the booking page's "Join the call" link does)."""
    web.open_page(driver, stack, f"/bookings/{booking_id}/join")
    web.wait_heading(driver, "Your call")
