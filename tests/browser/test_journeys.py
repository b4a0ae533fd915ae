"""The web client's three journeys end to end on the local stack, each person in their own browser,
composed of the steps each area's tests prove (tests/browser/steps_*.py).

1. A new client signs up (the emailed code), finds an expert, books a free time and pays by card,
   joins the appointment's call with the expert when it opens, hangs up and rates the call.
2. A new expert signs up, builds the profile with a photo, sets weekly availability, onboards to
   Stripe Connect, goes online, takes a client's call, and sees the call's earnings.
3. A buyer posts a lead, two sellers bid, the buyer accepts one and pays, the seller delivers, the
   buyer accepts the work with stars, and the stars show on the seller's public profile page.
"""

from __future__ import annotations

import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import requests

from tests.browser import steps_account as account
from tests.browser import steps_calls as calls
from tests.browser import steps_client as finding
from tests.browser import steps_expert as profile
from tests.browser import steps_leads as leads
from tests.browser import web
from tests.browser.test_web_client import _expert, _hours, _run
from tests.browser.test_web_expert import small_png
from tests.browser.test_web_leads import SKILL_NAMES, _seller
from tests.stack.conftest import new_person

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.stack.conftest import LocalStack

pytestmark = pytest.mark.stack
PASSWORD = "Journey-person-2026"
STACK_PASSWORD = "Stack-person-2026"  # tests.stack.conftest.new_person's
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def test_a_new_client_signs_up_finds_an_expert_books_and_pays_joins_the_call_and_rates_it(
    local_stack: LocalStack, browsers: Callable[[], Any], clock: Path
) -> None:
    run = _run()
    expert = _expert(local_stack, run, 0)
    _hours(local_stack, expert, "UTC")
    name = f"Expert {run.capitalize()} A"
    client_tab, expert_tab = browsers(), browsers()

    account.sign_up(client_tab, local_stack, f"new-client-{run}@example.com", PASSWORD, as_expert=False,
                    display_name="Nora")  # fmt: skip
    web.click(client_tab, "Find an expert")
    slug = finding.find_expert(client_tab, local_stack, f"topic {run}", name)
    booking_id = finding.book_first_free_slot(client_tab)
    web.wait_text(client_tab, "You can join the call from")

    booked = requests.get(f"{local_stack.info['api_url']}/bookings/{booking_id}", headers=expert.auth, timeout=30)
    assert booked.status_code == 200, booked.text
    start = datetime.fromisoformat(booked.json()["start"].replace("Z", "+00:00"))
    clock.write_text(str(int((start - timedelta(minutes=5) - datetime.now(UTC)).total_seconds())))
    client_tab.refresh()
    web.click(client_tab, "Join the call")
    web.wait_heading(client_tab, "Your call")
    web.sign_in(expert_tab, local_stack, expert.email, STACK_PASSWORD)
    calls.join_booked_call(expert_tab, local_stack, booking_id)
    for tab in (client_tab, expert_tab):
        calls.wait_connected(tab)

    receipt = calls.hang_up(client_tab)
    amount = int(booked.json()["amount"])
    assert receipt["Charged"] == f"${amount // 100}.{amount % 100:02d}, paid by the booking"
    web.click(client_tab, "Rate this call")
    session_id = client_tab.current_url.split("/sessions/")[1].split("/")[0]
    finding.rate_session(client_tab, local_stack, session_id, 5, "Exactly the advice I needed.")
    web.open_page(client_tab, local_stack, f"/e/{slug}")
    web.wait_text(client_tab, "Exactly the advice I needed.")
    assert web.text_shown(client_tab, "5.0 of 5 stars (1 review)")


