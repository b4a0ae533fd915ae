"""Journey steps on the leads pages, as a buyer and a seller take them: posting a lead, bidding on it,
accepting a bid and paying by card, delivering the work with a file and accepting it with stars.

Each step takes the signed-in person's browser and the stack, opens the page it needs, and waits
for what the person reads once the step is done. Skills are named as the page shows them
("Python", "AWS"); amounts are typed as a person types them ("700" or "700.50").
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser import web

if TYPE_CHECKING:
    from tests.stack.conftest import LocalStack

LEAD_PATH = re.compile(r"/leads/([0-9a-f]{32})$")
# The local Stripe.js stand-in's card element: one input per part, named by its placeholder.
TEST_CARD = {"number": "4242424242424242", "exp_month": "12", "exp_year": "31", "cvc": "123", "postal_code": "42424"}


def record(driver: Any, name: str) -> None:
    """web.record_page, then: at the browser's own phone width (390 px) the page does not scroll sideways."""
    web.record_page(driver, name)
    sideways = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert sideways <= 0, f"{name} scrolls {sideways} px sideways at {driver.get_window_size()}\n{web.state(driver)}"


def open_lead(driver: Any, stack: LocalStack, lead_id: str) -> None:
    """Opens the lead's page and waits for it to load (its "About the work" section)."""
    web.open_page(driver, stack, f"/leads/{lead_id}")
    web.wait_text(driver, "About the work")


def post_lead(
    driver: Any, stack: LocalStack, title: str, skills: list[str], budget: str, *, attachment: Path | None = None
) -> str:
    """The signed-in buyer posts a lead from /leads/new; answers the new lead's id (from its page's address)."""
    web.open_page(driver, stack, "/leads/new")
    web.wait_heading(driver, "Post a lead")
    web.fill(driver, "Title", title)
    web.fill(driver, "Description", f"{title}: the details, the files and what done looks like.")
    for skill in skills:
        web.check(driver, skill)
    web.fill(driver, "Budget", budget)
    if attachment is not None:
        web.field(driver, "Attach a file").send_keys(str(attachment))
        web.wait_text(driver, f"Uploaded {attachment.name}.")
    record(driver, "leads-new")
    web.click(driver, "Post the lead")
    found = web.wait_for(
        "the new lead's page", lambda: LEAD_PATH.search(driver.current_url), on_fail=lambda: web.state(driver)
    )
    web.wait_heading(driver, title)
    return str(found.group(1))


def bid(driver: Any, stack: LocalStack, lead_id: str, amount: str, message: str) -> None:
    """The signed-in seller bids ``amount`` on the lead (7 days to deliver, the form's default) with ``message``."""
    open_lead(driver, stack, lead_id)
    web.fill(driver, "Price", amount)
    web.fill(driver, "Message", message)
    record(driver, "leads-lead-seller")
    web.click(driver, "Send the bid")
    web.wait_text(driver, "proposed by you")
    web.wait_text(driver, message)


def message_bidder(driver: Any, stack: LocalStack, lead_id: str, seller_name: str, text: str) -> None:
    """The signed-in buyer writes to ``seller_name`` in the conversation under their bid."""
    open_lead(driver, stack, lead_id)
    heading = f"Bid from {seller_name}"
    web.wait_text(driver, heading)
    card = driver.find_element(By.XPATH, f"//article[.//h3[normalize-space()='{heading}']]")
    web.fill(driver, "Your message", text, within=card)
    web.click(driver, "Send", within=card)
    web.wait_text(driver, text)


def fill_card(driver: Any, number: str = TEST_CARD["number"]) -> None:
    """Types a test card (``number``, the rest of TEST_CARD) into the card element (the local Stripe.js stand-in's
    inputs), replacing what they held."""
    group = web.wait_for(
        "the card element",
        lambda: driver.find_elements(By.XPATH, "//*[@role='group'][.//input[@placeholder='number']]"),
        on_fail=lambda: web.state(driver),
    )[0]
    for part, value in (TEST_CARD | {"number": number}).items():
        control = group.find_element(By.XPATH, f".//input[@placeholder='{part}']")
        control.send_keys(Keys.CONTROL, "a")
        control.send_keys(Keys.DELETE)
        control.send_keys(value)


def accept_bid_and_pay(driver: Any, stack: LocalStack, lead_id: str, seller_name: str) -> None:
    """The signed-in buyer accepts ``seller_name``'s bid and pays it with the test card: the work is in progress."""
    open_lead(driver, stack, lead_id)
    web.wait_text(driver, f"Bid from {seller_name}")
    record(driver, "leads-lead-buyer")
    web.click(driver, f"Accept {seller_name}'s bid")
    web.wait_text(driver, "Pay to start the work")
    fill_card(driver)
    record(driver, "leads-pay")
    web.click(driver, "Pay now")
    web.wait_text(driver, "Paid: work in progress", timeout=60)


def deliver(driver: Any, stack: LocalStack, lead_id: str, message: str) -> None:
    """The signed-in hired seller delivers: ``message`` and a file (work.txt) uploaded with the delivery."""
    open_lead(driver, stack, lead_id)
    web.wait_text(driver, "Deliver the work")
    web.fill(driver, "Delivery message", message)
    work = Path(tempfile.mkdtemp(prefix="parley-lead-")) / "work.txt"
    work.write_text(f"The work for lead {lead_id}.\n")
    web.field(driver, "Attach the work").send_keys(str(work))
    web.wait_text(driver, "Uploaded work.txt.")
    record(driver, "leads-deliver")
    web.click(driver, "Mark as delivered")
    web.wait_text(driver, "Delivered: awaiting the buyer's acceptance")


def accept_work(driver: Any, stack: LocalStack, lead_id: str, stars: int) -> None:
    """The signed-in buyer accepts the delivered work with ``stars`` in every skill of the lead: it is completed."""
    open_lead(driver, stack, lead_id)
    web.wait_text(driver, "The seller delivered.")
    labels = [
        str(label.text).strip()
        for label in driver.find_elements(By.XPATH, "//label[starts-with(normalize-space(), 'Stars for ')]")
    ]
    assert labels, f"no stars to give on the lead page\n{web.state(driver)}"
    for label in labels:
        web.choose(driver, label, f"{stars} star" if stars == 1 else f"{stars} stars")
    record(driver, "leads-accept")
    web.click(driver, "Accept the work")
    web.wait_text(driver, "Stars given")
