"""Journey steps on the client's pages, as a person takes them: searching from the start page,
booking a free time on a profile and paying by card (3-D Secure too), rating a call.

The card form is Stripe's element; locally it is localstripe's stand-in, whose inputs are named
only by their placeholders (number, exp_month, exp_year, cvc, postal_code), inside the group the
page labels "Card". Its 3-D Secure dialog has the buttons "Complete authentication" and
"Fail authentication".
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By

from tests.browser import web

if TYPE_CHECKING:
    from tests.stack.conftest import LocalStack

TEST_CARD = "4242424242424242"
THREE_D_SECURE_CARD = "4000002500003155"  # asks its holder to confirm (3-D Secure), at setup and at a hold
BOOKING_PATH = re.compile(r"/bookings/([^/?#]+)$")


def find_expert(driver: Any, stack: LocalStack, query: str, name: str) -> str:
    """From the start page: searches ``query``, opens ``name``'s profile from the results; answers its slug."""
    web.open_page(driver, stack, "/")
    web.fill(driver, "Search experts by topic", query)
    web.click(driver, "Search")
    web.wait_heading(driver, "Find an expert")
    web.click(driver, name)
    web.wait_heading(driver, name)
    return str(driver.current_url).rstrip("/").rsplit("/e/", 1)[1]


def free_times(driver: Any, legend: str = "Choose a time") -> list[Any]:
    """The radio buttons of the free times listed under ``legend``, first to last."""
    xpath = f"//fieldset[legend[normalize-space()={web._literal(legend)}]]//input[@type='radio']"
    found: list[Any] = web.wait_for(
        f"the free times under {legend!r}",
        lambda: driver.find_elements(By.XPATH, xpath),
        on_fail=lambda: web.state(driver),
    )
    return found


def time_label(radio: Any) -> str:
    """What the label of a free time's radio button reads."""
    return str(radio.find_element(By.XPATH, "ancestor::label[1]").text).strip()


def fill_card(driver: Any, number: str = TEST_CARD) -> None:
    """Types a test card into the card element (localstripe's stand-in of Stripe's) the page labels "Card"."""
    group = "//*[@role='group'][@aria-labelledby=//span[normalize-space()='Card']/@id]"
    values = {"number": number, "exp_month": "12", "exp_year": "31", "cvc": "123", "postal_code": "10001"}
    for placeholder, value in values.items():
        control = web.wait_for(
            f"the card's {placeholder} input",
            lambda placeholder=placeholder: driver.find_elements(
                By.XPATH, f"{group}//input[@placeholder='{placeholder}']"
            ),
            on_fail=lambda: web.state(driver),
        )[0]
        control.clear()
        control.send_keys(value)


def _booking_page_or_dialog(driver: Any) -> str | None:
    """'booked' once the booking's page shows, 'dialog' while the 3-D Secure dialog asks, else None."""
    try:
        if BOOKING_PATH.search(str(driver.current_url)) and driver.find_elements(
            By.XPATH, "//h1[normalize-space()='Your booking']"
        ):
            return "booked"
        buttons = driver.find_elements(By.XPATH, "//button[normalize-space()='Complete authentication']")
        if any(b.is_displayed() for b in buttons):
            return "dialog"
    except (StaleElementReferenceException, WebDriverException):
        return None
    return None


def book_first_free_slot(driver: Any, card: str = TEST_CARD) -> str:
    """On an expert's profile: picks the first free time, pays with ``card`` (confirming 3-D Secure when the
    card asks) and lands on the booking's page; answers the booking's id."""
    first = free_times(driver)[0]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", first)
    first.click()
    fill_card(driver, card)
    web.click(driver, "Book and pay")
    for _ in range(3):  # the dialog asks at most twice: when the card is saved, and for the booking's hold
        seen = web.wait_for(
            "the booking's page (or the card's 3-D Secure dialog)",
            lambda: _booking_page_or_dialog(driver),
            timeout=60,
            on_fail=lambda: web.state(driver),
        )
        if seen == "booked":
            break
        web.click(driver, "Complete authentication")
    match = BOOKING_PATH.search(str(driver.current_url))
    assert match, driver.current_url
    return match.group(1)


def rate_session(driver: Any, stack: LocalStack, session_id: str, stars: int, comment: str) -> None:
    """The signed-in client rates a paid call from its review page and sees their thanks."""
    web.open_page(driver, stack, f"/sessions/{session_id}/review")
    web.wait_heading(driver, "Rate your call")
    web.check(driver, f"{stars} {'star' if stars == 1 else 'stars'}: {STAR_WORDS[stars]}")
    web.fill(driver, "Comment (optional)", comment)
    web.click(driver, "Send the review")
    web.wait_text(driver, f"({stars} of 5)")


STAR_WORDS = {1: "Poor", 2: "Below expectations", 3: "Good", 4: "Very good", 5: "Excellent"}
