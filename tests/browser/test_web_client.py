"""The client's side of the web client on the whole local stack: searching (filters kept in the
address, paging), a profile's free times in the viewer's own zone, booking and paying by card
(3-D Secure too), cancelling after being shown what it costs, and rating a paid call.

Experts are set up through the API (a profile, weekly hours); what the client does is done in
the browser, by labels, button names and text.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.browser import steps_client, web
from tests.stack.conftest import LocalStack, Person, new_person
from tests.stack.test_paid_call_journey import _call_goes_active

pytestmark = pytest.mark.stack
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
PASSWORD = "Stack-person-2026"


def _run() -> str:
    """A run's own letters (tags allow no look-alike of contact details), so searches see only this test's experts."""
    return "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:10])


def _expert(stack: LocalStack, run: str, number: int, **profile: Any) -> Person:
    api = stack.info["api_url"]
    expert = new_person(stack, f"client-page-expert-{run}-{number}@example.com")
    body: dict[str, Any] = {
        "slug": f"{run}-{number}", "name": f"Expert {run.capitalize()} {chr(ord('A') + number)}",
        "job_title": "Adviser", "categories": ["career"], "languages": ["en"], "tags": [f"topic {run}"],
        "currency": "USD", "rate_per_minute": 300, "free_minutes": 0,
    } | profile  # fmt: skip
    saved = requests.put(f"{api}/experts/me", json=body, headers=expert.auth, timeout=30)
    assert saved.status_code == 200, saved.text
    return expert


def _hours(stack: LocalStack, expert: Person, zone: str, **policy: Any) -> None:
    availability: dict[str, Any] = {
        "time_zone": zone, "weekly_hours": {day: ["09:00-17:00"] for day in DAYS},
        "minimum_notice_minutes": 60, "booking_horizon_days": 30,
        "cancel_cutoff_hours": 24, "late_cancel_share_bps": 5000,
    } | policy  # fmt: skip
    saved = requests.put(
        f"{stack.info['api_url']}/experts/me/availability", json=availability, headers=expert.auth, timeout=30
    )
    assert saved.status_code == 200, saved.text


def _slots(stack: LocalStack, expert: Person, zone: str, days: int = 14) -> list[dict[str, Any]]:
    today = datetime.now(ZoneInfo(zone)).date()
    query = {"from": str(today), "to": str(today + timedelta(days=days - 1)), "tz": zone}
    found = requests.get(f"{stack.info['api_url']}/experts/{expert.sub}/slots", params=query, timeout=30)
    assert found.status_code == 200, found.text
    slots: list[dict[str, Any]] = found.json()["slots"]
    return slots


def _signed_in(browsers: Callable[[], Any], stack: LocalStack, who: str) -> tuple[Any, Person]:
    person = new_person(stack, f"{who}@example.com")
    tab = browsers()
    web.sign_in(tab, stack, person.email, PASSWORD)
    return tab, person


def test_searching_from_the_start_page_then_filtering_narrows_the_experts_keeps_the_filters_and_pages(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    run = _run()
    _expert(local_stack, run, 0, rate_per_minute=100)
    tab = browsers()
    web.open_page(tab, local_stack, "/")
    web.wait_heading(tab, "Talk to an expert, by the minute")
    web.wait_text(tab, "Law & legal advice")  # the catalogue's categories
    web.record_page(tab, "client-home")

    # The topic's one expert so far is found and opened (with more, its place among equals of no
    # reputation is by id, and it could be on the second page).
    slug = steps_client.find_expert(tab, local_stack, f"topic {run}", f"Expert {run.capitalize()} A")
    assert slug == f"{run}-0"

    # Twelve career experts in English at 1.00 to 12.00 a minute, and two law experts in German (euros).
    for number in range(1, 12):
        _expert(local_stack, run, number, rate_per_minute=100 * (number + 1))
    for number in (12, 13):
        _expert(local_stack, run, number, categories=["law"], languages=["de"], currency="EUR", rate_per_minute=200)

    # All fourteen: a page of twelve, then More results.
    web.open_page(tab, local_stack, f"/search?q={requests.utils.quote(f'topic {run}')}")
    web.wait_text(tab, "Showing 12 experts.")
    web.record_page(tab, "client-search")
    web.click(tab, "More results")
    web.wait_text(tab, "Showing 14 experts (all of them).")

    # Law only: the two, and the address says so (a reload keeps the filter).
    web.choose(tab, "Category", "Law & legal advice")
    web.click(tab, "Search", within=tab.find_element("xpath", "//form[@aria-label='Search filters']"))
    web.wait_text(tab, "Showing 2 experts (all of them).")
    assert "category=law" in tab.current_url
    tab.refresh()
    web.wait_text(tab, "Showing 2 experts (all of them).")
    assert web.field(tab, "Category").get_attribute("value") == "law"

    # English speakers in dollars at most 3.00 a minute, cheapest first: A, B, C.
    web.choose(tab, "Category", "Any category")
    web.choose(tab, "Language", "English")
    web.choose(tab, "Currency", "USD")
    web.fill(tab, "Highest price a minute", "3.00")
    web.choose(tab, "Sort by", "Lowest price")
    web.click(tab, "Search", within=tab.find_element("xpath", "//form[@aria-label='Search filters']"))
    web.wait_text(tab, "Showing 3 experts (all of them).")
    assert all(part in tab.current_url for part in ("language=en", "currency=USD", "max_price=300", "sort=price"))
    names = [e.text for e in tab.find_elements("xpath", "//ul[@aria-labelledby='results-title']/li//h3")]
    assert names == [f"Expert {run.capitalize()} {letter}" for letter in "ABC"]

    # A price without a currency is refused next to the field, before asking the API.
    web.choose(tab, "Currency", "Any currency")
    web.click(tab, "Search", within=tab.find_element("xpath", "//form[@aria-label='Search filters']"))
    web.wait_text(tab, "Choose a currency to filter by price.")


def test_a_profile_shows_the_experts_free_times_in_the_viewers_own_zone(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    run = _run()
    expert = _expert(local_stack, run, 0, description="Twenty years of hiring engineers.")
    _hours(local_stack, expert, "Europe/Berlin")
    tab = browsers()
    tab.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Asia/Tokyo"})
    web.open_page(tab, local_stack, f"/e/{run}-0")
    web.wait_heading(tab, f"Expert {run.capitalize()} A")
    web.wait_text(tab, "Times are in your zone, Asia/Tokyo.")
    assert web.text_shown(tab, "Twenty years of hiring engineers.")
    assert web.text_shown(tab, "$3.00 a minute")
    web.record_page(tab, "client-profile")

    first = steps_client.free_times(tab)[0]
    expected = _slots(local_stack, expert, "Asia/Tokyo")[0]
    assert first.get_attribute("value") == expected["start_utc"]
    local = datetime.fromisoformat(expected["start"])
    assert local.utcoffset() == timedelta(hours=9)
    # Berlin's 09:00 is 17:00 (or 16:00 in summer) in Tokyo: the label reads the Tokyo time, 24-hour or 12-hour.
    label = steps_client.time_label(first)
    assert local.strftime("%H:%M") in label or local.strftime("%I:%M %p") in label, label


def test_booking_a_free_time_and_paying_by_card_leads_to_the_booking_page(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    run = _run()
    expert = _expert(local_stack, run, 0)
    _hours(local_stack, expert, "Europe/London")
    tab, client = _signed_in(browsers, local_stack, f"client-booker-{run}")
    name = f"Expert {run.capitalize()} A"
    steps_client.find_expert(tab, local_stack, f"topic {run}", name)
    first = steps_client.free_times(tab)[0].get_attribute("value")

    booking_id = steps_client.book_first_free_slot(tab)
    web.wait_text(tab, "Confirmed")
    assert web.text_shown(tab, "$90.00 held")  # 30 minutes at 3.00
    web.wait_text(tab, name)
    web.record_page(tab, "client-booking")
    booking = requests.get(f"{local_stack.info['api_url']}/bookings/{booking_id}", headers=client.auth, timeout=30)
    assert booking.status_code == 200, booking.text
    assert (booking.json()["status"], booking.json()["start"], booking.json()["amount"]) == ("confirmed", first, 9000)

    # It is in my upcoming bookings, with the expert's name.
    web.click(tab, "All my bookings")
    web.wait_heading(tab, "My bookings")
    web.wait_text(tab, f"with {name}")
    web.record_page(tab, "client-bookings")


def test_a_card_that_asks_for_3d_secure_is_confirmed_in_stripes_dialog_and_the_booking_goes_ahead(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    run = _run()
    expert = _expert(local_stack, run, 0)
    _hours(local_stack, expert, "Europe/London")
    tab, client = _signed_in(browsers, local_stack, f"client-secure-{run}")
    web.open_page(tab, local_stack, f"/e/{run}-0")
    booking_id = steps_client.book_first_free_slot(tab, card=steps_client.THREE_D_SECURE_CARD)
    web.wait_text(tab, "Confirmed")
    booking = requests.get(f"{local_stack.info['api_url']}/bookings/{booking_id}", headers=client.auth, timeout=30)
    assert booking.json()["status"] == "confirmed", booking.text


def _book(stack: LocalStack, expert: Person, client: Person, start: str) -> str:
    body = {"expert_id": expert.sub, "start": start, "minutes": 30, "kind": "paid", "payment_method_id": "pm_card_visa"}
    made = requests.post(f"{stack.info['api_url']}/bookings", json=body, headers=client.auth, timeout=60)
    assert made.status_code == 201, made.text
    return str(made.json()["appointment_id"])


def test_cancelling_a_booking_shows_what_it_costs_first_and_charges_exactly_that(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    run = _run()
    expert = _expert(local_stack, run, 0)
    # Free cancellation until 48 hours before: the first free time is within them, one ten days ahead is not.
    _hours(local_stack, expert, "UTC", cancel_cutoff_hours=48, late_cancel_share_bps=5000)
    tab, client = _signed_in(browsers, local_stack, f"client-canceller-{run}")
    slots = _slots(local_stack, expert, "UTC")
    soon = slots[0]
    later = next(s for s in slots if datetime.fromisoformat(s["start"]) > datetime.now(UTC) + timedelta(days=10))
    late_id, early_id = (
        _book(local_stack, expert, client, soon["start_utc"]),
        _book(local_stack, expert, client, later["start_utc"]),
    )

    # Ahead of the cut-off it costs nothing; the person keeps it after reading so.
    web.open_page(tab, local_stack, f"/bookings/{early_id}")
    web.wait_heading(tab, "Your booking")
    web.click(tab, "Cancel the booking")
    web.wait_text(tab, "Cancelling now costs nothing.")
    web.click(tab, "Keep the booking")
    web.wait_text(tab, "Confirmed")

    # Within it: half of 90.00, said before anything is done.
    web.open_page(tab, local_stack, f"/bookings/{late_id}")
    web.wait_heading(tab, "Your booking")
    web.click(tab, "Cancel the booking")
    web.wait_text(tab, "Cancelling now costs $45.00 (50% of the booking")
    web.record_page(tab, "client-cancel")
    booking = requests.get(f"{local_stack.info['api_url']}/bookings/{late_id}", headers=client.auth, timeout=30)
    assert booking.json()["status"] == "confirmed"  # nothing happened yet
    web.click(tab, "Yes, cancel the booking")
    web.wait_text(tab, "Cancelled")
    web.wait_text(tab, "$45.00 charged")
    cancelled = requests.get(f"{local_stack.info['api_url']}/bookings/{late_id}", headers=client.auth, timeout=30)
    assert (cancelled.json()["status"], cancelled.json()["charged"]) == ("cancelled", 4500)


def test_moving_a_booking_to_another_free_time_shows_the_new_time(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    run = _run()
    expert = _expert(local_stack, run, 0)
    _hours(local_stack, expert, "UTC", cancel_cutoff_hours=1)
    tab, client = _signed_in(browsers, local_stack, f"client-mover-{run}")
    slots = _slots(local_stack, expert, "UTC")
    booking_id = _book(local_stack, expert, client, slots[3]["start_utc"])
    web.open_page(tab, local_stack, f"/bookings/{booking_id}")
    web.wait_heading(tab, "Your booking")
    web.click(tab, "Move to another time")
    choices = steps_client.free_times(tab, "Choose the new time")
    [target] = [c for c in choices if c.get_attribute("value") == slots[6]["start_utc"]]
    target.click()
    web.click(tab, "Move the booking", within=tab.find_element("xpath", "//form[@aria-label='Move the booking']"))
    web.wait_for(
        "the booking's page showing the new time",
        lambda: tab.find_elements("xpath", f"//dd/time[@datetime='{slots[6]['start_utc']}']"),
        on_fail=lambda: web.state(tab),
    )
    moved = requests.get(f"{local_stack.info['api_url']}/bookings/{booking_id}", headers=client.auth, timeout=30)
    assert moved.json()["start"] == slots[6]["start_utc"]


async def _paid_call(stack: LocalStack, expert: Person, client: Person, clock: Path) -> str:
    """A ten-minute paid call through the WebSocket API; answers its session id once it ended."""
    _, client_socket, session_id = await _call_goes_active(stack, expert, client)
    clock.write_text(str(10 * 60))
    await client_socket.send({"action": "session.hang_up", "session_id": session_id})
    await client_socket.expect("session.ended")
    return str(session_id)


def test_the_client_rates_a_paid_call_and_the_review_shows_on_the_experts_profile(
    local_stack: LocalStack, browsers: Callable[[], Any], clock: Path
) -> None:
    run = _run()
    expert = _expert(local_stack, run, 0)
    tab, client = _signed_in(browsers, local_stack, f"client-rater-{run}")
    session_id = asyncio.run(_paid_call(local_stack, expert, client, clock))

    steps_client.rate_session(tab, local_stack, session_id, 4, "Clear answers and a plan.")
    web.record_page(tab, "client-review")
    reviews = requests.get(f"{local_stack.info['api_url']}/experts/{expert.sub}/reviews", timeout=30).json()["items"]
    assert [(r["session_id"], r["stars"], r["comment"]) for r in reviews] == [
        (session_id, 4, "Clear answers and a plan.")
    ]
    web.open_page(tab, local_stack, f"/e/{run}-0")
    web.wait_text(tab, "Clear answers and a plan.")
    assert web.text_shown(tab, "4.0 of 5 stars (1 review)")


def test_the_booking_page_offers_to_join_the_call_once_it_is_open_and_not_before(
    local_stack: LocalStack, browsers: Callable[[], Any], clock: Path
) -> None:
    run = _run()
    expert = _expert(local_stack, run, 0)
    _hours(local_stack, expert, "UTC")
    tab, client = _signed_in(browsers, local_stack, f"client-joiner-{run}")
    first = _slots(local_stack, expert, "UTC")[0]
    booking_id = _book(local_stack, expert, client, first["start_utc"])
    web.open_page(tab, local_stack, f"/bookings/{booking_id}")
    web.wait_text(tab, "You can join the call from")
    assert not tab.find_elements("xpath", "//a[normalize-space()='Join the call']")

    start = datetime.fromisoformat(first["start_utc"].replace("Z", "+00:00"))
    clock.write_text(str(int((start - timedelta(minutes=5) - datetime.now(UTC)).total_seconds())))
    tab.refresh()
    link = web.button(tab, "Join the call")
    assert str(link.get_attribute("href")).endswith(f"/bookings/{booking_id}/join")
