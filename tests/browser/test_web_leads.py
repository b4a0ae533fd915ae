"""The leads marketplace through the web client, one browser per person, on the running local stack.

A buyer posts a lead with a file; two sellers who list its skills find it among the leads for their
skills and bid; the buyer accepts one bid and pays by card; the hired seller delivers with a file; the
buyer accepts the work with stars in each skill, and those stars are on that seller's public profile
(and not on the other's). A field the API refuses shows the API's own message next to it.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import requests

from tests.browser import steps_leads as leads
from tests.browser import web
from tests.stack.conftest import Person, new_person

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.stack.conftest import LocalStack

pytestmark = pytest.mark.stack
PASSWORD = "Stack-person-2026"  # tests.stack.conftest.new_person's
SKILL_IDS = ["python", "aws"]
SKILL_NAMES = ["Python", "AWS"]


def _seller(stack: LocalStack, name: str, run: str) -> Person:
    """A registered person with an expert profile listing the lead's skills (what bidding needs)."""
    person = new_person(stack, f"{name.lower()}-{run}@example.com")
    profile = {"slug": f"{name.lower()}-{run}", "name": name, "categories": ["technology"], "languages": ["en"],
               "currency": "USD", "rate_per_minute": 200, "skills": SKILL_IDS}  # fmt: skip
    saved = requests.put(f"{stack.info['api_url']}/experts/me", json=profile, headers=person.auth, timeout=30)
    assert saved.status_code == 200, saved.text
    return person


def _stars(stack: LocalStack, person: Person) -> dict[str, tuple[float | None, int]]:
    profile = requests.get(f"{stack.info['api_url']}/experts/{person.sub}", timeout=30)
    assert profile.status_code == 200, profile.text
    return {entry["skill"]: (entry["average"], entry["count"]) for entry in profile.json()["skill_stars"]}


def _signed_in(browsers: Callable[[], Any], stack: LocalStack, person: Person) -> Any:
    tab = browsers()
    web.sign_in(tab, stack, person.email, PASSWORD)
    return tab


