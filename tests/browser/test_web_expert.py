"""The expert's pages in a real browser on the local stack: the profile editor (counters, a refused
field's message beside it, the photo uploaded straight to S3 with progress, the personal link copied),
weekly availability in the expert's own zone, Stripe Connect onboarding and the earnings after a
paid call."""

from __future__ import annotations

import asyncio
import struct
import uuid
import zlib
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import requests
from selenium.webdriver.common.by import By

from tests.browser import steps_expert, web
from tests.stack.conftest import Person, new_person
from tests.stack.test_paid_call_journey import _call_goes_active

if TYPE_CHECKING:
    from tests.stack.conftest import LocalStack

pytestmark = pytest.mark.stack
PASSWORD = "Stack-person-2026"


def small_png(path: Path) -> Path:
    """A 4 x 4 opaque PNG, written by hand (signature, IHDR, one IDAT, IEND)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\x1f\x4e\x79" * 4 for _ in range(4))  # filter byte, then RGB pixels
    header = struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    )
    return path


def person(stack: LocalStack, role: str) -> Person:
    return new_person(stack, f"web-expert-{role}-{uuid.uuid4().hex[:8]}@example.com")


def expert_by_api(stack: LocalStack, rate: int = 300) -> tuple[Person, str]:
    """An expert whose profile was written through the API (as the stack journeys do); answers them and the slug."""
    expert = person(stack, "api")
    slug = steps_expert.slug_for("Api Expert")
    profile: dict[str, Any] = {"slug": slug, "name": "Api Expert", "categories": ["career"], "languages": ["en"],
               "currency": "USD", "rate_per_minute": rate, "free_minutes": 0}  # fmt: skip
    put = requests.put(f"{stack.info['api_url']}/experts/me", json=profile, headers=expert.auth, timeout=30)
    assert put.status_code == 200, put.text
    return expert, slug


def signed_in(browsers: Callable[[], Any], stack: LocalStack, who: Person) -> Any:
    tab = browsers()
    web.sign_in(tab, stack, who.email, PASSWORD)
    return tab


def message_of(driver: Any, label: str) -> str:
    """The texts that describe the control labelled ``label`` (its hint, counter and refusal)."""
    control = web.field(driver, label)
    ids = (control.get_attribute("aria-describedby") or "").split()
    return " | ".join(driver.find_element(By.ID, i).text for i in ids)


def public_profile(stack: LocalStack, slug: str) -> dict[str, Any]:
    found = requests.get(f"{stack.info['api_url']}/experts/by-slug/{slug}", timeout=30)
    assert found.status_code == 200, found.text
    return dict(found.json())


def test_the_profile_editor_counts_characters_puts_a_refusal_beside_its_field_and_saves_a_copyable_link(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    tab = signed_in(browsers, local_stack, person(local_stack, "editor"))
    steps_expert.open_profile(tab, local_stack)
    slug = steps_expert.slug_for("Rosa Editor")
    steps_expert.fill_profile(tab, name="Rosa Editor", slug=slug)
    assert "31 of 500 characters" in message_of(tab, "What you offer")  # "Mock interviews and CV reviews."
    web.fill(tab, "Description", "Write to me at rosa@example.com for a chat.")
    web.record_page(tab, "expert-profile")
    web.click(tab, "Save profile")
    refused = "may not carry contact details"
    web.wait_for("the refusal", lambda: refused in message_of(tab, "Description"), on_fail=lambda: web.state(tab))
    assert refused not in message_of(tab, "What you offer")
    assert not web.text_shown(tab, "Profile saved.")

    web.fill(tab, "Description", "Ten years hiring engineers.")
    link = steps_expert.save_profile(tab)
    assert link == local_stack.info["web_url"].rstrip("/") + f"/e/{slug}"
    tab.execute_cdp_cmd(
        "Browser.grantPermissions",
        {
            "origin": local_stack.info["web_url"].rstrip("/"),
            "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"],
        },
    )
    web.click(tab, "Copy link")
    web.wait_text(tab, "Link copied.")
    copied = tab.execute_async_script("navigator.clipboard.readText().then(arguments[0], e => arguments[0]('' + e))")
    assert copied == link
    saved = public_profile(local_stack, slug)
    assert (saved["name"], saved["currency"], saved["rate_per_minute"], saved["free_minutes"]) == (
        "Rosa Editor", "USD", 300, 2,
    )  # fmt: skip
    assert (saved["description"], saved["tags"]) == ("Ten years hiring engineers.", ["interviews", "cv"])


def test_a_photo_upload_shows_its_progress_and_the_photo_is_on_the_public_profile(
    local_stack: LocalStack, browsers: Callable[[], Any], tmp_path: Path
) -> None:
    photo = small_png(tmp_path / "portrait.png")
    tab = signed_in(browsers, local_stack, person(local_stack, "photo"))
    steps_expert.open_profile(tab, local_stack)
    steps_expert.fill_profile(tab, name="Pia Photo", slug=steps_expert.slug_for("Pia Photo"))
    shown = steps_expert.upload_photo(tab, photo)
    assert shown, "no progress bar was shown"
    assert all(label.startswith("Uploading: ") for label in shown), shown
    link = steps_expert.save_profile(tab)

    image = web.wait_for(
        "the saved photo shown", lambda: tab.find_elements(By.XPATH, "//img[@alt='Your photo, as clients see it']")
    )[0]
    web.wait_for("the photo loaded", lambda: tab.execute_script("return arguments[0].naturalWidth", image) == 4)
    public = public_profile(local_stack, link.rsplit("/", 1)[1])
    assert public["photo_url"], public
    served = requests.get(public["photo_url"], timeout=30)
    assert (served.status_code, served.content) == (200, photo.read_bytes())


def test_weekly_hours_are_saved_in_the_zone_the_expert_picks_and_clients_get_them_in_theirs(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    expert, _ = expert_by_api(local_stack)
    tab = signed_in(browsers, local_stack, expert)
    web.open_page(tab, local_stack, "/expert/availability")
    web.wait_heading(tab, "Your availability")
    browser_zone = tab.execute_script("return Intl.DateTimeFormat().resolvedOptions().timeZone")
    assert web.field(tab, "Time zone").get_attribute("value") == browser_zone
    web.record_page(tab, "expert-availability")
    web.choose(tab, "Time zone", "Asia/Tokyo")
    steps_expert.set_weekly_availability(tab, ["monday", "wednesday"], "09:00", "11:00")
    assert web.text_shown(tab, "Availability saved, in Asia/Tokyo time.")

    api = local_stack.info["api_url"]
    saved = requests.get(f"{api}/experts/me/availability", headers=expert.auth, timeout=30).json()
    assert saved["time_zone"] == "Asia/Tokyo"
    assert {day: hours for day, hours in saved["weekly_hours"].items() if hours} == {
        "monday": ["09:00-11:00"], "wednesday": ["09:00-11:00"],
    }  # fmt: skip
    monday = date.today() + timedelta(days=7 - date.today().weekday() + 7)  # a Monday next week or the one after
    slots = requests.get(
        f"{api}/experts/{expert.sub}/slots",
        params={"from": monday.isoformat(), "to": monday.isoformat(), "tz": "Asia/Tokyo", "minutes": "60"},
        timeout=30,
    ).json()["slots"]
    assert [slot["start_utc"] for slot in slots] == [
        f"{monday.isoformat()}T00:00:00Z",
        f"{monday.isoformat()}T01:00:00Z",
    ]


def test_overlapping_hours_are_refused_beside_their_day(local_stack: LocalStack, browsers: Callable[[], Any]) -> None:
    expert, _ = expert_by_api(local_stack)
    tab = signed_in(browsers, local_stack, expert)
    web.open_page(tab, local_stack, "/expert/availability")
    web.wait_heading(tab, "Your availability")
    web.click(tab, "Add hours on Tuesday")
    web.fill(tab, "Tuesday from", "09:00")
    web.fill(tab, "Tuesday until", "12:00")
    web.click(tab, "Add hours on Tuesday")
    web.fill(tab, "Tuesday, hours 2 from", "11:00")
    web.fill(tab, "Tuesday, hours 2 until", "13:00")
    web.click(tab, "Save availability")
    tuesday = tab.find_element(By.XPATH, "//fieldset[legend[normalize-space()='Tuesday']]")
    web.wait_for(
        "the refusal beside Tuesday",
        lambda: "The ranges 09:00-12:00 and 11:00-13:00 overlap." in tuesday.text,
        on_fail=lambda: web.state(tab),
    )
    monday = tab.find_element(By.XPATH, "//fieldset[legend[normalize-space()='Monday']]")
    assert "overlap" not in monday.text
    refused = requests.get(f"{local_stack.info['api_url']}/experts/me/availability", headers=expert.auth, timeout=30)
    assert refused.status_code == 404


def test_connecting_with_stripe_comes_back_to_the_earnings_page_with_the_account_connected(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    expert, _ = expert_by_api(local_stack)
    tab = signed_in(browsers, local_stack, expert)
    web.open_page(tab, local_stack, "/expert/earnings")
    web.wait_text(tab, "Not connected: set up payouts with Stripe to be paid.")
    web.record_page(tab, "expert-earnings")
    web.choose(tab, "Country of your bank account", "United Kingdom")
    steps_expert.onboard_connect(tab)
    web.record_page(tab, "expert-payouts-connected")
    assert web.text_shown(tab, "You are back from Stripe.")
    status = requests.get(f"{local_stack.info['api_url']}/experts/me/payouts", headers=expert.auth, timeout=30).json()
    assert (status["onboarding"], status["payouts_enabled"], status["country"]) == ("complete", True, "GB")


async def _paid_call(stack: LocalStack, expert: Person, client: Person, clock: Path, seconds: int) -> dict[str, Any]:
    """A video call from request to hang-up over WebSockets, ``seconds`` long by the stack's clock."""
    _, client_socket, session_id = await _call_goes_active(stack, expert, client)
    clock.write_text(str(seconds))
    await client_socket.send({"action": "session.hang_up", "session_id": session_id})
    return await client_socket.expect("session.ended")


