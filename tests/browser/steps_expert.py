"""Journey steps on the expert's pages, as an expert takes them: writing the profile (with a photo),
setting the weekly hours, connecting a payout account with Stripe and reading the earnings.

Each step takes the signed-in expert's browser (and the stack where it opens a page) and finds
things by their labels, button names and headings.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from selenium.webdriver.common.by import By

from tests.browser import web

if TYPE_CHECKING:
    from tests.stack.conftest import LocalStack

RATE = "3.00"  # a minute, in the profile's currency (USD)
# Every <progress> the page shows, kept as it appears (an upload of a small file is over in moments).
WATCH_PROGRESS = """
window.__progressSeen = [];
new MutationObserver(() => {
  for (const bar of document.querySelectorAll('progress')) {
    const label = bar.getAttribute('aria-label');
    if (label && !window.__progressSeen.includes(label)) window.__progressSeen.push(label);
  }
}).observe(document.body, {subtree: true, childList: true, attributes: true});
"""


def slug_for(name: str) -> str:
    """A link name from ``name`` that no other test's expert has."""
    return f"{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')[:24]}-{uuid.uuid4().hex[:6]}"


def open_profile(driver: Any, stack: LocalStack) -> None:
    web.open_page(driver, stack, "/expert/profile")
    web.wait_heading(driver, "Your expert profile")
    web.field(driver, "Name")  # loaded


def upload_photo(driver: Any, photo: Path) -> list[str]:
    """Picks ``photo`` in the Photo field and waits until it is uploaded; answers the progress labels shown."""
    driver.execute_script(WATCH_PROGRESS)
    web.field(driver, "Photo").send_keys(str(photo))
    web.wait_text(driver, f"Uploaded {photo.name}.")
    return list(driver.execute_script("return window.__progressSeen"))


def fill_profile(driver: Any, *, name: str, slug: str) -> None:
    """Fills every field an expert must (and a few they may) with plain values; the rate is 3.00 USD a minute."""
    web.fill(driver, "Name", name)
    web.fill(driver, "Link name", slug)
    web.fill(driver, "Job title", "Career coach")
    web.fill(driver, "What you offer", "Mock interviews and CV reviews.")
    web.fill(driver, "Description", "Ten years hiring engineers; now I help people get hired.")
    web.check(driver, "Career & coaching")
    web.fill(driver, "Tags", "interviews, cv")
    web.check(driver, "English")
    web.choose(driver, "Currency", "USD")
    web.fill(driver, "Rate per minute", RATE)
    web.fill(driver, "Free initial minutes", "2")


def save_profile(driver: Any) -> str:
    """Saves the profile; answers the personal link it shows."""
    web.click(driver, "Save profile")
    web.wait_text(driver, "Profile saved.")
    return personal_link(driver)


def personal_link(driver: Any) -> str:
    section = web.wait_for(
        "the personal link",
        lambda: driver.find_elements(By.XPATH, "//section[h2[normalize-space()='Your personal link']]"),
        on_fail=lambda: web.state(driver),
    )[0]
    return str(section.find_element(By.TAG_NAME, "a").get_attribute("href"))


def build_profile(driver: Any, stack: LocalStack, *, name: str, photo: Path) -> str:
    """The signed-in person writes their expert profile with ``photo`` and saves it; answers the personal link
    (``<web client>/e/<slug>``)."""
    open_profile(driver, stack)
    fill_profile(driver, name=name, slug=slug_for(name))
    upload_photo(driver, photo)
    web.record_page(driver, "expert-profile")
    return save_profile(driver)


def set_weekly_availability(driver: Any, days: list[str], start: str, end: str) -> None:
    """On the availability page (open), gives each of ``days`` ("monday") the hours ``start``-``end`` ("09:00")
    in the zone the page shows, and saves."""
    web.wait_heading(driver, "Your availability")
    for day in days:
        title = day.capitalize()
        if not driver.find_elements(By.XPATH, f"//label[normalize-space()='{title} from']"):
            web.click(driver, f"Add hours on {title}")
        web.fill(driver, f"{title} from", start)
        web.fill(driver, f"{title} until", end)
    web.click(driver, "Save availability")
    web.wait_text(driver, "Availability saved, in ")


def onboard_connect(driver: Any) -> None:
    """On the earnings page (open), connects a payout account with Stripe and waits until the browser is back
    with the account shown as connected."""
    web.wait_heading(driver, "Earnings and payouts")
    web.click(driver, "Connect with Stripe")
    web.wait_for(
        "the browser back from Stripe",
        lambda: "onboarding=done" in driver.current_url,
        on_fail=lambda: web.state(driver),
    )
    web.wait_heading(driver, "Earnings and payouts")
    web.wait_text(driver, "Connected with Stripe: payouts are enabled.")


def read_earnings(driver: Any, stack: LocalStack) -> dict[str, str]:
    """The earnings page's figures by label ("Pending": "$27.00"); with several currencies, "Pending (USD)"."""
    web.open_page(driver, stack, "/expert/earnings")
    web.wait_heading(driver, "Earnings and payouts")
    web.wait_for(
        "the earnings loaded",
        lambda: web.text_shown(driver, "Payout account") and not web.text_shown(driver, "Loading your earnings"),
        on_fail=lambda: web.state(driver) + "\n" + str(driver.execute_script("return document.body.innerText")),
    )
    lists = driver.find_elements(By.XPATH, "//dl[starts-with(@aria-label, 'Earnings in ')]")
    figures: dict[str, str] = {}
    for figure_list in lists:
        currency = str(figure_list.get_attribute("aria-label")).removeprefix("Earnings in ")
        for term in figure_list.find_elements(By.TAG_NAME, "dt"):
            label = term.text.strip()
            amount = term.find_element(By.XPATH, "following-sibling::dd[1]").text.strip()
            figures[label if len(lists) == 1 else f"{label} ({currency})"] = amount
    return figures