def test_a_buyer_hires_one_of_two_bidding_sellers_pays_and_rates_the_delivered_work_on_the_sellers_profile(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    run = uuid.uuid4().hex[:8]
    buyer = new_person(local_stack, f"lead-buyer-{run}@example.com")
    sana, ravi = _seller(local_stack, "Sana", run), _seller(local_stack, "Ravi", run)
    buyer_tab, sana_tab, ravi_tab = (_signed_in(browsers, local_stack, p) for p in (buyer, sana, ravi))
    brief = Path(tempfile.mkdtemp(prefix="parley-lead-")) / "brief.txt"
    brief.write_text("Three nightly jobs; alarms on failure.\n")
    title = f"Serverless billing jobs {run}"

    lead_id = leads.post_lead(buyer_tab, local_stack, title, SKILL_NAMES, "800", attachment=brief)
    assert web.text_shown(buyer_tab, "Open for bids")
    assert web.text_shown(buyer_tab, "$800.00")

    # Both sellers find it among the leads for their skills, and bid.
    for tab in (sana_tab, ravi_tab):
        web.open_page(tab, local_stack, "/leads")
        web.wait_heading(tab, "Leads for my skills")
        web.wait_text(tab, title)
    leads.record(sana_tab, "leads-find")
    leads.bid(sana_tab, local_stack, lead_id, "750", "Jobs, alarms and a runbook in a week.")
    leads.bid(ravi_tab, local_stack, lead_id, "700", "I can start on Monday.")

    # The buyer asks one bidder a question under their bid; that seller reads it on the lead's page.
    leads.message_bidder(buyer_tab, local_stack, lead_id, "Ravi", "Could you start on Friday instead?")
    leads.open_lead(ravi_tab, local_stack, lead_id)
    web.wait_text(ravi_tab, "Could you start on Friday instead?")

    leads.accept_bid_and_pay(buyer_tab, local_stack, lead_id, "Sana")
    assert web.text_shown(buyer_tab, "$750.00")

    # The hired seller has it in progress (and can open the buyer's file); the other was not chosen.
    web.open_page(sana_tab, local_stack, "/leads/bids?stage=in_progress")
    web.wait_heading(sana_tab, "My bids")
    web.wait_text(sana_tab, title)
    leads.record(sana_tab, "leads-bids")
    web.open_page(ravi_tab, local_stack, "/leads/bids?stage=ended")
    web.wait_text(ravi_tab, title)
    assert web.text_shown(ravi_tab, "Not chosen")
    leads.open_lead(sana_tab, local_stack, lead_id)
    assert web.button(sana_tab, "brief.txt").get_attribute("href").startswith("http")

    leads.deliver(sana_tab, local_stack, lead_id, "Jobs, alarms and a runbook are in.")

    # The buyer sees the delivery (its message and file) and accepts it with 4 stars in each skill.
    leads.open_lead(buyer_tab, local_stack, lead_id)
    web.wait_text(buyer_tab, "Jobs, alarms and a runbook are in.")
    assert web.button(buyer_tab, "work.txt").get_attribute("href").startswith("http")
    leads.accept_work(buyer_tab, local_stack, lead_id, 4)
    web.wait_text(buyer_tab, "Python 4 of 5, AWS 4 of 5")
    assert web.text_shown(buyer_tab, "Completed")

    web.open_page(buyer_tab, local_stack, "/leads/mine?stage=completed")
    web.wait_heading(buyer_tab, "My leads")
    web.wait_text(buyer_tab, title)
    leads.record(buyer_tab, "leads-mine")

    assert _stars(local_stack, sana) == {"python": (4, 1), "aws": (4, 1)}
    assert _stars(local_stack, ravi) == {"python": (None, 0), "aws": (None, 0)}


def test_a_lead_whose_title_the_api_refuses_shows_the_apis_message_next_to_the_title(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    buyer = new_person(local_stack, f"lead-refused-{uuid.uuid4().hex[:8]}@example.com")
    body = {"title": "Fix", "skills": SKILL_IDS, "budget": 10_000, "currency": "USD"}
    refused = requests.post(f"{local_stack.info['api_url']}/leads", json=body, headers=buyer.auth, timeout=30)
    assert refused.status_code == 400, refused.text
    [message] = [f["message"] for f in refused.json()["error"]["fields"] if f["field"] == "title"]
    tab = _signed_in(browsers, local_stack, buyer)
    web.open_page(tab, local_stack, "/leads/new")
    web.wait_heading(tab, "Post a lead")
    web.fill(tab, "Title", "Fix")
    for skill in SKILL_NAMES:
        web.check(tab, skill)
    web.fill(tab, "Budget", "100")
    web.click(tab, "Post the lead")
    title = web.field(tab, "Title")
    web.wait_for("the title marked refused", lambda: title.get_attribute("aria-invalid") == "true")
    [error_id] = [part for part in title.get_attribute("aria-describedby").split() if part.endswith("-error")]
    assert tab.find_element("id", error_id).text == message
    assert "/leads/new" in tab.current_url
    leads.record(tab, "leads-new-refused")


def test_a_declined_card_shows_the_banks_refusal_and_a_card_that_needs_3d_secure_pays_once_confirmed(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    run = uuid.uuid4().hex[:8]
    api = local_stack.info["api_url"]
    buyer, seller = new_person(local_stack, f"lead-3ds-{run}@example.com"), _seller(local_stack, "Tomas", run)
    body = {"title": f"Quarterly VAT return {run}", "skills": SKILL_IDS, "budget": 30_000, "currency": "USD"}
    posted = requests.post(f"{api}/leads", json=body, headers=buyer.auth, timeout=30)
    assert posted.status_code == 201, posted.text
    lead_id = posted.json()["lead_id"]
    bid = {"price": 25_000, "days": 3, "message": "Done by Thursday."}
    assert requests.post(f"{api}/leads/{lead_id}/bids", json=bid, headers=seller.auth, timeout=30).status_code == 201
    tab = _signed_in(browsers, local_stack, buyer)
    leads.open_lead(tab, local_stack, lead_id)
    web.click(tab, "Accept Tomas's bid")
    web.wait_text(tab, "Pay to start the work")

    leads.fill_card(tab, "4000000000000002")  # declined by the bank
    web.click(tab, "Pay now")
    refusal = web.wait_for(
        "the card's refusal",
        lambda: [e for e in tab.find_elements("css selector", "[role=alert]") if e.text.strip()],
        on_fail=lambda: web.state(tab),
    )
    assert "declined" in refusal[0].text.lower()
    assert web.text_shown(tab, "Terms accepted: awaiting the buyer's payment")

    leads.fill_card(tab, "4000002760003184")  # needs 3-D Secure
    web.click(tab, "Pay now")
    web.click(tab, "Complete authentication")  # Stripe's dialog (the stand-in's) for saving the card,
    web.click(tab, "Complete authentication")  # and again for the hold of the price (confirmHold)
    web.wait_text(tab, "Paid: work in progress", timeout=60)


def test_a_buyers_counter_offer_accepted_by_the_seller_is_paid_and_then_disputed_with_a_reason_the_api_takes(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    run = uuid.uuid4().hex[:8]
    api = local_stack.info["api_url"]
    buyer, seller = new_person(local_stack, f"lead-dispute-{run}@example.com"), _seller(local_stack, "Wen", run)
    body = {"title": f"Cloud cost review {run}", "skills": SKILL_IDS, "budget": 60_000, "currency": "USD"}
    posted = requests.post(f"{api}/leads", json=body, headers=buyer.auth, timeout=30)
    assert posted.status_code == 201, posted.text
    lead_id = posted.json()["lead_id"]
    buyer_tab, seller_tab = _signed_in(browsers, local_stack, buyer), _signed_in(browsers, local_stack, seller)
    leads.bid(seller_tab, local_stack, lead_id, "500", "A full review in five days.")

    # The buyer offers less; the seller accepts the buyer's terms; the buyer pays them.
    leads.open_lead(buyer_tab, local_stack, lead_id)
    web.click(buyer_tab, "Propose new terms to Wen")
    proposal = web.wait_for(
        "the proposal form", lambda: buyer_tab.find_elements("xpath", "//form[@aria-label='Propose new terms to Wen']")
    )[0]
    web.fill(buyer_tab, "Price", "420", within=proposal)
    web.fill(buyer_tab, "Message", "Could you do it for 420?", within=proposal)
    web.click(buyer_tab, "Send the proposal", within=proposal)
    web.wait_text(buyer_tab, "$420.00 in 7 days · proposed by you")
    leads.open_lead(seller_tab, local_stack, lead_id)
    web.wait_text(seller_tab, "Could you do it for 420?")
    web.click(seller_tab, "Accept the buyer's terms")
    web.wait_text(seller_tab, "Terms agreed: the work starts once the buyer pays.")
    leads.open_lead(buyer_tab, local_stack, lead_id)
    web.wait_text(buyer_tab, "Pay to start the work")
    assert web.text_shown(buyer_tab, "$420.00 in 7 days")
    leads.fill_card(buyer_tab)
    web.click(buyer_tab, "Pay now")
    web.wait_text(buyer_tab, "Paid: work in progress", timeout=60)

    # A reason the API finds too short is refused next to the field; a real one freezes the payment.
    web.click(buyer_tab, "Dispute the work")
    web.fill(buyer_tab, "What went wrong", "Bad")
    web.click(buyer_tab, "Dispute the work")
    reason = web.field(buyer_tab, "What went wrong")
    web.wait_for("the reason marked refused", lambda: reason.get_attribute("aria-invalid") == "true")
    leads.record(buyer_tab, "leads-dispute")
    web.fill(buyer_tab, "What went wrong", "Nothing was delivered and the seller stopped answering.")
    web.click(buyer_tab, "Dispute the work")
    web.wait_text(buyer_tab, "Disputed: the funds are frozen until an operator decides")
    leads.open_lead(seller_tab, local_stack, lead_id)
    web.wait_text(seller_tab, "Disputed: the funds are frozen until an operator decides")