def test_a_new_expert_signs_up_builds_the_profile_sets_hours_onboards_to_connect_and_sees_a_calls_earnings(
    local_stack: LocalStack, browsers: Callable[[], Any], clock: Path
) -> None:
    run = uuid.uuid4().hex[:8]
    expert_tab, client_tab = browsers(), browsers()
    account.sign_up(expert_tab, local_stack, f"new-expert-{run}@example.com", PASSWORD, as_expert=True,
                    display_name="Omar")  # fmt: skip
    web.click(expert_tab, "Build your profile")
    photo = small_png(Path(tempfile.mkdtemp(prefix="parley-journey-")) / "omar.png")
    link = profile.build_profile(expert_tab, local_stack, name="Omar Expert", photo=photo)
    slug = link.rstrip("/").rsplit("/e/", 1)[1]

    web.open_page(expert_tab, local_stack, "/expert/availability")
    profile.set_weekly_availability(expert_tab, DAYS[:5], "09:00", "17:00")
    web.open_page(expert_tab, local_stack, "/expert/earnings")
    profile.onboard_connect(expert_tab)

    public = requests.get(f"{local_stack.info['api_url']}/experts/by-slug/{slug}", timeout=30)
    assert public.status_code == 200, public.text
    assert public.json()["photo_url"]
    calls.go_online(expert_tab, local_stack)
    client = new_person(local_stack, f"journey-caller-{run}@example.com")
    web.sign_in(client_tab, local_stack, client.email, STACK_PASSWORD)
    calls.call_expert(client_tab, local_stack, public.json()["expert_id"], "Omar Expert", "voice")
    calls.accept_incoming_call(expert_tab)
    for tab in (client_tab, expert_tab):
        calls.wait_connected(tab)
    session_id = client_tab.current_url.split("/call/")[1].split("?")[0].split("/")[0]
    web.wait_for(  # the page's media.connected reached the API: billing counts from it
        "billing started",
        lambda: (
            requests.get(f"{local_stack.info['api_url']}/sessions/{session_id}", headers=client.auth, timeout=30)
            .json()
            .get("media_connected_at")
        ),
    )
    clock.write_text(str(4 * 60 + 30))  # four and a half minutes in, by the stack's clock (2 of them free)
    calls.hang_up(client_tab)
    earned = calls.receipt_lines(expert_tab)["Your earnings"]
    assert earned != "$0.00"

    figures = profile.read_earnings(expert_tab, local_stack)
    web.record_page(expert_tab, "expert-earnings-after-call")
    assert figures["Pending"] == earned


def test_a_buyer_posts_a_lead_two_sellers_bid_the_buyer_pays_and_accepts_with_stars_shown_on_the_profile(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    run = uuid.uuid4().hex[:8]
    buyer = new_person(local_stack, f"journey-buyer-{run}@example.com")
    sana, ravi = _seller(local_stack, "Sana", run), _seller(local_stack, "Ravi", run)
    buyer_tab, sana_tab, ravi_tab = browsers(), browsers(), browsers()
    for tab, person in ((buyer_tab, buyer), (sana_tab, sana), (ravi_tab, ravi)):
        web.sign_in(tab, local_stack, person.email, STACK_PASSWORD)
    title = f"Nightly billing jobs {run}"

    lead_id = leads.post_lead(buyer_tab, local_stack, title, SKILL_NAMES, "900")
    leads.bid(sana_tab, local_stack, lead_id, "850", "Done in five days, with alarms.")
    leads.bid(ravi_tab, local_stack, lead_id, "800", "A week, tests included.")
    leads.accept_bid_and_pay(buyer_tab, local_stack, lead_id, "Sana")
    leads.deliver(sana_tab, local_stack, lead_id, "The jobs run nightly; alarms are wired.")
    leads.accept_work(buyer_tab, local_stack, lead_id, 5)

    web.open_page(buyer_tab, local_stack, f"/e/sana-{run}")
    web.wait_heading(buyer_tab, "Sana")
    stars = web.wait_for(
        "the seller's stars per skill",
        lambda: [line for line in _skill_lines(buyer_tab) if "5.0 (1)" in line],
        on_fail=lambda: web.state(buyer_tab),
    )
    assert sorted(line.split()[0].lower() for line in stars) == ["aws", "python"]
    web.record_page(buyer_tab, "client-profile-with-stars")


def _skill_lines(driver: Any) -> list[str]:
    """The lines of the profile's "Stars per skill" list, as shown."""
    found = driver.execute_script(
        "const h = [...document.querySelectorAll('h2')].find((e) => e.innerText.trim() === 'Stars per skill');"
        "const list = h && h.nextElementSibling;"
        "return list ? [...list.querySelectorAll('li')].map((li) => li.innerText.trim()) : [];"
    )
    return [str(line) for line in found]