def test_the_earnings_of_a_paid_call_show_as_pending_on_the_earnings_page(
    local_stack: LocalStack, browsers: Callable[[], Any], clock: Path
) -> None:
    expert, _ = expert_by_api(local_stack, rate=300)
    tab = signed_in(browsers, local_stack, expert)
    before = steps_expert.read_earnings(tab, local_stack)
    assert before == {}
    assert web.text_shown(tab, "No earnings yet")

    ended = asyncio.run(_paid_call(local_stack, expert, person(local_stack, "client"), clock, 9 * 60 + 30))
    assert ended["bill"]["amount"] == 3_000  # 10 started minutes at 3.00; the expert earns 90 %
    figures = steps_expert.read_earnings(tab, local_stack)
    web.record_page(tab, "expert-earnings-after-call")
    assert figures == {"Pending": "$27.00", "Available": "$0.00", "Frozen": "$0.00", "On the way": "$0.00",
                       "Paid": "$0.00"}  # fmt: skip
    week = tab.find_element(By.XPATH, "//table//tbody/tr[1]").text
    assert "$27.00" in week


def test_the_dashboard_shows_the_personal_link_and_leads_to_every_expert_page_and_the_calls_page(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    expert, slug = expert_by_api(local_stack)
    tab = signed_in(browsers, local_stack, expert)
    web.open_page(tab, local_stack, "/expert")
    web.wait_heading(tab, "Your expert dashboard")
    assert steps_expert.personal_link(tab) == local_stack.info["web_url"].rstrip("/") + f"/e/{slug}"
    web.record_page(tab, "expert-dashboard")
    pages = tab.find_elements(By.XPATH, "//ul[contains(@class, 'expert-pages')]//a")
    assert {a.text: a.get_attribute("pathname") for a in pages} == {
        "Profile": "/expert/profile", "Availability": "/expert/availability", "Calls": "/calls",
        "Services": "/expert/services", "Session links": "/expert/links", "Articles": "/expert/articles",
        "Documents": "/expert/documents", "Earnings and payouts": "/expert/earnings",
    }  # fmt: skip
    web.click(tab, "Calls", within=tab.find_element(By.XPATH, "//ul[contains(@class, 'expert-pages')]"))
    web.wait_heading(tab, "Calls")


def test_a_service_with_an_upfront_hold_and_a_meeting_is_offered_after_its_refused_meeting_link_is_fixed(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    expert, _ = expert_by_api(local_stack)
    tab = signed_in(browsers, local_stack, expert)
    web.open_page(tab, local_stack, "/expert/services")
    web.wait_text(tab, "You offer no services yet.")
    web.click(tab, "Add a service")
    web.fill(tab, "Service name", "CV review")
    web.fill(tab, "Service link name", "cv-review")
    web.fill(tab, "Service description", "A written review of your CV within two days.")
    web.fill(tab, "Upfront hold (USD)", "150.00")
    web.fill(tab, "Ongoing rate (USD)", "90")
    web.fill(tab, "Meeting link", "http://meet.example.com/cv")
    web.fill(tab, "Meeting length (minutes)", "45")
    web.record_page(tab, "expert-services")
    web.click(tab, "Add service")
    web.wait_for("the refusal", lambda: "https" in message_of(tab, "Meeting link"), on_fail=lambda: web.state(tab))
    assert "https" not in message_of(tab, "Service description")

    web.fill(tab, "Meeting link", "https://meet.example.com/cv")
    web.click(tab, "Add service")
    web.wait_text(tab, "CV review saved.")
    assert web.text_shown(tab, "$150.00")
    [service] = requests.get(
        f"{local_stack.info['api_url']}/experts/me/services", headers=expert.auth, timeout=30
    ).json()["services"]
    assert (service["upfront_hold"], service["ongoing_rate"]) == (15_000, {"amount": 9_000, "unit": "hour"})
    assert service["meeting"] == {"location_url": "https://meet.example.com/cv", "duration_minutes": 45}


def test_a_free_session_link_is_made_and_listed_under_the_permanent_paid_link(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    expert, _ = expert_by_api(local_stack)
    tab = signed_in(browsers, local_stack, expert)
    web.open_page(tab, local_stack, "/expert/links")
    web.wait_text(tab, "No free links yet.")
    web.record_page(tab, "expert-links")
    web.click(tab, "Make a free link")
    web.wait_text(tab, "not used yet")
    links = requests.get(f"{local_stack.info['api_url']}/experts/me/session-links", headers=expert.auth, timeout=30)
    paid, [free] = links.json()["paid_link"], links.json()["free_links"]
    hrefs = [a.get_attribute("href") for a in tab.find_elements(By.XPATH, "//a[contains(@href, '/call?')]")]
    base = local_stack.info["web_url"].rstrip("/")
    assert hrefs == [f"{base}/call?expert={expert.sub}&link={paid['link_id']}",
                     f"{base}/call?expert={expert.sub}&link={free['link_id']}"]  # fmt: skip


def test_a_date_off_has_no_slots_and_a_date_with_other_hours_has_only_those(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    expert, _ = expert_by_api(local_stack)
    tab = signed_in(browsers, local_stack, expert)
    web.open_page(tab, local_stack, "/expert/availability")
    web.wait_heading(tab, "Your availability")
    web.choose(tab, "Time zone", "Asia/Tokyo")
    monday = date.today() + timedelta(days=7 - date.today().weekday() + 7)
    web.click(tab, "Add a date")
    web.fill(tab, "Date 1", monday.isoformat())  # no hours: a day off
    web.click(tab, "Add a date")
    web.fill(tab, "Date 2", (monday + timedelta(days=1)).isoformat())
    web.click(tab, "Add hours on date 2")
    web.fill(tab, "Hours on date 2 from", "14:00")
    web.fill(tab, "Hours on date 2 until", "15:00")
    web.record_page(tab, "expert-availability-dates")
    steps_expert.set_weekly_availability(tab, ["monday", "tuesday"], "09:00", "10:00")

    next_monday = monday + timedelta(days=7)
    slots = requests.get(
        f"{local_stack.info['api_url']}/experts/{expert.sub}/slots",
        params={"from": monday.isoformat(), "to": next_monday.isoformat(), "tz": "Asia/Tokyo", "minutes": "60"},
        timeout=30,
    ).json()["slots"]
    tuesday = monday + timedelta(days=1)
    assert [slot["start"] for slot in slots] == [
        f"{tuesday.isoformat()}T14:00:00+09:00",  # the date's own hours, not the weekly 09:00
        f"{next_monday.isoformat()}T09:00:00+09:00",  # the weekly hours again, the week after the day off
    ], slots
